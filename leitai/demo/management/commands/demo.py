"""`leitai demo`: load the demo city and its accounts; safe to run again (adds what is missing)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from leitai.accounts.models import Role, User
from leitai.accounts.services import create_user, grant_role
from leitai.demo.arenas import ensure_demo_programme, ensure_finished_arena, ensure_ready_arena
from leitai.demo.daily import ensure_demo_daily
from leitai.demo.evidence import People, ensure_demo_evidence
from leitai.demo.generate import DEMO_UNITS, FACT_HEADERS_ZH, HEADERS_ZH, demo_rows, with_facts
from leitai.orgs.importing import OrgImporter
from leitai.orgs.models import Unit

DEMO_PASSWORD = "leitai-demo"

# (account, display name, role, unit key in DEMO_UNITS); the superuser has no role row.
DEMO_ACCOUNTS: list[tuple[str, str, str | None, str | None]] = [
    ("admin", "系统管理员", None, None),
    ("zuzhibu", "市委组织部", Role.ORGANISER, "root"),
    ("shinan-review", "市南区委组织部初评组", Role.REVIEWER, "shinan"),
    ("jinhulu-host", "金湖路街道党工委", Role.HOST, "jinhulu"),
    ("zhengsuxiu", "郑素秀", Role.SECRETARY, "taizhoulu_branch"),
]


def load_demo_tree(superuser: User) -> int:
    """Import the demo tree through the real importer; returns the number of units created."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-orgs.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*HEADERS_ZH, *FACT_HEADERS_ZH])
            today = timezone.localdate()
            writer.writerows(with_facts(demo_rows(), (today.year, today.month, today.day)))
        with transaction.atomic():
            plan = OrgImporter().apply(
                path,
                path.name,
                actor=superuser,
                prune=False,
                progress=lambda phase, rows: None,
                expected_digest=None,
            )
    return int(plan.counts["create"])


class Command(BaseCommand):
    help = "Load the demo city (about 3,000 units) and one account per role."

    def handle(self, *args: Any, **options: Any) -> None:
        superuser = User.objects.filter(username="admin").first()
        if superuser is None:
            superuser = create_user(
                username="admin",
                password=DEMO_PASSWORD,
                display_name="系统管理员",
                must_change_password=False,
                is_superuser=True,
            )
        created = 0
        if not Unit.objects.filter(code=DEMO_UNITS["root"]).exists():
            created = load_demo_tree(superuser)
        units = {key: Unit.objects.get(code=code) for key, code in DEMO_UNITS.items()}
        for username, display_name, role, unit_key in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first() or create_user(
                username=username,
                password=DEMO_PASSWORD,
                display_name=display_name,
                must_change_password=False,
            )
            if role is not None and unit_key is not None:
                grant_role(user=user, unit=units[unit_key], role=role)
        total = Unit.objects.count()
        self.stdout.write(f"Demo data: {total} units ({created} added now).")
        host = User.objects.get(username="jinhulu-host")
        programme = ensure_demo_programme(units["root"])
        finished = ensure_finished_arena(programme, host_user=host)
        ready = ensure_ready_arena(programme, host_user=host)
        figures = ensure_demo_daily(superuser)
        if figures:
            self.stdout.write(f"Daily data: {figures} figures over 24 months for every branch.")
        self.stdout.write(f"Programme: {programme}")
        self.stdout.write(f"  finished arena #{finished.pk}: {finished.title}")
        self.stdout.write(f"  arena ready to run #{ready.pk}: {ready.title}")
        honours = ensure_demo_evidence(
            root=units["root"],
            demo_branch=units["taizhoulu_branch"],
            people=People(
                secretary=User.objects.get(username="zhengsuxiu"),
                reviewer=User.objects.get(username="shinan-review"),
                organiser=User.objects.get(username="zuzhibu"),
                admin=superuser,
            ),
        )
        self.stdout.write(f"Evidence: {honours} honours added now, with a few vetoes")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, display_name, role, unit_key in DEMO_ACCOUNTS:
            where = f" @ {units[unit_key].name}" if unit_key else ""
            self.stdout.write(f"  {username:<15} {role or 'superuser':<10} {display_name}{where}")
