"""Refusals of arena actions: a code for programs and a message for people."""

from __future__ import annotations

from typing import Any


class ArenaRefusal(Exception):
    """An action that cannot be done now; nothing was changed."""

    status = 409

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.message, **self.details}


class InvalidSheet(ArenaRefusal):
    status = 422
