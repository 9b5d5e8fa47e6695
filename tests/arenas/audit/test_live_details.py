"""Details edited while the arena is live: the presentation time may change, on the ledger; the
programme and the reveal setting may not. `leitai ledger verify` follows the recorded changes and
names one made without its entry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.models import Arena, RevealMarks
from leitai.arenas.services import setup
from leitai.ledger.chain import append, arena_chain, entries_of
from tests.arena_factories import ArenaWorld, everything, make_arena_world, make_programme
from tests.factories import PASSWORD
from tests.ledger.helpers import first_problem, run_verify

pytestmark = pytest.mark.django_db


def details(world: ArenaWorld, **changes: Any) -> dict[str, Any]:
    """The set-up page's details form as the host posts it, with `changes`."""
    arena = world.refresh()
    # The form has whole minutes; the factory's start has seconds.
    starts_at = arena.starts_at.replace(second=0, microsecond=0)
    Arena.objects.filter(pk=arena.pk).update(starts_at=starts_at)
    return {
        "action": "details",
        "programme": arena.programme_id,
        "title": arena.title,
        "venue": arena.venue,
        "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"),
        "presentation_seconds": arena.presentation_seconds,
        "warning_seconds": arena.warning_seconds,
        "reveal_marks": arena.reveal_marks,
        **({"registration_open": "on"} if arena.registration_open else {}),
        **changes,
    }


def post_details(world: ArenaWorld, **changes: Any) -> tuple[Any, list[str]]:
    client = Client()
    client.cookies["leitai_language"] = "en"
    assert client.login(username=world.host_user.username, password=PASSWORD)
    response = client.post(
        reverse("arenas:detail", args=[world.arena.pk]), details(world, **changes)
    )
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def last_entry(world: ArenaWorld) -> dict[str, Any]:
    entry = entries_of(arena_chain(world.arena.pk))[-1]
    return {"seq": entry["seq"], "kind": entry["kind"], **json.loads(entry["body"])}


def test_more_presentation_time_while_live_is_on_the_ledger_and_verifies() -> None:
    world = make_arena_world(participants=2, judges=3)
    before = world.refresh().presentation_seconds
    response, _messages = post_details(world, presentation_seconds=before + 120)
    assert response.status_code == 302
    assert world.refresh().presentation_seconds == before + 120
    entry = last_entry(world)
    assert (entry["kind"], entry["data"], entry["actor"]) == (
        "details_changed",
        {"presentation_seconds": before + 120},
        f"user:{world.host_user.username}",
    )
    status, output = run_verify()
    assert status == 0, output


def test_saving_unchanged_details_while_live_writes_no_entry() -> None:
    world = make_arena_world(participants=2, judges=3)
    head = last_entry(world)["seq"]
    response, _messages = post_details(world)
    assert response.status_code == 302
    assert last_entry(world)["seq"] == head


def test_the_programme_or_reveal_setting_cannot_change_once_live() -> None:
    world = make_arena_world(participants=2, judges=3)
    arena = world.refresh()
    other = make_programme(world.host_unit)
    reveal = next(r for r in RevealMarks if r != arena.reveal_marks)
    before = everything()
    for change in ({"programme": other}, {"reveal_marks": reveal}):
        with pytest.raises(ArenaRefusal) as refused:
            setup.update_details(arena=arena, by=world.host_user, **change)
        assert refused.value.code == "frozen"
        assert "the same for every presenter" in refused.value.message
    assert everything() == before


def test_the_set_up_page_shows_the_frozen_details_disabled_with_the_reason() -> None:
    world = make_arena_world(participants=2, judges=3)
    client = Client()
    client.cookies["leitai_language"] = "en"
    assert client.login(username=world.host_user.username, password=PASSWORD)
    page = client.get(reverse("arenas:detail", args=[world.arena.pk])).content.decode()
    form = page[page.index('id="details-form"') :]
    form = form[: form.index("</form>")]
    for name in ("programme", "reveal_marks"):
        tag = form[form.index(f'name="{name}"') - 200 : form.index(f'name="{name}"') + 200]
        assert "disabled" in tag
    assert "Fixed since the arena went live" in form
    # Posting another value anyway changes nothing.
    reveal = next(r for r in RevealMarks if r != world.refresh().reveal_marks)
    post_details(world, reveal_marks=reveal)
    assert world.refresh().reveal_marks != reveal


def forge(world: ArenaWorld, kind: str, data: dict[str, Any]) -> str:
    with transaction.atomic():
        forged = append(chain=arena_chain(world.arena.pk), kind=kind, data=data, actor="user:x")
    status, output = run_verify()
    assert status == 1
    problem = first_problem(output)
    assert problem.startswith(f"{arena_chain(world.arena.pk)} #{forged.seq} {kind}: ")
    return problem.split(": ", 1)[1]


def test_a_presentation_time_changed_without_its_entry_fails_verification() -> None:
    world = make_arena_world(participants=2, judges=3)
    Arena.objects.filter(pk=world.arena.pk).update(presentation_seconds=999)
    status, output = run_verify()
    assert status == 1
    assert "the arena's presentation time is 999 in the database" in output


def test_a_recorded_reveal_change_after_going_live_fails_verification() -> None:
    world = make_arena_world(participants=2, judges=3)
    assert (
        forge(world, "details_changed", {"reveal_marks": "never"})
        == "reveal_marks changed after the arena went live"
    )
