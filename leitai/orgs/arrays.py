"""Whole-tree computations over compact arrays, for imports of up to millions of units.

Nodes are numbered 0..n-1; `parent[i]` is the parent's number or -1 for a root. Everything is
vectorised with numpy except the walk that names a cycle for the error table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from leitai.orgs.codes import KIND_INDEX, KINDS, SECTOR_INDEX, SECTORS

__all__ = [
    "KINDS",
    "KIND_INDEX",
    "SECTORS",
    "SECTOR_INDEX",
    "Layout",
    "counts_json",
    "cycle_through",
    "layout",
    "subtree_counts",
]

# Columns of the counts matrix: total, then one per sector, then one per kind.
COUNT_COLUMNS = 1 + len(SECTORS) + len(KINDS)

Ints = npt.NDArray[np.int64]


@dataclass
class Layout:
    """Nodes in breadth-first order from the roots, with their depth; unreachable = cycles."""

    order: Ints  # node numbers, parents before children
    depth: Ints  # depth[i] for every node; -1 where unreachable
    unreachable: Ints  # nodes on or below a cycle


def layout(parent: Ints) -> Layout:
    n = len(parent)
    depth = np.full(n, -1, dtype=np.int64)
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return Layout(order=empty, depth=depth, unreachable=empty)
    # Children grouped by parent through one stable sort: children of p are
    # by_parent[start[p]:start[p + 1]].
    has_parent = parent >= 0
    child_nodes = np.nonzero(has_parent)[0]
    child_parents = parent[child_nodes]
    sort = np.argsort(child_parents, kind="stable")
    by_parent = child_nodes[sort]
    start = np.searchsorted(child_parents[sort], np.arange(n + 1))
    level = np.nonzero(~has_parent)[0]
    levels: list[Ints] = []
    current_depth = 0
    while level.size:
        depth[level] = current_depth
        levels.append(level)
        lo, hi = start[level], start[level + 1]
        counts = hi - lo
        if counts.sum() == 0:
            break
        # Gather the children of every node in this level without a Python loop.
        offsets = np.repeat(lo - np.cumsum(np.concatenate(([0], counts[:-1]))), counts)
        level = by_parent[np.arange(counts.sum()) + offsets]
        current_depth += 1
    order = np.concatenate(levels) if levels else np.empty(0, dtype=np.int64)
    unreachable = np.nonzero(depth < 0)[0]
    return Layout(order=order, depth=depth, unreachable=unreachable)


def cycle_through(parent: Ints, node: int) -> list[int]:
    """The cycle reached by walking up from `node` (which must be unreachable from a root)."""
    seen: dict[int, int] = {}
    walk: list[int] = []
    current = node
    while current not in seen:
        seen[current] = len(walk)
        walk.append(current)
        current = int(parent[current])
    return walk[seen[current] :]


def subtree_counts(
    parent: Ints,
    sector: npt.NDArray[np.uint8],
    kind: npt.NDArray[np.uint8],
    tree: Layout,
    alive: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int32]:
    """counts[i] = (total, per-sector…, per-kind…) over node i's subtree, i included."""
    n = len(parent)
    counts = np.zeros((n, COUNT_COLUMNS), dtype=np.int32)
    rows = np.arange(n)
    weight = np.ones(n, dtype=np.int32) if alive is None else alive.astype(np.int32)
    counts[:, 0] = weight
    counts[rows, 1 + sector.astype(np.int64)] = weight
    counts[rows, 1 + len(SECTORS) + kind.astype(np.int64)] += weight
    depth = tree.depth
    reachable_depths = depth[tree.order]
    if reachable_depths.size == 0:
        return counts
    for d in range(int(reachable_depths.max()), 0, -1):
        nodes = tree.order[reachable_depths == d]
        np.add.at(counts, parent[nodes], counts[nodes])
    return counts


def counts_json(row: npt.NDArray[np.int32] | tuple[int, ...]) -> dict[str, object]:
    values = [int(v) for v in row]
    return {
        "total": values[0],
        "sector": {SECTORS[i]: v for i, v in enumerate(values[1 : 1 + len(SECTORS)]) if v},
        "kind": {KINDS[i]: v for i, v in enumerate(values[1 + len(SECTORS) :]) if v},
    }
