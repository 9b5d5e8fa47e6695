"""A daily-data import job writes in short transactions: another connection's write (through
SQLite's real lock) never waits a second behind it, and nothing of it is visible until the end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from leitai.accounts.models import Role
from leitai.core import imports
from leitai.core.models import ImportStatus
from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.evidence.services import daily as services
from tests.accounts.test_import_writes import status_of, timed_write
from tests.evidence.daily_support import LONG_ZH, write_csv
from tests.factories import make_unit, make_user, small_city

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = 150


@pytest.mark.sqlite_only  # the rendezvous is SQLite's one write lock
def test_writes_wait_under_a_second_while_a_daily_import_stages(
    settings, monkeypatch, tmp_path: Path
) -> None:
    # Many transactions of one batch each: time to step in between them.
    monkeypatch.setattr(services, "STAGE_ROWS_SQLITE", 2_000)
    monkeypatch.setattr(services, "STAGE_GATHER", 2_000)
    settings.IMPORT_INLINE_BYTES = 0  # the background path, so this thread can write meanwhile
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    codes = [make_unit(city["jinhulu"], name=f"支部{n}").code for n in range(UNITS)]
    metrics = ["支委会", "党员大会", "党小组会", "党课", "主题党日", "党费按时交纳率", "学习达标率"]
    rows = [
        [code, f"2025-{month:02d}", metric, "0.9" if "率" in metric else "1"]
        for code in codes
        for month in range(1, 13)
        for metric in metrics
    ]
    path = write_csv(tmp_path / "daily.csv", LONG_ZH, rows)
    job = imports.create_job_from_path(kind="daily", actor=organiser, path=path, prune=False)
    assert job.status == ImportStatus.READY, job.problems[:3]
    started = time.monotonic()
    assert imports.confirm_job(job)
    waits = []
    seen_staged = False
    while status_of(job) == ImportStatus.APPLYING:
        waits.append(timed_write(organiser.pk))
        staging = DailyImport.objects.filter(state=DailyImportState.STAGING).first()
        if staging is not None and DailyValue.objects.filter(daily_import=staging).exists():
            seen_staged = True
            # Staged values are not current: no reader takes them.
            assert not DailyValue.objects.filter(daily_import__state="current").exists()
        time.sleep(0.02)
    took = time.monotonic() - started
    imports.wait_for_background_jobs(timeout=120)
    assert status_of(job) == ImportStatus.DONE
    assert DailyValue.objects.filter(daily_import__state="current").count() == len(rows)
    assert seen_staged
    assert len(waits) >= 5
    assert max(waits) < 1.0, (max(waits), took)
