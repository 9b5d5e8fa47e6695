"""The demo's daily data: every branch profiled (regular, gaps, silent, founded in the window),
written through the import's service, on the ledger, and loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from leitai.demo.daily import MONTHS, SHOWCASE, _profile, ensure_demo_daily
from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.evidence.queries_daily import daily_score
from leitai.orgs.models import Unit
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def test_demo_daily_data_profiles_and_ledger() -> None:
    root = make_unit(code="3702", name="中共青岛市委", kind="committee")
    street = make_unit(root, code="370202", name="街道", kind="committee")
    codes = [SHOWCASE, *(f"3702029{i:03d}" for i in range(120))]
    branches = {code: make_unit(street, code=code, name=f"党支部{code}") for code in codes}
    actor = make_user("admin")
    written = ensure_demo_daily(actor)
    assert written > 0
    assert ensure_demo_daily(actor) == 0  # once
    daily_import = DailyImport.objects.get()
    assert daily_import.state == DailyImportState.CURRENT
    assert len(daily_import.periods) == MONTHS
    profiles = {code: _profile(code)[0] for code in codes}
    assert {"regular", "gaps", "silent", "founded"} <= set(profiles.values())
    for code, profile in profiles.items():
        unit = Unit.objects.get(pk=branches[code].pk)
        values = DailyValue.objects.filter(unit=unit)
        if profile == "silent":
            assert not values.exists()
            assert daily_score(unit).flag == "no_records"
        elif profile == "founded":
            assert unit.founded is not None
            first = int(unit.founded.strftime("%Y%m"))
            assert not values.filter(period__lt=first).exists()
        else:
            assert values.values("period").distinct().count() >= MONTHS // 2
    showcase = Unit.objects.get(code=SHOWCASE)
    assert daily_score(showcase).score is not None
    assert daily_score(showcase).score > 80
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert f"ok    daily:{daily_import.pk}" in out.getvalue()
