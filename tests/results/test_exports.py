"""The .xlsx workbook read back with openpyxl, the PDF score sheet read back with poppler."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from leitai.arenas.results import export
from leitai.arenas.results.tables import build_results
from leitai.ledger.chain import arena_chain, head_of
from tests.factories import PASSWORD
from tests.results.days import CORRECTION_REASON, RECUSAL_REASON, full_day, scored_day

pytestmark = pytest.mark.django_db


def download(user: object, name: str, arena_id: int, language: str = "en") -> bytes:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    response = client.get(reverse(name, kwargs={"arena_id": arena_id}))
    assert response.status_code == 200
    return response.content


def rows(sheet: object, first: int = export.FIRST_ROW) -> list[tuple[object, ...]]:
    return [tuple(r) for r in sheet.iter_rows(min_row=first, values_only=True)]  # type: ignore[attr-defined]


def test_workbook_has_the_three_sheets_and_the_figures() -> None:
    day = full_day()
    content = download(day.world.host_user, "arenas:results_xlsx", day.world.arena.pk)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Ranking", "Marks", "Judges"]

    ranking = rows(book["Ranking"])
    assert ranking[0][:7] == ("Rank", "Unit code", "Unit", "Presenter", "Order", "Score", "Judges")
    body = [(r[0], r[2], r[5], r[6]) for r in ranking[1:]]
    assert body == [
        (1, day.first.unit.name, 79.5, 6),
        (2, day.fourth.unit.name, 78.67, 5),
        (3, day.second.unit.name, 78.33, 5),
        ("Absent", day.absent.unit.name, None, None),
    ]
    assert book["Ranking"].cell(row=export.FIRST_ROW + 1, column=6).number_format == "0.00"
    seq, digest = head_of(arena_chain(day.world.arena.pk))
    assert (
        book["Ranking"]["A3"].value
        == f"Ledger arena:{day.world.arena.pk}, entry {seq}, hash {digest}"
    )

    marks = book["Marks"]
    header = rows(marks)[0]
    assert header[5:9] == ("Achievements (30)", "Spirit (20)", "Ideas (25)", "Effects (25)")
    by_key = {(r[2], r[3]): r for r in rows(marks)[1:]}
    assert len(by_key) == 3 * 6  # three participants with sheets × six judges
    first_j4 = by_key[(day.first.unit.name, "J4")]
    assert first_j4[5:11] == (20, 15, 20, 20, 75, "Dropped (lowest)")
    second_j3 = by_key[(day.second.unit.name, "J3")]
    assert second_j3[10] == "Recused"
    assert RECUSAL_REASON in second_j3[12]
    assert second_j3[5] is None
    assert by_key[(day.second.unit.name, "J2")][11] == "Paper sheet"
    assert by_key[(day.second.unit.name, "J2")][5] == 22.5
    fourth_j2 = by_key[(day.fourth.unit.name, "J2")]
    assert fourth_j2[9] == 80
    assert fourth_j2[12] == f"Corrected (was 65): {CORRECTION_REASON}"
    assert by_key[(day.fourth.unit.name, "J6")][10] == "Absent"
    # A dropped total is struck through in the cell as on paper.
    row = next(
        i
        for i, r in enumerate(marks.iter_rows(values_only=True), start=1)
        if r[2] == day.first.unit.name and r[3] == "J1"
    )
    assert marks.cell(row=row, column=10).font.strike
    assert not marks.cell(row=row + 1, column=10).font.strike

    judges = rows(book["Judges"])
    assert judges[0][0] == "Judge"
    j1 = next(r for r in judges if r[0] == "J1")
    assert j1[1] == "评委1"
    assert j1[4] == 3
    assert j1[5] == pytest.approx(4.0083, abs=1e-3)
    reliability = {r[0]: r for r in judges if r[0] and str(r[0]).startswith(("Kendall", "ICC"))}
    assert reliability["Kendall W"][1] == "—"
    assert "have 1 × 6" in reliability["Kendall W"][10]
    assert len([k for k in reliability if k.startswith("ICC")]) == 6


def test_workbook_follows_the_language_of_the_request() -> None:
    world = scored_day(2, 3)
    content = download(world.host_user, "arenas:results_xlsx", world.arena.pk, language="zh-hans")
    with translation.override("zh-hans"):
        expected = [translation.gettext(n) for n in ("Ranking", "Marks", "Judges")]
    assert load_workbook(io.BytesIO(content)).sheetnames == expected


def pdf_text(content: bytes, tmp_path: Path, *pages: int) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(content)
    command = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if pages:
        command += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*command, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(content: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match is not None
    return int(match[1])


def test_score_sheet_is_a_pdf_with_the_chinese_text_and_the_chain_head(
    tmp_path: Path, artefacts_dir: Path
) -> None:
    day = full_day()
    arena = day.world.arena
    content = download(day.world.host_user, "arenas:scoresheet_pdf", arena.pk, language="en")
    assert content.startswith(b"%PDF-")
    (artefacts_dir / "results").mkdir(exist_ok=True)
    (artefacts_dir / "results" / "scoresheet-day.pdf").write_bytes(content)
    text = pdf_text(content, tmp_path)
    seq, digest = head_of(arena_chain(arena.pk))
    for expected in (
        arena.title,
        arena.host.name,
        arena.programme.name,
        day.first.unit.name,
        day.absent.unit.name,
        "评委6",
        "比成绩",
        RECUSAL_REASON,
        CORRECTION_REASON,
        "79.50",
        "78.67",
        "78.33",
        digest,
        f"arena:{arena.pk}",
    ):
        # Table cells wrap: compare without the layout's spaces and line breaks.
        assert re.sub(r"\s+", "", expected) in re.sub(r"\s+", "", text), expected
    assert str(seq) in text
    # The footer repeats the chain head and numbers the pages on every page.
    pages = pdf_pages(content, tmp_path)
    for page in range(1, pages + 1):
        assert digest in pdf_text(content, tmp_path, page), page
    # The paper is Chinese whatever the language of the person who printed it.
    with translation.override("zh-hans"):
        expected_label = translation.gettext("Signatures")
    assert expected_label in text


def test_score_sheet_breaks_between_participants_never_inside_one(
    tmp_path: Path, artefacts_dir: Path
) -> None:
    world = scored_day(8, 9)
    arena = world.arena
    content = export.scoresheet_pdf(arena)
    (artefacts_dir / "results").mkdir(exist_ok=True)
    (artefacts_dir / "results" / "scoresheet-8x9.pdf").write_bytes(content)
    pages = pdf_pages(content, tmp_path)
    assert pages >= 3
    judges = [f"J{i} 评委{i}" for i in range(1, 10)]
    heading = re.compile(r"书记\d（书记）")
    sections = 0
    for page in range(1, pages + 1):
        text = pdf_text(content, tmp_path, page)
        # Each participant's block starts with its presenter and role; the nine judges' rows
        # must all follow on the same page, before the next block.
        parts = heading.split(text)
        for part in parts[1:]:
            sections += 1
            positions = [part.find(judge) for judge in judges]
            assert all(p >= 0 for p in positions), (page, positions)
            assert positions == sorted(positions)
    assert sections == 8
    results = build_results(arena)
    assert len(results.ranked) == 8


def test_provisional_score_sheet_says_so(tmp_path: Path) -> None:
    world = scored_day(2, 3, close=False)
    html = export.scoresheet_html(world.arena)
    assert 'class="provisional"' in html
    assert 'class="final"' not in html
    text = pdf_text(export.scoresheet_pdf(world.arena), tmp_path)
    assert world.arena.title in text
