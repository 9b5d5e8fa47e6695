"""An account import on SQLite never holds the write lock while it hashes passwords.

With the real hasher (PBKDF2, a quarter of a second a password), an import of 16 new accounts
spends seconds hashing. Meanwhile another connection writes (a sign-in's `last_login`) every
tenth of a second, through SQLite's real lock; no write may wait as long as a second, nor a third
of the import's time: before, the import hashed inside its write transaction and every other
write queued behind it for the whole import. Ratios to the import's own duration keep the test
meaningful on a loaded machine, where everything, the hashing too, runs slower.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from leitai.accounts.models import Membership, Role, User
from leitai.core import imports
from leitai.core.models import ImportJob, ImportStatus
from tests.factories import make_user, small_city

REAL_HASHER = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
ACCOUNTS = 16

pytestmark = pytest.mark.django_db(transaction=True)


def accounts_file(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    rows = [f"new{n:03d},书记{n},Initial-pass-{n},3702020101,书记\n" for n in range(ACCOUNTS)]
    path.write_text("账号,姓名,初始密码,单位编码,角色\n" + "".join(rows), encoding="utf-8")
    return path


def ready_job(tmp_path: Path) -> ImportJob:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    job = imports.create_job_from_path(
        kind="users", actor=organiser, path=accounts_file(tmp_path), prune=False
    )
    assert job.status == ImportStatus.READY
    return job


def status_of(job: ImportJob) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def timed_write(user_pk: int) -> float:
    started = time.monotonic()
    with transaction.atomic():  # BEGIN IMMEDIATE: waits for SQLite's write lock
        User.objects.filter(pk=user_pk).update(last_login=timezone.now())
    return time.monotonic() - started


@pytest.mark.sqlite_only
def test_writes_wait_under_a_second_while_an_account_import_hashes(settings, tmp_path) -> None:
    settings.PASSWORD_HASHERS = REAL_HASHER
    settings.IMPORT_INLINE_BYTES = 0  # the background path, so this thread can write meanwhile
    job = ready_job(tmp_path)
    started = time.monotonic()
    assert imports.confirm_job(job)
    waits = []
    while status_of(job) == ImportStatus.APPLYING:
        waits.append(timed_write(job.actor_id))
        time.sleep(0.1)
    took = time.monotonic() - started
    imports.wait_for_background_jobs()
    assert status_of(job) == ImportStatus.DONE
    assert User.objects.filter(username__startswith="new").count() == ACCOUNTS
    assert User.objects.get(username="new007").check_password("Initial-pass-7")
    assert took > 1.0, f"the import took {took:.1f} s: too quick to show anything"
    assert max(waits) < min(1.0, took / 3), (max(waits), took)
    assert len(waits) >= 5


def test_small_account_import_is_applied_in_the_background(settings, tmp_path) -> None:
    job = ready_job(tmp_path)
    assert job.size <= settings.IMPORT_INLINE_BYTES
    assert job.preview["slow"]
    assert imports.confirm_job(job)
    assert status_of(job) == ImportStatus.APPLYING  # the request returns before the hashing
    imports.wait_for_background_jobs()
    assert status_of(job) == ImportStatus.DONE


def test_account_import_failing_after_hashing_leaves_nothing(settings, tmp_path) -> None:
    """While the import hashes, one of its new accounts is created elsewhere: the write
    transaction's re-check sees a plan other than the confirmed one and writes nothing."""
    settings.PASSWORD_HASHERS = REAL_HASHER
    job = ready_job(tmp_path)
    assert imports.confirm_job(job)
    with transaction.atomic():  # an account of the organiser's, so the plan merely changes
        made = User.objects.create(username="new005", password="!")  # "!": no usable password
        Membership.objects.create(user=made, unit=job.actor.memberships.get().unit, role=Role.HOST)
    # Written while the import still hashed: it held no lock (before, this waited for the
    # import's commit and then failed on the duplicate name).
    assert status_of(job) == ImportStatus.APPLYING
    imports.wait_for_background_jobs(timeout=120)
    assert status_of(job) == ImportStatus.STALE
    assert list(
        User.objects.filter(username__startswith="new").values_list("username", flat=True)
    ) == ["new005"]
    assert list(Membership.objects.filter(user__username__startswith="new")) == [
        made.memberships.get()
    ]


def test_import_users_command_hashes_before_it_writes(settings, tmp_path) -> None:
    """`leitai import-users --yes` takes the same two steps: the accounts sign in with the
    file's initial passwords, hashed by the real hasher."""
    settings.PASSWORD_HASHERS = REAL_HASHER
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    out = io.StringIO()
    call_command("import_users", str(accounts_file(tmp_path)), "--yes", stdout=out)
    assert "create" in out.getvalue()
    assert User.objects.filter(username__startswith="new").count() == ACCOUNTS
    assert User.objects.get(username="new003").check_password("Initial-pass-3")
