"""`leitai check_translations`: the zh-Hans catalogue is complete, current and compiles.

Fails when a source string has no entry in the catalogue (needs GNU gettext's xgettext to scan the
sources; without it that part is skipped with a notice), when an entry is untranslated or fuzzy,
or when a translation breaks its placeholders — including a lone "%" in a python-format entry,
which GNU msgfmt --check refuses but Babel's own placeholder check lets through.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LOCALE = "zh_Hans"


def catalogue_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / LOCALE / "LC_MESSAGES" / "django.po"


def message_ids(path: Path) -> set[tuple[str, str | None]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {(str(m.id), m.context) for m in catalog if m.id}


def format_problems(catalog: Catalog) -> list[str]:
    """Babel's checks (placeholders match the source), and what msgfmt --check adds: every "%"
    of a python-format string starts a placeholder. A lone "%" (the translator wrote "95%" for
    the source's "95%%") passes Babel, then `%` formatting raises at run time, and msgfmt
    refuses the whole catalogue."""
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"broken: {message.id!r}: {error}")
    for message in catalog:
        if message.id and "python-format" in message.flags and _has_lone_percent(message):
            problems.append(
                f"broken: {message.id!r}: a '%' that starts no placeholder "
                "(write '%%' for a percent sign)"
            )
    return problems


def _has_lone_percent(message: Message) -> bool:
    texts = [
        *(message.id if isinstance(message.id, (list, tuple)) else (message.id,)),
        *(message.string if isinstance(message.string, (list, tuple)) else (message.string,)),
    ]
    return any("%" in PYTHON_FORMAT.sub("", str(text or "")) for text in texts)


class Command(BaseCommand):
    help = "Check that the zh-Hans translation catalogue is complete, current and compiles."

    def handle(self, *args: Any, **options: Any) -> None:
        path = catalogue_path()
        if not path.exists():
            raise CommandError(f"{path} is missing; run `make makemessages`")
        problems = self._missing_from_catalogue(path)
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            label = message.id if isinstance(message.id, str) else message.id[0]
            if message.fuzzy:
                problems.append(f"fuzzy: {label!r}")
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"untranslated: {label!r}")
        problems += format_problems(catalog)
        write_mo(io.BytesIO(), catalog)
        if problems:
            listing = "\n  ".join(problems[:200])
            raise CommandError(f"{len(problems)} translation problem(s):\n  {listing}")
        self.stdout.write(f"translations: {len(catalog)} messages, complete and compiling")

    def _missing_from_catalogue(self, path: Path) -> list[str]:
        if shutil.which("xgettext") is None:
            self.stdout.write("translations: xgettext not found; source scan skipped")
            return []
        before = message_ids(path)
        with tempfile.TemporaryDirectory() as folder:
            saved = Path(folder) / "django.po"
            shutil.copyfile(path, saved)
            try:
                call_command(
                    "makemessages",
                    locale=[LOCALE],
                    verbosity=0,
                    no_location=True,
                    ignore_patterns=[".venv/*", "var/*", "tests/*", "bench/*"],
                )
                after = message_ids(path)
            finally:
                shutil.copyfile(saved, path)
        return [f"missing from the catalogue: {mid!r}" for mid, _ctx in sorted(after - before)]
