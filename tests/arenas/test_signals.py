"""A change is announced once its transaction commits; the arena's live module hears it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from leitai.arenas.live import publish
from leitai.arenas.signals import announce_change, arena_changed


@pytest.mark.django_db(transaction=True)
def test_a_change_is_announced_after_the_commit_and_requests_the_arenas_views(monkeypatch):
    requested: list[int] = []
    heard: list[int] = []
    monkeypatch.setattr(publish, "request_publish", requested.append)

    def hear(sender, *, arena_id, **kwargs):
        heard.append(arena_id)

    arena_changed.connect(hear)
    try:
        with transaction.atomic():
            announce_change(7)
            assert heard == []  # not before the commit
            assert requested == []
        assert heard == [7]
        assert requested == [7]
    finally:
        arena_changed.disconnect(hear)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_not_announced(monkeypatch):
    requested: list[int] = []
    monkeypatch.setattr(publish, "request_publish", requested.append)

    def change() -> None:
        with transaction.atomic():
            announce_change(7)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change()
    assert requested == []


@pytest.mark.django_db
def test_only_the_views_someone_follows_are_built(monkeypatch):
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    arena_id = world.arena.pk
    judge = world.judges[1]
    pushed: dict[str, dict] = {}
    monkeypatch.setattr(publish, "publish", lambda topic, state: pushed.update({topic: state}))

    monkeypatch.setattr(publish, "followed", lambda names: set())
    monkeypatch.setattr(publish, "followed_under", lambda prefix: set())
    with CaptureQueriesContext(connection) as queries:
        publish.publish_arena(arena_id)
    assert pushed == {}  # nobody follows: nothing built
    assert len(queries) == 0  # and nothing read, not even the judges' ids

    wanted = {publish.screen_topic(arena_id), publish.judge_topic(arena_id, judge.pk)}
    monkeypatch.setattr(publish, "followed", lambda names: wanted & set(names))
    monkeypatch.setattr(
        publish,
        "followed_under",
        lambda prefix: {name for name in wanted if name.startswith(prefix)},
    )
    publish.publish_arena(arena_id)
    assert set(pushed) == wanted
    assert pushed[publish.judge_topic(arena_id, judge.pk)]["me"]["code"] == judge.code

    # Who follows the phones cannot be known (Redis did not answer): every phone is built.
    pushed.clear()
    monkeypatch.setattr(publish, "followed", lambda names: set())
    monkeypatch.setattr(publish, "followed_under", lambda prefix: None)
    publish.publish_arena(arena_id)
    assert set(pushed) == {publish.judge_topic(arena_id, j.pk) for j in world.judges}


@pytest.mark.django_db
def test_an_arena_nobody_follows_costs_no_query():
    """With the hub itself (no subscriber here; with Redis, none marked for this arena)."""
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    with CaptureQueriesContext(connection) as queries:
        publish.publish_arena(world.arena.pk)
    assert len(queries) == 0
