"""Every arena command, asked for where it is offered, with an id of another arena or on a
closed arena: refused, and nothing written.

The cases are generated from the command table (leitai.arenas.commands.COMMANDS): each command,
on each surface that offers it, and each id it takes. A command added to the table without a
request here fails `test_every_command_has_a_request`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from leitai.arenas.commands import COMMANDS, Surface
from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.services import console, declarations, setup, sheets
from tests.arena_factories import (
    ArenaWorld,
    everything,
    in_order,
    make_arena_world,
    make_closed_arena_world,
    marks,
)
from tests.factories import PASSWORD, make_unit

pytestmark = pytest.mark.django_db

# What each command's request holds in the arena it is for (`ours`), as a function of the
# world: ids that name something there, and valid other inputs.
Sample = Callable[[ArenaWorld], dict[str, Any]]


def _current(world: ArenaWorld) -> int:
    return in_order(world)[0].pk


def _waiting(world: ArenaWorld) -> int:
    return in_order(world)[1].pk


SAMPLES: dict[str, Sample] = {
    "details": lambda w: {
        "programme": w.arena.programme_id,
        "title": "改过的标题",
        "venue": "别处",
        "starts_at": "2026-12-01T09:00",
        "presentation_seconds": 300,
        "warning_seconds": 60,
        "reveal_marks": "never",
    },
    "rubric": lambda w: {
        "rubric": json.dumps(w.arena.rubric),
        "rule": json.dumps(w.arena.rule),
    },
    "participant": lambda w: {
        "unit": make_unit(w.host_unit, name="新网格党支部").code,
        "presenter": "新书记",
    },
    "withdraw": lambda w: {"participant": _waiting(w)},
    "short_name": lambda w: {"participant": _waiting(w), "short_name": "二网格"},
    "judge": lambda w: {"name": "新评委"},
    "head": lambda w: {"judge": "J2"},
    "reissue": lambda w: {"judge": "J2"},
    "revoke": lambda w: {"judge": "J2"},
    "presence": lambda w: {"judge": "J2", "joins_at": 2, "leaves_after": ""},
    "recusal": lambda w: {
        "judge": "J3",
        "participant": _current(w),
        "reason": "同一社区",
        "active": "on",
    },
    "lift_absence": lambda w: {"judge": "J3", "participant": _current(w), "reason": "评委回场"},
    "accept_declaration": lambda w: {"judge": "J2", "participant": _current(w)},
    "decline_declaration": lambda w: {"judge": "J2", "participant": _current(w)},
    "freeze": lambda w: {},
    "draw": lambda w: {"public": "1 2 3"},
    "reveal": lambda w: {},
    "go_live": lambda w: {},
    "next": lambda w: {"expected_current": w.arena.current_id},
    "open": lambda w: {"participant": _current(w)},
    "close": lambda w: {"participant": _current(w), "reason": "评委离席"},
    "absent": lambda w: {"participant": _current(w)},
    "show": lambda w: {"participant": _current(w)},
    "confirm": lambda w: {"participant": _current(w)},
    "timer_start": lambda w: {},
    "timer_pause": lambda w: {},
    "timer_reset": lambda w: {},
    "close_arena": lambda w: {},
    "paper_sheet": lambda w: {
        "judge": "J3",
        "participant": _current(w),
        "marks": marks("20"),
        "key": "paper-1",
    },
    "reopen": lambda w: {"judge": "J2", "participant": _current(w), "reason": "录入有误"},
    "judge_confirm": lambda w: {"participant": _current(w)},
    "declare": lambda w: {"participant": _current(w), "reason": "我在该单位工作"},
    "sheet": lambda w: {"participant": _current(w), "marks": marks("20"), "key": "phone-1"},
}
# The phone's judge for each phone command (the head judge confirms).
PHONE_JUDGE = {"judge_confirm": "J1", "declare": "J3", "sheet": "J1"}
# Commands with a route of their own under /api/arenas/<id>/.
API_PATHS = {"paper_sheet": "paper-sheets", "reopen": "reopen"}
PHONE_PATHS = {"judge_confirm": "confirm", "declare": "declare", "sheet": "sheets"}


def test_every_command_has_a_request() -> None:
    assert set(SAMPLES) == set(COMMANDS)
    for name, command in COMMANDS.items():
        if Surface.API in command.surfaces:
            assert name in API_PATHS
        if Surface.PHONE in command.surfaces:
            assert name in PHONE_PATHS
            assert name in PHONE_JUDGE


def send(world: ArenaWorld, name: str, surface: Surface, data: dict[str, Any]) -> Any:
    """The request as its page or phone sends it, in English."""
    client = Client()
    client.cookies["leitai_language"] = "en"
    arena = world.arena.pk
    if surface == Surface.PHONE:
        return client.post(
            f"/api/judge/{PHONE_PATHS[name]}",
            data=json.dumps(data),
            content_type="application/json",
            headers={"X-Judge-Token": world.tokens[PHONE_JUDGE[name]]},
        )
    assert client.login(username=world.host_user.username, password=PASSWORD)
    if surface == Surface.SETUP:
        return client.post(reverse("arenas:detail", args=[arena]), {"action": name, **data})
    path = f"actions/{name}" if surface == Surface.CONSOLE else API_PATHS[name]
    return client.post(
        f"/api/arenas/{arena}/{path}", data=json.dumps(data), content_type="application/json"
    )


def live_world(judges: int = 3) -> ArenaWorld:
    """A live arena: the first presenter open for scoring, J2's sheet in, and a conflict J2
    declared after it waiting for the host."""
    world = make_arena_world(participants=3, judges=judges)
    current = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.open_scoring(arena=world.arena, participant_id=current.pk, by=world.host_user)
    sheets.submit_sheet(
        judge=world.judge("J2"), participant_id=current.pk, marks=marks("20"), key="j2"
    )
    declarations.declare_conflict(
        judge=world.judge("J2"), participant_id=current.pk, reason="亲属在该单位"
    )
    world.refresh()
    return world


def _foreign(theirs: ArenaWorld, field: str) -> Any:
    # Judges are named by their code within an arena: J5 exists only in theirs (five judges).
    return "J5" if field == "judge" else in_order(theirs)[0].pk


ID_CASES = [
    pytest.param(name, surface, field, id=f"{name}-{surface}-{field}")
    for name, command in COMMANDS.items()
    for surface in sorted(command.surfaces)
    for field in command.ids
]


@pytest.mark.parametrize(("name", "surface", "field"), ID_CASES)
def test_an_id_of_another_arena_is_404_and_changes_nothing(
    name: str, surface: Surface, field: str
) -> None:
    ours, theirs = live_world(), live_world(judges=5)
    request = SAMPLES[name](ours)
    before = everything()
    response = send(ours, name, surface, {**request, field: _foreign(theirs, field)})
    assert response.status_code == 404
    if surface != Surface.SETUP:
        assert response.json()["code"] == "not_found"
        assert response.json()["detail"] in (
            "No such participant in this arena.",
            "No such judge in this arena.",
        )
    assert everything() == before
    # The same request with our own id is no 404: the id alone made the difference.
    assert send(ours, name, surface, request).status_code != 404


CLOSED_CASES = [
    pytest.param(name, surface, id=f"{name}-{surface}")
    for name, command in COMMANDS.items()
    for surface in sorted(command.surfaces)
]


@pytest.mark.parametrize(("name", "surface"), CLOSED_CASES)
def test_every_command_on_a_closed_arena_is_refused_and_writes_nothing(
    name: str, surface: Surface
) -> None:
    world = make_closed_arena_world()
    request = SAMPLES[name](world)
    before = everything()
    response = send(world, name, surface, request)
    if surface == Surface.PHONE:
        assert response.status_code == 401  # the judges' links expired with the close
        assert response.json()["code"] == "arena_closed"
    elif surface == Surface.SETUP:
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "The arena is closed: its results are final and signed, so nothing in it can be "
            "changed any more."
        ]
    else:
        assert response.status_code == 409
        assert response.json()["code"] == "closed"
    assert everything() == before


def test_the_closed_set_up_page_shows_its_forms_disabled_with_the_reason() -> None:
    world = make_closed_arena_world()
    client = Client()
    client.cookies["leitai_language"] = "en"
    assert client.login(username=world.host_user.username, password=PASSWORD)
    page = client.get(reverse("arenas:detail", args=[world.arena.pk])).content.decode()
    assert 'id="arena-locked"' in page
    assert "nothing in it can be changed any more" in page
    details = page[page.index('id="details-form"') :]
    details = details[: details.index("</form>")]
    assert details.count("disabled") >= 7  # every field and the button
    assert page.count('<fieldset class="plain actions" disabled>') == 3  # every judge's row


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/judge/confirm", {"participant": 987654}),
        ("actions/confirm", {"participant": 987654}),
        ("actions/open", {"participant": 10**30}),  # beyond any database's integers
        ("reopen", {"judge": "J1", "participant": 987654, "reason": "录入有误"}),
        ("paper-sheets", {"judge": "J1", "participant": 987654, "marks": {}, "key": "x"}),
    ],
)
def test_an_unknown_participant_is_a_json_404(path: str, body: dict[str, Any]) -> None:
    world = make_arena_world(participants=2, judges=3)
    client = Client()
    client.cookies["leitai_language"] = "en"
    if path.startswith("/api/judge/"):
        headers = {"X-Judge-Token": world.tokens["J1"]}
    else:
        assert client.login(username=world.host_user.username, password=PASSWORD)
        path, headers = f"/api/arenas/{world.arena.pk}/{path}", {}
    before = everything()
    response = client.post(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such participant in this arena."}
    assert everything() == before


def test_writes_outside_the_table_are_refused_on_a_closed_arena_too() -> None:
    """The guard is in the services: a secretary's registration (refused by state before
    too, now with the reason) and a sheet reaching the service are refused the same way."""
    world = make_closed_arena_world()
    branch = make_unit(world.host_unit, name="第8网格党支部", secretary="刘洋")
    before = everything()
    with pytest.raises(ArenaRefusal) as registration:
        setup.add_participant(arena=world.arena, unit=branch, presenter="刘洋", by=world.host_user)
    with pytest.raises(ArenaRefusal) as sheet:
        sheets.submit_sheet(
            judge=world.judge("J1"),
            participant_id=in_order(world)[0].pk,
            marks=marks("20"),
            key="late",
        )
    assert (registration.value.code, sheet.value.code) == ("closed", "closed")
    assert everything() == before
