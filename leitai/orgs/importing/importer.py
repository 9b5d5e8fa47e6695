"""Merging the file with the stored tree, every check before a write, and the plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from leitai.core.imports import Plan, PlanDigest, Progress, StalePlan
from leitai.core.tabular import open_sheet
from leitai.orgs import arrays
from leitai.orgs.access import is_superuser, memberships_per_unit, organised_top_paths
from leitai.orgs.facts import FACT_FIELDS
from leitai.orgs.importing.rows import (
    COLUMNS,
    NO_FACTS,
    Facts,
    FileRows,
    RowCollector,
    read_rows,
)
from leitai.orgs.importing.stored import StoredTree
from leitai.orgs.models import Unit
from leitai.orgs.paths import MAX_DEPTH, SEGMENT

SAMPLE_SIZE = 100
NAMED_LIMIT = 1000  # tree problems (cycles, depth, pruning) named individually at most


@dataclass
class Analysis:
    """The file merged with the stored tree: nodes 0..S-1 stored, S.. new, in file order."""

    stored: StoredTree
    rows: FileRows
    plan: Plan
    node_of: np.ndarray  # file position → node
    position_of_node: np.ndarray  # node → file position, -1 for stored units not in the file
    parent: np.ndarray
    sector: np.ndarray
    kind: np.ndarray
    alive: np.ndarray  # False for pruned nodes
    flag: np.ndarray  # final evaluating flag, 0/1
    in_file: np.ndarray
    layout: arrays.Layout
    moved: np.ndarray  # the node's own parent changed
    row_changed: np.ndarray  # a stored unit whose own columns change
    pruned: list[int]  # stored node numbers to delete, deepest first
    # Stored units whose facts the file changes: (node, the file's facts); see rows.FileRows.
    fact_updates: list[tuple[int, Facts]] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return len(self.parent) - len(self.stored)


class OrgImporter:
    kind = "orgs"
    columns = COLUMNS

    def check(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Plan:
        return analyse(path, original_name, actor=actor, prune=prune, progress=progress).plan

    def prepare(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> None:
        """Nothing slow to do outside the write transaction: the tree's work needs the lock."""

    def apply(
        self,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: None = None,
    ) -> Plan:
        from leitai.orgs.importing.writing import write

        lock_units()
        # Without a preview to compare with (the CLI's --yes), the plan needs no digest: at a
        # million rows hashing every row costs several percent of the import.
        analysis = analyse(
            path,
            original_name,
            actor=actor,
            prune=prune,
            progress=progress,
            with_digest=expected_digest is not None,
        )
        if expected_digest is not None and analysis.plan.digest != expected_digest:
            raise StalePlan
        # Only the checks needed these; a million codes' dicts are memory the write can use.
        analysis.rows.position_of.clear()
        analysis.rows.parent_codes.clear()  # resolved into analysis.parent
        analysis.stored.index.clear()
        write(analysis, progress)
        return analysis.plan


class _NoDigest(PlanDigest):
    """Stands in when nothing will compare the plan's digest."""

    def add(self, *parts: object) -> None:
        return None

    def hexdigest(self) -> str:
        return ""


class RowOfNode:
    """The spreadsheet row of a node that came from the file (an array, not a million-key dict)."""

    def __init__(self, rows: FileRows, positions: np.ndarray) -> None:
        self.rows = rows
        self.positions = positions

    def __getitem__(self, node: int) -> int:
        return int(self.rows.rows[int(self.positions[node])])


