"""Writing an analysed import: inserts, updates of what changed, deletions, in the caller's
transaction."""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from leitai.core.imports import Progress
from leitai.orgs import arrays
from leitai.orgs.facts import FACT_FIELDS
from leitai.orgs.importing.importer import Analysis
from leitai.orgs.importing.rows import NO_FACTS, PROGRESS_EVERY
from leitai.orgs.models import Unit
from leitai.orgs.paths import SEGMENT
from leitai.orgs.services import bump_tree_version

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
    node_of = _compact(analysis.node_of)
    # A file with fact columns inserts them too (a missing column's facts stay unknown); a file
    # without writes exactly the statements it always did.
    with_facts = bool(rows.fact_fields)
    facts_of, no_facts = rows.facts, NO_FACTS
    adapt_date = connection.ops.adapt_datefield_value

    def new_rows() -> Iterator[tuple[Any, ...]]:
        done = 0
        for position, node in enumerate(node_of):
            if node < count_stored:
                continue
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress("writing", done)
            row: tuple[Any, ...] = (
                id_list[node],
                rows.codes[position],
                rows.names[position],
                kinds[kind_list[node]],
                sectors[sector_list[node]],
                rows.secretaries[position],
                parent_id(node),
                flag_list[node] == 1,
                paths[node],
                depth_list[node],
                encode(new_counts[node]),
                now,
            )
            if with_facts:
                founded, members, groups = facts_of.get(position, no_facts)
                row = (*row, adapt_date(founded), members, groups)
            yield row

    insert_units(new_rows(), (*INSERT_COLUMNS, *FACT_FIELDS) if with_facts else INSERT_COLUMNS)
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


def insert_units(
    rows: Iterator[tuple[Any, ...]],
    columns: tuple[str, ...] = INSERT_COLUMNS,
    batch: int = 10_000,
) -> None:
    """The same statements the benchmark's floor uses: executemany on SQLite, COPY on PG."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY orgs_unit ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = (
            f"INSERT INTO orgs_unit ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        pending: list[tuple[Any, ...]] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                pending.clear()
        if pending:
            cursor.executemany(sql, pending)
