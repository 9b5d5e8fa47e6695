from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.core import imports
from leitai.core.models import ImportJob, ImportStatus
from leitai.orgs.models import Unit
from tests.factories import PASSWORD, make_user, small_city

HEADER = "编码,名称,上级编码,类型,领域,书记,初评单位\n"


def big_csv(rows: int) -> bytes:
    lines = [HEADER]
    lines.extend(f"N{i:06d},新建网格第{i}党支部,37020201,党支部,城市社区,,\n" for i in range(rows))
    return "".join(lines).encode()


@pytest.mark.django_db(transaction=True)
def test_large_upload_is_checked_and_imported_in_the_background(settings) -> None:
    settings.IMPORT_INLINE_BYTES = 1024
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    upload = SimpleUploadedFile("big.csv", big_csv(2000), content_type="text/csv")
    job = imports.create_job(kind="orgs", actor=organiser, upload=upload, prune=False)
    assert job.status == ImportStatus.ANALYSING  # returned at once; the check runs elsewhere
    imports.wait_for_background_jobs()
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert job.preview["counts"]["create"] == 2000
    assert imports.confirm_job(job)
    imports.wait_for_background_jobs()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Unit.objects.get(code="37020201").counts["total"] == 2002
    assert not imports.confirm_job(job)  # compare-and-set: a second confirm does nothing


@pytest.mark.django_db
def test_upload_over_the_limit_is_refused_before_anything_is_stored(settings) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = Client()
    client.login(username="org", password=PASSWORD)
    upload = io.BytesIO(big_csv(100))
    upload.name = "big.csv"
    response = client.post(reverse("core:import_upload", args=["orgs"]), {"file": upload})
    assert response.status_code == 400
    assert "上传上限" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_interrupted_jobs_are_marked_failed_at_start() -> None:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    ImportJob.objects.create(
        kind="orgs",
        status=ImportStatus.APPLYING,
        actor=organiser,
        original_name="x.csv",
        stored_name="x.csv",
        size=1,
    )
    assert imports.fail_interrupted_jobs() == 1
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_serve_refuses_several_workers_without_redis(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LEITAI_VAR_DIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "leitai"), "serve", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "--workers > 1 needs REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.server
def test_server_fixture_serves_the_test_database(served) -> None:
    import urllib.request

    make_user("visible")
    with urllib.request.urlopen(f"{served.url}/healthz", timeout=5) as response:
        assert response.read() == b"ok"
