"""Every route × every persona → the expected status, generated from the URL resolver.

A route without a row here fails the test: adding a page means deciding who may see it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from leitai.accounts.models import Role
from leitai.arenas.tokens import token_for
from leitai.core.imports import create_job_from_path
from tests.factories import PASSWORD, make_unit, make_user, small_city


def live_arena(city: dict[str, Any], host: Any) -> Any:
    """An arena of 金湖路街道, live, with the branch as participant and one judge."""
    import datetime as dt

    from django.utils import timezone

    from leitai.arenas.services import console, draw, setup
    from tests.arena_factories import make_programme

    arena = setup.create_arena(
        programme=make_programme(city["root"]),
        title="擂台",
        host=city["jinhulu"],
        venue="",
        by=host,
        starts_at=timezone.now() + dt.timedelta(hours=1),
    )
    setup.add_participant(arena=arena, unit=city["branch"], presenter="郑素秀", by=host)
    other = make_unit(city["jinhulu"], name="第二网格党支部")
    second = setup.add_participant(arena=arena, unit=other, presenter="某某", by=host)
    setup.add_judge(arena=arena, name="评委", by=host, is_head=True)
    draw.freeze_list(arena=arena, by=host)
    draw.draw(arena=arena, public="1", by=host)
    console.go_live(arena=arena, by=host)
    setup.withdraw_participant(participant=second, by=host)
    return arena


pytestmark = pytest.mark.django_db

PERSONAS = [
    "organiser",
    "reviewer_in",
    "reviewer_out",
    "host_in",
    "host_out",
    "secretary",
    "anonymous",
]


def route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith("admin:") or n == "admin:index"}


def statuses(
    organiser: int,
    reviewer_in: int,
    reviewer_out: int,
    host_in: int,
    host_out: int,
    secretary: int,
    anonymous: int,
) -> dict[str, int]:
    return dict(
        zip(
            PERSONAS,
            [organiser, reviewer_in, reviewer_out, host_in, host_out, secretary, anonymous],
            strict=True,
        )
    )


def every(status: int, anonymous: int | None = None) -> dict[str, int]:
    return statuses(*[status] * 6, anonymous if anonymous is not None else status)


SIGNED_IN = every(200, anonymous=302)
ORGANISER_ONLY = statuses(200, 403, 403, 403, 403, 403, 302)
IN_SCOPE = statuses(200, 200, 404, 200, 404, 404, 302)
OWN_JOB = statuses(200, 404, 404, 404, 404, 404, 302)
RUN = statuses(200, 403, 404, 200, 404, 404, 302)
EV_SEES = statuses(200, 200, 404, 200, 404, 200, 302)
EV_ENTERS = statuses(200, 200, 404, 403, 404, 200, 302)
EV_VETOES = statuses(200, 403, 404, 403, 404, 403, 302)
EV_DECIDES = statuses(302, 302, 404, 403, 404, 403, 302)
API_RUN = statuses(200, 403, 404, 200, 404, 404, 401)


def refused(allowed: dict[str, int]) -> dict[str, int]:
    """Where the persona is allowed (200), the service's refusal: 409."""
    return {persona: 409 if status == 200 else status for persona, status in allowed.items()}


