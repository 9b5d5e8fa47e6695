"""A small city with two live arenas in two districts, and the personas that call the API.

金湖路街道 (in 市南区) hosts arena "in", 姜山镇 (in 莱西市) hosts arena "out"; each has two
participants and two judges (the first is the head judge). Every persona's scope holds arena "in"
or nothing: ids from arena "out" are outside it for all but the city's organiser.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone

from leitai.accounts.models import Role, User
from leitai.arenas.models import Arena, Judge, Participant
from leitai.arenas.services import console, draw, setup
from leitai.arenas.tokens import token_for
from leitai.orgs.models import Unit
from leitai.programs.models import Programme
from tests.arena_factories import make_programme
from tests.factories import PASSWORD, make_unit, make_user, small_city

# persona → (role, unit key in small_city); the judge and the anonymous caller have no account.
ACCOUNTS: dict[str, tuple[str, str]] = {
    "organiser": (Role.ORGANISER, "root"),
    "district_organiser_out": (Role.ORGANISER, "laixi"),
    "reviewer": (Role.REVIEWER, "shinan"),
    "host": (Role.HOST, "jinhulu"),
    "host_out": (Role.HOST, "jiangshan"),
    "secretary": (Role.SECRETARY, "branch"),
}
PERSONAS = ["anonymous", *ACCOUNTS, "judge"]


@dataclass
class ArenaSide:
    arena: Arena
    participants: list[Participant]
    judges: list[Judge]

    @property
    def head(self) -> Judge:
        return self.judges[0]


@dataclass
class World:
    city: dict[str, Unit]
    people: dict[str, User]
    inside: ArenaSide
    outside: ArenaSide
    clients: dict[str, Client] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # what a test adds and names

    def client(self, persona: str) -> Client:
        """A signed-in client (with the CSRF check on, as a browser meets it) per persona."""
        if persona not in self.clients:
            client = Client(enforce_csrf_checks=True)
            if persona in self.people:
                assert client.login(username=self.people[persona].username, password=PASSWORD)
            if persona == "judge":  # the phone opened its personal link
                client.get(f"/j/{token_for(self.inside.head)}")
            # A page with a form sets the CSRF cookie (the home page has the sign-out form).
            client.get("/" if persona in self.people else "/accounts/login/")
            self.clients[persona] = client
        return self.clients[persona]

    def cookies(self, persona: str) -> dict[str, str]:
        return {name: morsel.value for name, morsel in self.client(persona).cookies.items()}

    def headers(self, persona: str) -> dict[str, str]:
        """What the persona's API requests carry besides its cookies: the CSRF token, or the
        judge's link."""
        csrf = {"X-CSRFToken": self.cookies(persona)["csrftoken"]}
        if persona == "judge":
            return {**csrf, "X-Judge-Token": token_for(self.inside.head)}
        return csrf


def live_arena(programme: Programme, host_unit: Unit, units: list[Unit], host: User) -> ArenaSide:
    arena = setup.create_arena(
        programme=programme,
        title=f"{host_unit.name}擂台",
        host=host_unit,
        venue="",
        by=host,
        starts_at=timezone.now() + dt.timedelta(hours=1),
    )
    participants = [
        setup.add_participant(arena=arena, unit=unit, presenter="某某", by=host) for unit in units
    ]
    judges = [
        setup.add_judge(arena=arena, name=f"评委{i + 1}", by=host, is_head=i == 0)[0]
        for i in range(2)
    ]
    draw.freeze_list(arena=arena, by=host)
    draw.draw(arena=arena, public="1", by=host)
    console.go_live(arena=arena, by=host)
    return ArenaSide(arena=arena, participants=participants, judges=judges)


def build_world() -> World:
    city = small_city()
    people = {
        persona: make_user(persona.replace("_", "-"), role=role, unit=city[unit])
        for persona, (role, unit) in ACCOUNTS.items()
    }
    programme = make_programme(city["root"])
    inside = live_arena(
        programme,
        city["jinhulu"],
        [city["branch"], make_unit(city["jinhulu"], name="第二网格党支部")],
        people["host"],
    )
    outside = live_arena(
        programme,
        city["jiangshan"],
        [city["village"], make_unit(city["jiangshan"], name="姜山二村党支部")],
        people["host_out"],
    )
    return World(city=city, people=people, inside=inside, outside=outside)


def any_of(world: World) -> dict[str, Any]:
    """Ids the fuzzer may also use, so that it reaches past the 404s of random ids."""
    return {
        "arena_id": [world.inside.arena.pk, world.outside.arena.pk],
        "participant": [p.pk for side in (world.inside, world.outside) for p in side.participants],
        "judge": [j.code for j in world.inside.judges],
        "code": [unit.code for unit in world.city.values()],
    }