def lock_units() -> None:
    """Serialise imports and tree edits: on SQLite the IMMEDIATE transaction already holds the
    write lock; on PostgreSQL a table lock keeps other writers out until we commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE orgs_unit IN SHARE ROW EXCLUSIVE MODE")


def analyse(
    path: Path,
    original_name: str,
    *,
    actor: Any,
    prune: bool,
    progress: Progress,
    with_digest: bool = True,
) -> Analysis:
    progress("reading", 0)
    stored = StoredTree.load()
    sheet = open_sheet(path, COLUMNS, original_name)
    problems = RowCollector({f: sheet.header_text(f) for f in sheet.field_of_column.values()})
    rows = read_rows(sheet, problems, progress)
    count_stored = len(stored)
    valid = len(rows.codes)

    # Each valid row's node: a stored unit with its code, or a new node after the stored ones.
    stored_index = stored.index
    if count_stored:
        node_of = np.empty(valid, dtype=np.int64)
        new_positions: list[int] = []
        for position, code in enumerate(rows.codes):
            node = stored_index.get(code)
            if node is None:
                node = count_stored + len(new_positions)
                new_positions.append(position)
            node_of[position] = node
    else:  # a new tree: every row a new node, in file order
        node_of = np.arange(valid, dtype=np.int64)
        new_positions = list(range(valid))
    total = count_stored + len(new_positions)

    parent = np.full(total, -1, dtype=np.int64)
    old_parent = stored.parent_indexes()
    parent[:count_stored] = old_parent
    sector = np.zeros(total, dtype=np.uint8)
    kind = np.zeros(total, dtype=np.uint8)
    sector[:count_stored] = np.frombuffer(bytes(stored.sectors), dtype=np.uint8)
    kind[:count_stored] = np.frombuffer(bytes(stored.kinds), dtype=np.uint8)
    sector[node_of] = np.frombuffer(bytes(rows.sectors), dtype=np.uint8)
    kind[node_of] = np.frombuffer(bytes(rows.kinds), dtype=np.uint8)
    in_file = np.zeros(total, dtype=bool)
    in_file[node_of] = True
    file_flag = np.full(total, -2, dtype=np.int8)  # -2: a stored unit not in the file
    file_flag[node_of] = np.frombuffer(rows.flags.tobytes(), dtype=np.int8)

    _resolve_parents(rows, stored, node_of, parent, problems)
    code_of = stored.codes + (
        [rows.codes[p] for p in new_positions] if count_stored else rows.codes
    )
    position_of_node = np.full(total, -1, dtype=np.int64)
    position_of_node[node_of] = np.arange(valid, dtype=np.int64)
    row_of_node = RowOfNode(rows, position_of_node)
    tree = arrays.layout(parent)
    for node in tree.unreachable[:NAMED_LIMIT].tolist():
        if not in_file[node]:
            continue
        cycle = arrays.cycle_through(parent, node)
        if node in cycle:
            chain = " → ".join(code_of[i] for i in [*cycle, cycle[0]])
            problems.add(
                row_of_node[node],
                "parent_code",
                code_of[int(parent[node])],
                _("Cycle: %(chain)s.") % {"chain": chain},
            )
    problems.raise_if_any()
    for node in np.nonzero(tree.depth > MAX_DEPTH)[0][:NAMED_LIMIT].tolist():
        if in_file[node]:
            problems.add(
                row_of_node[node],
                "parent_code",
                code_of[int(parent[node])],
                _("Deeper than %(n)s levels.") % {"n": MAX_DEPTH + 1},
            )

    absent = np.nonzero(~in_file[:count_stored])[0]
    scope_nodes = _scope_nodes(actor, stored)
    if scope_nodes is not None:
        absent = _check_scope(
            scope_nodes,
            parent,
            old_parent,
            tree,
            count_stored,
            row_of_node,
            code_of,
            absent,
            problems,
        )
    alive = np.ones(total, dtype=bool)
    pruned: list[int] = []
    if prune and absent.size:
        pruned = _check_prune(
            absent, parent, alive, in_file, tree, stored, row_of_node, code_of, problems
        )
    problems.raise_if_any()

    moved = np.zeros(total, dtype=bool)
    moved[:count_stored] = parent[:count_stored] != old_parent
    # Own columns changed, per stored node in the file.
    changed: dict[int, list[str]] = {}
    for position, node in enumerate(node_of.tolist() if count_stored else ()):
        if node >= count_stored:
            continue
        changes = []
        if hash(rows.names[position]) != stored.name_hashes[node]:
            changes.append("name")
        if hash(rows.secretaries[position]) != stored.secretary_hashes[node]:
            changes.append("secretary")
        if rows.sectors[position] != stored.sectors[node]:
            changes.append("sector")
        if rows.kinds[position] != stored.kinds[node]:
            changes.append("kind")
        if changes:
            changed[node] = changes
    fact_updates = (
        _fact_changes(rows, stored, node_of, changed) if rows.fact_fields and count_stored else []
    )
    default_flag = (tree.depth == 1).astype(np.int8)
    flag = np.where(file_flag == -1, default_flag, file_flag).astype(np.int8)
    stored_flags = np.frombuffer(bytes(stored.evaluating), dtype=np.uint8).astype(np.int8)
    flag[:count_stored] = np.where(in_file[:count_stored], flag[:count_stored], stored_flags)
    for node in np.nonzero(in_file[:count_stored] & (flag[:count_stored] != stored_flags))[0]:
        changed.setdefault(int(node), []).append("evaluating_unit")
    row_changed = np.zeros(total, dtype=bool)
    if changed:
        row_changed[list(changed)] = True

    plan = _plan(
        stored,
        rows,
        new_positions,
        position_of_node,
        changed,
        moved,
        parent,
        code_of,
        absent,
        prune,
        with_digest,
    )
    return Analysis(
        stored=stored,
        rows=rows,
        plan=plan,
        node_of=node_of,
        position_of_node=position_of_node,
        parent=parent,
        sector=sector,
        kind=kind,
        alive=alive,
        flag=flag,
        in_file=in_file,
        layout=tree,
        moved=moved,
        row_changed=row_changed,
        pruned=pruned,
        fact_updates=fact_updates,
    )


def _fact_changes(
    rows: FileRows, stored: StoredTree, node_of: np.ndarray, changed: dict[int, list[str]]
) -> list[tuple[int, Facts]]:
    """Stored units whose facts, in the columns the file has, differ from the file's; each such
    column is named among the unit's changes. An empty cell means unknown: it clears a fact."""
    count_stored = len(stored)
    stored_facts = stored.load_facts()
    slots = [(FACT_FIELDS.index(f), f) for f in rows.fact_fields]
    updates: list[tuple[int, Facts]] = []
    for position, node in enumerate(node_of.tolist()):
        if node >= count_stored:
            continue
        new = rows.facts(position)
        old = stored_facts.get(node, NO_FACTS)
        if new == old:
            continue
        differing = [name for slot, name in slots if new[slot] != old[slot]]
        if differing:
            changed.setdefault(node, []).extend(differing)
            updates.append((node, new))
    return updates


