"""Never verified by whoever wrote it: neither the person who entered an honour nor the one who
last edited it (raised its level, corrected it) may verify or reject it — the predicate, the
service, the pages, the queue and the ledger's replay all say so."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leitai.evidence import permissions
from leitai.evidence.audit.replay import replay_evidence
from leitai.evidence.models import Honour, HonourState
from leitai.evidence.services import EvidenceRefused
from leitai.evidence.services.honours import edit_honour, enter_honour, verify_honour
from leitai.ledger.chain import entries_of
from leitai.ledger.hashing import entry_hash
from leitai.scoring.honours import Level
from tests.evidence.conftest import fields, png
from tests.factories import PASSWORD


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["leitai_language"] = "en"
    return client


def raised_by_reviewer(world: dict[str, Any]) -> Honour:
    """Entered by the secretary, its level raised by the reviewer in scope."""
    people = world["people"]
    honour = enter_honour(
        unit=world["city"]["branch"], by=people["secretary"], fields=fields(), file=png()
    )
    return edit_honour(
        honour=honour,
        by=people["reviewer_in"],
        fields=fields(level=Level.PROVINCIAL),
        file=None,
        version=honour.version,
    )


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("reviewer_in", False),  # edited it last
        ("secretary", False),  # entered it (and is no verifier)
        ("committee", True),  # the committee above, who did neither
        ("organiser", True),
        ("reviewer_out", False),  # out of scope
        ("host_in", False),
    ],
)
def test_the_predicate(world: dict[str, Any], who: str, may: bool) -> None:
    honour = raised_by_reviewer(world)
    assert honour.edited_by == world["people"]["reviewer_in"]
    assert permissions.can_verify_honour(world["people"][who], honour) is may


def test_an_editor_who_is_a_verifier_may_not_verify_what_they_edited(
    world: dict[str, Any],
) -> None:
    people = world["people"]
    honour = raised_by_reviewer(world)
    with pytest.raises(EvidenceRefused, match="You edited this record"):
        verify_honour(honour=honour, by=people["reviewer_in"])
    assert Honour.objects.get().state == HonourState.PENDING
    # The pages: no buttons, the reason said; a POST refused; not in the editor's queue.
    client = client_for(people["reviewer_in"])
    page = client.get(reverse("evidence:honour", args=[honour.pk])).content.decode()
    assert 'id="verify"' not in page
    assert "You edited this record: someone else must verify or reject it." in page
    assert "Last edited by" in page
    response = client.post(
        reverse("evidence:honour_verify", args=[honour.pk]), {"version": honour.version}
    )
    assert response.status_code in (400, 403)
    assert Honour.objects.get().state == HonourState.PENDING
    queue = client.get(reverse("evidence:queue")).content.decode()
    assert reverse("evidence:honour", args=[honour.pk]) not in queue
    other = client_for(people["committee"]).get(reverse("evidence:queue")).content.decode()
    assert reverse("evidence:honour", args=[honour.pk]) in other
    # Someone else verifies it.
    verify_honour(honour=honour, by=people["committee"])
    assert Honour.objects.get().state == HonourState.VERIFIED


def test_the_replay_names_a_verification_by_the_last_editor(world: dict[str, Any]) -> None:
    people = world["people"]
    honour = raised_by_reviewer(world)
    chain = f"evidence:{honour.unit_id}"
    entries = entries_of(chain)
    assert not replay_evidence(chain, entries).problems
    # An entry the services refuse to write, forged onto the chain's copy.
    last = entries[-1]
    body = json.dumps(
        {
            "at": "2026-12-05T00:00:00+00:00",
            "actor": people["reviewer_in"].username,
            "data": {"honour": honour.pk},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    seq = last["seq"] + 1
    forged = {
        "chain": chain,
        "seq": seq,
        "kind": "honour_verified",
        "body": body,
        "prev_hash": last["hash"],
        "hash": entry_hash(last["hash"], chain, seq, "honour_verified", body),
    }
    problems = replay_evidence(chain, [*entries, forged]).problems
    assert [str(p) for p in problems] == [
        f"{chain} #{seq} honour_verified: honour {honour.pk} decided by rev-in, who edited it last"
    ]
