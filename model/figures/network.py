"""The community network of a run, and the one sampler of big networks.

Core objects: ``sample_blocks`` (whole communities in random order, whole blocks in
random order within each, up to a budget of nodes: the sample that both
``network_figure`` and the dashboard draw), ``network_sample`` (that sample of a
networkx graph) and ``network_figure`` (the community graph coloured by kind of
subject, with a seeded layout).
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from govsim.figures.palette import KIND_COLOURS
from govsim.text import display_name, say

__all__ = ["network_figure", "network_sample", "sample_blocks"]

#: Where a sample of whole blocks stops: once it holds this share of the budget.
_FULL_ENOUGH = 0.9
_NONE = np.zeros(0, np.int64)


def sample_blocks(
    block_start: np.ndarray,
    first_block: np.ndarray,
    fixed: Sequence[int],
    max_nodes: int,
    rng: np.random.Generator,
    *,
    cut_last_block: bool = False,
) -> list[tuple[int, np.ndarray]]:
    """A seeded sample of whole communities and blocks, up to ``max_nodes`` nodes.

    Residents are laid out block after block, and blocks community after community:
    block b holds the residents at positions ``block_start[b]`` to
    ``block_start[b + 1]``, community c the blocks ``first_block[c]`` to
    ``first_block[c + 1]``. Communities are taken in random order, each with its
    ``fixed[c]`` organisations (core and units) and then its blocks in random order,
    while they fit. Whole blocks keep the structure a reader looks for: clustering
    inside blocks, bridges between them, units' reach.

    Args:
        block_start: offsets of the blocks' residents (n_blocks + 1).
        first_block: offsets of the communities' blocks (n_communities + 1).
        fixed: nodes that come with each community whatever is sampled of it.
        max_nodes: the budget of nodes.
        rng: the sample's random stream (a community permutation, then one block
            permutation per community visited).
        cut_last_block: fill the budget exactly, cutting the block that no longer
            fits, and take a community only while its organisations fit (the
            dashboard); otherwise (a figure) blocks stay whole and the sample stops
            at the first community after which it holds 90% of the budget.

    Returns:
        The communities drawn, in the order drawn, each with the positions of its
        residents drawn (block by block, in the order drawn).
    """
    used = 0
    drawn: list[tuple[int, np.ndarray]] = []
    for community in rng.permutation(len(first_block) - 1).tolist():
        if cut_last_block and used + fixed[community] >= max_nodes:
            break
        used += fixed[community]
        residents: list[np.ndarray] = []
        blocks = rng.permutation(np.arange(first_block[community], first_block[community + 1]))
        for block in blocks.tolist():
            start, end = int(block_start[block]), int(block_start[block + 1])
            room = max_nodes - used
            if end - start > room:
                if cut_last_block:
                    residents.append(np.arange(start, start + room))
                    used += room
                break
            residents.append(np.arange(start, end))
            used += end - start
        drawn.append((community, np.concatenate(residents) if residents else _NONE))
        if not cut_last_block and used >= _FULL_ENOUGH * max_nodes:
            break
    return drawn


def network_sample(graph: nx.Graph, max_nodes: int, seed: int) -> tuple[nx.Graph, str]:
    """The whole graph, or whole blocks of random communities up to ``max_nodes`` nodes.

    The sample of ``sample_blocks`` (whole blocks), seeded by ``seed``, with every
    organisation of the communities drawn.

    Returns:
        The (sub)graph and a phrase saying what was drawn, for the title.
    """
    total = graph.number_of_nodes()
    if total <= max_nodes:
        return graph, say("network.all", total=total)
    members: dict[int, dict[int, list[int]]] = {}
    organisations: dict[int, list[int]] = {}
    for node, data in graph.nodes(data=True):
        community = int(data.get("community", 0))
        if data.get("kind") == "resident":
            members.setdefault(community, {}).setdefault(int(data["block"]), []).append(node)
        else:
            organisations.setdefault(community, []).append(node)
    communities = sorted(set(members) | set(organisations))
    blocks = [
        members.get(community, {})[block]
        for community in communities
        for block in sorted(members.get(community, {}))
    ]
    per_community = [len(members.get(community, {})) for community in communities]
    block_start = np.cumsum([0, *map(len, blocks)])
    first_block = np.cumsum([0, *per_community])
    fixed = [len(organisations.get(community, [])) for community in communities]
    drawn = sample_blocks(block_start, first_block, fixed, max_nodes, np.random.default_rng(seed))
    residents = np.array([node for block in blocks for node in block])
    # In the order drawn: the subgraph's node order, and so the layout, follows it.
    nodes = []
    for community, positions in drawn:
        nodes += organisations.get(communities[community], [])
        nodes += residents[positions].tolist()
    return graph.subgraph(nodes), say("network.sample", shown=len(nodes), total=total)


def _block_layout(graph: nx.Graph, seed: int) -> dict[int, np.ndarray]:
    """Blocks placed by a spring layout of the block graph, members scattered around.

    A spring layout of the whole graph costs ~30 s at 2,000 nodes (networkx's sparse
    Fruchterman-Reingold); the block graph has a few dozen nodes, so this takes
    milliseconds and still shows what matters: blocks, and the ties between them.
    """
    rng = np.random.default_rng(seed)
    key = {
        node: (data.get("community", 0), data.get("block", 0))
        for node, data in graph.nodes(data=True)
    }
    blocks = nx.Graph()
    blocks.add_nodes_from(set(key.values()))
    for a, b in graph.edges():
        if key[a] != key[b]:
            weight = blocks.get_edge_data(key[a], key[b], {"weight": 0})["weight"]
            blocks.add_edge(key[a], key[b], weight=weight + 1)
    centres = nx.spring_layout(blocks, seed=int(rng.integers(2**32)), weight="weight")
    spacing = 1.0 / max(np.sqrt(blocks.number_of_nodes()), 1.0)
    positions = {}
    for node in graph.nodes():
        radius = spacing * 0.45 * np.sqrt(rng.uniform())
        angle = rng.uniform(0.0, 2.0 * np.pi)
        positions[node] = centres[key[node]] + radius * np.array([np.cos(angle), np.sin(angle)])
    return positions


def network_figure(
    graph: nx.Graph, *, seed: int, max_nodes: int = 3000, title: str | None = None
) -> Figure:
    """The community graph, nodes coloured by kind of subject, with a seeded layout.

    Args:
        graph: nodes with ``kind``, ``block`` and ``community`` attributes
            (``model.grid.G``).
        seed: seeds the sample and the layout (same seed, same picture).
        max_nodes: above this, draw whole blocks of random communities and say so.
        title: first part of the title (default: "Community network", in the language
            in force).
    """
    drawn, what = network_sample(graph, max_nodes, seed)
    positions = _block_layout(drawn, seed)
    figure = Figure(figsize=(8.5, 8.0), layout="constrained")
    ax = figure.subplots()
    segments = [(positions[a], positions[b]) for a, b in drawn.edges()]
    ax.add_collection(LineCollection(segments, colors="#555555", linewidths=0.3, alpha=0.25))
    kinds = nx.get_node_attributes(drawn, "kind")
    for kind, colour in KIND_COLOURS.items():
        nodes = [node for node, k in kinds.items() if k == kind]
        if not nodes:
            continue
        xy = np.array([positions[node] for node in nodes])
        resident = kind == "resident"
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=6 if resident else 60,
            c=colour,
            edgecolors="none" if resident else "black",
            linewidths=0.5,
            zorder=2 if resident else 3,
            label=f"{display_name(kind, 'kind')} ({len(nodes):,})",
        )
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    ax.set_axis_off()
    title = title or say("network.default_title")
    ax.set_title(
        say("network.title", title=title, what=what, ties=drawn.number_of_edges()), fontsize=10
    )
    return figure