# route name → (method, url arguments key, expected statuses)
MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "site:home": ("get", "", SIGNED_IN),
    "core:healthz": ("get", "", every(200)),
    "core:favicon": ("get", "", every(200)),
    "core:import_job": ("get", "job", OWN_JOB),
    "core:import_confirm": ("post", "job", statuses(302, 404, 404, 404, 404, 404, 302)),
    "core:import_cancel": ("post", "job", statuses(302, 404, 404, 404, 404, 404, 302)),
    "core:import_errors": ("get", "rejected_job", OWN_JOB),
    "core:import_upload": ("get", "orgs_kind", ORGANISER_ONLY),
    "core:import_template": ("get", "orgs_kind", ORGANISER_ONLY),
    # The holiday table is the deployment's, not a unit's: organisers of a whole tree keep it.
    "core:calendar_years": ("get", "", ORGANISER_ONLY),
    "core:calendar_year": ("get", "calendar_year", ORGANISER_ONLY),
    "accounts:login": ("get", "", statuses(302, 302, 302, 302, 302, 302, 200)),
    "accounts:logout": ("post", "", every(302)),
    "accounts:password_change": ("get", "", SIGNED_IN),
    "accounts:users": ("get", "", ORGANISER_ONLY),
    "accounts:import": ("get", "", every(302)),
    "accounts:user": ("get", "username", ORGANISER_ONLY),
    "accounts:reset_password": ("post", "username", ORGANISER_ONLY),
    "orgs:tree": ("get", "", SIGNED_IN),
    "orgs:search": ("get", "", SIGNED_IN),
    "orgs:unit": ("get", "unit", IN_SCOPE),
    "orgs:children": ("get", "unit", IN_SCOPE),
    "orgs:export": ("get", "unit", statuses(200, 403, 404, 403, 404, 404, 302)),
    "orgs:unit_facts": ("post", "unit", statuses(302, 403, 404, 403, 404, 404, 302)),
    # Daily data: the secretary's branch; the overview is for organisers and reviewers (each
    # sees the branches of their own scope, the outside reviewer an empty one).
    "evidence:unit_daily": ("get", "daily_unit", statuses(200, 200, 404, 200, 404, 200, 302)),
    "evidence:daily_overview": ("get", "", statuses(200, 200, 200, 403, 403, 403, 302)),
    "evidence:daily_no_records": ("get", "", statuses(200, 200, 200, 403, 403, 403, 302)),
    "evidence:daily_import": ("get", "", every(302)),
    "live:status": ("get", "", ORGANISER_ONLY),
    "live:check": ("get", "", every(200)),
    "live:send_check": ("post", "", statuses(302, 403, 403, 403, 403, 403, 302)),
    "set_language": ("post", "", every(302)),
    "api:unit": ("get", "api_unit", statuses(200, 200, 404, 200, 404, 404, 401)),
    "api:search": ("get", "api_search", statuses(200, 200, 200, 200, 200, 200, 401)),
    "api:api-root": ("get", "", every(404)),
    # The schema and its docs are for signed-in users (unless LEITAI_API_DOCS_PUBLIC).
    "api:openapi-json": ("get", "", every(200, anonymous=401)),
    "api:openapi-view": ("get", "", every(200, anonymous=302)),
    "admin:index": ("get", "", every(302)),
    # The main sign-in form; none of the personas is staff, so each sees it.
    "admin_login": ("get", "", every(200)),
    # Arenas: hosted by 金湖路街道 (inside 市南区); the secretary's branch takes part.
    "arenas:list": ("get", "", every(200, anonymous=302)),
    "arenas:create": ("get", "", statuses(200, 403, 403, 200, 200, 403, 302)),
    "arenas:detail": ("get", "arena", IN_SCOPE),
    "arenas:console": ("get", "arena", RUN),
    "arenas:judge_links": ("get", "arena", RUN),
    "arenas:register": ("get", "arena", statuses(403, 403, 404, 403, 404, 200, 302)),
    "arenas:screen": ("get", "arena", every(200)),
    "arenas:live": ("get", "arena", every(200)),
    "arenas:judge": ("get", "arena", every(403)),  # only a judge's own link signs in
    "judge_landing": ("get", "token", every(302)),
    "arenas:results": ("get", "arena", IN_SCOPE),
    "arenas:results_xlsx": ("get", "arena", IN_SCOPE),
    "arenas:scoresheet_pdf": ("get", "arena", IN_SCOPE),
    "arenas:public_results": ("get", "arena", every(200)),
    # The frozen list is public from the commitment on (it is on the big screen then).
    "arenas:public_draw_file": ("get", "draw_file", every(200)),
    # The judge's endpoints take the link's token in X-Judge-Token; a session is not enough.
    "api:judge_state": ("get", "", every(401)),
    "api:submit_sheet": ("post", "", every(401)),
    "api:confirm": ("post", "", every(401)),
    "api:declare_conflict": ("post", "", every(401)),
    "api:screen_state": ("get", "api_arena", every(200)),
    "api:console_state": ("get", "api_arena", API_RUN),
    # In scope, these reach the service, which refuses the (deliberately impossible) action.
    "api:run_action": ("post", "api_action", refused(API_RUN)),
    "api:paper_sheet": ("post", "api_arena", refused(API_RUN)),
    "api:reopen": ("post", "api_arena", refused(API_RUN)),
    # Evidence: the branch's (泰州路居民区党支部, the secretary's own unit, in 市南区) honour and
    # veto, entered and recorded by others than the personas.
    "evidence:unit": ("get", "ev_unit", EV_SEES),
    "evidence:unit_vetoes": ("get", "ev_unit", EV_SEES),
    "evidence:honour_new": ("get", "ev_unit", EV_ENTERS),
    "evidence:veto_new": ("get", "ev_unit", EV_VETOES),
    "evidence:queue": ("get", "", statuses(200, 200, 200, 403, 403, 403, 302)),
    "evidence:honour": ("get", "honour", EV_SEES),
    "evidence:honour_edit": ("get", "honour", EV_ENTERS),
    "evidence:honour_file": ("get", "honour", EV_SEES),
    # Allowed: verified (or refused as decided already), back to the record: 302.
    "evidence:honour_verify": ("post", "honour", EV_DECIDES),
    "evidence:honour_reject": ("post", "honour", EV_DECIDES),
    "evidence:veto_lift": ("post", "veto", statuses(302, 403, 404, 403, 404, 403, 302)),
    "evidence:veto_file": ("get", "veto", EV_SEES),
    # The programme (root: the city) of the live arena; organisers over its root only.
    "programs:list": ("get", "", ORGANISER_ONLY),
    "programs:evidence": ("get", "programme", ORGANISER_ONLY),
}


