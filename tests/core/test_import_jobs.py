"""An import job's lifecycle: its upload is private and deleted when it ends, an unconfirmed job
expires after a day, and a server starting up fails only jobs whose owner process is gone."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from leitai.accounts.models import Role
from leitai.core import imports
from leitai.core.models import ImportJob, ImportStatus
from leitai.core.processes import current_process, is_running, process_name
from tests.factories import PASSWORD, make_unit, make_user, small_city
from tests.support.server import ServerProcess

HEADER = "编码,名称,上级编码,类型,领域,书记,初评单位\n"
GOOD = HEADER + "N1,新建网格党支部,37020201,党支部,城市社区,,\n"
BAD = HEADER + "N1,新建网格党支部,404,党支部,城市社区,,\n"  # unknown parent: rejected


def upload(organiser: object, text: str, name: str = "orgs.csv") -> ImportJob:
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    with translation.override("zh-hans"):
        return imports.create_job(kind="orgs", actor=organiser, upload=file, prune=False)


def organiser() -> object:
    city = small_city()
    return make_user("org", role=Role.ORGANISER, unit=city["root"])


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.django_db
def test_an_upload_is_readable_by_its_owner_only_while_its_job_waits() -> None:
    job = upload(organiser(), GOOD)
    assert job.status == ImportStatus.READY
    stored = imports.stored_path(job)
    assert mode(stored) == 0o600
    assert mode(stored.parent) == 0o700


def _confirm(job: ImportJob) -> None:
    assert imports.confirm_job(job)


def _cancel(job: ImportJob) -> None:
    assert imports.cancel_job(job)


def _go_stale(job: ImportJob) -> None:
    from leitai.orgs.models import Unit

    # Someone creates the unit meanwhile: the preview ("create N1") no longer holds.
    make_unit(Unit.objects.get(code="37020201"), code="N1", name="别人建的支部")
    assert imports.confirm_job(job)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end", "status"),
    [
        (_confirm, ImportStatus.DONE),
        (_cancel, ImportStatus.CANCELLED),
        (_go_stale, ImportStatus.STALE),
    ],
    ids=["done", "cancelled", "stale"],
)
def test_the_upload_is_deleted_when_the_job_ends(
    end: Callable[[ImportJob], None], status: str
) -> None:
    job = upload(organiser(), GOOD)
    assert imports.stored_path(job).exists()
    end(job)
    job.refresh_from_db()
    assert job.status == status
    assert not imports.stored_path(job).exists()


@pytest.mark.django_db
def test_a_failed_upload_is_deleted() -> None:
    job = upload(organiser(), "", name="empty.csv")
    assert job.status == ImportStatus.FAILED
    assert not imports.stored_path(job).exists()


@pytest.mark.django_db
def test_unconfirmed_jobs_and_rejected_uploads_expire_after_a_day() -> None:
    actor = organiser()
    waiting = upload(actor, GOOD)
    rejected = upload(actor, BAD)
    fresh = upload(actor, GOOD)
    assert rejected.status == ImportStatus.REJECTED
    assert imports.stored_path(rejected).exists()  # kept for the annotated errors workbook
    day_ago = timezone.now() - timedelta(hours=25)
    ImportJob.objects.filter(pk=waiting.pk).update(updated_at=day_ago)
    ImportJob.objects.filter(pk=rejected.pk).update(finished_at=day_ago, updated_at=day_ago)
    assert not imports.confirm_job(waiting)  # too late, even before the sweep
    orphan = imports.upload_dir() / "left-by-a-crash.csv"
    orphan.write_text(BAD)
    os.utime(orphan, (day_ago.timestamp(), day_ago.timestamp()))
    arriving = imports.upload_dir() / "being-stored.csv"
    arriving.write_text(GOOD)

    assert imports.expire_jobs() == 1

    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.CANCELLED
    assert waiting.message == "预览后一天内未确认，请重新上传文件。"
    assert not imports.stored_path(waiting).exists()
    rejected.refresh_from_db()
    assert rejected.status == ImportStatus.REJECTED
    assert not imports.stored_path(rejected).exists()
    assert not orphan.exists()
    assert arriving.exists()
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.READY
    assert imports.stored_path(fresh).exists()
    # The errors workbook of an expired rejection still lists the problems.
    client = Client()
    assert client.login(username="org", password=PASSWORD)
    response = client.get(reverse("core:import_errors", args=[rejected.pk]))
    assert response.status_code == 200
    arriving.unlink()


def _applying(actor: object, owner: str, name: str) -> ImportJob:
    return ImportJob.objects.create(
        kind="orgs",
        status=ImportStatus.APPLYING,
        actor=actor,
        language="zh-hans",
        original_name=name,
        stored_name=name,
        size=1,
        owner=owner,
    )


def test_a_process_is_running_until_it_exits() -> None:
    assert is_running(current_process())
    child = subprocess.Popen(["sleep", "30"])
    try:
        name = process_name(child.pid)
        assert is_running(name)
    finally:
        child.kill()
        child.wait()
    assert not is_running(name)
    assert not is_running("")  # no owner recorded: a job from before owners were recorded
    host, boot, pid, started = current_process().split(" ")
    assert not is_running(f"{host} {boot} {pid} {int(started) + 1}")  # the pid, reused
    assert is_running(f"elsewhere {boot} {pid} {started}")  # another host: left to that host


@pytest.mark.django_db
def test_only_jobs_whose_owner_is_gone_are_marked_failed() -> None:
    actor = organiser()
    child = subprocess.Popen(["sleep", "30"])
    owner = process_name(child.pid)
    mine = _applying(actor, current_process(), "mine.csv")
    theirs = _applying(actor, owner, "theirs.csv")
    assert imports.fail_interrupted_jobs() == 0
    child.kill()
    child.wait()
    assert imports.fail_interrupted_jobs() == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == ImportStatus.APPLYING
    assert theirs.status == ImportStatus.FAILED
    assert theirs.message == "导入因服务器重启而中断，请重新上传文件。"


@pytest.mark.django_db
def test_a_job_that_ends_well_drops_an_earlier_message() -> None:
    job = upload(organiser(), GOOD)
    ImportJob.objects.filter(pk=job.pk).update(message="an old message")
    assert imports.confirm_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.message == ""


@pytest.mark.server
def test_a_second_server_leaves_another_process_import_running(
    server_factory: Callable[..., ServerProcess],
) -> None:
    actor = organiser()
    running = _applying(actor, current_process(), "running.csv")  # this test's process runs it
    child = subprocess.Popen(["sleep", "30"])
    gone = _applying(actor, process_name(child.pid), "gone.csv")
    child.kill()
    child.wait()
    server_factory()  # `leitai serve` starting up
    deadline = time.monotonic() + 10
    while ImportJob.objects.get(pk=gone.pk).status != ImportStatus.FAILED:
        assert time.monotonic() < deadline, "the server did not fail the orphaned job"
        time.sleep(0.1)
    running.refresh_from_db()
    assert running.status == ImportStatus.APPLYING
    assert running.message == ""