def _resolve_parents(
    rows: FileRows,
    stored: StoredTree,
    node_of: np.ndarray,
    parent: np.ndarray,
    problems: RowCollector,
) -> None:
    """Each valid row's parent code → node. Rows whose parent cannot be resolved stay roots
    here, so cycles among the others are still found and every problem is reported at once."""
    stored_index = stored.index
    position_of = rows.position_of
    unknown = _("Unknown parent code: not in the file nor among stored units.")
    for position, parent_code in enumerate(rows.parent_codes):
        if not parent_code:
            continue
        node = int(node_of[position])
        target = stored_index.get(parent_code)
        if target is None:
            file_position = position_of.get(parent_code)
            if file_position is not None:
                target = int(node_of[file_position])
        if target is None:
            reason = (
                _("The parent’s own row has errors.")
                if parent_code in rows.invalid_rows
                else unknown
            )
            problems.add(rows.rows[position], "parent_code", parent_code, reason)
        elif target == node:
            problems.add(
                rows.rows[position],
                "parent_code",
                parent_code,
                _("A unit cannot be its own parent."),
            )
        else:
            parent[node] = target
    for row, parent_code in rows.invalid_parents:
        if (
            parent_code
            and parent_code not in stored_index
            and parent_code not in position_of
            and parent_code not in rows.invalid_rows
        ):
            problems.add(row, "parent_code", parent_code, unknown)


def _scope_nodes(actor: Any, stored: StoredTree) -> list[int] | None:
    """Stored node numbers of the units the actor organises; None means everywhere."""
    if is_superuser(actor):
        return None
    ids = [int(path[-SEGMENT:]) for path in organised_top_paths(actor)]
    return [
        stored.index[code]
        for code in Unit.objects.filter(pk__in=ids).values_list("code", flat=True)
    ]


def _inside(scope_nodes: list[int], parent: np.ndarray, tree: arrays.Layout) -> np.ndarray:
    inside = np.zeros(len(parent), dtype=bool)
    inside[scope_nodes] = True
    # Parents come before children in the layout order, so one sweep per depth propagates.
    order = tree.order
    depths = tree.depth[order]
    for depth in range(1, int(tree.depth.max(initial=0)) + 1):
        nodes = order[depths == depth]
        inside[nodes] |= inside[parent[nodes]]
    return inside


def _check_scope(
    scope_nodes: list[int],
    parent: np.ndarray,
    old_parent: np.ndarray,
    tree: arrays.Layout,
    count_stored: int,
    row_of_node: RowOfNode,
    code_of: list[str],
    absent: np.ndarray,
    problems: RowCollector,
) -> np.ndarray:
    """A non-superuser organiser may change only units inside their subtrees (before and after),
    and only those count as absent."""
    inside_now = _inside(scope_nodes, parent, tree)
    inside_before = _inside(scope_nodes, old_parent, arrays.layout(old_parent))
    outside = _("Outside your scope: you may change only units below the units you organise.")
    for node in np.nonzero(row_of_node.positions >= 0)[0].tolist():
        if not inside_now[node] or (node < count_stored and not inside_before[node]):
            problems.add(row_of_node[node], "code", code_of[node], outside)
    return absent[inside_before[absent]] if absent.size else absent


