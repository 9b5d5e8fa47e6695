"""Sectors and kinds as small integers, for compact arrays (no numpy here: cheap to import)."""

from __future__ import annotations

from leitai.orgs.models import Sector, UnitKind

SECTORS: list[str] = [s.value for s in Sector]
KINDS: list[str] = [k.value for k in UnitKind]
SECTOR_INDEX = {code: i for i, code in enumerate(SECTORS)}
KIND_INDEX = {code: i for i, code in enumerate(KINDS)}
