"""Writing an analysed import: inserts, updates of what changed, deletions, in the caller's
transaction."""

from __future__ import annotations

import contextlib
import gc
import json
import queue
import threading
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from leitai.core.imports import Progress
from leitai.orgs import arrays
from leitai.orgs.facts import FACT_FIELDS
from leitai.orgs.importing.importer import Analysis
from leitai.orgs.importing.rows import month_date
from leitai.orgs.models import Unit
from leitai.orgs.paths import SEGMENT
from leitai.orgs.services import bump_tree_version

Batch = list[tuple[Any, ...]]
INSERT_COLUMNS = (
    "id",
    "code",
    "name",
    "kind",
    "sector",
    "secretary",
    "parent_id",
    "is_evaluating",
    "path",
    "depth",
    "counts",
    "updated_at",
)


class CountsEncoder:
    """JSON for a counts row, memoised: most units are leaves with one of a few dozen shapes."""

    def __init__(self) -> None:
        self.cache: dict[bytes, str] = {}

    def __call__(self, row: np.ndarray) -> str:
        key = row.tobytes()
        text = self.cache.get(key)
        if text is None:
            text = json.dumps(arrays.counts_json(row), ensure_ascii=False, separators=(",", ":"))
            self.cache[key] = text
        return text

    def many(self, rows: np.ndarray) -> list[str]:
        """The JSON of each row of a (n, COUNT_COLUMNS) block, one dict lookup per row."""
        rows = np.ascontiguousarray(rows)
        keys = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel().tolist()
        cache = self.cache
        return [
            cache[key] if key in cache else self(np.frombuffer(bytes(key), dtype=rows.dtype))
            for key in keys
        ]


def _compact(values: np.ndarray) -> array[int]:
    """Python-int indexing without a million int objects kept alive (a list would hold them)."""
    return array("q", values.astype(np.int64).tobytes())


def _paths(ids: array[int], parents: array[int], order: np.ndarray) -> list[str]:
    paths = [""] * len(ids)
    for node in order.tolist():
        up = parents[node]
        own = f"{ids[node]:0{SEGMENT}d}"
        paths[node] = own if up < 0 else paths[up] + own
    return paths


