"""Three-level linkage (district - street - community): where escalated issues go.

Core objects: ``escalate`` (open issues too old for the community go up to its
street) and ``answer`` (streets, then the district, take up and answer escalated
issues), called from ``issues.resolve`` (schedule step 7).

Rule (docs/ODD.md, submodel 7.7; keys ``frictions.linkage``):

- An open issue older than ``escalation_age`` weeks is escalated to the street of its
  community (communities are assigned evenly to ``population.streets`` streets).
- Each week each street takes up the escalated issues waiting for it, oldest first,
  at most ``street_capacity`` of them (no limit when unset).
- ``response_delay`` weeks after take-up, the street answers: with probability
  ``answer_probability`` it resolves the issue; otherwise the issue goes up to the
  district when there is one (``district_answer_probability`` > 0), or is closed
  unanswered.
- The district takes up at most ``district_capacity`` issues a week (no limit when
  unset), oldest first, and ``district_delay`` weeks later resolves each with
  probability ``district_answer_probability``, otherwise closes it unanswered.

Source: the thesis names an "imperfect three-level linkage system" as a problem;
Beijing's 2018 reform ("street whistles, departments report") makes departments
answer what the street cannot solve (../shared/notes/domain-facts.md). The queue,
capacity and probability rules are assumptions of the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

# The issue book calls this module from issues.resolve: import the module, not names,
# so the two can import each other.
from govsim.sim import issues

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel
    from govsim.sim.issues import IssueBook, StepLedger

__all__ = ["answer", "escalate", "street_of"]

#: Levels an escalated issue can wait at (``IssueBook.level``).
STREET, DISTRICT = 1, 2


def street_of(community: np.ndarray, communities: int, streets: int) -> np.ndarray:
    """The street of each community: communities are split evenly, in order."""
    return (np.asarray(community) * streets) // communities


def escalate(model: GovernanceModel) -> np.ndarray:
    """Open issues older than ``escalation_age`` go up to their street; returns them."""
    book, linkage = model.issues, model.settings.frictions.linkage
    open_now = book.open_issues()
    late = open_now[model.week - book.arrived[open_now] >= linkage.escalation_age]
    book.status[late] = issues.ESCALATED
    book.escalated_at[late] = model.week
    book.level[late] = STREET
    book.taken_at[late] = -1
    book.escalated_total += book.counted(late).size
    return late


def _take_up(
    book: IssueBook, waiting: np.ndarray, desk: np.ndarray, capacity: int | None, week: int
) -> None:
    """Each desk (a street or the district) takes up at most ``capacity`` issues, oldest first."""
    if waiting.size == 0:
        return
    if capacity is None:
        book.taken_at[waiting] = week
        return
    order = np.argsort(book.escalated_at[waiting], kind="stable")
    waiting, desk = waiting[order], desk[order]
    slots = np.full(int(desk.max()) + 1, float(capacity))
    taken = issues.allocate_in_order(desk, np.ones(waiting.size), slots) > 0.5
    book.taken_at[waiting[taken]] = week


def _serve(
    model: GovernanceModel,
    pending: np.ndarray,
    level: int,
    rule: tuple[int | None, int, float],
    ledger: StepLedger,
) -> np.ndarray:
    """One level (the streets, or the district) takes up, answers and resolves issues.

    Args:
        model: the model.
        pending: escalated issues (any level).
        level: ``STREET`` or ``DISTRICT``.
        rule: (capacity a desk takes up a week, delay in weeks, answer probability).
        ledger: this week's record of closed issues.

    Returns:
        The issues this level answered this week without resolving them.
    """
    book, week = model.issues, model.week
    capacity, delay, probability = rule
    here = pending[book.level[pending] == level]
    if here.size == 0:
        return here
    if level == STREET:
        population = model.population
        desk = street_of(
            book.community[here], population.n_communities, model.settings.population.streets
        )
    else:
        desk = np.zeros(here.size, np.int64)  # one district
    waiting = book.taken_at[here] < 0
    _take_up(book, here[waiting], desk[waiting], capacity, week)
    due = here[(book.taken_at[here] >= 0) & (week - book.taken_at[here] >= delay)]
    if due.size == 0:
        return due
    answered = model.rng.random(due.size) < probability
    resolved_by = issues.BY_STREET if level == STREET else issues.BY_DISTRICT
    _close(book, due[answered], (issues.RESOLVED, resolved_by), week, ledger)
    return due[~answered]


def answer(model: GovernanceModel, ledger: StepLedger) -> None:
    """Streets and the district take up and answer escalated issues (see module docstring)."""
    book, linkage = model.issues, model.settings.frictions.linkage
    week = model.week
    pending = book.active[book.status[book.active] == issues.ESCALATED]
    street_rule = (linkage.street_capacity, linkage.response_delay, linkage.answer_probability)
    refused = _serve(model, pending, STREET, street_rule, ledger)
    if linkage.district_answer_probability <= 0:  # no district level: refusals are final
        _close(book, refused, (issues.UNANSWERED, issues.BY_STREET), week, ledger)
        return
    book.level[refused] = DISTRICT
    book.taken_at[refused] = -1
    book.escalated_at[refused] = week
    book.passed_to_district += book.counted(refused).size
    district_rule = (
        linkage.district_capacity,
        linkage.district_delay,
        linkage.district_answer_probability,
    )
    refused = _serve(model, pending, DISTRICT, district_rule, ledger)
    _close(book, refused, (issues.UNANSWERED, issues.BY_DISTRICT), week, ledger)


def _close(
    book: IssueBook, closing: np.ndarray, outcome: tuple[int, int], week: int, ledger: StepLedger
) -> None:
    """Close issues with ``outcome`` = (status, level that closed them)."""
    status, level = outcome
    if closing.size == 0:
        return
    book.status[closing] = status
    book.closed_at[closing] = week
    if status == issues.RESOLVED:
        book.resolved_by[closing] = level
        book.resolved_above += book.counted(closing).size
        ledger.resolved = np.concatenate([ledger.resolved, closing])
    else:
        book.unanswered_total += book.counted(closing).size
        ledger.unanswered = np.concatenate([ledger.unanswered, closing])
