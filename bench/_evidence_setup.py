"""Loads a province's evidence into a benchmark database holding an imported tree, in a child
process of its own (Django configured by the environment bench._orgs_common.child_env gives).

    python -m bench._evidence_setup PLAN.json

The import's speed is not what bench.evidence_pages measures, so the data goes in by the
database's fastest bulk path, straight into the tables: the accounts and import records through
the ORM, the honours and the daily values with `executemany` inside one transaction on SQLite
(the secondary indexes dropped and built again afterwards; the rows arrive in the unique index's
order) and `COPY` on PostgreSQL (with the foreign-key triggers off for the transaction).

What goes in (PLAN.json: months, honour_share, secretaries, seed, password):
- an organiser at the root, and `secretaries` secretaries, each of one branch drawn at random;
- honours for `honour_share` of the units (1–4 each, every level, most verified, some pending or
  rejected), and three for every secretary's branch, so that no measured page is empty;
- one current daily import per month of the window ending last month (the platform exports a
  month at a time), and for every unit, every month and every metric one value: most branches
  regular, some with gaps (a month in six missing), one unit in twenty with no record at all.

Prints one JSON line: the secretaries' (username, unit id, unit code), the organiser's name, the
counts loaded and the seconds each part took.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

LEVELS = ("national", "provincial", "municipal", "district", "street")
TITLES = {
    "national": "全国先进基层党组织",
    "provincial": "山东省先进基层党组织",
    "municipal": "青岛市先进基层党组织",
    "district": "区级先进基层党组织",
    "street": "街道党建示范点",
}
BODIES = {
    "national": "中共中央",
    "provincial": "中共山东省委",
    "municipal": "中共青岛市委",
    "district": "中共青岛市市南区委",
    "street": "金湖路街道党工委",
}
BATCH = 50_000


def main(argv: list[str] | None = None) -> int:
    import django

    django.setup()
    (plan_path,) = argv if argv is not None else sys.argv[1:]
    with open(plan_path, encoding="utf-8") as file:
        plan = json.load(file)
    result = load(plan)
    print(json.dumps(result), flush=True)
    return 0


def load(plan: dict[str, Any]) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from leitai.accounts.models import Membership, Role, User
    from leitai.evidence.models import DailyImport, DailyImportState
    from leitai.evidence.queries_daily import judged_window, month_number
    from leitai.evidence.rules_daily import daily_rule_for
    from leitai.orgs.models import Unit, UnitKind

    rng = random.Random(plan["seed"])
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    units = list(Unit.objects.order_by("id").values_list("id", "code", "kind"))
    branches = [(uid, code) for uid, code, kind in units if kind == UnitKind.BRANCH]
    root = units[0]
    password = make_password(plan["password"])  # one hash for every account: set-up, not login
    with transaction.atomic():
        organiser = User.objects.create(username="bench-ev-organiser", password=password)
        Membership.objects.create(user=organiser, unit_id=root[0], role=Role.ORGANISER)
        secretaries = []
        for number, (uid, code) in enumerate(rng.sample(branches, plan["secretaries"])):
            user = User.objects.create(username=f"bench-ev-secretary-{number}", password=password)
            Membership.objects.create(user=user, unit_id=uid, role=Role.SECRETARY)
            secretaries.append((user.username, uid, code))
    seconds["accounts"] = time.perf_counter() - started

    rule = daily_rule_for()
    _first, last = judged_window(rule)
    # The window's months and, with more than its twelve, the months before it.
    months = [last.plus(i + 1 - plan["months"]) for i in range(plan["months"])]
    started = time.perf_counter()
    now = timezone.now()
    imports = []
    with transaction.atomic():
        for generation, month in enumerate(months, start=1):
            imported = DailyImport.objects.create(
                state=DailyImportState.CURRENT,
                actor=organiser,
                actor_name=organiser.username,
                file_name=f"灯塔-党建在线-{month}.csv",
                digest=f"{generation:064x}",
                rows=len(units) * len(rule.metrics),
                periods=[str(month)],
                units=len(units),
                current_at=now,
                generation=generation,
            )
            imports.append((imported.pk, month_number(month)))
    # In the order of the unique index (unit, period, metric, import): appended, not scattered.
    metrics = sorted((m.key, m.kind.value == "ratio") for m in rule.metrics)

    honour_units = {uid for uid, _c, _k in units if rng.random() < plan["honour_share"]}
    honour_units |= {uid for _n, uid, _c in secretaries}
    honours = list(_honours(rng, sorted(honour_units), organiser.pk, now, secretaries))
    seconds["honours_made"] = time.perf_counter() - started
    unit_ids = [uid for uid, _c, _k in units]
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        rows = _load_sqlite(connection, honours, _values(rng, unit_ids, imports, metrics))
    else:
        rows = _load_postgres(connection, honours, _values(rng, unit_ids, imports, metrics))
    seconds["bulk_load"] = time.perf_counter() - started
    return {
        "organiser": organiser.username,
        "secretaries": secretaries,
        "units": len(units),
        "honours": len(honours),
        "daily_values": rows,
        "months": [str(m) for m in months],
        "seconds": seconds,
    }


HONOUR_COLUMNS = (
    "unit_id, title, level, conferred_by, document, document_key, conferred_on, file, "
    "file_sha256, file_type, file_size, state, entered_by_id, entered_at, verified_by_id, "
    "verified_at, rejection_reason, version"
)


def _honours(
    rng: random.Random,
    unit_ids: list[int],
    organiser: int,
    now: dt.datetime,
    secretaries: list[tuple[str, int, str]],
) -> Iterator[tuple[Any, ...]]:
    from leitai.scoring.honours import normalise_document

    measured = {uid for _n, uid, _c in secretaries}
    today = now.date()
    for uid in unit_ids:
        for number in range(3 if uid in measured else rng.randint(1, 4)):
            level = rng.choice(LEVELS)
            document = f"青发〔{2020 + number}〕{uid % 1000 + number}号"
            state = rng.choices(["verified", "pending", "rejected"], [85, 10, 5])[0]
            day = today - dt.timedelta(days=rng.randint(30, 5 * 365))
            yield (
                uid,
                TITLES[level],
                level,
                BODIES[level],
                document,
                normalise_document(document),
                day.isoformat(),
                "",
                "",
                "",
                0,
                state,
                organiser,
                now.isoformat(),
                organiser if state != "pending" else None,
                now.isoformat() if state != "pending" else None,
                "文号与文件不符" if state == "rejected" else "",
                1,
            )


def _values(
    rng: random.Random,
    unit_ids: list[int],
    imports: list[tuple[int, int]],
    metrics: list[tuple[str, bool]],
) -> Iterator[list[tuple[Any, ...]]]:
    """(import, unit, period, metric, value) in the unique index's order, a batch at a time."""
    batch: list[tuple[Any, ...]] = []
    ratios = [round(0.7 + 0.3 * i / 50, 4) for i in range(51)]
    for uid in unit_ids:
        draw = rng.random()
        if draw < 0.05:
            continue  # no record at all
        gaps = draw < 0.20
        for import_id, period in imports:
            if gaps and rng.random() < 1 / 6:
                continue
            for key, is_ratio in metrics:
                value = rng.choice(ratios) if is_ratio else rng.choice((0, 1, 1, 1, 2))
                batch.append((import_id, uid, period, key, value))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


