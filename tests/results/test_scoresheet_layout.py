"""The printed score sheet as a person reads it: the actual start and end, no heading alone at a
page's foot, a seal placeholder that can be found on paper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation

from leitai.arenas.results import export
from leitai.arenas.results.tables import build_results
from tests.results.days import scored_day
from tests.results.test_exports import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def printed(moment: object) -> str:
    with translation.override("zh-hans"):
        return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def test_score_sheet_prints_the_actual_start_before_the_end() -> None:
    # The factory's arena is scheduled an hour ahead and goes live at once, as a host may.
    world = scored_day(2, 3)
    arena = world.refresh()
    started = build_results(arena).went_live_at
    assert started is not None
    assert started <= arena.closed_at < arena.starts_at
    html = export.scoresheet_html(arena)
    assert f'<td id="started">{printed(started)}</td>' in html
    assert f'<td id="ended">{printed(arena.closed_at)}</td>' in html


def test_marks_heading_is_never_alone_at_the_foot_of_a_page(
    tmp_path: Path, artefacts_dir: Path
) -> None:
    world = scored_day(8, 9)
    content = export.scoresheet_pdf(world.arena)
    (artefacts_dir / "results").mkdir(exist_ok=True)
    (artefacts_dir / "results" / "scoresheet-8x9.pdf").write_bytes(content)
    with translation.override("zh-hans"):
        title = translation.gettext("Every participant's marks")
    pages_with_title = 0
    for page in range(1, pdf_pages(content, tmp_path) + 1):
        text = pdf_text(content, tmp_path, page)
        if title in text:
            pages_with_title += 1
            # The first participant's block (its presenter and role) follows on the same page.
            assert re.search(r"书记\d（书记）", text.split(title, 1)[1]), page
    assert pages_with_title == 1


def contrast_on_white(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_seal_placeholder_is_printed_dark_enough_to_find() -> None:
    css = (Path(export.__file__).parents[1] / "static" / "leitai" / "scoresheet.css").read_text()
    rule = re.search(r"^\.seal \{(.*?)\}", css, re.S | re.M)
    assert rule is not None
    colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", rule.group(1))
    assert colour is not None
    assert contrast_on_white(colour.group(1)) >= 4.5
    assert "border:" in rule.group(1)  # a drawn outline where the seal goes
