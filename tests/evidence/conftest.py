"""The evidence tests' world: the small city, one person per role, evidence files on a temporary
MEDIA_ROOT."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from leitai.accounts.models import Role
from leitai.demo.evidence_files import scan_png
from leitai.evidence.files import CheckedFile, check_bytes
from leitai.evidence.services.honours import HonourFields
from leitai.scoring.honours import Level
from tests.factories import make_user, small_city

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are compared in English; the pages' tests choose their language themselves."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def png(seed: str = "scan") -> CheckedFile:
    return check_bytes(scan_png(seed), "scan.png")


def upload(content: bytes, name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fields(
    document: str = "青发〔2024〕12号",
    *,
    level: Level = Level.MUNICIPAL,
    title: str = "青岛市先进基层党组织",
    day: date = date(2024, 6, 28),
) -> HonourFields:
    return HonourFields(
        title=title, level=level, conferred_by="中共青岛市委", document=document, conferred_on=day
    )


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    city = small_city()
    people = {
        "organiser": make_user("org", role=Role.ORGANISER, unit=city["root"]),
        # The committee above the branch: an organiser at its street.
        "committee": make_user("street-org", role=Role.ORGANISER, unit=city["jinhulu"]),
        "reviewer_in": make_user("rev-in", role=Role.REVIEWER, unit=city["shinan"]),
        "reviewer_out": make_user("rev-out", role=Role.REVIEWER, unit=city["laixi"]),
        "host_in": make_user("host-in", role=Role.HOST, unit=city["jinhulu"]),
        "secretary": make_user("sec", role=Role.SECRETARY, unit=city["branch"]),
        "secretary_out": make_user("sec-out", role=Role.SECRETARY, unit=city["village"]),
    }
    return {"city": city, "people": people}
