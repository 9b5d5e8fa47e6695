"""Importing the organisation tree from .xlsx or .csv: check, preview, then all-or-nothing write.

Two streaming passes over the file. The first validates every row and builds the final tree in
compact arrays (codes, parents, sectors, kinds) merged with the units already stored, so that an
unknown parent, a cycle or a scope violation is found before anything is written. The second pass,
inside the caller's transaction, writes the new rows (executemany on SQLite, COPY on PostgreSQL)
and updates only the stored units whose fields, path or subtree counts change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.accounts.permissions import is_superuser, top_paths
from leitai.core.imports import (
    ImportRejected,
    Plan,
    PlanDigest,
    Progress,
    RowProblem,
    StalePlan,
)
from leitai.core.tabular import Column, open_sheet
from leitai.orgs import arrays
from leitai.orgs.models import KIND_WORDS, SECTOR_WORDS, Sector, Unit, UnitKind
from leitai.orgs.paths import MAX_DEPTH, SEGMENT
from leitai.orgs.services import bump_tree_version

COLUMNS = [
    Column("code", ("编码", "组织编码", "代码")),
    Column("name", ("名称", "组织名称")),
    Column("parent_code", ("上级编码", "上级组织编码", "上级代码")),
    Column("kind", ("类型", "组织类型")),
    Column("sector", ("领域", "所属领域")),
    Column("secretary", ("书记", "党组织书记"), required=False),
    Column("evaluating_unit", ("初评单位", "是否初评单位"), required=False),
]
HEADERS_ZH = [c.headers[0] for c in COLUMNS]
MAX_LENGTH = {"code": 64, "name": 200, "secretary": 64}
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", "×"}
SAMPLE_SIZE = 100
PROGRESS_EVERY = 20_000
ROW_PROBLEM_LIMIT = 100_000  # beyond this many the file is hopeless; stop collecting

_kind_lookup = {**KIND_WORDS, **{k.value: k.value for k in UnitKind}}
_sector_lookup = {**SECTOR_WORDS, **{s.value: s.value for s in Sector}}


def _allowed(words: dict[str, str]) -> str:
    return "、".join(words)


@dataclass
class Existing:
    """The stored tree, compactly: node i is the unit with id ids[i]."""

    ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    parent_ids: list[int] = field(default_factory=list)
    sector: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    evaluating: list[bool] = field(default_factory=list)
    name_hash: list[int] = field(default_factory=list)
    secretary_hash: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)

    @classmethod
    def load(cls) -> Existing:
        existing = cls()
        rows = Unit.objects.order_by("id").values_list(
            "id",
            "code",
            "parent_id",
            "sector",
            "kind",
            "is_evaluating",
            "name",
            "secretary",
            "depth",
        )
        for uid, code, parent_id, sector, kind, evaluating, name, secretary, depth in rows.iterator(
            chunk_size=20_000
        ):
            existing.index[code] = len(existing.ids)
            existing.ids.append(uid)
            existing.codes.append(code)
            existing.parent_ids.append(parent_id or 0)
            existing.sector.append(arrays.SECTOR_INDEX.get(sector, arrays.SECTOR_INDEX["other"]))
            existing.kind.append(arrays.KIND_INDEX.get(kind, arrays.KIND_INDEX["other"]))
            existing.evaluating.append(bool(evaluating))
            existing.name_hash.append(hash(name))
            existing.secretary_hash.append(hash(secretary))
            existing.depth.append(depth)
        return existing

    def parent_indexes(self) -> np.ndarray:
        by_id = {uid: i for i, uid in enumerate(self.ids)}
        return np.array([by_id.get(p, -1) for p in self.parent_ids], dtype=np.int64)


@dataclass
class Analysis:
    """The file merged with the stored tree: nodes 0..E-1 stored, E.. new from the file."""

    existing: Existing
    plan: Plan
    parent: np.ndarray
    sector: np.ndarray
    kind: np.ndarray
    alive: np.ndarray  # False for pruned nodes
    flag: np.ndarray  # evaluating: 1 yes, 0 no, -1 by default (the root's children)
    in_file: np.ndarray  # bool
    new_codes: list[str]
    layout: arrays.Layout
    moved: np.ndarray  # bool: the node's own parent changed
    row_changed: np.ndarray  # bool: a stored unit whose own columns change
    pruned: list[int]  # stored node numbers to delete, deepest first


class RowCollector:
    def __init__(self, header_of: dict[str, str]) -> None:
        self.problems: list[RowProblem] = []
        self.total = 0
        self.header_of = header_of

    def add(self, row: int, field_name: str, value: str, reason: str) -> None:
        self.total += 1
        if len(self.problems) < ROW_PROBLEM_LIMIT:
            self.problems.append(
                RowProblem(row, self.header_of.get(field_name, field_name), value, reason)
            )

    def raise_if_any(self) -> None:
        if self.total:
            self.problems.sort(key=lambda p: (p.row, p.column))
            raise ImportRejected(self.problems, self.total)


class OrgImporter:
    kind = "orgs"
    columns = COLUMNS

    def check(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Plan:
        return self._analyse(path, original_name, actor=actor, prune=prune, progress=progress).plan

    def apply(
        self,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
    ) -> Plan:
        _lock_units()
        analysis = self._analyse(path, original_name, actor=actor, prune=prune, progress=progress)
        if expected_digest is not None and analysis.plan.digest != expected_digest:
            raise StalePlan
        _write(analysis, path, original_name, progress)
        return analysis.plan

    # -- pass 1 -------------------------------------------------------------------------------

    def _analyse(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Analysis:
        progress("reading", 0)
        existing = Existing.load()
        sheet = open_sheet(path, COLUMNS, original_name)
        header_of = {f: sheet.header_text(f) for f in sheet.field_of_column.values()}
        problems = RowCollector(header_of)
        stored = len(existing.ids)

        file_parent_codes: list[str] = []
        file_nodes: list[int] = []  # node number of each valid row, file order
        file_rows: list[int] = []  # spreadsheet row number of each valid row
        new_codes: list[str] = []
        row_of_code: dict[str, int] = {}
        sector_of: dict[int, int] = {}
        kind_of: dict[int, int] = {}
        flag_of: dict[int, int] = {}
        changed_existing: dict[int, list[str]] = {}
        renamed: list[tuple[str, str]] = []  # code, new name (samples)
        created_samples: list[list[str]] = []
        digest = PlanDigest()
        rows_seen = 0
        invalid_parents: list[tuple[int, str]] = []  # rows with field errors: parent still checked

        for rows_seen, (row, values) in enumerate(sheet.rows, start=1):
            if rows_seen % PROGRESS_EVERY == 0:
                progress("reading", rows_seen)
            code = values["code"]
            ok = True
            if not code:
                problems.add(row, "code", code, _("The code is empty."))
                continue
            for name in ("code", "name", "secretary"):
                text = values.get(name, "")
                if len(text) > MAX_LENGTH[name]:
                    problems.add(
                        row,
                        name,
                        text,
                        _("Longer than %(n)s characters.") % {"n": MAX_LENGTH[name]},
                    )
                    ok = False
            if not values["name"]:
                problems.add(row, "name", "", _("The name is empty."))
                ok = False
            kind = _kind_lookup.get(values["kind"])
            if kind is None:
                problems.add(
                    row,
                    "kind",
                    values["kind"],
                    _("Unknown kind; allowed: %(allowed)s.") % {"allowed": _allowed(KIND_WORDS)},
                )
                ok = False
            sector = _sector_lookup.get(values["sector"])
            if sector is None:
                problems.add(
                    row,
                    "sector",
                    values["sector"],
                    _("Unknown sector; allowed: %(allowed)s.")
                    % {"allowed": _allowed(SECTOR_WORDS)},
                )
                ok = False
            flag_text = values.get("evaluating_unit", "").lower()
            flag = -1
            if flag_text in YES:
                flag = 1
            elif flag_text in NO:
                flag = 0
            elif flag_text:
                problems.add(
                    row,
                    "evaluating_unit",
                    values.get("evaluating_unit", ""),
                    _("Write 是 or 否, or leave it empty for the default."),
                )
                ok = False
            if code in row_of_code:
                problems.add(
                    row,
                    "code",
                    code,
                    _("Duplicate code: also on row %(row)s.") % {"row": row_of_code[code]},
                )
                continue
            row_of_code[code] = row
            if not ok:
                invalid_parents.append((row, values["parent_code"]))
                continue
            node = existing.index.get(code)
            if node is None:
                node = stored + len(new_codes)
                new_codes.append(code)
                if len(created_samples) < SAMPLE_SIZE:
                    created_samples.append([code, values["name"], values["parent_code"]])
            else:
                changes = []
                if hash(values["name"]) != existing.name_hash[node]:
                    changes.append("name")
                    if len(renamed) < SAMPLE_SIZE:
                        renamed.append((code, values["name"]))
                if hash(values["secretary"]) != existing.secretary_hash[node]:
                    changes.append("secretary")
                if arrays.SECTOR_INDEX[sector] != existing.sector[node]:
                    changes.append("sector")
                if arrays.KIND_INDEX[kind] != existing.kind[node]:
                    changes.append("kind")
                if changes:
                    changed_existing[node] = changes
            sector_of[node] = arrays.SECTOR_INDEX[sector]
            kind_of[node] = arrays.KIND_INDEX[kind]
            flag_of[node] = flag
            file_nodes.append(node)
            file_rows.append(row)
            file_parent_codes.append(values["parent_code"])
            digest.add(
                code, values["name"], values["parent_code"], kind, sector, values["secretary"], flag
            )
        progress("checking", rows_seen)
        if rows_seen == 0:
            raise ImportRejected([RowProblem(1, "", "", _("The file has a header but no rows."))])

        # -- the merged tree ----------------------------------------------------------------
        total = stored + len(new_codes)
        parent = np.full(total, -1, dtype=np.int64)
        parent[:stored] = existing.parent_indexes()
        old_parent = parent[:stored].copy()
        sector = np.zeros(total, dtype=np.uint8)
        kind = np.zeros(total, dtype=np.uint8)
        sector[:stored] = existing.sector
        kind[:stored] = existing.kind
        flag_array = np.full(total, -2, dtype=np.int8)  # -2: stored unit not in the file
        in_file = np.zeros(total, dtype=bool)
        new_index = {code: stored + i for i, code in enumerate(new_codes)}
        for node, row, parent_code in zip(file_nodes, file_rows, file_parent_codes, strict=True):
            in_file[node] = True
            sector[node] = sector_of[node]
            kind[node] = kind_of[node]
            flag_array[node] = flag_of[node]
            if not parent_code:
                parent[node] = -1
                continue
            target = existing.index.get(parent_code)
            if target is None:
                target = new_index.get(parent_code)
            if target is None:
                if parent_code in row_of_code:
                    reason = _("The parent’s own row has errors.")
                else:
                    reason = _("Unknown parent code: not in the file nor among stored units.")
                problems.add(row, "parent_code", parent_code, reason)
                continue
            if target == node:
                problems.add(row, "parent_code", parent_code, _("A unit cannot be its own parent."))
                continue
            parent[node] = target
        for row, parent_code in invalid_parents:
            if parent_code and parent_code not in existing.index and parent_code not in row_of_code:
                problems.add(
                    row,
                    "parent_code",
                    parent_code,
                    _("Unknown parent code: not in the file nor among stored units."),
                )
        # No raise yet: rows with a bad parent stay roots here, so cycles among the other rows
        # are found in the same pass and the user sees every problem at once.

        code_of = existing.codes + new_codes
        row_of_node = dict(zip(file_nodes, file_rows, strict=True))
        alive = np.ones(total, dtype=bool)
        pruned: list[int] = []
        absent = np.nonzero(~in_file[:stored])[0]
        scope_nodes = self._scope_nodes(actor, existing)
        tree = arrays.layout(parent)
        for node in tree.unreachable[:1000]:
            if not in_file[node]:
                continue
            cycle = arrays.cycle_through(parent, int(node))
            if int(node) not in cycle:
                continue
            problems.add(
                row_of_node[int(node)],
                "parent_code",
                code_of[int(parent[node])],
                _("Cycle: %(chain)s.")
                % {"chain": " → ".join(code_of[i] for i in [*cycle, cycle[0]])},
            )
        problems.raise_if_any()

        too_deep = np.nonzero(tree.depth > MAX_DEPTH)[0]
        for node in too_deep[:1000]:
            if in_file[node]:
                problems.add(
                    row_of_node[int(node)],
                    "parent_code",
                    code_of[int(parent[node])],
                    _("Deeper than %(n)s levels.") % {"n": MAX_DEPTH + 1},
                )

        in_scope = self._in_scope(scope_nodes, parent, tree)
        old_tree = arrays.layout(old_parent) if stored else None
        if in_scope is not None:
            old_in_scope = self._in_scope(scope_nodes, old_parent, old_tree) if old_tree else None
            for node, row in row_of_node.items():
                if not in_scope[node] or (
                    node < stored and old_in_scope is not None and not old_in_scope[node]
                ):
                    problems.add(
                        row,
                        "code",
                        code_of[node],
                        _(
                            "Outside your scope: you may change only units below the "
                            "units you organise."
                        ),
                    )
            absent = absent[in_scope[absent]] if absent.size else absent
        if prune and absent.size:
            alive[absent] = False
            parents_alive = alive[np.maximum(parent, 0)] | (parent < 0)
            orphans = np.nonzero(alive & ~parents_alive)[0]
            for node in orphans[:1000]:
                parent_code = code_of[int(parent[node])]
                if in_file[node]:
                    problems.add(
                        row_of_node[int(node)],
                        "parent_code",
                        parent_code,
                        _("This parent is not in the file and would be pruned."),
                    )
                else:
                    problems.add(
                        1,
                        "code",
                        code_of[int(node)],
                        _("Cannot prune %(parent)s: %(child)s, outside your scope, lies below it.")
                        % {"parent": parent_code, "child": code_of[int(node)]},
                    )
            held = _units_with_memberships([existing.ids[i] for i in absent])
            for uid, count in held[:1000]:
                problems.add(
                    1,
                    "code",
                    existing.codes[existing.ids.index(uid)],
                    _("Cannot prune this unit: %(n)s account membership(s) refer to it.")
                    % {"n": count},
                )
            depth = tree.depth
            pruned = sorted((int(i) for i in absent), key=lambda i: -int(depth[i]))
        problems.raise_if_any()

        moved = np.zeros(total, dtype=bool)
        if stored:
            moved[:stored] = parent[:stored] != old_parent
        row_changed = np.zeros(total, dtype=bool)
        for node in changed_existing:
            row_changed[node] = True
        final_flag = np.where(flag_array == -1, (tree.depth == 1).astype(np.int8), flag_array)
        if stored:
            stored_flags = np.array(existing.evaluating, dtype=np.int8)
            flag_changed = (flag_array[:stored] != -2) & (final_flag[:stored] != stored_flags)
            for node in np.nonzero(flag_changed)[0]:
                changed_existing.setdefault(int(node), []).append("evaluating_unit")
                row_changed[node] = True
        flag_array = np.where(flag_array == -2, -1, final_flag).astype(np.int8)
        if stored:
            flag_array[:stored] = np.where(
                in_file[:stored], flag_array[:stored], np.array(existing.evaluating, dtype=np.int8)
            )

        plan = self._plan(
            existing,
            new_codes,
            created_samples,
            renamed,
            changed_existing,
            moved,
            parent,
            code_of,
            absent,
            prune,
            digest,
            rows_seen,
        )
        return Analysis(
            existing=existing,
            plan=plan,
            parent=parent,
            sector=sector,
            kind=kind,
            alive=alive,
            flag=flag_array,
            in_file=in_file,
            new_codes=new_codes,
            layout=tree,
            moved=moved,
            row_changed=row_changed,
            pruned=pruned,
        )

    @staticmethod
    def _scope_nodes(actor: Any, existing: Existing) -> list[int] | None:
        """Stored node numbers of the units the actor organises; None means everywhere."""
        if is_superuser(actor):
            return None
        paths = top_paths(actor, roles=["organiser"])
        ids = [int(p[-SEGMENT:]) for p in paths]
        by_id = {uid: i for i, uid in enumerate(existing.ids)}
        return [by_id[i] for i in ids if i in by_id]

    @staticmethod
    def _in_scope(
        scope_nodes: list[int] | None, parent: np.ndarray, tree: arrays.Layout | None
    ) -> np.ndarray | None:
        if scope_nodes is None or tree is None:
            return None
        inside = np.zeros(len(parent), dtype=bool)
        inside[scope_nodes] = True
        # Parents come before children in the layout order, so one sweep propagates downwards.
        order = tree.order
        for d in range(1, int(tree.depth.max(initial=0)) + 1):
            nodes = order[tree.depth[order] == d]
            inside[nodes] |= inside[parent[nodes]]
        return inside

    @staticmethod
    def _plan(
        existing: Existing,
        new_codes: list[str],
        created: list[list[str]],
        renamed: list[tuple[str, str]],
        changed: dict[int, list[str]],
        moved: np.ndarray,
        parent: np.ndarray,
        code_of: list[str],
        absent: np.ndarray,
        prune: bool,
        digest: PlanDigest,
        rows: int,
    ) -> Plan:
        stored = len(existing.ids)
        moved_nodes = np.nonzero(moved)[0]
        old_parent_ids = existing.parent_ids
        id_to_code = dict(zip(existing.ids, existing.codes, strict=True))
        sample_codes = [code for code, _name in renamed]
        old_names = dict(Unit.objects.filter(code__in=sample_codes).values_list("code", "name"))
        absent_codes = sorted(existing.codes[i] for i in absent)
        # The digest covers what the file says and what it changes in the stored tree, so a
        # preview confirmed after someone else changed the tree no longer matches.
        for code in absent_codes:
            digest.add("absent", code, prune)
        digest.add("create", *new_codes)
        for node in sorted(changed):
            digest.add("change", code_of[node], *changed[node])
        for node in moved_nodes.tolist():
            digest.add("move", code_of[node], old_parent_ids[node])
        renames = sum(1 for changes in changed.values() if "name" in changes)
        updates = sum(1 for changes in changed.values() if set(changes) - {"name"})
        untouched = stored - len(absent) if stored else 0
        unchanged = untouched - len(set(changed) | {int(n) for n in moved_nodes})
        samples = {
            "create": created,
            "rename": [[code, old_names.get(code, ""), name] for code, name in renamed],
            "move": [
                [
                    code_of[n],
                    id_to_code.get(old_parent_ids[n], ""),
                    code_of[int(parent[n])] if parent[n] >= 0 else "",
                ]
                for n in moved_nodes[:SAMPLE_SIZE]
            ],
            "update": [
                [code_of[n], ", ".join(sorted(set(c) - {"name"}))]
                for n, c in list(changed.items())
                if set(c) - {"name"}
            ][:SAMPLE_SIZE],
            "absent": [[code] for code in absent_codes[:SAMPLE_SIZE]],
        }
        counts = {
            "rows": rows,
            "create": len(new_codes),
            "rename": renames,
            "move": int(moved_nodes.size),
            "update": updates,
            "unchanged": max(unchanged, 0),
            "absent": len(absent_codes),
            "prune": len(absent_codes) if prune else 0,
        }
        return Plan(counts=counts, samples=samples, digest=digest.hexdigest())


def _units_with_memberships(unit_ids: list[int]) -> list[tuple[int, int]]:
    from leitai.accounts.models import Membership

    found: list[tuple[int, int]] = []
    for start in range(0, len(unit_ids), 5000):
        chunk = unit_ids[start : start + 5000]
        found.extend(
            Membership.objects.filter(unit_id__in=chunk)
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
    return found


def _lock_units() -> None:
    """Serialise imports and tree edits: on SQLite the IMMEDIATE transaction already holds the
    write lock; on PostgreSQL a table lock keeps other writers out until we commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE orgs_unit IN SHARE ROW EXCLUSIVE MODE")


