"""Every write (POST route, API action, set-up action) × every persona × ids inside and outside
the persona's scope → the expected answer, and nothing written when refused.

Generated like the GET matrix (test_permission_matrix.py): the routes from the URL resolver, the
console's and the set-up page's actions from the command table (leitai.arenas.commands), and
whether an action names another arena's id ("cross") from the ids each command takes. A route or
command without a row fails the test.
Routes that write nothing (every GET page and endpoint) are POSTed to as well: nothing may change.

"Nothing written" compares every row of every table (sessions aside) before and after.
Scopes: "in" names arena "in" (金湖路街道, 市南区) and its ids; "out" arena "out" (姜山镇, 莱西市)
and its ids; "cross" arena "in" in the path with ids of arena "out" in the body.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.arenas.commands import COMMANDS, Surface, names_on
from leitai.core.imports import create_job_from_path
from tests.api.world import PERSONAS, World, build_world
from tests.core.test_permission_matrix import route_names
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PERSONAS_WRITE = [*PERSONAS]
SCOPES = ("in", "out", "cross")

# An expected answer: a status (nothing written), or ALLOW: past every permission check, into
# the service, which does it (2xx; a page: 302/200) or refuses for the state it finds (409/422,
# nothing written).
ALLOW = "allow"
LOGIN = "login"  # a page's answer to the anonymous: to the sign-in page, nothing written
API_ALLOWED = {200, 201, 409, 422}
PAGE_ALLOWED = {200, 302, 400}  # 400: the form names the invalid field
REFUSED_IN_SERVICE = {400, 409, 422}

Cell = int | str


def per_persona(**cells: dict[str, Cell] | Cell) -> dict[str, dict[str, Cell]]:
    """persona → scope → answer; a single answer stands for every scope."""
    table: dict[str, dict[str, Cell]] = {}
    for persona in PERSONAS_WRITE:
        value = cells[persona]
        table[persona] = value if isinstance(value, dict) else dict.fromkeys(SCOPES, value)
    return table


def run_arena(refused: Cell) -> dict[str, dict[str, Cell]]:
    """Setting up and running an arena: its host or an organiser above it."""
    return per_persona(
        anonymous=refused,
        organiser={"in": ALLOW, "out": ALLOW, "cross": 404},
        district_organiser_out={"in": 404, "out": ALLOW, "cross": 404},
        reviewer={"in": 403, "out": 404, "cross": 403},  # sees arena "in", may not run it
        host={"in": ALLOW, "out": 404, "cross": 404},
        host_out={"in": 404, "out": ALLOW, "cross": 404},
        secretary=404,
        judge=refused,  # a judge's link is not a host's session
    )


API_RUN = run_arena(401)
PAGE_RUN = run_arena(LOGIN)
JUDGE_PHONE = per_persona(
    anonymous=401,
    organiser=401,
    district_organiser_out=401,
    reviewer=401,
    host=401,
    host_out=401,
    secretary=401,
    judge={"in": ALLOW, "cross": 404},
)


@dataclass(frozen=True)
class Row:
    """How to send one write, and who gets what."""

    url: Callable[[World, str], str]
    body: Callable[[World, str], dict[str, Any]]
    expected: dict[str, dict[str, Cell]]
    api: bool = False
    scopes: tuple[str, ...] = ("in", "out")
    files: Callable[[World], dict[str, Any]] = field(default=lambda world: {})


def side(world: World, scope: str) -> Any:
    return world.outside if scope == "out" else world.inside


def ids_side(world: World, scope: str) -> Any:
    return world.inside if scope == "in" else world.outside


def arena_url(name: str, **kwargs: Any) -> Callable[[World, str], str]:
    return lambda world, scope: reverse(
        name, kwargs={"arena_id": side(world, scope).arena.pk, **kwargs}
    )


def participant(world: World, scope: str) -> int:
    return int(ids_side(world, scope).participants[0].pk)


MARKS = {"achievements": "20", "spirit": "15", "ideas": "20", "effects": "20"}
_keys = itertools.count()


def console_body(world: World, scope: str) -> dict[str, Any]:
    return {"participant": participant(world, scope), "reason": "matrix", "public": "1"}


def paper_body(world: World, scope: str) -> dict[str, Any]:
    key = f"matrix-{next(_keys)}"
    return {"judge": "J2", "participant": participant(world, scope), "marks": MARKS, "key": key}


def scopes_of(command: str) -> tuple[str, ...]:
    """A command that names a participant also gets another arena's ("cross")."""
    return SCOPES if "participant" in COMMANDS[command].ids else ("in", "out")


