"""Pushing an arena's state to its live views through the hub, and who may follow which topic.

Topics:
  arena:<id>:screen          the big screen and public phones: anyone
  arena:<id>:console         the host's console: those who may run the arena
  arena:<id>:judge:<judge>   one judge's phone: that judge's link token (?token=…)
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from leitai.live.hub import can_deliver, followed, followed_under, publish
from leitai.live.publisher import request
from leitai.live.topics import AccessContext, register_topic

if TYPE_CHECKING:
    from leitai.arenas.live.state import ArenaSnapshot


def screen_topic(arena_id: int) -> str:
    return f"arena:{arena_id}:screen"


def console_topic(arena_id: int) -> str:
    return f"arena:{arena_id}:console"


def judge_topics(arena_id: int) -> str:
    """What every judge's topic of the arena starts with."""
    return f"arena:{arena_id}:judge:"


def judge_topic(arena_id: int, judge_id: int) -> str:
    return f"{judge_topics(arena_id)}{judge_id}"


# How long a process trusts what it last heard about an arena's followers when it reads a
# change's state inside the transaction (no Redis round trip under the arena's lock). The push
# after the commit asks again, so a view followed since then is read afresh, never missed.
FOLLOWERS_FRESH_SECONDS = 5.0


@dataclass(frozen=True)
class Followers:
    """An arena's followed topics: the screen and console topics, and the judges' phones'
    (None: not known, so every phone)."""

    views: frozenset[str]
    phones: frozenset[str] | None

    @property
    def nobody(self) -> bool:
        return not self.views and self.phones == frozenset()

    def beyond(self, captured: Followers) -> Followers:
        """Those followed now that `captured` did not read."""
        if captured.phones is None:
            phones: frozenset[str] | None = frozenset()
        elif self.phones is None:
            phones = None
        else:
            phones = self.phones - captured.phones
        return Followers(self.views - captured.views, phones)


_heard: dict[int, tuple[float, Followers]] = {}


def followers(arena_id: int) -> Followers:
    """Who follows the arena's views now, in any process (asked of the hub; remembered)."""
    views = followed([screen_topic(arena_id), console_topic(arena_id)])
    phones = followed_under(judge_topics(arena_id))
    found = Followers(frozenset(views), None if phones is None else frozenset(phones))
    _heard[arena_id] = (time.monotonic() + FOLLOWERS_FRESH_SECONDS, found)
    return found


def _recent_followers(arena_id: int) -> Followers:
    heard = _heard.get(arena_id)
    if heard is not None and heard[0] > time.monotonic():
        return heard[1]
    return followers(arena_id)


Push = Callable[[float | None], None]


def capture(arena_id: int, who: Followers | None = None) -> Push | None:
    """Read the arena for the views someone follows (`who`, else asked now); returns what pushes
    their states (None: nobody follows, and nothing was read).

    Who follows is known before anything is read, the judges' topics by their common prefix, so
    an arena nobody follows costs no query. A view nobody follows is not built: whoever
    subscribes later gets its state from the topic's snapshot. Everything the views need is read
    here, so the push (on another thread, later) reads nothing: called inside a change's
    transaction, it pushes exactly the state that transaction commits.
    """
    from leitai.arenas.live.state import ArenaSnapshot

    if not can_deliver():
        return None  # nobody to deliver to from this process (a management command)
    if who is None:
        who = followers(arena_id)
    if who.nobody:
        return None
    snapshot = ArenaSnapshot(arena_id)
    judges = [
        judge
        for judge in snapshot.judges
        if who.phones is None or judge_topic(arena_id, judge.pk) in who.phones
    ]
    if judges:
        snapshot.read_for_judges()
    return lambda stamp: _push(snapshot, who.views, judges, stamp)


def _push(
    snapshot: ArenaSnapshot, views: frozenset[str], judges: list[Any], stamp: float | None
) -> None:
    arena_id = snapshot.arena.pk
    if screen_topic(arena_id) in views:
        publish(screen_topic(arena_id), snapshot.screen(), stamp=stamp)
    if console_topic(arena_id) in views:
        publish(console_topic(arena_id), snapshot.console(), stamp=stamp)
    for judge in judges:
        publish(judge_topic(arena_id, judge.pk), snapshot.judge(judge), stamp=stamp)


def publish_arena(arena_id: int) -> None:
    """Read the arena now and push the followed views' current states (one read, one message per
    followed view; none followed: no read at all)."""
    push = capture(arena_id)
    if push is not None:
        push(None)