# -- pass 2: writing ----------------------------------------------------------------------------


class _CountsEncoder:
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


def _write(analysis: Analysis, path: Path, original_name: str, progress: Progress) -> None:
    existing = analysis.existing
    stored = len(existing.ids)
    total = len(analysis.parent)
    first_id = (Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    ids = np.empty(total, dtype=np.int64)
    ids[:stored] = existing.ids
    ids[stored:] = np.arange(first_id, first_id + total - stored)
    tree = analysis.layout
    paths: list[str] = [""] * total
    parent = analysis.parent
    for node in tree.order.tolist():
        own = f"{int(ids[node]):0{SEGMENT}d}"
        up = int(parent[node])
        paths[node] = own if up < 0 else paths[up] + own
    # Subtree counts before and after; only stored units whose counts differ are rewritten.
    new_counts = arrays.subtree_counts(parent, analysis.sector, analysis.kind, tree, analysis.alive)
    if stored:
        old_parent = existing.parent_indexes()
        old_tree = arrays.layout(old_parent)
        old_counts = arrays.subtree_counts(
            old_parent,
            np.array(existing.sector, dtype=np.uint8),
            np.array(existing.kind, dtype=np.uint8),
            old_tree,
        )
        counts_changed = np.any(new_counts[:stored] != old_counts, axis=1)
    else:
        counts_changed = np.zeros(0, dtype=bool)
    # A unit's path changes when it or an ancestor moved; propagate down in layout order.
    path_changed = analysis.moved.copy()
    for d in range(1, int(tree.depth.max(initial=0)) + 1):
        nodes = tree.order[tree.depth[tree.order] == d]
        path_changed[nodes] |= path_changed[parent[nodes]]

    encode = _CountsEncoder()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    kinds, sectors = arrays.KINDS, arrays.SECTORS
    flag = analysis.flag

    def parent_id(node: int) -> int | None:
        up = int(parent[node])
        return int(ids[up]) if up >= 0 else None

    # Deletions first (deepest first), so pruned units free nothing the inserts need.
    if analysis.pruned:
        pruned_ids = [int(ids[i]) for i in analysis.pruned]
        with connection.cursor() as cursor:
            for start in range(0, len(pruned_ids), 500):
                chunk = pruned_ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM orgs_unit WHERE id IN ({','.join(['%s'] * len(chunk))})", chunk
                )

    # Stored units to update: own columns, path/depth, or counts changed.
    update_nodes = np.nonzero(
        (analysis.row_changed[:stored] | path_changed[:stored] | counts_changed)
        & analysis.alive[:stored]
    )[0]
    file_values: dict[str, dict[str, str]] = {}
    needs_values = {existing.codes[i] for i in update_nodes if analysis.in_file[i]}
    new_code_set = set(analysis.new_codes)

    def new_rows() -> Iterator[tuple[Any, ...]]:
        sheet = open_sheet(path, COLUMNS, original_name)
        done = 0
        for _row, values in sheet.rows:
            code = values["code"]
            if code in needs_values:
                file_values[code] = values
            if code not in new_code_set:
                continue
            node = new_node[code]
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress("writing", done)
            yield (
                int(ids[node]),
                code,
                values["name"],
                kinds[analysis.kind[node]],
                sectors[analysis.sector[node]],
                values["secretary"],
                parent_id(node),
                bool(flag[node] == 1),
                paths[node],
                int(tree.depth[node]),
                encode(new_counts[node]),
                now,
            )

    new_node = {code: stored + i for i, code in enumerate(analysis.new_codes)}
    _insert_units(new_rows())
    if connection.vendor == "postgresql" and analysis.new_codes:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('orgs_unit', 'id'), "
                "(SELECT MAX(id) FROM orgs_unit))"
            )

    if len(update_nodes):
        if needs_values and not file_values:  # no new rows: the file was not re-read yet
            for _row, values in open_sheet(path, COLUMNS, original_name).rows:
                if values["code"] in needs_values:
                    file_values[values["code"]] = values
        rows = []
        for node in update_nodes.tolist():
            values = file_values.get(existing.codes[node])
            if values is not None:
                name, secretary = values["name"], values["secretary"]
            else:
                name, secretary = None, None
            rows.append(
                (
                    name,
                    secretary,
                    kinds[analysis.kind[node]],
                    sectors[analysis.sector[node]],
                    parent_id(node),
                    bool(flag[node] == 1),
                    paths[node],
                    int(tree.depth[node]),
                    encode(new_counts[node]),
                    now,
                    int(ids[node]),
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE orgs_unit SET name = COALESCE(%s, name), "
                "secretary = COALESCE(%s, secretary), kind = %s, sector = %s, parent_id = %s, "
                "is_evaluating = %s, path = %s, depth = %s, counts = %s, updated_at = %s "
                "WHERE id = %s",
                rows,
            )
    bump_tree_version()
    progress("done", total)


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


def _insert_units(rows: Iterator[tuple[Any, ...]], batch: int = 10_000) -> None:
    """The same statements the benchmark's floor uses: executemany on SQLite, COPY on PG."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY orgs_unit ({', '.join(INSERT_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = (
            f"INSERT INTO orgs_unit ({', '.join(INSERT_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(INSERT_COLUMNS))})"
        )
        pending: list[tuple[Any, ...]] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                pending.clear()
        if pending:
            cursor.executemany(sql, pending)
