"""Builds the arena-day benchmark's city: N live arenas, each with its participants and panel.

Run with Django's settings in the benchmark's environment (`python -m bench._arena_setup N J P`);
prints one JSON line: the host's session, and per arena its id, the judges' tokens, the
participants in drawn order and the offset between the arena's version and its ledger chain's
sequence number. In the live phase every write appends exactly one entry to the arena's chain
and bumps the version once, so a sheet's `ledger_seq` names the screen version it produced.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib import import_module

import django


def session_for(user: object) -> str:
    """A signed-in session's key for `user`, as the sign-in page would have made."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return str(session.session_key)


def build(arenas: int, judges: int, participants: int) -> dict:
    """The city, in a process where Django is set up; the JSON object main() prints."""
    from django.conf import settings
    from django.utils import timezone

    import leitai.arenas.live.publish
    from leitai.accounts.models import Role
    from leitai.accounts.services import create_user, grant_role
    from leitai.arenas.services import console, draw, setup
    from leitai.arenas.tokens import token_for
    from leitai.demo.rubric import DEMO_RUBRIC
    from leitai.ledger.chain import arena_chain, head_of
    from leitai.orgs.models import Sector, UnitKind
    from leitai.orgs.services import create_unit
    from leitai.programs.models import Programme

    # Nobody follows the screens while the city is being built: skip the push after each commit
    # (it would build every view's state a thousand times over for no one).
    leitai.arenas.live.publish.capture = lambda arena_id, who=None: None

    root = create_unit(
        code="B0", name="基准市委", kind=UnitKind.COMMITTEE, sector=Sector.OTHER, parent=None
    )
    programme = Programme.objects.create(name="基准评选", year=2026, root=root, rubric=DEMO_RUBRIC)
    host = create_user(username="bench-host", password="bench-host-42", must_change_password=False)
    out = []
    for a in range(arenas):
        street = create_unit(
            code=f"B0{a:03d}",
            name=f"第{a + 1}街道党工委",
            kind=UnitKind.WORKING_COMMITTEE,
            sector=Sector.URBAN_COMMUNITY,
            parent=root,
        )
        grant_role(user=host, unit=street, role=Role.HOST)
        arena = setup.create_arena(
            programme=programme,
            title=f"第{a + 1}街道党支部书记擂台比武",
            host=street,
            venue="会议室",
            starts_at=timezone.now() + dt.timedelta(hours=1),
            by=host,
        )
        for p in range(participants):
            branch = create_unit(
                code=f"B0{a:03d}{p:02d}",
                name=f"第{a + 1}街道第{p + 1}网格党支部",
                kind=UnitKind.BRANCH,
                sector=Sector.URBAN_COMMUNITY,
                parent=street,
                secretary=f"书记{p + 1}",
            )
            setup.add_participant(
                arena=arena, unit=branch, presenter=f"书记{p + 1}", presenter_role="书记", by=host
            )
        panel = [
            setup.add_judge(arena=arena, name=f"评委{j + 1}", is_head=(j == 0), by=host)[0]
            for j in range(judges)
        ]
        draw.freeze_list(arena=arena, by=host)
        draw.draw(arena=arena, public=f"{a:06d}", by=host)
        draw.reveal_seed(arena=arena, by=host)
        arena = console.go_live(arena=arena, by=host)
        seq, _ = head_of(arena_chain(arena.pk))
        out.append(
            {
                "id": arena.pk,
                "judges": [
                    {"id": j.pk, "code": j.code, "token": token_for(j), "head": j.is_head}
                    for j in panel
                ],
                "order": list(arena.participants.order_by("position").values_list("pk", flat=True)),
                "version": arena.version,
                "offset": arena.version - seq,
            }
        )
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": session_for(host),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "arenas": out,
    }


def main() -> None:
    arenas, judges, participants = (int(value) for value in sys.argv[1:4])
    django.setup()
    print(json.dumps(build(arenas, judges, participants)))


if __name__ == "__main__":
    main()