def _check_prune(
    absent: np.ndarray,
    parent: np.ndarray,
    alive: np.ndarray,
    in_file: np.ndarray,
    tree: arrays.Layout,
    stored: StoredTree,
    row_of_node: RowOfNode,
    code_of: list[str],
    problems: RowCollector,
) -> list[int]:
    alive[absent] = False
    parents_alive = alive[np.maximum(parent, 0)] | (parent < 0)
    for node in np.nonzero(alive & ~parents_alive)[0][:NAMED_LIMIT].tolist():
        parent_code = code_of[int(parent[node])]
        if in_file[node]:
            problems.add(
                row_of_node[node],
                "parent_code",
                parent_code,
                _("This parent is not in the file and would be pruned."),
            )
        else:
            problems.add(
                1,
                "code",
                code_of[node],
                _("Cannot prune %(parent)s: %(child)s, outside your scope, lies below it.")
                % {"parent": parent_code, "child": code_of[node]},
            )
    node_of_id = {stored.ids[i]: i for i in absent.tolist()}
    for unit_id, count in memberships_per_unit(list(node_of_id))[:NAMED_LIMIT]:
        problems.add(
            1,
            "code",
            stored.codes[node_of_id[unit_id]],
            _("Cannot prune this unit: %(n)s account membership(s) refer to it.") % {"n": count},
        )
    return sorted(absent.tolist(), key=lambda node: -int(tree.depth[node]))


def _plan(
    stored: StoredTree,
    rows: FileRows,
    new_positions: list[int],
    position_of_node: np.ndarray,
    changed: dict[int, list[str]],
    moved: np.ndarray,
    parent: np.ndarray,
    code_of: list[str],
    absent: np.ndarray,
    prune: bool,
    with_digest: bool,
) -> Plan:
    """Counts per category, samples of each, and a digest of every change (see StalePlan)."""
    digest = PlanDigest() if with_digest else _NoDigest()
    for position, code in enumerate(rows.codes if with_digest else ()):
        digest.add(
            code,
            rows.names[position],
            rows.parent_codes[position],
            rows.kinds[position],
            rows.sectors[position],
            rows.secretaries[position],
            rows.flags[position],
        )
    if with_digest and rows.fact_fields:
        digest.add("facts", *rows.fact_fields)
        for position, code in enumerate(rows.codes):
            facts = rows.facts(position)
            if facts != NO_FACTS:
                digest.add(code, *facts)
    moved_nodes = np.nonzero(moved)[0].tolist()
    absent_codes = sorted(stored.codes[i] for i in absent.tolist())
    # The digest covers what the file says and what it changes in the stored tree, so a preview
    # confirmed after someone else changed the tree no longer matches.
    for code in absent_codes:
        digest.add("absent", code, prune)
    digest.add("create", len(new_positions))
    for node in sorted(changed):
        digest.add("change", code_of[node], *changed[node])
    code_of_id = dict(zip(stored.ids, stored.codes, strict=True))
    for node in moved_nodes:
        digest.add("move", code_of[node], stored.parent_ids[node])
    renamed = [node for node in sorted(changed) if "name" in changed[node]]
    old_names = dict(
        Unit.objects.filter(code__in=[code_of[n] for n in renamed[:SAMPLE_SIZE]]).values_list(
            "code", "name"
        )
    )
    unchanged = len(stored) - len(absent_codes) - len(set(changed) | set(moved_nodes))
    samples = {
        "create": [
            [rows.codes[p], rows.names[p], rows.parent_codes[p]]
            for p in new_positions[:SAMPLE_SIZE]
        ],
        "rename": [
            [code_of[n], old_names.get(code_of[n], ""), rows.names[int(position_of_node[n])]]
            for n in renamed[:SAMPLE_SIZE]
        ],
        "move": [
            [
                code_of[n],
                code_of_id.get(stored.parent_ids[n], ""),
                code_of[int(parent[n])] if parent[n] >= 0 else "",
            ]
            for n in moved_nodes[:SAMPLE_SIZE]
        ],
        "update": [
            [code_of[n], ", ".join(sorted(set(c) - {"name"}))]
            for n, c in sorted(changed.items())
            if set(c) - {"name"}
        ][:SAMPLE_SIZE],
        "absent": [[code] for code in absent_codes[:SAMPLE_SIZE]],
    }
    counts = {
        "rows": rows.rows_seen,
        "create": len(new_positions),
        "rename": len(renamed),
        "move": len(moved_nodes),
        "update": sum(1 for c in changed.values() if set(c) - {"name"}),
        "unchanged": max(unchanged, 0),
        "absent": len(absent_codes),
        "prune": len(absent_codes) if prune else 0,
    }
    return Plan(counts=counts, samples=samples, digest=digest.hexdigest())
