r"""Which topics exist, who may follow each, and the state a new follower starts from.

Apps register their topics in `AppConfig.ready()`:

    register_topic(
        r"arena:(?P<id>\d+):screen",
        authorize=lambda access, match: True,             # the big screen is public
        snapshot=lambda match: screen_state(int(match["id"])),
    )

`authorize` and `snapshot` are synchronous (they use the ORM); the WebSocket endpoint runs them in
Django's sync thread. A topic whose snapshot is costly and whose states carry a version may also
give `still_current(match, frame)`: a cheap check that the last frame this process received for
the topic is still the current state, so a late joiner (a hall's screens reconnecting after a
restart) gets that frame instead of a fresh build. A topic name no pattern matches is refused,
so nothing reaches a socket unless an app has said who may see it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Topic names travel in URLs and as a prefix on the Redis channel (separated by a newline), so
# they are kept to a plain alphabet.
TOPIC_NAME = re.compile(r"[A-Za-z0-9_.:\-]{1,200}")


@dataclass(frozen=True)
class AccessContext:
    """Who is asking to follow a topic: the session's user and an optional token (`?token=`)."""

    user: Any  # the Django user, possibly AnonymousUser
    token: str | None = None


Authorize = Callable[[AccessContext, "re.Match[str]"], bool]
Snapshot = Callable[["re.Match[str]"], "dict[str, Any] | None"]
StillCurrent = Callable[["re.Match[str]", str], bool]


@dataclass(frozen=True)
class TopicSpec:
    pattern: re.Pattern[str]
    authorize: Authorize
    snapshot: Snapshot | None
    still_current: StillCurrent | None = None


_registry: dict[str, TopicSpec] = {}


class InvalidTopicName(ValueError):
    pass


def is_valid_topic_name(name: str) -> bool:
    return TOPIC_NAME.fullmatch(name) is not None


def check_topic_name(name: str) -> None:
    if not is_valid_topic_name(name):
        raise InvalidTopicName(f"topic {name!r}: use 1-200 characters from A-Z a-z 0-9 _ . : -")


def register_topic(
    name_pattern: str,
    *,
    authorize: Authorize,
    snapshot: Snapshot | None = None,
    still_current: StillCurrent | None = None,
) -> TopicSpec:
    """Register a topic pattern (a regex matched against the whole name).

    Registering the same pattern again replaces it, so a reloaded module does not leave a stale
    authorisation behind.
    """
    spec = TopicSpec(
        pattern=re.compile(name_pattern),
        authorize=authorize,
        snapshot=snapshot,
        still_current=still_current,
    )
    _registry[name_pattern] = spec
    return spec


def unregister_topic(name_pattern: str) -> None:
    _registry.pop(name_pattern, None)


def resolve_topic(name: str) -> tuple[TopicSpec, re.Match[str]] | None:
    """The spec whose pattern matches the whole name, and the match; None for an unknown topic."""
    if not is_valid_topic_name(name):
        return None
    for spec in _registry.values():
        match = spec.pattern.fullmatch(name)
        if match is not None:
            return spec, match
    return None


def allow_everyone(access: AccessContext, match: re.Match[str]) -> bool:
    return True
