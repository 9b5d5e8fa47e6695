"""What the change's capture reads inside its transaction (the arena's row locked, the judge's
POST waiting): a fixed number of queries, whatever the number of judges and participants, and
the judges only when a service changed them."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from leitai.arenas.live import publish, state
from leitai.arenas.models import RecusalSource
from leitai.arenas.services import console, setup
from leitai.arenas.signals import announce_change


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    publish._heard.clear()
    state._judges.clear()
    monkeypatch.setattr(publish, "can_deliver", lambda: True)
    monkeypatch.setattr(publish, "request", lambda key, build, stamp=None: None)
    # The screen and console are followed, the judges' phones not (the arena day's case).
    monkeypatch.setattr(publish, "followed", lambda names: {n for n in names if "judge" not in n})
    monkeypatch.setattr(publish, "followed_under", lambda prefix: set())
    yield
    publish._heard.clear()
    state._judges.clear()


def _captured_queries(arena_id: int) -> list[str]:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        announce_change(arena_id)
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize(("judges", "participants"), [(3, 2), (9, 8)])
def test_the_capture_reads_four_queries_whatever_the_arena(judges, participants):
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=judges, participants=participants)
    arena_id = world.arena.pk
    console.call_next(arena=world.refresh(), expected_current=None, by=world.host_user)
    state._judges.clear()
    first = _captured_queries(arena_id)
    # arena, judges, participants with their units, sheets, recusals + absences (one UNION ALL)
    assert len(first) == 5, first
    # Scoring does not change the judges: the next change reads them no more.
    later = _captured_queries(arena_id)
    assert len(later) == 4, later
    assert not any('"arenas_judge"."token_version"' in sql for sql in later)
    assert sum(" UNION ALL " in sql.upper() for sql in later) == 1


@pytest.mark.django_db
def test_a_judge_changed_by_a_service_is_read_again():
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    arena_id = world.arena.pk
    _captured_queries(arena_id)
    judge = world.judges[1]
    setup.set_head_judge(judge=judge, by=world.host_user)
    snapshot = state.ArenaSnapshot(arena_id)
    heads = [j.code for j in snapshot.judges if j.is_head]
    assert heads == [judge.code]
    assert snapshot.console()["judges"][1]["head"] is True

    setup.revoke_link(judge=judge, by=world.host_user)
    assert [j.token_revoked for j in state.ArenaSnapshot(arena_id).judges][1] is True

    setup.set_judge_presence(judge=judge, joins_at=2, leaves_after=None, by=world.host_user)
    assert [j.joins_at for j in state.ArenaSnapshot(arena_id).judges][1] == 2

    added, _token = setup.add_judge(arena=world.refresh(), name="新评委", by=world.host_user)
    assert added.pk in {j.pk for j in state.ArenaSnapshot(arena_id).judges}


@pytest.mark.django_db
def test_recusals_and_absences_are_told_apart_in_the_one_query():
    from tests.arena_factories import in_order, make_arena_world

    world = make_arena_world(judges=3)
    first, second = in_order(world)[:2]
    setup.set_recusal(
        judge=world.judges[0],
        participant=first,
        active=True,
        reason="亲属",
        source=RecusalSource.DECLARED,
        by=world.host_user,
    )
    setup.set_absence(
        judge=world.judges[1], participant=second, active=True, reason="迟到", by=world.host_user
    )
    snapshot = state.ArenaSnapshot(world.arena.pk)
    assert snapshot.judge_status(world.judges[0], first) == "recused"
    assert snapshot.excluded_reason(world.judges[0], first) == "亲属"
    assert snapshot.judge_status(world.judges[1], second) == "absent"
    assert snapshot.excluded_reason(world.judges[1], second) == "迟到"
    assert snapshot.judge_status(world.judges[2], first) == "waiting"
