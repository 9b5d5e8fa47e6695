"""Importing honours through the shared import path: preview, all-or-nothing, row errors naming
row, column, value and reason, GB18030, .xlsx; only units in the importer's scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from leitai.core.imports import confirm_job, create_job_from_path
from leitai.core.models import ImportJob, ImportStatus
from leitai.evidence.models import Honour, HonourState
from leitai.evidence.services.honours import enter_honour
from leitai.ledger.models import LedgerEntry
from tests.evidence.conftest import fields, png
from tests.factories import PASSWORD

HEADER = "单位编码,荣誉名称,级别,授予机关,文号,日期\n"


def write(tmp_path: Path, rows: str, *, encoding: str = "utf-8", name: str = "h.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + rows).encode(encoding))
    return path


def run(path: Path, actor: Any) -> ImportJob:
    job = create_job_from_path(kind="honours", actor=actor, path=path, prune=False)
    if job.status == ImportStatus.READY:
        confirm_job(job)
        job.refresh_from_db()
    return job


def test_a_good_file_in_gb18030_makes_pending_records_on_the_ledger(
    world: dict[str, Any], tmp_path: Path
) -> None:
    branch = world["city"]["branch"]
    path = write(
        tmp_path,
        f"{branch.code},青岛市先进基层党组织,市级,中共青岛市委,青发〔2024〕12号,2024-06-28\n"
        f"{branch.code},市南区五好党支部,区(市)级,中共青岛市市南区委,南发[2023]5号,2023/7/1\n",
        encoding="gb18030",
    )
    job = run(path, world["people"]["reviewer_in"])
    assert job.status == ImportStatus.DONE, job.problems
    rows = list(Honour.objects.order_by("document").values_list("document", "level", "state"))
    assert rows == [
        ("南发[2023]5号", "district", HonourState.PENDING),
        ("青发〔2024〕12号", "municipal", HonourState.PENDING),
    ]
    assert LedgerEntry.objects.filter(chain=f"evidence:{branch.pk}").count() == 2
    assert not Honour.objects.exclude(file_sha256="").exists()  # files are attached later


def test_an_xlsx_file_with_date_cells(world: dict[str, Any], tmp_path: Path) -> None:
    import datetime as dt

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit code", "title", "level", "conferring body", "document number", "date"])
    sheet.append(
        [
            world["city"]["branch"].code,
            "党建示范点",
            "街道级",
            "金湖路街道党工委",
            "金发1号",
            dt.date(2025, 3, 1),
        ]
    )
    path = tmp_path / "h.xlsx"
    book.save(path)
    job = run(path, world["people"]["secretary"])
    assert job.status == ImportStatus.DONE, job.problems
    assert Honour.objects.get().conferred_on == dt.date(2025, 3, 1)


def test_a_broken_file_writes_nothing_and_names_every_problem(
    world: dict[str, Any], tmp_path: Path
) -> None:
    city = world["city"]
    enter_honour(unit=city["branch"], by=world["people"]["secretary"], fields=fields(), file=png())
    before = (Honour.objects.count(), LedgerEntry.objects.count())
    path = write(
        tmp_path,
        f"{city['branch'].code},好,省级,机关,鲁发〔2024〕1号,2024-01-01\n"  # 2: fine
        f"{city['village'].code},外,市级,机关,X1,2024-01-01\n"  # 3: out of scope
        f"NOPE,无,市级,机关,X2,2024-01-01\n"  # 4: unknown unit
        f"{city['branch'].code},级,部级,机关,X3,2024-01-01\n"  # 5: bad level
        f"{city['branch'].code},日,市级,机关,X4,2024-02-30\n"  # 6: bad date
        f"{city['branch'].code},重,市级,机关,鲁发(2024)1号,2024-01-01\n"  # 7: same as row 2
        f"{city['branch'].code},旧,市级,机关,青发 [2024] 12号,2024-01-01\n"  # 8: in the registry
        f"{city['branch'].code},,市级,,X5,2999-01-01\n",  # 9: no title, no body, future
    )
    job = run(path, world["people"]["reviewer_in"])
    assert job.status == ImportStatus.REJECTED
    problems = [(row, column, value) for row, column, value, _ in job.problems]
    assert problems == [
        (3, "单位编码", city["village"].code),
        (4, "单位编码", "NOPE"),
        (5, "级别", "部级"),
        (6, "日期", "2024-02-30"),
        (7, "文号", "鲁发(2024)1号"),
        (8, "文号", "青发 [2024] 12号"),
        (9, "授予机关", ""),
        (9, "日期", "2999-01-01"),
        (9, "荣誉名称", ""),
    ]
    reasons = {row: reason for row, _, _, reason in job.problems}
    assert reasons[7] == "The same unit and document as row 2."
    assert reasons[8].startswith(
        "Already in the registry: “青岛市先进基层党组织”, Municipal, 2024-06-28"
    )
    assert (Honour.objects.count(), LedgerEntry.objects.count()) == before


def test_who_may_import(world: dict[str, Any]) -> None:
    url = reverse("core:import_upload", args=["honours"])
    expected = {"reviewer_in": 200, "organiser": 200, "secretary": 403, "host_in": 403}
    for persona, status in expected.items():
        client = Client()
        assert client.login(username=world["people"][persona].username, password=PASSWORD)
        assert client.get(url).status_code == status, persona


@pytest.mark.parametrize("header", ["单位编码,荣誉名称,级别\n", ""])
def test_missing_columns_or_an_empty_file_are_refused(
    world: dict[str, Any], tmp_path: Path, header: str
) -> None:
    path = tmp_path / "h.csv"
    path.write_text(header, encoding="utf-8")
    job = create_job_from_path(
        kind="honours", actor=world["people"]["reviewer_in"], path=path, prune=False
    )
    assert job.status in (ImportStatus.FAILED, ImportStatus.REJECTED)
    assert not Honour.objects.exists()


def archive(tmp_path: Path, members: dict[str, bytes], name: str = "files.zip") -> Path:
    import zipfile

    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member, content in members.items():
            out.writestr(member, content)
    return path


def test_evidence_files_from_a_zip_are_attached_by_the_names_the_rows_give(
    world: dict[str, Any], tmp_path: Path
) -> None:
    from leitai.demo.evidence_files import scan_png

    branch = world["city"]["branch"]
    path = tmp_path / "h.csv"
    path.write_text(
        HEADER.strip() + ",佐证材料文件名\n"
        f"{branch.code},甲,市级,机关,A1,2024-01-01,扫描件/甲.png\n"
        f"{branch.code},乙,区级,机关,A2,2024-01-02,\n",
        encoding="utf-8",
    )
    files = archive(tmp_path, {"扫描件/甲.png": scan_png("甲"), "扫描件/": b""})
    job = create_job_from_path(
        kind="honours",
        actor=world["people"]["reviewer_in"],
        path=path,
        prune=False,
        attachments=files,
    )
    assert job.status == ImportStatus.READY, job.problems
    confirm_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    attached = Honour.objects.get(document="A1")
    assert attached.file.read() == scan_png("甲")
    assert Honour.objects.get(document="A2").file_sha256 == ""
    assert attached.file_sha256 in LedgerEntry.objects.filter(kind="honour_entered").first().body


def test_a_zip_with_missing_unknown_bad_or_bomb_members_writes_nothing(
    world: dict[str, Any], tmp_path: Path
) -> None:
    from leitai.demo.evidence_files import scan_png

    branch = world["city"]["branch"]
    path = tmp_path / "h.csv"
    path.write_text(
        HEADER.strip() + ",file\n"
        f"{branch.code},甲,市级,机关,B1,2024-01-01,missing.pdf\n"
        f"{branch.code},乙,市级,机关,B2,2024-01-01,text.pdf\n"
        f"{branch.code},丙,市级,机关,B3,2024-01-01,bomb.pdf\n"
        f"{branch.code},丁,市级,机关,B4,2024-01-01,good.png\n"
        f"{branch.code},戊,市级,机关,B5,2024-01-01,good.png\n",
        encoding="utf-8",
    )
    files = archive(
        tmp_path,
        {
            "text.pdf": b"not a pdf at all",
            "bomb.pdf": b"%PDF-" + b"\x00" * (19 * 1024 * 1024),
            "good.png": scan_png("good"),
            "stray.png": scan_png("stray"),
        },
    )
    job = create_job_from_path(
        kind="honours",
        actor=world["people"]["reviewer_in"],
        path=path,
        prune=False,
        attachments=files,
    )
    assert job.status == ImportStatus.REJECTED
    found = {(row, value): reason for row, _, value, reason in job.problems}
    assert found[(2, "missing.pdf")] == "No file of this name in the .zip."
    assert "is not a PDF, JPEG or PNG file" in found[(3, "text.pdf")]
    assert "zip bomb" in found[(4, "bomb.pdf")]
    assert found[(6, "good.png")] == "Row 5 names the same file."
    assert found[(1, "stray.png")] == "In the .zip, but no row names it."
    assert not Honour.objects.exists()


def test_a_row_naming_a_file_without_a_zip(world: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        HEADER.strip() + ",file\n"
        f"{world['city']['branch'].code},甲,市级,机关,C1,2024-01-01,a.pdf\n",
        encoding="utf-8",
    )
    job = run(path, world["people"]["reviewer_in"])
    assert job.status == ImportStatus.REJECTED
    assert job.problems[0][3] == "Names a file, but no .zip was uploaded."
    assert not Honour.objects.exists()


def test_the_upload_page_takes_the_zip(world: dict[str, Any], tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leitai.demo.evidence_files import scan_png

    branch = world["city"]["branch"]
    client = Client()
    assert client.login(username=world["people"]["reviewer_in"].username, password=PASSWORD)
    url = reverse("core:import_upload", args=["honours"])
    assert 'name="attachments"' in client.get(url).content.decode()
    sheet = HEADER.strip() + ",file\n" + f"{branch.code},甲,市级,机关,D1,2024-01-01,a.png\n"
    files = archive(tmp_path, {"a.png": scan_png("a")})
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("h.csv", sheet.encode()),
            "attachments": SimpleUploadedFile("files.zip", files.read_bytes()),
        },
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY, job.problems
    client.post(reverse("core:import_confirm", args=[job.pk]))
    assert Honour.objects.get().file_type == "image/png"
