"""Live topics of an arena; filled in with the screens (see publish.py)."""

from __future__ import annotations


def register() -> None:
    from leitai.arenas.live.publish import register_topics

    register_topics()
