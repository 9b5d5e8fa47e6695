"""Importing accounts and their memberships: one row per (account, unit, role).

An account may appear on several rows (one per role); its display name and initial password must
then agree. New accounts get the initial password from the file and must change it
at first sign-in; for existing accounts the password column is ignored (organisers reset
passwords on the accounts page). Memberships missing from the file are kept unless pruning.

A confirmed import job writes in short transactions (`apply_staged`): the new accounts are
created inactive and tagged with the job, the roles to grant or remove and the names to change
go to a staging table, and one last transaction of a few bulk statements makes everything
current. Until then nothing of the import is visible or usable; a failure deletes what was staged,
and so does the next server start after a crash (`discard_staged`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Exists, Field, OuterRef, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.accounts.hashing import hash_passwords
from leitai.accounts.models import (
    ROLE_LABELS_ZH,
    ROLE_WORDS,
    Membership,
    Role,
    StagedAccountChange,
    StagedChange,
    User,
)
from leitai.accounts.permissions import (
    can_manage_unit,
    manageable_accounts_q,
    organised_scope_q,
)
from leitai.core.imports import (
    ImportRejected,
    Plan,
    PlanDigest,
    Progress,
    RowProblem,
    StalePlan,
)
from leitai.core.models import ImportJob
from leitai.core.tabular import Column, open_sheet
from leitai.orgs.models import Unit

COLUMNS = [
    Column("username", ("账号", "用户名", "登录名")),
    Column("display_name", ("姓名", "显示名称"), required=False),
    Column("password", ("初始密码", "密码"), required=False),
    Column("unit_code", ("单位编码", "组织编码", "编码")),
    Column("role", ("角色",)),
]
HEADERS_ZH = [c.headers[0] for c in COLUMNS]
MAX_LENGTH = {"username": 150, "display_name": 64, "password": 128}
MIN_PASSWORD = 8
_role_lookup = {**ROLE_WORDS, **{r.value: r.value for r in Role}}
# Rows per staging transaction: SQLite's write lock is held for one chunk at a time. Measured
# on the shared two-core machine under load: STAGE_ACCOUNTS new accounts take about 25 ms,
# STAGE_CHANGES staged changes about 15 ms, far under the second another write may wait.
STAGE_ACCOUNTS = 200
STAGE_CHANGES = 500
# A pause after each chunk on SQLite, longer than the longest sleep of a waiting writer's busy
# handler (100 ms): back-to-back chunks would otherwise keep retaking the lock while that writer
# sleeps, and it would wait for many chunks instead of one (0.43 s measured for 10,000 accounts).
STAGE_PAUSE = 0.12


def is_valid_username(username: str) -> bool:
    """Django's own rule for account names (letters, digits, @ . + - _): no "/", which would break
    every page that links to the account."""
    try:
        User.username_validator(username)
    except ValidationError:
        return False
    return True


class UserImporter:
    kind = "users"
    columns = COLUMNS

    def check(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Plan:
        plan = self._analyse(path, original_name, actor=actor, prune=prune)[0]
        plan.slow = plan.counts["create"] > 0  # new accounts' passwords are hashed
        return plan

    def prepare(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> dict[str, str]:
        """Hash the new accounts' initial passwords (0.25 s each), outside the write
        transaction and at low priority: {username: encoded password}."""
        accounts = self._analyse(path, original_name, actor=actor, prune=prune)[1]
        known = set(
            User.objects.filter(username__in=list(accounts)).values_list("username", flat=True)
        )
        new = sorted(set(accounts) - known)
        encoded: dict[str, str] = {}
        hashed = hash_passwords([accounts[username][1] for username in new])
        for username, password in zip(new, hashed, strict=True):
            encoded[username] = password
            progress("hashing", len(encoded))
        return encoded

    def apply_staged(
        self,
        job: ImportJob,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: dict[str, str] | None = None,
    ) -> Plan:
        """Check again, stage the changes in short transactions, then make them current in one
        short transaction; on any failure delete what was staged (nothing was visible)."""
        plan, accounts, wanted, removed = self._analyse(
            path, original_name, actor=actor, prune=prune
        )
        if expected_digest is not None and plan.digest != expected_digest:
            raise StalePlan
        try:
            staged = self._stage(job, accounts, wanted, removed, prepared or {}, progress)
            with transaction.atomic():
                _make_current(job, *staged)
        except BaseException:
            self.discard_staged(job)
            raise
        progress("done", plan.counts["rows"])
        return plan

    @staticmethod
    def discard_staged(job: ImportJob) -> None:
        """Delete a failed or interrupted import's staged accounts and changes, a chunk per
        transaction (deleting an account also deletes the rows pointing at it)."""
        _delete_in_chunks(User.objects.filter(staged_by=job), STAGE_ACCOUNTS)
        _delete_in_chunks(StagedAccountChange.objects.filter(job=job), STAGE_CHANGES)

    def _stage(
        self,
        job: ImportJob,
        accounts: dict[str, tuple[str, str]],
        wanted: set[tuple[str, str, str]],
        removed: list[int],
        prepared: dict[str, str],
        progress: Progress,
    ) -> tuple[int, int]:
        """Write the new accounts (inactive, tagged with the job) and the staged changes;
        returns how many of each, for the final check."""
        users = {u.username: u for u in User.objects.filter(username__in=list(accounts))}
        new = [
            User(
                username=username,
                display_name=display_name,
                password=prepared.get(username) or make_password(password),
                must_change_password=True,
                is_active=False,
                staged_by=job,
            )
            for username, (display_name, password) in accounts.items()
            if username not in users
        ]
        for start in range(0, len(new), STAGE_ACCOUNTS):
            created = _write_chunk(User, new[start : start + STAGE_ACCOUNTS])
            users.update((user.username, user) for user in created)
            progress("writing", start + len(created))
        changes = _staged_changes(job, accounts, users, wanted, removed)
        for start in range(0, len(changes), STAGE_CHANGES):
            _write_chunk(StagedAccountChange, changes[start : start + STAGE_CHANGES])
        return len(new), len(changes)

    def apply(
        self,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: dict[str, str] | None = None,
    ) -> Plan:
        plan, accounts, wanted, removed = self._analyse(
            path, original_name, actor=actor, prune=prune
        )
        if expected_digest is not None and plan.digest != expected_digest:
            raise StalePlan
        users = {u.username: u for u in User.objects.filter(username__in=list(accounts))}
        self._create_accounts(accounts, users, prepared or {})
        units = {u.code: u for u in Unit.objects.filter(code__in={c for _, c, _ in wanted})}
        existing = set(
            Membership.objects.filter(user__username__in=list(accounts)).values_list(
                "user__username", "unit__code", "role"
            )
        )
        Membership.objects.bulk_create(
            [
                Membership(user=users[username], unit=units[code], role=role)
                for username, code, role in sorted(wanted - existing)
            ]
        )
        if removed:
            Membership.objects.filter(pk__in=removed).delete()
        progress("done", plan.counts["rows"])
        return plan

    @staticmethod
    def _create_accounts(
        accounts: dict[str, tuple[str, str]], users: dict[str, User], prepared: dict[str, str]
    ) -> None:
        """New accounts in bulk, with the passwords hashed beforehand (`prepared`); a password
        not prepared (the CLI's tests, an account deleted since) is hashed here, in the
        transaction. Changed display names of existing accounts are saved; `users` gains the
        new accounts."""
        created = [
            User(
                username=username,
                display_name=display_name,
                password=prepared.get(username) or make_password(password),
                must_change_password=True,
            )
            for username, (display_name, password) in accounts.items()
            if username not in users
        ]
        for user in User.objects.bulk_create(created):
            users[user.username] = user
        renamed = []
        for username, (display_name, _password) in accounts.items():
            user = users[username]
            if display_name and user.display_name != display_name:
                user.display_name = display_name
                renamed.append(user)
        User.objects.bulk_update(renamed, ["display_name"], batch_size=500)

    def _analyse(
        self, path: Path, original_name: str, *, actor: Any, prune: bool
    ) -> tuple[Plan, dict[str, tuple[str, str]], set[tuple[str, str, str]], list[int]]:
        sheet = open_sheet(path, COLUMNS, original_name)
        header_of = {f: sheet.header_text(f) for f in sheet.field_of_column.values()}
        problems: list[RowProblem] = []

        def problem(row: int, field: str, value: str, reason: str) -> None:
            problems.append(RowProblem(row, header_of.get(field, field), value, reason))

        rows: list[tuple[int, dict[str, str]]] = list(sheet.rows)
        if not rows:
            raise ImportRejected([RowProblem(1, "", "", _("The file has a header but no rows."))])
        codes = {values["unit_code"] for _, values in rows}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        named = User.objects.filter(username__in={v["username"] for _, v in rows})
        known = set(named.values_list("username", flat=True))
        # Existing accounts the actor may change; any other existing one is refused with the
        # message an unknown account without a password gets, so existence does not leak.
        managed = set(named.filter(manageable_accounts_q(actor)).values_list("username", flat=True))
        accounts: dict[str, tuple[str, str]] = {}
        first_row: dict[str, int] = {}
        wanted: set[tuple[str, str, str]] = set()
        seen: dict[tuple[str, str, str], int] = {}
        for row, values in rows:
            username = values["username"]
            ok = True
            if not username:
                problem(row, "username", "", _("The account name is empty."))
                continue
            if not is_valid_username(username):
                problem(
                    row,
                    "username",
                    username,
                    _("Only letters, digits and @ . + - _ are allowed in an account name."),
                )
                ok = False
            elif (username in known and username not in managed) or (
                username not in known and not values.get("password") and username not in accounts
            ):
                problem(
                    row,
                    "username",
                    username,
                    _(
                        "Not an account you manage. A new account needs an initial password "
                        "and an account name nobody uses yet."
                    ),
                )
                ok = False
            for name, limit in MAX_LENGTH.items():
                if len(values.get(name, "")) > limit:
                    problem(
                        row, name, values[name], _("Longer than %(n)s characters.") % {"n": limit}
                    )
                    ok = False
            role = _role_lookup.get(values["role"])
            if role is None:
                problem(
                    row,
                    "role",
                    values["role"],
                    _("Unknown role; allowed: %(allowed)s.")
                    % {"allowed": "、".join(ROLE_LABELS_ZH.values())},
                )
                ok = False
            unit = units.get(values["unit_code"])
            if unit is None:
                problem(row, "unit_code", values["unit_code"], _("Unknown unit code."))
                ok = False
            elif not can_manage_unit(actor, unit):
                problem(
                    row,
                    "unit_code",
                    values["unit_code"],
                    _("Outside your scope: you may give roles only below the units you organise."),
                )
                ok = False
            password = values.get("password", "")
            if password and len(password) < MIN_PASSWORD and username not in known:
                problem(
                    row,
                    "password",
                    "•" * len(password),
                    _("Initial passwords need at least %(n)s characters.") % {"n": MIN_PASSWORD},
                )
                ok = False
            if username in accounts:
                display_name, _earlier = accounts[username]
                if (
                    values.get("display_name")
                    and display_name
                    and values["display_name"] != display_name
                ):
                    problem(
                        row,
                        "display_name",
                        values["display_name"],
                        _("Differs from row %(row)s for the same account.")
                        % {"row": first_row[username]},
                    )
                    ok = False
            elif ok:
                accounts[username] = (values.get("display_name", ""), password)
                first_row[username] = row
            if not ok or role is None or unit is None:
                continue
            key = (username, unit.code, role)
            if key in seen:
                problem(
                    row,
                    "role",
                    values["role"],
                    _("Duplicate: also on row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = row
            wanted.add(key)
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: (p.row, p.column)))

        # Pruning changes accounts too: only memberships of accounts the actor manages.
        prunable = Membership.objects.filter(
            organised_scope_q(actor, prefix="unit__"),
            user__in=User.objects.filter(manageable_accounts_q(actor)),
        )
        stored = (
            set(prunable.values_list("user__username", "unit__code", "role")) if prune else set()
        )
        absent = sorted(stored - wanted)
        removed_ids: list[int] = []
        if absent:
            lookup = {
                (m.user.username, m.unit.code, m.role): m.pk
                for m in prunable.select_related("user", "unit")
            }
            removed_ids = [lookup[key] for key in absent if key in lookup]
        existing = set(
            Membership.objects.filter(user__username__in=list(accounts)).values_list(
                "user__username", "unit__code", "role"
            )
        )
        digest = PlanDigest()
        for key in sorted(wanted):
            digest.add(*key)
        for username in sorted(accounts):
            digest.add(username, accounts[username][0], username in known)
        for key in absent:
            digest.add("remove", *key)
        new_accounts = sorted(set(accounts) - known)
        granted = sorted(wanted - existing)
        plan = Plan(
            counts={
                "rows": len(rows),
                "create": len(new_accounts),
                "grant": len(granted),
                "unchanged": len(wanted & existing),
                "remove": len(absent),
            },
            samples={
                "create": [[u, accounts[u][0]] for u in new_accounts[:100]],
                "grant": [list(k) for k in granted[:100]],
                "remove": [list(k) for k in absent[:100]],
            },
            digest=digest.hexdigest(),
        )
        return plan, accounts, wanted, removed_ids


def _delete_in_chunks(rows: QuerySet[Any], chunk: int) -> None:
    while True:
        with transaction.atomic():
            ids = list(rows.values_list("pk", flat=True)[:chunk])
            if not ids:
                return
            rows.model.objects.filter(pk__in=ids).delete()


def _write_chunk(model: Any, rows: list[Any]) -> list[Any]:
    """One short transaction. A row it refers to or a name it reserves changed since the check
    (an account of that name created, a unit deleted): the import is stale, never a traceback."""
    try:
        with transaction.atomic():
            created: list[Any] = model.objects.bulk_create(rows)
    except IntegrityError:
        raise StalePlan from None
    if connection.vendor == "sqlite":
        time.sleep(STAGE_PAUSE)
    return created


def _staged_changes(
    job: ImportJob,
    accounts: dict[str, tuple[str, str]],
    users: dict[str, User],
    wanted: set[tuple[str, str, str]],
    removed: list[int],
) -> list[StagedAccountChange]:
    units = {u.code: u for u in Unit.objects.filter(code__in={c for _, c, _ in wanted})}
    existing = set(
        Membership.objects.filter(user__username__in=list(accounts)).values_list(
            "user__username", "unit__code", "role"
        )
    )
    changes = [
        StagedAccountChange(job=job, change=StagedChange.RENAME, user=user, display_name=name)
        for username, (name, _password) in accounts.items()
        if (user := users[username]).staged_by_id is None and name and user.display_name != name
    ]
    changes += [
        StagedAccountChange(
            job=job, change=StagedChange.GRANT, user=users[username], unit=units[code], role=role
        )
        for username, code, role in sorted(wanted - existing)
    ]
    changes += [
        StagedAccountChange(job=job, change=StagedChange.REMOVE, membership_id=pk) for pk in removed
    ]
    return changes


def _make_current(job: ImportJob, accounts: int, changes: int) -> None:
    """The import's last transaction: a few bulk statements, whatever the file's size (10,000
    accounts in well under a second). A staged row that vanished meanwhile (an account, a unit or
    a role deleted since: the staging rows cascade) makes the import stale, never partial."""
    staged = StagedAccountChange.objects.filter(job=job)
    if User.objects.filter(staged_by=job).count() != accounts or staged.count() != changes:
        raise StalePlan
    renames = staged.filter(change=StagedChange.RENAME)
    User.objects.filter(pk__in=Subquery(renames.values("user_id"))).update(
        display_name=Subquery(renames.filter(user_id=OuterRef("pk")).values("display_name")[:1])
    )
    Membership.objects.filter(
        pk__in=Subquery(staged.filter(change=StagedChange.REMOVE).values("membership_id"))
    ).delete()
    _insert_grants(staged.filter(change=StagedChange.GRANT))
    User.objects.filter(staged_by=job).update(is_active=True, staged_by=None)
    staged.delete()


def _insert_grants(grants: Any) -> None:
    """INSERT ... SELECT from the staging table: one statement, no rows through Python. A role
    granted meanwhile by someone else is left as it is."""
    held = Membership.objects.filter(
        user=OuterRef("user"), unit=OuterRef("unit"), role=OuterRef("role")
    )
    select = (
        grants.exclude(Exists(held))
        .annotate(now=Value(timezone.now(), output_field=DateTimeField()))
        .values_list("user_id", "unit_id", "role", "now")
    )
    sql, params = select.query.sql_with_params()
    meta = Membership._meta
    columns = ", ".join(
        connection.ops.quote_name(cast("Field[Any, Any]", meta.get_field(name)).column)
        for name in ("user", "unit", "role", "created_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) {sql}", params
        )