def evidence_records(city: dict[str, Any], settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The branch's honour (entered by another secretary) and veto (by the street's committee)."""
    from leitai.demo.evidence_files import scan_png
    from leitai.evidence.files import check_bytes
    from leitai.evidence.models import VetoCategory
    from leitai.evidence.services.honours import enter_honour
    from leitai.evidence.services.vetoes import record_veto
    from tests.evidence.conftest import fields

    settings.MEDIA_ROOT = tmp_path / "media"
    colleague = make_user("colleague", role=Role.SECRETARY, unit=city["branch"])
    street = make_user("street-org", role=Role.ORGANISER, unit=city["jinhulu"])
    honour = enter_honour(
        unit=city["branch"], by=colleague, fields=fields(), file=check_bytes(scan_png("m"))
    )
    veto = record_veto(
        unit=city["branch"],
        by=street,
        year=2025,
        category=VetoCategory.RECORDS,
        evidence="档案缺失",
        file=check_bytes(scan_png("v")),
    )
    return {
        "ev_unit": {"unit_id": city["branch"].pk},
        "honour": {"honour_id": honour.pk},
        "veto": {"veto_id": veto.pk},
    }


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> dict[str, Any]:
    city = small_city()
    people = {
        "organiser": make_user("org", role=Role.ORGANISER, unit=city["root"]),
        "reviewer_in": make_user("rev-in", role=Role.REVIEWER, unit=city["shinan"]),
        "reviewer_out": make_user("rev-out", role=Role.REVIEWER, unit=city["laixi"]),
        "host_in": make_user("host-in", role=Role.HOST, unit=city["jinhulu"]),
        "host_out": make_user("host-out", role=Role.HOST, unit=city["jiangshan"]),
        "secretary": make_user("sec", role=Role.SECRETARY, unit=city["branch"]),
    }
    make_user("victim", role=Role.SECRETARY, unit=city["branch"])
    good = tmp_path / "orgs.csv"
    good.write_text("编码,名称,上级编码,类型,领域\n9,新,370202,党支部,学校\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("编码,名称,上级编码,类型,领域\n9,,404,党支部,学校\n", encoding="utf-8")
    arena = live_arena(city, people["host_in"])
    judge = arena.judges.get()
    participant = arena.participants.get(unit=city["branch"])
    bodies = {
        "api:run_action": {},
        "api:paper_sheet": {
            "judge": judge.code,
            "participant": participant.pk,
            "marks": {"achievements": "20", "spirit": "15", "ideas": "20", "effects": "20"},
            "key": "matrix",
        },
        "api:reopen": {"judge": judge.code, "participant": participant.pk, "reason": "matrix"},
        "api:submit_sheet": {"participant": participant.pk, "marks": {}, "key": "x"},
        "api:confirm": {"participant": participant.pk},
        "api:declare_conflict": {"participant": participant.pk, "reason": "x"},
    }
    return {
        "bodies": bodies,
        "city": city,
        "people": people,
        "args": {
            "": {},
            "job": {
                "job_id": create_job_from_path(
                    kind="orgs", actor=people["organiser"], path=good, prune=False
                ).pk
            },
            "rejected_job": {
                "job_id": create_job_from_path(
                    kind="orgs", actor=people["organiser"], path=bad, prune=False
                ).pk
            },
            "orgs_kind": {"kind_key": "orgs"},
            "calendar_year": {"year": 2027},
            "username": {"username": "victim"},
            "unit": {"code": city["jinhulu"].code},
            "daily_unit": {"unit_id": city["branch"].pk},
            "api_unit": {"code": city["jinhulu"].code},
            "api_search": {},
            "arena": {"arena_id": arena.pk},
            "programme": {"programme_id": arena.programme_id},
            "api_arena": {"arena_id": arena.pk},
            "api_action": {"arena_id": arena.pk, "action": "no-such-action"},
            "draw_file": {"arena_id": arena.pk, "name": "participants.txt"},
            "token": {"token": token_for(judge)},
            **evidence_records(city, settings, tmp_path),
        },
        "query": {"api:search": "?q=金湖", "orgs:search": "?q=金湖"},
    }


def test_every_route_has_a_row() -> None:
    assert route_names() == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_statuses_per_persona(world: dict[str, Any], name: str) -> None:
    from django.urls import reverse

    method, args_key, expected = MATRIX[name]
    url = reverse(name, kwargs=world["args"][args_key]) + world["query"].get(name, "")
    observed = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            assert client.login(username=world["people"][persona].username, password=PASSWORD)
        body = world["bodies"].get(name)
        if body is not None:
            response = client.post(url, json.dumps(body), content_type="application/json")
        else:
            response = getattr(client, method)(url)
        observed[persona] = response.status_code
    assert observed == expected
