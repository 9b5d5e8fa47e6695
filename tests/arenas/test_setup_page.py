"""The host's set-up page speaks the page's language and keeps what was typed on a refusal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import Absence, Arena, Participant, Recusal
from leitai.arenas.services import console, draw
from leitai.ledger.models import LedgerEntry
from tests.arena_factories import in_order, make_arena_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def host_client(world, language: str = "zh-hans") -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=world.host_user.username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_setup_page_states_the_rule_in_chinese_words() -> None:
    world = make_arena_world(participants=1, judges=1, go_live=False)
    page = host_client(world).get(reverse("arenas:detail", args=[world.arena.pk]))
    text = page.content.decode()
    assert "规则：按每位评委的总分计分；去掉 1 个最高分和 1 个最低分后取平均" in text
    assert "total" not in text.split('id="rule-summary"')[1].split("</p>")[0]


def test_setup_page_in_english_uses_the_english_criterion_labels() -> None:
    world = make_arena_world(participants=1, judges=1, go_live=False)
    participant = world.participants[0]
    Participant.objects.filter(pk=participant.pk).update(no_notes=True)
    page = host_client(world, "en").get(reverse("arenas:detail", args=[world.arena.pk]))
    text = page.content.decode()
    assert "<td>Achievements</td>" in text
    assert "比成绩" not in text.split('id="rubric-json"')[0]
    assert "Rule: each judge&#x27;s total is scored;" in text
    assert '<span class="badge gold">No notes</span>' in text


def test_a_bad_unit_code_names_the_field_and_keeps_what_was_typed() -> None:
    world = make_arena_world(participants=1, judges=1, go_live=False)
    url = reverse("arenas:detail", args=[world.arena.pk])
    response = host_client(world).post(
        url, {"action": "participant", "unit": "NOPE-1", "presenter": "王芳", "no_notes": "on"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "* unit" not in text
    assert "单位（编码）: 没有编码为" in text
    assert 'value="NOPE-1"' in text
    assert 'value="王芳"' in text
    assert world.arena.participants.count() == 1


def test_new_arena_form_fills_in_the_only_programme_and_the_hosts_only_unit() -> None:
    world = make_arena_world(participants=1, judges=0, go_live=False)
    text = host_client(world).get(reverse("arenas:create")).content.decode()
    programme = world.arena.programme
    assert f'<option value="{programme.pk}" selected>' in text
    assert f'name="host" value="{world.host_unit.code}"' in text


@pytest.mark.parametrize(
    ("ahead", "warned"), [(dt.timedelta(hours=2), True), (dt.timedelta(minutes=10), False)]
)
def test_going_live_long_before_the_scheduled_time_is_warned(
    ahead: dt.timedelta, warned: bool
) -> None:
    world = make_arena_world(participants=2, judges=1, go_live=False)
    Arena.objects.filter(pk=world.arena.pk).update(starts_at=timezone.now() + ahead)
    arena = world.refresh()
    draw.freeze_list(arena=arena, by=world.host_user)
    draw.draw(arena=arena, public="3 8 1 5", by=world.host_user)
    text = host_client(world).get(reverse("arenas:detail", args=[arena.pk])).content.decode()
    assert 'id="go-live"' in text
    assert ('id="early-warning"' in text) is warned


def test_an_absence_is_listed_with_the_recusals_and_lifted_as_an_absence() -> None:
    """Scoring closed without J3's sheet: the table of recusals and absences names it "did not
    score (absent)", and its Lift button lifts the absence (its own ledger entry), no recusal."""
    world = make_arena_world(participants=2, judges=3)
    host = world.host_user
    first = in_order(world)[0]
    console.call_next(arena=world.arena, expected_current=None, by=host)
    console.open_scoring(arena=world.arena, participant_id=first.pk, by=host)
    console.close_scoring(arena=world.arena, participant_id=first.pk, by=host, reason="评委离场")
    client = host_client(world, "en")
    url = reverse("arenas:detail", args=[world.arena.pk])
    table = client.get(url).content.decode().split('id="recusal-table"')[1].split("</table>")[0]
    assert table.count("Did not score (absent)") == 3
    assert table.count('value="lift_absence"') == 3
    assert 'value="recusal"' not in table

    response = client.post(
        url,
        {"action": "lift_absence", "judge": "J3", "participant": first.pk, "reason": "评委回场"},
    )
    assert response.status_code == 302
    absence = Absence.objects.get(judge=world.judge("J3"), participant=first)
    assert (absence.active, absence.lifted_reason) == (False, "评委回场")
    assert not Recusal.objects.filter(judge__arena=world.arena).exists()
    last = LedgerEntry.objects.filter(chain=f"arena:{world.arena.pk}").order_by("-seq").first()
    assert last is not None
    assert last.kind == "judge_absence"
    assert json.loads(last.body)["data"] == {
        "judge": "J3",
        "participant": first.unit.code,
        "reason": "评委回场",
        "active": False,
    }
    status = ArenaSnapshot(world.arena.pk).console()["participants"]
    assert [p["judges"] for p in status if p["id"] == first.pk] == [
        {"J1": "absent", "J2": "absent", "J3": "waiting"}
    ]
