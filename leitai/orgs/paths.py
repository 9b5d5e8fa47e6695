"""Materialised paths of fixed-width decimal segments.

A unit's path is its ancestors' ids and its own, each zero-padded to SEGMENT digits, concatenated:
the unit with id 42 under the root with id 1 has path "0000000100000042". Because every character is
a digit and every segment has the same width, the descendants of P are exactly the paths in the
half-open range [P, successor(P)), whatever the database's collation.
"""

from __future__ import annotations

SEGMENT = 8
MAX_ID = 10**SEGMENT - 1
MAX_DEPTH = 255 // SEGMENT - 1  # path is a varchar(255); depth counts from 0 at a root


def segment(unit_id: int) -> str:
    if not 0 < unit_id <= MAX_ID:
        raise ValueError(f"unit id {unit_id} does not fit a {SEGMENT}-digit path segment")
    return f"{unit_id:0{SEGMENT}d}"


def child_path(parent_path: str, unit_id: int) -> str:
    return parent_path + segment(unit_id)


def path_ids(path: str) -> list[int]:
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


def depth_of(path: str) -> int:
    return len(path) // SEGMENT - 1


def successor(path: str) -> str:
    """The smallest digit string of the same length greater than every extension of `path`.

    "0012" -> "0013", "0019" -> "0020". Only a path of all nines has none; ids never reach that.
    """
    width = len(path)
    return f"{int(path) + 1:0{width}d}"


def subtree_range(path: str) -> tuple[str, str]:
    return path, successor(path)
