"""The results page, the exports and the public page over HTTP: who may see them, what they
show, and a number of queries that does not grow with the arena."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.arenas.models import Arena
from leitai.ledger.chain import arena_chain, head_of
from tests.arena_factories import ArenaWorld, make_arena_world, marks, score_current
from tests.factories import PASSWORD, make_unit, make_user
from tests.results.days import CORRECTION_REASON, RECUSAL_REASON, full_day, scored_day

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["arenas:results", "arenas:results_xlsx", "arenas:scoresheet_pdf"]


def client_for(user: object | None, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def url(name: str, arena: Arena) -> str:
    return reverse(name, kwargs={"arena_id": arena.pk})


def personas(world: ArenaWorld) -> dict[str, object | None]:
    root = world.host_unit.parent
    elsewhere = make_unit(root, name="另一街道党工委", kind="working_committee")
    return {
        "organiser": make_user(role=Role.ORGANISER, unit=root),
        "host_in": world.host_user,
        "reviewer_in": make_user(role=Role.REVIEWER, unit=world.host_unit),
        "host_out": make_user(role=Role.HOST, unit=elsewhere),
        "secretary": make_user(role=Role.SECRETARY, unit=world.participants[0].unit),
        "anonymous": None,
    }


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_per_persona(name: str) -> None:
    world = scored_day(2, 3)
    observed = {
        persona: client_for(user).get(url(name, world.arena)).status_code
        for persona, user in personas(world).items()
    }
    assert observed == {
        "organiser": 200,
        "host_in": 200,
        "reviewer_in": 200,
        "host_out": 404,
        "secretary": 404,
        "anonymous": 302,
    }


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_is_sent_to_sign_in(name: str) -> None:
    world = scored_day(2, 3)
    response = Client().get(url(name, world.arena))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_public_page_is_open_to_everyone_and_unknown_arenas_are_404() -> None:
    world = scored_day(2, 3)
    for user in personas(world).values():
        assert client_for(user).get(url("arenas:public_results", world.arena)).status_code == 200
    missing = reverse("arenas:public_results", kwargs={"arena_id": world.arena.pk + 999})
    assert Client().get(missing).status_code == 404
    staff_missing = reverse("arenas:results", kwargs={"arena_id": world.arena.pk + 999})
    assert client_for(world.host_user).get(staff_missing).status_code == 404


def test_exports_are_not_cached_and_are_named_after_the_arena() -> None:
    world = scored_day(2, 3)
    client = client_for(world.host_user)
    xlsx = client.get(url("arenas:results_xlsx", world.arena))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"-{world.arena.pk}.xlsx" in xlsx["Content-Disposition"]
    assert "attachment" in xlsx["Content-Disposition"]
    assert xlsx["Cache-Control"] == "private, no-store"
    pdf = client.get(url("arenas:scoresheet_pdf", world.arena))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_results_page_shows_the_day() -> None:
    day = full_day()
    page = client_for(day.world.host_user).get(url("arenas:results", day.world.arena))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="results-status"' in html
    assert "Final" in html
    assert "79.50" in html
    assert "78.67" in html
    assert "78.33" in html
    assert RECUSAL_REASON in html
    assert CORRECTION_REASON in html
    assert "left early: scored up to position 3" in html
    assert "Absent: not ranked" in html
    assert "paper" in html
    assert html.count('class="num total dropped"') == 6  # two per scored participant
    assert "needs at least 2 participants scored by every judge" in html
    assert "NaN" not in html
    assert ">nan<" not in html
    chain_seq, chain_hash = head_of(arena_chain(day.world.arena.pk))
    assert chain_hash in html
    assert f"entry {chain_seq}" in html


def test_results_page_during_the_arena_is_provisional_and_hides_unconfirmed_marks() -> None:
    world = make_arena_world(participants=3, judges=3)
    score_current(world, {f"J{i}": marks("20") for i in range(1, 4)})
    from leitai.arenas.services import console, sheets

    arena = world.refresh()
    current = console.call_next(arena=arena, expected_current=arena.current_id, by=world.host_user)
    console.open_scoring(arena=arena, participant_id=current.pk, by=world.host_user)
    sheets.submit_sheet(
        judge=world.judge("J3"),
        participant_id=current.pk,
        marks=marks("27.5", "13.5", "21.5", "22.5"),
        key="live",
    )
    html = client_for(world.host_user).get(url("arenas:results", world.arena)).content.decode()
    assert 'id="provisional-note"' in html
    assert "Provisional ranking" in html
    assert "Scoring in progress" in html
    for secret in ("27.5", "13.5", "21.5", "22.5", "85"):
        assert f">{secret}<" not in html


def test_public_page_before_and_after_closing() -> None:
    world = make_arena_world(participants=2, judges=5)
    score_current(world, {f"J{i}": marks(str(20 + i)) for i in range(1, 6)})
    public = url("arenas:public_results", world.arena)
    before = Client().get(public).content.decode()
    assert 'id="provisional-note"' in before
    assert "78.00" in before
    assert 'class="dropped"' in before  # reveal_marks: with each confirmed result
    score_current(world, {f"J{i}": marks("25") for i in range(1, 6)})
    from leitai.arenas.services import console

    console.close_arena(arena=world.refresh(), by=world.host_user)
    arena = world.refresh()
    after = client_for(None).get(public).content.decode()
    assert 'id="provisional-note"' not in after
    assert "Final ranking" in after
    assert arena.draw_commitment in after
    assert arena.draw_seed in after
    assert "leitai draw verify --seed" in after
    _seq, chain_hash = head_of(arena_chain(arena.pk))
    assert chain_hash in after

    Arena.objects.filter(pk=arena.pk).update(reveal_marks="never")
    hidden = client_for(None).get(public).content.decode()
    assert 'class="judge-marks"' not in hidden
    assert "78.00" in hidden


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "name",
    [*STAFF_PAGES, "arenas:public_results"],
)
def test_query_count_does_not_grow_with_participants_and_judges(name: str) -> None:
    small = scored_day(2, 3)
    large = scored_day(5, 6)
    # A participant corrected, one on paper and one recusal would add rows, not queries.
    counts = []
    for world in (small, large):
        client = client_for(world.host_user)
        client.get(url(name, world.arena))  # warm the session and the template caches
        counts.append(_queries(client, url(name, world.arena)))
    assert counts[0] == counts[1]
    # Session, user, memberships; arena, judges, participants, sheets, marks, recusals,
    # absences, reopenings, chain head (the public page reads no sheet; the score sheet also
    # reads when the arena went live).
    expected = {"arenas:public_results": 7, "arenas:scoresheet_pdf": 13}.get(name, 12)
    assert counts[0] == expected


def test_query_count_of_one_ranked_participant_equals_three() -> None:
    one = make_arena_world(participants=3, judges=5)
    score_current(one, {f"J{i}": marks("20") for i in range(1, 6)})
    three = make_arena_world(participants=3, judges=5)
    for _ in range(3):
        score_current(three, {f"J{i}": marks(str(18 + i)) for i in range(1, 6)})
    counts = []
    for world in (one, three):
        client = client_for(world.host_user)
        client.get(url("arenas:results", world.arena))
        counts.append(_queries(client, url("arenas:results", world.arena)))
    assert counts[0] == counts[1]


def test_public_page_of_an_arena_being_set_up_shows_nothing_yet() -> None:
    world = make_arena_world(participants=2, judges=3, go_live=False)
    html = client_for(None).get(url("arenas:public_results", world.arena)).content.decode()
    assert "No result has been announced yet." in html
    assert "The order has not been drawn yet." in html
    assert 'id="podium"' not in html
