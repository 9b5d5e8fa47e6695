"""Refusals of arena actions: a code for programs and a message for people."""

from __future__ import annotations

from typing import Any

from leitai.core.refusals import refusal_body


class ArenaRefusal(Exception):
    """An action that cannot be done now; nothing was changed."""

    status = 409

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_json(self) -> dict[str, Any]:
        return refusal_body(self.code, self.message, **self.details)


class InvalidSheet(ArenaRefusal):
    status = 422


class NotInArena(ArenaRefusal):
    """An id in a request that names nothing in the arena it arrives for: answered 404 with
    the same words whether it names nothing at all or something of another arena, so that
    existence does not leak."""

    status = 404