# The set-up page's forms, one per command on it (a command without one fails the test).
SETUP_ACTIONS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "details": lambda world, scope: {"title": "改名", "presentation_seconds": "300"},
    "rubric": lambda world, scope: {"rubric_json": "{}", "rule_json": "{}"},
    "participant": lambda world, scope: {"unit": "3702020101", "presenter": "某某"},
    "withdraw": lambda world, scope: {"participant": participant(world, scope)},
    "short_name": lambda world, scope: {
        "participant": participant(world, scope),
        "short_name": "泰州路",
    },
    "judge": lambda world, scope: {"name": "新评委"},
    "head": lambda world, scope: {"judge": "J2"},
    "reissue": lambda world, scope: {"judge": "J2"},
    "revoke": lambda world, scope: {"judge": "J2"},
    "presence": lambda world, scope: {"judge": "J2", "joins_at": "1"},
    "recusal": lambda world, scope: {
        "judge": "J2",
        "participant": participant(world, scope),
        "reason": "matrix",
        "active": "on",
    },
    "lift_absence": lambda world, scope: {
        "judge": "J2",
        "participant": participant(world, scope),
        "reason": "matrix",
    },
    "accept_declaration": lambda world, scope: {
        "judge": "J2",
        "participant": participant(world, scope),
    },
    "decline_declaration": lambda world, scope: {
        "judge": "J2",
        "participant": participant(world, scope),
    },
    "freeze": lambda world, scope: {},
    "draw": lambda world, scope: {"public": "1"},
    "reveal": lambda world, scope: {},
    "go_live": lambda world, scope: {},
}


def _no_body(world: World, scope: str) -> dict[str, Any]:
    return {}


def _job_url(name: str) -> Callable[[World, str], str]:
    return lambda world, scope: reverse(name, kwargs={"job_id": world.extra[f"job_{scope}"]})


ORGANISERS_OWN = per_persona(
    anonymous=LOGIN,
    organiser={"in": ALLOW, "out": 404},
    district_organiser_out={"in": 404, "out": ALLOW},
    reviewer=404,
    host=404,
    host_out=404,
    secretary=404,
    judge=LOGIN,
)
ORGANISERS_ONLY = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out=ALLOW,
    reviewer=403,
    host=403,
    host_out=403,
    secretary=403,
    judge=LOGIN,
)
# What is the deployment's, not a unit's (the holiday calendar): organisers of a whole tree.
TOP_ORGANISERS = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out=403,
    reviewer=403,
    host=403,
    host_out=403,
    secretary=403,
    judge=LOGIN,
)
ACCOUNTS_IN_SCOPE = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    # "cross": an account with roles in both districts is not wholly the district's.
    district_organiser_out={"in": 404, "out": ALLOW, "cross": 404},
    reviewer=403,
    host=403,
    host_out=403,
    secretary=403,
    judge=LOGIN,
)
EVERY_ACCOUNT = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out=ALLOW,
    reviewer=ALLOW,
    host=ALLOW,
    host_out=ALLOW,
    secretary=ALLOW,
    judge=LOGIN,
)
CREATE_ARENA = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    # Another district's host unit: the form names the field, nothing is created.
    district_organiser_out={"in": 200, "out": ALLOW},
    reviewer=403,
    host={"in": ALLOW, "out": 200},
    host_out={"in": 200, "out": ALLOW},
    secretary=403,
    judge=LOGIN,
)
REGISTER = per_persona(
    anonymous=LOGIN,
    organiser=403,
    district_organiser_out={"in": 404, "out": 403},
    reviewer={"in": 403, "out": 404},
    host={"in": 403, "out": 404},
    host_out={"in": 404, "out": 403},
    secretary={"in": ALLOW, "out": 404},
    judge=LOGIN,
)

# Evidence: scope "in" is the branch (市南区), "out" the village (莱西市); the records are entered
# and recorded by people who are none of the personas (add_extras).
EV_ENTER = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out={"in": 404, "out": ALLOW},
    reviewer={"in": ALLOW, "out": 404},
    host={"in": 403, "out": 404},
    host_out={"in": 404, "out": 403},
    secretary={"in": ALLOW, "out": 404},
    judge=LOGIN,
)
EV_DECIDE = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out={"in": 404, "out": ALLOW},
    reviewer={"in": ALLOW, "out": 404},
    host={"in": 403, "out": 404},
    host_out={"in": 404, "out": 403},
    secretary={"in": 403, "out": 404},
    judge=LOGIN,
)
EV_VETO = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out={"in": 404, "out": ALLOW},
    reviewer={"in": 403, "out": 404},
    host={"in": 403, "out": 404},
    host_out={"in": 404, "out": 403},
    secretary={"in": 403, "out": 404},
    judge=LOGIN,
)