def write(analysis: Analysis, progress: Progress) -> None:
    stored = analysis.stored
    count_stored = len(stored)
    total = len(analysis.parent)
    first_id = (Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    ids = np.empty(total, dtype=np.int64)
    ids[:count_stored] = np.frombuffer(stored.ids, dtype=np.int64) if count_stored else []
    ids[count_stored:] = np.arange(first_id, first_id + total - count_stored)
    tree, parent = analysis.layout, analysis.parent
    parent_list, id_list = _compact(parent), _compact(ids)
    paths = _paths(id_list, parent_list, tree.order)
    new_counts = arrays.subtree_counts(parent, analysis.sector, analysis.kind, tree, analysis.alive)
    # Only stored units whose counts, path or own columns change are rewritten.
    if count_stored:
        old_parent = stored.parent_indexes()
        old_counts = arrays.subtree_counts(
            old_parent,
            np.frombuffer(bytes(stored.sectors), dtype=np.uint8),
            np.frombuffer(bytes(stored.kinds), dtype=np.uint8),
            arrays.layout(old_parent),
        )
        counts_changed = np.any(new_counts[:count_stored] != old_counts, axis=1)
    else:
        counts_changed = np.zeros(0, dtype=bool)
    path_changed = analysis.moved.copy()  # a moved ancestor moves the whole subtree
    order, depths = tree.order, tree.depth[tree.order]
    for depth in range(1, int(tree.depth.max(initial=0)) + 1):
        nodes = order[depths == depth]
        path_changed[nodes] |= path_changed[parent[nodes]]

    encode = CountsEncoder()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    kinds, sectors = arrays.KINDS, arrays.SECTORS
    depth_list, flag_list = _compact(tree.depth), _compact(analysis.flag)
    kind_list, sector_list = bytes(analysis.kind), bytes(analysis.sector)

    def parent_id(node: int) -> int | None:
        up = parent_list[node]
        return id_list[up] if up >= 0 else None

    if analysis.pruned:
        _delete([id_list[node] for node in analysis.pruned])

    rows = analysis.rows
    # A file with fact columns inserts them too (a missing column's facts stay unknown); a file
    # without writes exactly the statements it always did.
    with_facts = bool(rows.fact_fields)
    parent_ids = np.where(parent >= 0, ids[np.maximum(parent, 0)], -1)
    batches = _new_row_batches(
        analysis,
        ids,
        parent_ids,
        paths,
        new_counts,
        encode,
        now,
        with_facts=with_facts,
    )
    columns = (*INSERT_COLUMNS, *FACT_FIELDS) if with_facts else INSERT_COLUMNS
    with collector_paused():
        insert_units(built_ahead(batches), columns, progress)
    if connection.vendor == "postgresql" and total > count_stored:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('orgs_unit', 'id'), "
                "(SELECT MAX(id) FROM orgs_unit))"
            )

    update_nodes = np.nonzero(
        (analysis.row_changed[:count_stored] | path_changed[:count_stored] | counts_changed)
        & analysis.alive[:count_stored]
    )[0].tolist()
    if update_nodes:
        positions = analysis.position_of_node
        updates = []
        for node in update_nodes:
            position = int(positions[node])
            name = rows.names[position] if position >= 0 else None
            secretary = rows.secretaries[position] if position >= 0 else None
            updates.append(
                (
                    name,
                    secretary,
                    kinds[kind_list[node]],
                    sectors[sector_list[node]],
                    parent_id(node),
                    flag_list[node] == 1,
                    paths[node],
                    depth_list[node],
                    encode(new_counts[node]),
                    now,
                    id_list[node],
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE orgs_unit SET name = COALESCE(%s, name), "
                "secretary = COALESCE(%s, secretary), kind = %s, sector = %s, parent_id = %s, "
                "is_evaluating = %s, path = %s, depth = %s, counts = %s, updated_at = %s "
                "WHERE id = %s",
                updates,
            )
    if analysis.fact_updates:
        _update_facts(analysis, id_list)
    bump_tree_version()
    progress("done", total)


def _take(values: Sequence[Any], indexes: np.ndarray) -> list[Any]:
    """values[i] for each index; a slice when the indexes run consecutively (a new tree)."""
    if not len(indexes):
        return []
    first, last = int(indexes[0]), int(indexes[-1])
    if last - first == len(indexes) - 1:
        run = values[first : last + 1]
        return run if isinstance(run, list) else list(run)
    return [values[i] for i in indexes.tolist()]


def _unknown_as_none(numbers: np.ndarray, values: list[Any]) -> list[Any]:
    """`values` with None where `numbers` holds -1 (unknown)."""
    for index in np.nonzero(numbers < 0)[0].tolist():
        values[index] = None
    return values


def _new_row_batches(
    analysis: Analysis,
    ids: np.ndarray,
    parent_ids: np.ndarray,
    paths: list[str],
    new_counts: np.ndarray,
    encode: CountsEncoder,
    now: Any,
    *,
    with_facts: bool,
    batch: int = 10_000,
) -> Iterator[Batch]:
    """The inserted rows in file order, a batch at a time, each column built whole (numpy
    gathers, list slices) and zipped into tuples: no Python code per cell."""
    rows = analysis.rows
    count_stored = len(analysis.stored)
    positions = np.nonzero(analysis.node_of >= count_stored)[0]
    kind_texts = np.array(arrays.KINDS, dtype=object)
    sector_texts = np.array(arrays.SECTORS, dtype=object)
    evaluating = analysis.flag == 1
    depth = analysis.layout.depth
    adapted: dict[int, Any] = {-1: None}  # founding month number → the database's value
    adapt_date = connection.ops.adapt_datefield_value
    if with_facts:
        members = np.frombuffer(rows.members, dtype=np.int64)
        groups = np.frombuffer(rows.party_groups, dtype=np.int8)
    for start in range(0, len(positions), batch):
        chunk = positions[start : start + batch]
        nodes = analysis.node_of[chunk]
        parent_of = parent_ids[nodes]
        parent_column = parent_of.astype(object)
        parent_column[parent_of < 0] = None
        columns: list[Any] = [
            ids[nodes].tolist(),
            _take(rows.codes, chunk),
            _take(rows.names, chunk),
            kind_texts[analysis.kind[nodes]].tolist(),
            sector_texts[analysis.sector[nodes]].tolist(),
            _take(rows.secretaries, chunk),
            parent_column.tolist(),
            evaluating[nodes].tolist(),
            _take(paths, nodes),
            depth[nodes].tolist(),
            encode.many(new_counts[nodes]),
            [now] * len(chunk),
        ]
        if with_facts:
            months = _take(rows.founded_months, chunk)
            for month in set(months) - adapted.keys():
                adapted[month] = adapt_date(month_date(month))
            columns += [
                [adapted[month] for month in months],
                _unknown_as_none(members[chunk], members[chunk].tolist()),
                _unknown_as_none(groups[chunk], (groups[chunk] == 1).tolist()),
            ]
        yield list(zip(*columns, strict=True))


def _update_facts(analysis: Analysis, id_list: array[int]) -> None:
    """Stored units' facts as the file gives them, in the columns the file has only."""
    fields = analysis.rows.fact_fields
    slots = [FACT_FIELDS.index(f) for f in fields]
    adapt_date = connection.ops.adapt_datefield_value
    updates = []
    for node, facts in analysis.fact_updates:
        values: list[Any] = [facts[slot] for slot in slots]
        if "founded" in fields:
            values[0] = adapt_date(values[0])
        updates.append((*values, id_list[node]))
    assignments = ", ".join(f"{f} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE orgs_unit SET {assignments} WHERE id = %s", updates)


def _delete(unit_ids: list[int]) -> None:
    """Deepest first (the caller's order), so no unit outlives its parent even for a moment."""
    with connection.cursor() as cursor:
        for start in range(0, len(unit_ids), 500):
            chunk = unit_ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM orgs_unit WHERE id IN ({','.join(['%s'] * len(chunk))})", chunk
            )


