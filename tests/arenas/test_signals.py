"""A change is announced inside its transaction (the live views read the state being committed)
and after the commit; each committed version is pushed as it was committed."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from leitai.arenas.live import publish
from leitai.arenas.services import console
from leitai.arenas.signals import announce_change, arena_changed, arena_changing
from leitai.live.publisher import get_publisher


@pytest.fixture(autouse=True)
def _nothing_heard_of_followers():
    publish._heard.clear()  # what an earlier test's arena (maybe of the same id) was followed by
    yield
    publish._heard.clear()


@pytest.mark.django_db(transaction=True)
def test_a_change_is_announced_inside_its_transaction_and_after_the_commit(monkeypatch):
    changing: list[tuple[int, bool]] = []
    changed: list[int] = []
    monkeypatch.setattr(publish, "capture", lambda arena_id, who=None: None)  # no arena 7 to read

    def hear_changing(sender, *, arena_id, **kwargs):
        changing.append((arena_id, transaction.get_connection().in_atomic_block))

    def hear_changed(sender, *, arena_id, **kwargs):
        changed.append(arena_id)

    arena_changing.connect(hear_changing)
    arena_changed.connect(hear_changed)
    try:
        with transaction.atomic():
            announce_change(7)
            assert changing == [(7, True)]  # inside the transaction
            assert changed == []  # not before the commit
        assert changed == [7]
    finally:
        arena_changing.disconnect(hear_changing)
        arena_changed.disconnect(hear_changed)


def _follow_the_screen(monkeypatch) -> list[tuple[object, object, float | None]]:
    requested: list[tuple[object, object, float | None]] = []
    # The world's set-up (with Redis) was pushed on the publisher's thread, which heard that
    # nobody followed: let it finish, and forget it.
    assert get_publisher().idle()
    publish._heard.clear()
    monkeypatch.setattr(publish, "can_deliver", lambda: True)
    monkeypatch.setattr(publish, "followed", lambda names: {n for n in names if "screen" in n})
    monkeypatch.setattr(publish, "followed_under", lambda prefix: set())
    monkeypatch.setattr(
        publish, "request", lambda key, build, stamp=None: requested.append((key, build, stamp))
    )
    return requested


@pytest.mark.django_db(transaction=True)
def test_each_committed_version_is_pushed_as_committed_not_as_the_latest(monkeypatch):
    """The state is read inside the change's transaction: pushed after a later change has
    committed (a publisher's thread late under load), it still carries its own version."""
    from tests.arena_factories import in_order, make_arena_world

    world = make_arena_world(judges=3)
    requested = _follow_the_screen(monkeypatch)
    pushed: list[tuple[str, dict, float | None]] = []
    monkeypatch.setattr(
        publish, "publish", lambda topic, state, stamp=None: pushed.append((topic, state, stamp))
    )
    first = in_order(world)[0]
    before = time.time()
    called = console.call_next(arena=world.refresh(), expected_current=None, by=world.host_user)
    assert called.pk == first.pk
    console.open_scoring(arena=world.refresh(), participant_id=first.pk, by=world.host_user)
    version = world.refresh().version
    assert [key for key, _, _ in requested] == [("arena", world.arena.pk)] * 2
    stamps = [stamp for _, _, stamp in requested]
    assert None not in stamps
    assert before <= stamps[0] <= stamps[1] <= time.time()

    with CaptureQueriesContext(connection) as queries:
        for _, build, _ in requested:  # both built late, after the second commit
            build()
    assert len(queries) == 0  # read when captured, inside each transaction
    screen = publish.screen_topic(world.arena.pk)
    assert [(topic, state["version"]) for topic, state, _ in pushed] == [
        (screen, version - 1),
        (screen, version),
    ]
    assert [state["current"]["status"] for _, state, _ in pushed] == ["presenting", "scoring"]
    assert [stamp for _, _, stamp in pushed] == stamps


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_not_pushed(monkeypatch):
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    requested = _follow_the_screen(monkeypatch)

    def change() -> None:
        with transaction.atomic():
            announce_change(world.arena.pk)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change()
    assert requested == []


@pytest.mark.django_db(transaction=True)
def test_an_arena_nobody_follows_is_not_read_inside_the_change(monkeypatch):
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    monkeypatch.setattr(publish, "can_deliver", lambda: True)
    monkeypatch.setattr(publish, "followed", lambda names: set())
    monkeypatch.setattr(publish, "followed_under", lambda prefix: set())
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        announce_change(world.arena.pk)
    assert len(queries) == 0


@pytest.mark.django_db
def test_only_the_views_someone_follows_are_built(monkeypatch):
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    arena_id = world.arena.pk
    judge = world.judges[1]
    pushed: dict[str, dict] = {}
    monkeypatch.setattr(
        publish, "publish", lambda topic, state, stamp=None: pushed.update({topic: state})
    )
    monkeypatch.setattr(publish, "can_deliver", lambda: True)

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


@pytest.mark.django_db(transaction=True)
def test_a_view_followed_after_the_capture_is_read_afresh_after_the_commit(monkeypatch):
    """A viewer who joined while the change was being made (not yet heard of inside the
    transaction, the snapshot read before the commit) still gets the change."""
    from tests.arena_factories import make_arena_world

    world = make_arena_world(judges=3)
    requested = _follow_the_screen(monkeypatch)
    pushed: list[tuple[str, int]] = []
    monkeypatch.setattr(
        publish,
        "publish",
        lambda topic, state, stamp=None: pushed.append((topic, state["version"])),
    )
    console.timer(arena=world.refresh(), action="start", by=world.host_user)
    version = world.refresh().version
    console_topic = publish.console_topic(world.arena.pk)
    monkeypatch.setattr(publish, "followed", lambda names: set(names))  # the console joined
    for _, build, _ in requested:
        build()
    assert pushed == [(publish.screen_topic(world.arena.pk), version), (console_topic, version)]