def _ev_unit(world: World, scope: str) -> int:
    return int(world.city["branch" if scope == "in" else "village"].pk)


def _ev_url(name: str, key: str) -> Callable[[World, str], str]:
    if key == "unit_id":
        return lambda world, scope: reverse(name, kwargs={"unit_id": _ev_unit(world, scope)})
    return lambda world, scope: reverse(name, kwargs={key: world.extra[f"{key}_{scope}"]})


def _honour_body(world: World, scope: str) -> dict[str, Any]:
    return {
        "title": "市级先进基层党组织",
        "level": "municipal",
        "conferred_by": "中共青岛市委",
        "document": "青发〔2024〕99号",
        "conferred_on": "2024-06-28",
        "version": "1",
    }


def _scan(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leitai.demo.evidence_files import scan_png

    return {"file": SimpleUploadedFile("scan.png", scan_png("matrix"), content_type="image/png")}


ORGS_CSV = "编码,名称,上级编码,类型,领域\n9,新,370202,党支部,学校\n"
# A unit's facts (the unit page's form): its organisers; 404 outside one's scope, 403 within.
UNIT_ORGANISERS = per_persona(
    anonymous=LOGIN,
    organiser=ALLOW,
    district_organiser_out={"in": 404, "out": ALLOW},
    reviewer={"in": 403, "out": 404},
    host={"in": 403, "out": 404},
    host_out={"in": 404, "out": 403},
    secretary={"in": 403, "out": 404},
    judge=LOGIN,
)


def _programme_body(world: World, scope: str) -> dict[str, Any]:
    """The evidence settings with the honours' cap raised to 20, and a reason."""
    from leitai.scoring.evidence import EvidenceRules

    rules = EvidenceRules.DEFAULT
    body: dict[str, Any] = {f"points_{lv.value}": p for lv, p in rules.honours.points.items()}
    body |= {"window_years": 3, "cap": 20, "window_months": 12, "reason": "matrix"}
    for metric in rules.daily.metrics:
        body[f"weight_{metric.key}"] = metric.weight
        if metric.kind.value == "count":
            body[f"requirement_{metric.key}"] = metric.requirement
            body[f"cadence_{metric.key}"] = metric.cadence.value
    return body


WRITES: dict[str, Row] = {
    "core:import_confirm": Row(_job_url("core:import_confirm"), _no_body, ORGANISERS_OWN),
    "core:import_cancel": Row(_job_url("core:import_cancel"), _no_body, ORGANISERS_OWN),
    "core:import_upload": Row(
        lambda world, scope: reverse("core:import_upload", kwargs={"kind_key": "orgs"}),
        _no_body,
        ORGANISERS_ONLY,
        scopes=("in",),
        files=lambda world: {"file": _upload(world)},
    ),
    # The holiday table of a year the calendar package does not know (organisers of a tree).
    "core:calendar_year": Row(
        lambda world, scope: reverse("core:calendar_year", kwargs={"year": 2027}),
        lambda world, scope: {"holidays": "2027-01-01 元旦", "workdays": "", "version": _version()},
        TOP_ORGANISERS,
        scopes=("in",),
    ),
    "orgs:unit_facts": Row(
        lambda world, scope: reverse(
            "orgs:unit_facts",
            kwargs={"code": world.city["branch" if scope == "in" else "village"].code},
        ),
        lambda world, scope: {
            "facts-founded": "2019-03",
            "facts-members": "23",
            "facts-has_party_groups": "是",
        },
        UNIT_ORGANISERS,
    ),
    "accounts:reset_password": Row(
        lambda world, scope: reverse(
            "accounts:reset_password", kwargs={"username": world.extra[f"account_{scope}"]}
        ),
        _no_body,
        ACCOUNTS_IN_SCOPE,
        scopes=SCOPES,
    ),
    "accounts:password_change": Row(
        lambda world, scope: reverse("accounts:password_change"),
        lambda world, scope: {
            "new_password1": "An0ther-matrix-pw",
            "new_password2": "An0ther-matrix-pw",
        },
        EVERY_ACCOUNT,
        scopes=("in",),
    ),
    "live:send_check": Row(
        lambda world, scope: reverse("live:send_check"),
        lambda world, scope: {"text": "matrix"},
        per_persona(
            anonymous=LOGIN,
            organiser=ALLOW,
            district_organiser_out=ALLOW,  # a test message to the screens: any organiser
            reviewer=403,
            host=403,
            host_out=403,
            secretary=403,
            judge=LOGIN,
        ),
        scopes=("in",),
    ),
    "arenas:create": Row(
        lambda world, scope: reverse("arenas:create"),
        lambda world, scope: {
            "host": side(world, scope).arena.host.code,
            "programme": side(world, scope).arena.programme_id,
            "title": "新擂台",
            "venue": "",
            "starts_at": "2026-12-24T09:00",
            "presentation_seconds": "300",
            "warning_seconds": "60",
            "reveal_marks": "after_result",
        },
        CREATE_ARENA,
    ),
    "arenas:register": Row(
        arena_url("arenas:register"),
        lambda world, scope: {"unit": world.city["branch"].pk, "presenter": "郑素秀"},
        REGISTER,
    ),
    "api:paper_sheet": Row(
        arena_url("api:paper_sheet"), paper_body, API_RUN, api=True, scopes=SCOPES
    ),
    "api:reopen": Row(
        arena_url("api:reopen"),
        lambda world, scope: {
            "judge": "J2",
            "participant": participant(world, scope),
            "reason": "x",
        },
        API_RUN,
        api=True,
        scopes=SCOPES,
    ),
    "api:submit_sheet": Row(
        lambda world, scope: reverse("api:submit_sheet"),
        lambda world, scope: {"participant": participant(world, scope), "marks": MARKS, "key": "m"},
        JUDGE_PHONE,
        api=True,
        scopes=("in", "cross"),
    ),
    "api:confirm": Row(
        lambda world, scope: reverse("api:confirm"),
        lambda world, scope: {"participant": participant(world, scope)},
        JUDGE_PHONE,
        api=True,
        scopes=("in", "cross"),
    ),
    "api:declare_conflict": Row(
        lambda world, scope: reverse("api:declare_conflict"),
        lambda world, scope: {"participant": participant(world, scope), "reason": "matrix"},
        JUDGE_PHONE,
        api=True,
        scopes=("in", "cross"),
    ),
    "evidence:honour_new": Row(
        _ev_url("evidence:honour_new", "unit_id"), _honour_body, EV_ENTER, files=_scan
    ),
    "evidence:honour_edit": Row(
        _ev_url("evidence:honour_edit", "honour_id"), _honour_body, EV_ENTER
    ),
    "evidence:honour_verify": Row(
        _ev_url("evidence:honour_verify", "honour_id"), _no_body, EV_DECIDE
    ),
    "evidence:honour_reject": Row(
        _ev_url("evidence:honour_reject", "honour_id"),
        lambda world, scope: {"reason": "matrix"},
        EV_DECIDE,
    ),
    "evidence:veto_new": Row(
        _ev_url("evidence:veto_new", "unit_id"),
        lambda world, scope: {"year": "2025", "category": "lax", "evidence": "matrix"},
        EV_VETO,
    ),
    "evidence:veto_lift": Row(
        _ev_url("evidence:veto_lift", "veto_id"), lambda world, scope: {"reason": "x"}, EV_VETO
    ),
    # The one programme (root: the city): organisers over its root; the district's is below it.
    "programs:evidence": Row(
        lambda world, scope: reverse(
            "programs:evidence", kwargs={"programme_id": world.inside.arena.programme_id}
        ),
        _programme_body,
        per_persona(
            anonymous=LOGIN,
            organiser=ALLOW,
            district_organiser_out=404,
            reviewer=403,
            host=403,
            host_out=403,
            secretary=403,
            judge=LOGIN,
        ),
        scopes=("in",),
    ),
}
for _action in names_on(Surface.CONSOLE):
    WRITES[f"api:run_action[{_action}]"] = Row(
        arena_url("api:run_action", action=_action),
        console_body,
        API_RUN,
        api=True,
        scopes=scopes_of(_action),
    )
for _action in names_on(Surface.SETUP):
    WRITES[f"arenas:detail[{_action}]"] = Row(
        arena_url("arenas:detail"),
        lambda world, scope, action=_action: {
            "action": action,
            **SETUP_ACTIONS[action](world, scope),
        },
        PAGE_RUN,
        scopes=scopes_of(_action),
    )

# Routes that write nothing, named one by one so that a new route must be placed here or in
# WRITES: POSTed to by every persona, nothing may change. (Sign-in, sign-out and the language
# switch touch the session and a cookie only.)
READ_ONLY = frozenset(
    {
        "accounts:import",
        "accounts:login",
        "accounts:logout",
        "accounts:user",
        "accounts:users",
        "admin:index",
        "admin_login",
        "api:api-root",
        "api:console_state",
        "api:judge_state",
        "api:openapi-json",
        "api:openapi-view",
        "api:screen_state",
        "api:search",
        "api:unit",
        "arenas:console",
        "arenas:judge",
        "arenas:judge_links",
        "arenas:list",
        "arenas:live",
        "arenas:public_draw_file",
        "arenas:public_results",
        "arenas:results",
        "arenas:results_xlsx",
        "arenas:scoresheet_pdf",
        "arenas:screen",
        "core:calendar_years",
        "core:favicon",
        "core:healthz",
        "evidence:daily_import",
        "evidence:daily_no_records",
        "evidence:daily_overview",
        "evidence:unit_daily",
        "core:import_errors",
        "core:import_job",
        "core:import_template",
        "evidence:honour",
        "evidence:honour_file",
        "evidence:queue",
        "evidence:unit",
        "evidence:unit_vetoes",
        "evidence:veto_file",
        "programs:list",
        "judge_landing",
        "live:check",
        "live:status",
        "orgs:children",
        "orgs:export",
        "orgs:search",
        "orgs:tree",
        "orgs:unit",
        "set_language",
        "site:home",
    }
)


def _version() -> str:
    """The version the form would show now (the organisers write in turn)."""
    from leitai.core.models import HolidayYear

    row = HolidayYear.objects.filter(year=2027).first()
    return str(row.version) if row else ""


def _upload(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("orgs.csv", ORGS_CSV.encode(), content_type="text/csv")


def add_extras(world: World, tmp_path: Path) -> None:
    """Import jobs and accounts that the import and account routes name."""
    city = world.city
    make_user("victim", role=Role.SECRETARY, unit=city["branch"])
    make_user("villager", role=Role.SECRETARY, unit=city["village"])
    mixed = make_user("mixed", role=Role.SECRETARY, unit=city["branch"])
    from leitai.accounts.services import grant_role

    grant_role(user=mixed, unit=city["village"], role=Role.SECRETARY)
    good = tmp_path / "orgs.csv"
    good.write_text(ORGS_CSV, encoding="utf-8")
    world.extra.update(
        {
            "account_in": "victim",
            "account_out": "villager",
            "account_cross": "mixed",
            "job_in": create_job_from_path(
                kind="orgs", actor=world.people["organiser"], path=good, prune=False
            ).pk,
            "job_out": create_job_from_path(
                kind="orgs", actor=world.people["district_organiser_out"], path=good, prune=False
            ).pk,
        }
    )
    add_evidence(world)


def add_evidence(world: World) -> None:
    """An honour and a veto on each side, by people who are none of the personas."""
    from leitai.accounts.models import User
    from leitai.demo.evidence_files import scan_png
    from leitai.evidence.files import check_bytes
    from leitai.evidence.models import VetoCategory
    from leitai.evidence.services.honours import enter_honour
    from leitai.evidence.services.vetoes import record_veto
    from tests.evidence.conftest import fields

    city = world.city
    committees = {
        "in": make_user("street-org", role=Role.ORGANISER, unit=city["jinhulu"]),
        "out": make_user("town-org", role=Role.ORGANISER, unit=city["jiangshan"]),
    }
    for scope, unit, secretary in (("in", "branch", "victim"), ("out", "village", "villager")):
        honour = enter_honour(
            unit=city[unit],
            by=User.objects.get(username=secretary),
            fields=fields(),
            file=check_bytes(scan_png(scope)),
        )
        veto = record_veto(
            unit=city[unit],
            by=committees[scope],
            year=2025,
            category=VetoCategory.RECORDS,
            evidence="档案缺失",
        )
        world.extra[f"honour_id_{scope}"] = honour.pk
        world.extra[f"veto_id_{scope}"] = veto.pk


def digest() -> str:
    """Every row of every table but the sessions', in key order."""
    hashed = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model is Session:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        hashed.update(f"{model._meta.label}:{list(rows)!r}".encode())
    return hashed.hexdigest()


def send(world: World, row: Row, persona: str, scope: str) -> Any:
    client = world.client(persona)
    url = row.url(world, scope)
    headers = world.headers(persona)
    if row.api:
        body = json.dumps(row.body(world, scope))
        return client.post(url, body, content_type="application/json", headers=headers)
    return client.post(url, {**row.body(world, scope), **row.files(world)}, headers=headers)


def check(world: World, row: Row, persona: str, scope: str) -> str | None:
    """None when the answer is the expected one; else what went wrong."""
    expected = row.expected[persona][scope]
    world.client(persona)  # signed in (a write of its own) before the comparison starts
    before = digest()
    response = send(world, row, persona, scope)
    wrote = digest() != before
    status = response.status_code
    where = f"{persona} {scope}: {status}"
    if expected == ALLOW:
        allowed = API_ALLOWED if row.api else PAGE_ALLOWED
        if status not in allowed:
            return f"{where}, expected to reach the service ({sorted(allowed)})"
        if status in REFUSED_IN_SERVICE and wrote:
            return f"{where}, refused but wrote"
        return None
    if expected == LOGIN:
        if status != 302 or not response["Location"].startswith("/accounts/login/"):
            return f"{where}, expected a redirect to sign in"
    elif status != expected:
        return f"{where}, expected {expected}"
    return f"{where}, refused but wrote" if wrote else None


def cells(name: str) -> list[tuple[str, str]]:
    """Refusals first: an allowed write must not change what a later refusal is checked on."""
    row = WRITES[name]
    every = [(persona, scope) for persona in PERSONAS_WRITE for scope in row.scopes]
    return sorted(every, key=lambda cell: row.expected[cell[0]][cell[1]] == ALLOW)


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    built = build_world()
    add_extras(built, tmp_path)
    return built


def test_every_route_and_command_has_a_row() -> None:
    written = {name.split("[")[0] for name in WRITES}
    assert READ_ONLY | written == route_names()
    assert not READ_ONLY & written
    assert set(SETUP_ACTIONS) == set(names_on(Surface.SETUP))
    # The commands of their own routes (paper sheets, reopening, the phone's) have theirs.
    assert {"api:paper_sheet", "api:reopen", "api:confirm", "api:declare_conflict"} <= set(WRITES)
    assert set(names_on(Surface.API)) == {"paper_sheet", "reopen"}
    assert set(names_on(Surface.PHONE)) == {"sheet", "judge_confirm", "declare"}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_answers_per_persona_and_scope(world: World, name: str) -> None:
    wrong = [
        problem
        for persona, scope in cells(name)
        if (problem := check(world, WRITES[name], persona, scope))
    ]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_read_only_route_writes_nothing(world: World, name: str) -> None:
    from tests.core.test_permission_matrix import MATRIX

    args_key = MATRIX[name][1] if name in MATRIX else OWN_ARGS[name]
    kwargs = read_only_args(world)[args_key]
    url = reverse(name, kwargs=kwargs)
    for persona in PERSONAS_WRITE:
        world.client(persona)
        before = digest()
        response = world.client(persona).post(url, {}, headers=world.headers(persona))
        assert response.status_code < 500, (persona, response.status_code)
        assert digest() == before, persona


# Routes the GET matrix has no row for yet.
OWN_ARGS = {"arenas:public_draw_file": "draw_file"}


def read_only_args(world: World) -> dict[str, dict[str, Any]]:
    from leitai.arenas.tokens import token_for

    arena = world.inside.arena.pk
    return {
        "": {},
        "job": {"job_id": world.extra["job_in"]},
        "rejected_job": {"job_id": world.extra["job_in"]},
        "orgs_kind": {"kind_key": "orgs"},
        "username": {"username": "victim"},
        "unit": {"code": world.city["jinhulu"].code},
        "daily_unit": {"unit_id": world.city["branch"].pk},
        "api_unit": {"code": world.city["jinhulu"].code},
        "api_search": {},
        "arena": {"arena_id": arena},
        "api_arena": {"arena_id": arena},
        "api_action": {"arena_id": arena, "action": "freeze"},
        "draw_file": {"arena_id": arena, "name": "draw.json"},
        "token": {"token": token_for(world.inside.head)},
        "ev_unit": {"unit_id": world.city["branch"].pk},
        "honour": {"honour_id": world.extra["honour_id_in"]},
        "veto": {"veto_id": world.extra["veto_id_in"]},
    }
