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


Push = Callable[[float | None], None]


def capture(arena_id: int) -> Push | None:
    """Read the arena for the views someone follows; returns what pushes their states (None:
    nobody follows, and nothing was read).

    Who follows is asked before anything is read: the judges' topics by their common prefix, so
    an arena nobody follows costs no query. A view nobody follows is not built: whoever
    subscribes later gets its state from the topic's snapshot. Everything the views need is read
    here, so the push (on another thread, later) reads nothing: called inside a change's
    transaction, it pushes exactly the state that transaction commits.
    """
    from leitai.arenas.live.state import ArenaSnapshot

    if not can_deliver():
        return None  # nobody to deliver to from this process (a management command)
    wanted = followed([screen_topic(arena_id), console_topic(arena_id)])
    phones = followed_under(judge_topics(arena_id))  # None: not known, so every phone
    if not wanted and phones == set():
        return None
    snapshot = ArenaSnapshot(arena_id)
    judges = [
        judge
        for judge in snapshot.judges
        if phones is None or judge_topic(arena_id, judge.pk) in phones
    ]
    if judges:
        snapshot.read_for_judges()
    return lambda stamp: _push(snapshot, wanted, judges, stamp)


def _push(
    snapshot: ArenaSnapshot, wanted: set[str], judges: list[Any], stamp: float | None
) -> None:
    arena_id = snapshot.arena.pk
    if screen_topic(arena_id) in wanted:
        publish(screen_topic(arena_id), snapshot.screen(), stamp=stamp)
    if console_topic(arena_id) in wanted:
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
    push = capture(arena_id)
    if push is None:
        return

    def committed() -> None:
        stamp = time.time()
        request(("arena", arena_id), lambda: push(stamp), stamp=stamp)

    transaction.on_commit(committed)


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
