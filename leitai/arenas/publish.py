"""Pushing an arena's state to its live views through the hub, and who may follow which topic.

Topics:
  arena:<id>:screen          the big screen and public phones: anyone
  arena:<id>:console         the host's console: those who may run the arena
  arena:<id>:judge:<judge>   one judge's phone: that judge's link token (?token=…)
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any

from django.db import close_old_connections

from leitai.live.hub import can_deliver, publish
from leitai.live.topics import AccessContext, register_topic

logger = logging.getLogger(__name__)


def screen_topic(arena_id: int) -> str:
    return f"arena:{arena_id}:screen"


def console_topic(arena_id: int) -> str:
    return f"arena:{arena_id}:console"


def judge_topic(arena_id: int, judge_id: int) -> str:
    return f"arena:{arena_id}:judge:{judge_id}"


def publish_arena(arena_id: int) -> None:
    """One read of the arena, one message per view."""
    from leitai.arenas.state import ArenaSnapshot

    snapshot = ArenaSnapshot(arena_id)
    publish(screen_topic(arena_id), snapshot.screen())
    publish(console_topic(arena_id), snapshot.console())
    for judge in snapshot.judges:
        publish(judge_topic(arena_id, judge.pk), snapshot.judge(judge))


class _Publisher:
    """Builds and pushes arena states on a thread of its own, after the change has committed.

    The request that made the change (a judge's sheet) is answered without waiting for the
    screens' states to be built, and a burst of changes to one arena (nine judges submitting
    together) is coalesced: an arena changed several times while a build was running is built
    once more, from the latest data, so the last state always goes out.
    """

    def __init__(self) -> None:
        self._dirty: set[int] = set()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def request(self, arena_id: int) -> None:
        if not can_deliver():
            return  # nobody to deliver to from this process (a management command)
        with self._condition:
            self._dirty.add(arena_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="leitai-arena-publisher", daemon=True
                )
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._dirty:
                    if not self._condition.wait(timeout=60):
                        self._thread = None
                        return  # idle for a minute: let the thread go
                batch, self._dirty = self._dirty, set()
            for arena_id in sorted(batch):
                try:
                    publish_arena(arena_id)
                except Exception:  # a broken state must not stop the screens of other arenas
                    logger.exception("live: publishing arena %s failed", arena_id)
            close_old_connections()


_publisher = _Publisher()


def request_publish(arena_id: int) -> None:
    """After a change to the arena has committed: push its views' new states soon."""
    _publisher.request(arena_id)


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
    from leitai.arenas.state import ArenaSnapshot

    arena_id = int(match["arena"])
    return ArenaSnapshot(arena_id).screen() if _arena_exists(arena_id) else None


def _console_authorize(access: AccessContext, match: re.Match[str]) -> bool:
    from leitai.arenas.models import Arena
    from leitai.arenas.permissions import can_run_arena

    arena = Arena.objects.select_related("host").filter(pk=int(match["arena"])).first()
    return arena is not None and can_run_arena(access.user, arena)


def _console_snapshot(match: re.Match[str]) -> dict[str, Any] | None:
    from leitai.arenas.state import ArenaSnapshot

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
    from leitai.arenas.models import Judge
    from leitai.arenas.state import ArenaSnapshot

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
