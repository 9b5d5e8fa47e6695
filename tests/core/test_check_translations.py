"""`leitai check_translations` refuses a catalogue that msgfmt --check would refuse."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from leitai.core.management.commands.check_translations import format_problems

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

"""


def _catalogue(tmp_path: Path, entries: str) -> Path:
    path = tmp_path / "django.po"
    path.write_text(HEADER + entries, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with path.open("rb") as handle:
        return format_problems(read_po(handle))


LONE_PERCENT = """#, python-format
msgid "95%% interval"
msgstr "95% 置信区间"
"""

ESCAPED_PERCENT = """#, python-format
msgid "95%% interval of %(n)s"
msgstr "%(n)s 的 95%% 置信区间"
"""


def test_a_lone_percent_in_a_python_format_translation_is_a_problem(tmp_path: Path) -> None:
    problems = _problems(_catalogue(tmp_path, LONE_PERCENT))
    assert problems == [
        "broken: '95%% interval': a '%' that starts no placeholder (write '%%' for a percent sign)"
    ]


def test_an_escaped_percent_and_placeholders_are_fine(tmp_path: Path) -> None:
    assert _problems(_catalogue(tmp_path, ESCAPED_PERCENT)) == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize(("entries", "refused"), [(LONE_PERCENT, True), (ESCAPED_PERCENT, False)])
def test_the_check_agrees_with_msgfmt(tmp_path: Path, entries: str, refused: bool) -> None:
    path = _catalogue(tmp_path, entries)
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, check=False
    )
    assert (checked.returncode != 0) == refused
    assert bool(_problems(path)) == refused


def test_the_shipped_catalogue_passes_msgfmt_check() -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext not installed")
    catalogue = Path("leitai/locale/zh_Hans/LC_MESSAGES/django.po")
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
