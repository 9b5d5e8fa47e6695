"""`leitai import-daily` killed mid-import (SIGKILL, a real process): nothing of it is current,
and the next import discards what it staged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.orgs.models import Unit
from tests.evidence.daily_support import LONG_ZH, write_csv
from tests.factories import make_unit, small_city
from tests.support.server import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

LEITAI = Path(sys.executable).parent / "leitai"
UNITS = 1_100  # × 24 months × 9 metrics: 237,600 rows, more than one batch on either database
MONTHS = [f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13)]
METRICS = [
    "支委会",
    "党员大会",
    "党小组会",
    "党课",
    "主题党日",
    "组织生活会",
    "民主评议党员",
    "党费按时交纳率",
    "学习达标率",
]


def import_daily(path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leitai.settings_test",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    return subprocess.Popen(
        [str(LEITAI), "import-daily", str(path), "--yes"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def staged_values() -> int:
    return DailyValue.objects.filter(daily_import__state=DailyImportState.STAGING).count()


def test_a_killed_import_leaves_nothing_current_and_the_next_one_cleans_up(
    tmp_path: Path,
) -> None:
    city = small_city()
    codes = [make_unit(city["jinhulu"], name=f"支部{n}").code for n in range(UNITS)]
    assert Unit.objects.count() > UNITS
    rows = [
        [code, month, metric, "0.9" if "率" in metric else "1"]
        for code in codes
        for month in MONTHS
        for metric in METRICS
    ]
    big = write_csv(tmp_path / "province.csv", LONG_ZH, rows)

    process = import_daily(big)
    deadline = time.monotonic() + 120
    while staged_values() == 0:  # wait for the first staged batch, then kill
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "no batch staged within two minutes"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    killed = DailyImport.objects.get()
    assert killed.state == DailyImportState.STAGING
    left = DailyValue.objects.filter(daily_import=killed).count()
    assert 0 < left < len(rows)
    # Nothing of it is current: readers take only current imports.
    assert not DailyValue.objects.filter(daily_import__state=DailyImportState.CURRENT).exists()

    small = write_csv(tmp_path / "one.csv", LONG_ZH, [[codes[0], "2024-12", "支委会", "2"]])
    again = import_daily(small)
    output = again.communicate(timeout=120)[0].decode()
    assert again.returncode == 0, output
    killed.refresh_from_db()
    assert killed.state == DailyImportState.FAILED
    assert not DailyValue.objects.filter(daily_import=killed).exists()
    current = DailyImport.objects.get(state=DailyImportState.CURRENT)
    assert list(
        DailyValue.objects.filter(daily_import=current).values_list("unit__code", "metric", "value")
    ) == [(codes[0], "committee_meeting", Decimal(2))]
