"""The demo's evidence: every level, most verified, some pending and rejected, some outside the
window, a raised document, vetoes with one lifted; the ledger verifies; running again adds
nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from leitai.demo.evidence import People, ensure_demo_evidence
from leitai.evidence.models import Honour, HonourState, Veto, VetoState
from leitai.evidence.queries import honours_points
from leitai.evidence.rules import reference_date_for
from leitai.ledger.models import LedgerEntry
from leitai.scoring.honours import Level, in_window
from tests.factories import make_unit, make_user
from tests.ledger.helpers import run_verify


def test_the_demo_evidence(world: dict[str, Any]) -> None:
    city, people = world["city"], world["people"]
    for parent in ("jinhulu", "jiangshan"):
        for _ in range(12):
            make_unit(city[parent])
    demo = People(
        secretary=people["secretary"],
        reviewer=people["reviewer_in"],
        organiser=people["organiser"],
        admin=make_user("admin", superuser=True),
    )
    added = ensure_demo_evidence(root=city["root"], demo_branch=city["branch"], people=demo)
    assert added == Honour.objects.count() >= 30
    states = Counter(Honour.objects.values_list("state", flat=True))
    assert states[HonourState.VERIFIED] > states[HonourState.PENDING] > 0
    assert states[HonourState.REJECTED] >= 2
    assert set(Honour.objects.values_list("level", flat=True)) == {level.value for level in Level}
    today = reference_date_for(city["root"])
    outside = [h for h in Honour.objects.all() if not in_window(h.conferred_on, today, 3)]
    assert outside
    assert Honour.objects.filter(file_sha256="").count() == 1  # imported, its scan to come
    pdf = Honour.objects.get(unit=city["branch"], document__endswith="206号")
    assert pdf.file.read(5) == b"%PDF-"
    raised = Honour.objects.get(unit=city["branch"], document__endswith="221号")
    assert (raised.level, raised.state) == (Level.MUNICIPAL, HonourState.VERIFIED)
    kinds = LedgerEntry.objects.filter(chain=f"evidence:{city['branch'].pk}").values_list(
        "kind", flat=True
    )
    assert "honour_edited" in kinds
    assert honours_points(city["branch"], today).points == 15  # 10 + 5, capped
    assert Counter(Veto.objects.values_list("state", flat=True)) == {
        VetoState.ACTIVE: 3,
        VetoState.LIFTED: 1,
    }
    status, output = run_verify()
    assert status == 0, output
    entries = LedgerEntry.objects.count()
    assert ensure_demo_evidence(root=city["root"], demo_branch=city["branch"], people=demo) == 0
    assert LedgerEntry.objects.count() == entries