VALUE_COLUMNS = "daily_import_id, unit_id, period, metric, value"


def _load_sqlite(connection: Any, honours: list[tuple[Any, ...]], batches: Any) -> int:
    from leitai.evidence.models import DailyValue

    table = DailyValue._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        sql = (
            f"SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' "
            "AND sql IS NOT NULL"
        )
        # The unique constraint is the table's own index (kept: the rows arrive in its order);
        # the others are dropped and built again after the load.
        indexes = [row[0] for row in raw.execute(sql).fetchall()]
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("BEGIN IMMEDIATE")
        marks = ", ".join(["?"] * len(HONOUR_COLUMNS.split(",")))
        raw.executemany(f"INSERT INTO evidence_honour ({HONOUR_COLUMNS}) VALUES ({marks})", honours)
        for statement in indexes:
            name = statement.split("INDEX", 1)[1].split("ON", 1)[0].strip().strip('"')
            raw.execute(f'DROP INDEX "{name}"')
        rows = 0
        for batch in batches:
            raw.executemany(f"INSERT INTO {table} ({VALUE_COLUMNS}) VALUES (?, ?, ?, ?, ?)", batch)
            rows += len(batch)
        for statement in indexes:
            raw.execute(statement)
        raw.execute("COMMIT")
        raw.execute("ANALYZE")
    return rows


def _load_postgres(connection: Any, honours: list[tuple[Any, ...]], batches: Any) -> int:
    from django.db import transaction

    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        # The rows are consistent by construction: no foreign-key trigger per row (the deferred
        # checks of 30 M rows at COMMIT took longer than the COPY). Needs a superuser, as the
        # benchmark's server account is.
        raw.execute("SET LOCAL session_replication_role = replica")
        with raw.copy(f"COPY evidence_honour ({HONOUR_COLUMNS}) FROM STDIN") as copy:
            for row in honours:
                copy.write_row(row)
        with raw.copy(f"COPY evidence_dailyvalue ({VALUE_COLUMNS}) FROM STDIN") as copy:
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
                rows += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return rows


if __name__ == "__main__":
    sys.exit(main())