def request_publish(arena_id: int) -> None:
    """Push the arena's views' latest states soon, read on the live publisher's thread
    (leitai.live.publisher): a burst of requests is built once more, from the latest data."""
    request(("arena", arena_id), lambda: publish_arena(arena_id))


def _arena_changing(sender: Any, *, arena_id: int, **kwargs: Any) -> None:
    """Inside a change's transaction: read the followed views' state being committed; after the
    commit, hand it to the publisher stamped with the moment it became current.

    A capture is the version as committed, before any later change: the publisher pushes every
    version that stood (leitai.live.standing), not only the one current when its thread gets
    round to the arena. (A transaction that changed the arena twice captured twice, a moment
    apart: the standing rule skips the first.)"""
    if not can_deliver():
        return
    who = _recent_followers(arena_id)
    push = capture(arena_id, who)

    def committed() -> None:
        stamp = time.time()
        request(
            ("arena", arena_id), lambda: _push_committed(arena_id, who, push, stamp), stamp=stamp
        )

    transaction.on_commit(committed)


def _push_committed(arena_id: int, who: Followers, push: Push | None, stamp: float) -> None:
    """On the publisher's thread: push the captured state; a view followed since the capture (a
    viewer who joined meanwhile, or who we had not heard of) is read afresh. Asked after the
    commit, so a joiner either is heard of here or marked itself after it, and then its own
    snapshot, read after its mark, already holds the change."""
    if push is not None:
        push(stamp)
    missed = followers(arena_id).beyond(who)
    if not missed.nobody:
        fresh = capture(arena_id, missed)
        if fresh is not None:
            fresh(None)


def follow_changes() -> None:
    """Push an arena's views after each committed change the services announce (signals.py)."""
    from leitai.arenas.signals import arena_changing

    arena_changing.connect(_arena_changing, dispatch_uid="leitai.arenas.live.publish")


def _arena_exists(arena_id: int) -> bool:
    from leitai.arenas.models import Arena

    return Arena.objects.filter(pk=arena_id).exists()


def _still_current(match: re.Match[str], frame: str) -> bool:
    """Whether a state this process last received still carries the arena's current version.

    Every change to an arena bumps its version in the same transaction (services.common.touch)
    and is followed by a push, so a frame of the current version is what a build would give: a
    late joiner gets it for one indexed read instead of a full build.
    """
    from leitai.arenas.models import Arena

    try:
        version = json.loads(frame)["data"]["version"]
    except (ValueError, KeyError, TypeError):
        return False
    if not isinstance(version, int):
        return False
    return Arena.objects.filter(pk=int(match["arena"]), version=version).exists()


def _screen_snapshot(match: re.Match[str]) -> dict[str, Any] | None:
    from leitai.arenas.live.state import ArenaSnapshot

    arena_id = int(match["arena"])
    return ArenaSnapshot(arena_id).screen() if _arena_exists(arena_id) else None


def _console_authorize(access: AccessContext, match: re.Match[str]) -> bool:
    from leitai.arenas.models import Arena
    from leitai.arenas.permissions import can_run_arena

    arena = Arena.objects.select_related("host").filter(pk=int(match["arena"])).first()
    return arena is not None and can_run_arena(access.user, arena)


def _console_snapshot(match: re.Match[str]) -> dict[str, Any] | None:
    from leitai.arenas.live.state import ArenaSnapshot

    return ArenaSnapshot(int(match["arena"])).console()


def _judge_authorize(access: AccessContext, match: re.Match[str]) -> bool:
    from leitai.arenas.tokens import judge_for_token

    judge = judge_for_token(access.token)
    return (
        judge is not None
        and judge.pk == int(match["judge"])
        and judge.arena_id == int(match["arena"])
    )


def _judge_snapshot(match: re.Match[str]) -> dict[str, Any] | None:
    from leitai.arenas.live.state import ArenaSnapshot
    from leitai.arenas.models import Judge

    judge = Judge.objects.filter(pk=int(match["judge"]), arena_id=int(match["arena"])).first()
    return ArenaSnapshot(int(match["arena"])).judge(judge) if judge is not None else None


def register_topics() -> None:
    register_topic(
        r"arena:(?P<arena>\d+):screen",
        authorize=lambda access, match: True,
        snapshot=_screen_snapshot,
        still_current=_still_current,
    )
    register_topic(
        r"arena:(?P<arena>\d+):console",
        authorize=_console_authorize,
        snapshot=_console_snapshot,
        still_current=_still_current,
    )
    register_topic(
        r"arena:(?P<arena>\d+):judge:(?P<judge>\d+)",
        authorize=_judge_authorize,
        snapshot=_judge_snapshot,
        still_current=_still_current,
    )
