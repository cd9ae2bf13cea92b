"""Population: the state of every agent, held as a struct of numpy arrays.

Core objects: ``Residents``, ``Units``, ``Cores`` (one array per state variable,
indexed by agent), ``Population`` (the three tables plus the tie matrices) and the
builders of each table (``build_residents``, ``build_units``, ``build_cores``; the whole
population with its ties is built by model/sim/initial.py).

Mesa agents (model/sim/agents.py) are thin views over these arrays, so the step can
be written as a handful of vectorised operations (docs/ARCHITECTURE.md).

Node ids of the community graph: residents ``0..R-1``, then one core per
community ``R..R+C-1``, then units ``R+C..R+C+U-1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import scipy.sparse as sp

from govsim.scenario import Scenario

__all__ = [
    "KINDS",
    "UNIT_KINDS",
    "Cores",
    "Population",
    "Residents",
    "Units",
    "beta_with_mean",
    "build_cores",
    "build_residents",
    "build_units",
]

#: The five kinds of governance subject, in a fixed order used by every per-kind array.
KINDS = ("party_organisation", "stationed_unit", "enterprise", "social_organisation", "resident")
#: The three kinds of co-construction unit, as codes 1..3 in ``Units.kind``.
UNIT_KINDS = ("stationed_unit", "enterprise", "social_organisation")
PARTY, STATIONED, ENTERPRISE, SOCIAL, RESIDENT = range(5)

NEVER = -(10**9)


class _Table:
    """Common helpers of the array tables."""

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))  # type: ignore[arg-type]

    def columns(self) -> list[str]:
        """Names of the state arrays."""
        return [f.name for f in fields(self)]  # type: ignore[arg-type]


@dataclass(eq=False)
class Residents(_Table):
    """Resident households: one entry per household, index = graph node id."""

    community: np.ndarray
    block: np.ndarray
    party_member: np.ndarray
    retired: np.ndarray
    member: np.ndarray
    disposition: np.ndarray
    availability: np.ndarray
    efficacy: np.ndarray
    efficacy_baseline: np.ndarray
    trust: np.ndarray
    trust_baseline: np.ndarray
    satisfaction: np.ndarray
    satisfaction_baseline: np.ndarray
    opinion: np.ndarray
    threshold: np.ndarray
    points: np.ndarray
    points_earned: np.ndarray
    has_redeemed: np.ndarray
    mobilised: np.ndarray
    invited: np.ndarray
    participating: np.ndarray
    participated_last: np.ndarray
    last_participation: np.ndarray
    participations: np.ndarray
    habit: np.ndarray
    history: np.ndarray
    last_asked: np.ndarray
    last_meeting: np.ndarray


@dataclass(eq=False)
class Units(_Table):
    """Co-construction units (stationed units, enterprises, social organisations)."""

    kind: np.ndarray
    community: np.ndarray
    block: np.ndarray
    resources: np.ndarray
    commitment: np.ndarray
    commitment_baseline: np.ndarray
    has_branch: np.ndarray
    in_committee: np.ndarray
    chair: np.ndarray
    chair_start_commitment: np.ndarray
    partner: np.ndarray
    contribution: np.ndarray
    contribution_period: np.ndarray
    assessment_score: np.ndarray


@dataclass(eq=False)
class Cores(_Table):
    """Community party organisations: one per community."""

    capacity: np.ndarray
    admin_share: np.ndarray
    free_capacity: np.ndarray
    capacity_left: np.ndarray
    block: np.ndarray


@dataclass(eq=False)
class Population:
    """All agent state plus the tie matrices.

    Attributes:
        residents, units, cores: the state tables.
        resident_ties: symmetric CSR (R x R) of tie strengths in (0, 1].
        unit_ties: CSR (U x R), 1 where a unit is tied to a resident.
        core_ties: CSR (C x R), 1 where a core is tied to a resident (party members).
        blocks: number of blocks; ``block_community[b]`` is the community of block b.
    """

    residents: Residents
    units: Units
    cores: Cores
    resident_ties: sp.csr_matrix
    unit_ties: sp.csr_matrix
    core_ties: sp.csr_matrix
    block_community: np.ndarray
    community_residents: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_residents(self) -> int:
        """Number of resident households."""
        return len(self.residents.block)

    @property
    def n_communities(self) -> int:
        """Number of communities (one core each)."""
        return len(self.cores.capacity)

    @property
    def n_units(self) -> int:
        """Number of co-construction units."""
        return len(self.units.kind)

    @property
    def n_blocks(self) -> int:
        """Number of blocks over all communities."""
        return len(self.block_community)

    def core_node(self, community: int | np.ndarray) -> int | np.ndarray:
        """Graph node id of the core of a community."""
        return self.n_residents + community

    def unit_node(self, unit: int | np.ndarray) -> int | np.ndarray:
        """Graph node id of a unit."""
        return self.n_residents + self.n_communities + unit


def beta_with_mean(
    rng: np.random.Generator, mean: float, concentration: float, size: int
) -> np.ndarray:
    """Draw from Beta(mean * k, (1 - mean) * k); degenerate means give constants."""
    if mean <= 0.0:
        return np.zeros(size)
    if mean >= 1.0:
        return np.ones(size)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size)


def _beta_each(rng: np.random.Generator, means: np.ndarray, concentration: float) -> np.ndarray:
    """One ``beta_with_mean(rng, m, concentration, 1)`` draw per mean, in order, in one call.

    Degenerate means (0 or 1) give constants without drawing, as in ``beta_with_mean``.
    """
    out = np.where(means >= 1.0, 1.0, 0.0)
    drawn = (means > 0.0) & (means < 1.0)
    m = means[drawn]
    out[drawn] = rng.beta(m * concentration, (1.0 - m) * concentration)
    return out


def _community_sizes(residents: int, communities: int) -> np.ndarray:
    base, extra = divmod(residents, communities)
    return np.array([base + (c < extra) for c in range(communities)], dtype=np.int64)


def _layout_blocks(sizes: np.ndarray, block_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Assign consecutive residents of each community to blocks of ``block_size``."""
    community = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    offset = np.arange(community.size) - start[community]
    blocks_per = -(-sizes // block_size)
    block_start = np.concatenate([[0], np.cumsum(blocks_per)[:-1]])
    block = (block_start[community] + offset // block_size).astype(np.int32)
    block_community = np.repeat(np.arange(len(sizes), dtype=np.int32), blocks_per)
    return community, block, block_community


def build_residents(scenario: Scenario, rng: np.random.Generator) -> tuple[Residents, np.ndarray]:
    """The residents' initial state (ODD 5), and the community of every block."""
    pop = scenario.population
    traits = pop.traits
    n = pop.residents
    sizes = _community_sizes(n, pop.communities)
    community, block, block_community = _layout_blocks(sizes, pop.block_size)
    k = traits.heterogeneity
    party = rng.random(n) < pop.party_member_share
    retired = rng.random(n) < pop.retired_share
    disposition = beta_with_mean(rng, traits.disposition_mean, k, n)
    disposition = np.minimum(1.0, disposition + party * traits.party_disposition_bonus)
    efficacy = beta_with_mean(rng, traits.efficacy_mean, k, n)
    satisfaction = beta_with_mean(rng, traits.satisfaction_mean, k, n)
    availability = np.where(
        retired,
        beta_with_mean(rng, traits.retired_availability_mean, k, n),
        beta_with_mean(rng, traits.availability_mean, k, n),
    )
    trust = beta_with_mean(rng, scenario.frictions.cohesion.initial_trust, k, n)
    opinion = rng.uniform(traits.opinion_low, traits.opinion_high, n)
    # Drawn last, and only when some households are not members, so that scenarios
    # without associations keep their random stream.
    if pop.membership_share < 1.0:
        member = rng.random(n) < pop.membership_share
    else:
        member = np.ones(n, dtype=bool)
    residents = Residents(
        community=community,
        block=block,
        party_member=party,
        retired=retired,
        member=member,
        disposition=disposition,
        availability=availability,
        efficacy=efficacy,
        efficacy_baseline=efficacy.copy(),
        trust=trust,
        trust_baseline=trust.copy(),
        satisfaction=satisfaction,
        satisfaction_baseline=satisfaction.copy(),
        opinion=opinion,
        threshold=np.zeros(n),
        points=np.zeros(n),
        points_earned=np.zeros(n),
        has_redeemed=np.zeros(n, dtype=bool),
        mobilised=np.zeros(n, dtype=bool),
        invited=np.zeros(n, dtype=bool),
        participating=np.zeros(n, dtype=bool),
        participated_last=np.zeros(n, dtype=bool),
        last_participation=np.full(n, NEVER, dtype=np.int64),
        participations=np.zeros(n, dtype=np.int64),
        habit=np.zeros(n),
        history=np.zeros(n, dtype=np.uint64),
        last_asked=np.full(n, NEVER, dtype=np.int64),
        last_meeting=np.full(n, NEVER, dtype=np.int64),
    )
    return residents, block_community


def build_units(scenario: Scenario, rng: np.random.Generator, block_community: np.ndarray) -> Units:
    """The co-construction units' initial state (ODD 5): kinds, resources, commitment, branches."""
    communities = scenario.population.communities
    specs = scenario.population.units
    kind, community = [], []
    for code, name in enumerate(UNIT_KINDS, start=1):
        count = getattr(specs, name).count
        kind.append(np.full(count * communities, code, dtype=np.int8))
        community.append(np.repeat(np.arange(communities, dtype=np.int32), count))
    kind_arr = np.concatenate(kind) if kind else np.zeros(0, dtype=np.int8)
    community_arr = np.concatenate(community) if community else np.zeros(0, dtype=np.int32)
    n = kind_arr.size
    spec_of = [getattr(specs, name) for name in UNIT_KINDS]
    mean_resources = np.array([s.resources for s in spec_of])[kind_arr - 1]
    mean_commitment = np.array([s.commitment for s in spec_of])[kind_arr - 1]
    branch_share = np.array([s.branch_share for s in spec_of])[kind_arr - 1]
    # Resources vary between units (Gamma, shape 4: CV 0.5) around the kind's mean.
    resources = rng.gamma(4.0, 1.0, n) * mean_resources / 4.0
    commitment = _beta_each(rng, mean_commitment, scenario.population.traits.heterogeneity)
    # Each unit's home block: a uniform block of its community (blocks are numbered by
    # community, so community c owns blocks first[c] .. first[c + 1] - 1).
    first = np.searchsorted(block_community, np.arange(communities + 1))
    block = (first[community_arr] + rng.integers(0, np.diff(first)[community_arr])).astype(np.int32)
    partner = np.zeros(n, dtype=bool)
    share = scenario.mechanisms.integral_scoring.partner_share
    enterprises = np.flatnonzero(kind_arr == ENTERPRISE)
    order = np.argsort(community_arr[enterprises], kind="stable")
    cuts = np.searchsorted(community_arr[enterprises][order], np.arange(1, communities))
    for members in np.split(enterprises[order], cuts):  # community by community
        chosen = rng.permutation(members)[: round(share * members.size)]
        partner[chosen] = True
    return Units(
        kind=kind_arr,
        community=community_arr,
        block=block,
        resources=resources,
        commitment=commitment,
        commitment_baseline=commitment.copy(),
        has_branch=rng.random(n) < branch_share,
        in_committee=np.zeros(n, dtype=bool),
        chair=np.zeros(n, dtype=bool),
        chair_start_commitment=np.zeros(n),
        partner=partner,
        contribution=np.zeros(n),
        contribution_period=np.zeros(n),
        assessment_score=np.zeros(n),
    )


def build_cores(scenario: Scenario, block_community: np.ndarray) -> Cores:
    """One core per community: its capacity and administrative burden."""
    c = scenario.population.communities
    first_block = np.searchsorted(block_community, np.arange(c))
    return Cores(
        capacity=np.full(c, scenario.population.core.capacity),
        admin_share=np.full(c, scenario.frictions.admin_burden),
        free_capacity=np.zeros(c),
        capacity_left=np.zeros(c),
        block=first_block.astype(np.int32),
    )