_END = object()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the rows are built and inserted: the batches make ten
    thousand tuples at a time, none in a cycle, and the collector's passes over them cost about
    a second of CPU at a million rows. On again afterwards, whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def built_ahead(batches: Iterator[Batch], depth: int = 2) -> Iterator[Batch]:
    """The batches, built in a thread of their own up to `depth` ahead of the caller.

    While the database inserts one batch the next is built on the other core: SQLite's C code
    releases the GIL while it steps, and PostgreSQL's work happens in the server. The thread
    only computes (numpy, lists, tuples); every database call stays in the caller's thread and
    transaction. An error in the thread is raised in the caller.
    """
    ready: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item: Any) -> bool:
        """Queue one item; False once the caller has stopped taking them."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def build() -> None:
        try:
            for batch in batches:
                if not hand_over(batch):
                    return
            hand_over(_END)
        except BaseException as error:  # handed to the caller, raised there
            hand_over(error)

    builder = threading.Thread(target=build, name="org-import-rows", daemon=True)
    builder.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        builder.join()


def insert_units(
    batches: Iterator[Batch],
    columns: tuple[str, ...] = INSERT_COLUMNS,
    progress: Progress | None = None,
) -> None:
    """The same statements the benchmark's floor uses: executemany on SQLite, COPY on PG."""
    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY orgs_unit ({', '.join(columns)}) FROM STDIN") as copy:
                for rows in batches:
                    for row in rows:
                        copy.write_row(row)
                    done += len(rows)
                    if progress is not None:
                        progress("writing", done)
            return
        sql = (
            f"INSERT INTO orgs_unit ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        for rows in batches:
            cursor.executemany(sql, rows)
            done += len(rows)
            if progress is not None:
                progress("writing", done)
