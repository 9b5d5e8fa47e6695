"""Small factories for tests: units through the real services, users with roles."""

from __future__ import annotations

import itertools
from typing import Any

from leitai.accounts.models import User
from leitai.accounts.services import create_user, grant_role
from leitai.orgs.models import Sector, Unit, UnitKind
from leitai.orgs.services import create_unit

PASSWORD = "correct-horse-42"
_codes = itertools.count(1)


def make_unit(
    parent: Unit | None = None,
    *,
    code: str | None = None,
    name: str | None = None,
    kind: str = UnitKind.BRANCH,
    sector: str = Sector.URBAN_COMMUNITY,
    secretary: str = "",
    is_evaluating: bool | None = None,
) -> Unit:
    number = next(_codes)
    return create_unit(
        code=code or f"U{number:06d}",
        name=name or f"测试单位{number}",
        kind=kind,
        sector=sector,
        parent=parent,
        secretary=secretary,
        is_evaluating=is_evaluating,
    )


def make_user(
    username: str | None = None,
    *,
    password: str = PASSWORD,
    role: str | None = None,
    unit: Unit | None = None,
    superuser: bool = False,
    must_change_password: bool = False,
    display_name: str = "",
) -> User:
    user = create_user(
        username=username or f"user{next(_codes)}",
        password=password,
        display_name=display_name,
        must_change_password=must_change_password,
        is_superuser=superuser,
    )
    if role is not None and unit is not None:
        grant_role(user=user, unit=unit, role=role)
    return user


def small_city() -> dict[str, Any]:
    """root → two districts → a street each → a branch each; keys name the units."""
    root = make_unit(
        code="370200", name="中共青岛市委", kind=UnitKind.COMMITTEE, sector=Sector.OTHER
    )
    shinan = make_unit(
        root, code="370202", name="中共青岛市市南区委", kind=UnitKind.COMMITTEE, sector=Sector.OTHER
    )
    laixi = make_unit(
        root, code="370285", name="中共莱西市委", kind=UnitKind.COMMITTEE, sector=Sector.OTHER
    )
    jinhulu = make_unit(
        shinan, code="37020201", name="金湖路街道党工委", kind=UnitKind.WORKING_COMMITTEE
    )
    branch = make_unit(jinhulu, code="3702020101", name="泰州路居民区党支部", secretary="郑素秀")
    jiangshan = make_unit(
        laixi, code="37028501", name="姜山镇党委", kind=UnitKind.COMMITTEE, sector=Sector.RURAL
    )
    village = make_unit(jiangshan, code="3702850101", name="姜山村党支部", sector=Sector.RURAL)
    return {
        "root": root,
        "shinan": shinan,
        "laixi": laixi,
        "jinhulu": jinhulu,
        "branch": branch,
        "jiangshan": jiangshan,
        "village": village,
    }
