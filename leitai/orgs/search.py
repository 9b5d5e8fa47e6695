"""Finding units by any part of a name or the start of a code, fast at a million units.

Chinese queries are often two characters, which trigram indexes (pg_trgm, SQLite FTS5's trigram
tokenizer) cannot serve, and a LIKE '%…%' scan of a million rows takes far longer than our 100 ms
budget. So each process keeps a compact in-memory index, rebuilt when the tree's version changes:

* every name, in path order, joined into one string that `str.find` scans at memory speed; because
  the order is the path order, any unit's subtree is one contiguous stretch of that string (its
  position and its subtree's size, `counts.total`), so a search inside a user's scope scans only
  that scope;
* every code, sorted, so that a code prefix is a `bisect` range.
"""

from __future__ import annotations

import bisect
import threading
from array import array
from dataclasses import dataclass

from django.db.models import QuerySet

from leitai.orgs.models import Unit
from leitai.orgs.services import tree_version

SEPARATOR = "\n"


@dataclass(frozen=True)
class Scope:
    """Stretches of the path order a user may search: (first position, end position)."""

    ranges: tuple[tuple[int, int], ...] | None  # None: everything


class UnitIndex:
    def __init__(self, version: int) -> None:
        self.version = version
        ids = array("q")
        starts = array("q")
        parts: list[str] = []
        offset = 0
        codes: list[tuple[str, int]] = []
        rows = Unit.objects.order_by("path").values_list("id", "name", "code")
        for uid, name, code in rows.iterator(chunk_size=50_000):
            clean = name.replace(SEPARATOR, " ")
            ids.append(uid)
            starts.append(offset)
            parts.append(clean)
            offset += len(clean) + 1
            codes.append((code, uid))
        self.ids = ids
        self.starts = starts
        self.text = SEPARATOR.join(parts) + SEPARATOR
        del parts
        self.position = {uid: i for i, uid in enumerate(ids)}
        codes.sort()
        self.codes = [c for c, _ in codes]
        self.code_ids = array("q", (uid for _, uid in codes))

    def __len__(self) -> int:
        return len(self.ids)

    def scope_ranges(self, roots: list[tuple[int, int]] | None) -> Scope:
        """roots: (unit id, subtree size) pairs, or None for everything."""
        if roots is None:
            return Scope(ranges=None)
        ranges = []
        for uid, size in roots:
            first = self.position.get(uid)
            if first is not None:
                ranges.append((first, first + size))
        return Scope(ranges=tuple(sorted(ranges)))

    def find_names(self, query: str, scope: Scope, limit: int) -> tuple[list[int], int]:
        """Ids of units whose name contains `query`, in tree order, and a capped match count."""
        query = query.replace(SEPARATOR, " ")
        ranges = scope.ranges if scope.ranges is not None else ((0, len(self.ids)),)
        found: list[int] = []
        matched = 0
        # Counting stops here ("200+"): a common two-character query hits half the tree.
        cap = limit * 4
        for first, end in ranges:
            if first >= end:
                continue
            lo = self.starts[first]
            hi = self.starts[end] if end < len(self.starts) else len(self.text)
            at = self.text.find(query, lo, hi)
            while at != -1 and matched < cap:
                position = bisect.bisect_right(self.starts, at) - 1
                matched += 1
                if len(found) < limit:
                    found.append(self.ids[position])
                # Skip the rest of this name: one hit per unit.
                next_start = (
                    self.starts[position + 1] if position + 1 < len(self.starts) else len(self.text)
                )
                at = self.text.find(query, next_start, hi)
        return found, matched

    def find_code_prefix(self, prefix: str, scope: Scope, limit: int) -> tuple[list[int], int]:
        lo = bisect.bisect_left(self.codes, prefix)
        hi = bisect.bisect_left(self.codes, prefix + "\U0010ffff")
        found: list[int] = []
        matched = 0
        for i in range(lo, hi):
            uid = self.code_ids[i]
            if scope.ranges is not None:
                position = self.position.get(uid, -1)
                if not any(first <= position < end for first, end in scope.ranges):
                    continue
            matched += 1
            if len(found) < limit:
                found.append(uid)
            elif matched >= limit * 4:
                break
        return found, matched


_lock = threading.Lock()
_current: UnitIndex | None = None


def current_index() -> UnitIndex:
    """The index for the tree's current version, rebuilt (once, under a lock) when it changed."""
    global _current
    version = tree_version()
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None or _current.version != version:
            _current = UnitIndex(version)
        return _current


@dataclass
class SearchResult:
    units: list[Unit]
    matched: int
    capped: bool


def search_units(
    query: str,
    *,
    scope_roots: list[tuple[int, int]] | None,
    limit: int = 50,
    base: QuerySet[Unit] | None = None,
) -> SearchResult:
    """Units whose code starts with `query` first, then those whose name contains it."""
    query = query.strip()
    if not query:
        return SearchResult(units=[], matched=0, capped=False)
    index = current_index()
    scope = index.scope_ranges(scope_roots)
    by_code, code_matches = index.find_code_prefix(query, scope, limit)
    if len(by_code) >= limit:
        # Codes come first and already fill the page: scanning every name would change nothing
        # shown (a code-like query is the common case of this).
        by_name, name_matches = [], 0
    else:
        by_name, name_matches = index.find_names(query, scope, limit)
    ordered = list(dict.fromkeys([*by_code, *by_name]))[:limit]
    queryset = (base if base is not None else Unit.objects.all()).filter(pk__in=ordered)
    found = {u.pk: u for u in queryset}
    units = [found[i] for i in ordered if i in found]
    matched = code_matches + name_matches
    return SearchResult(units=units, matched=matched, capped=matched >= limit * 4)
