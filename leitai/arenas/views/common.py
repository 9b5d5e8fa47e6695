"""What every arena page starts with: the arena of the URL, or 404.

Staff pages answer 404 outside the user's scope as for an unknown arena, so an arena's existence
does not leak; the public pages (screens, public results) only need it to exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from leitai.arenas import queries
from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import Arena
from leitai.arenas.permissions import can_view_arena


def arena_or_404(arena_id: int) -> Arena:
    """The arena with its host and programme, whoever asks (the public pages)."""
    arena = queries.arena_or_none(arena_id)
    if arena is None:
        raise Http404
    return arena


def visible_arena_or_404(request: HttpRequest, arena_id: int) -> Arena:
    """The arena, if the user may see it; 404 otherwise, as for an unknown one."""
    arena = arena_or_404(arena_id)
    if not can_view_arena(request.user, arena):
        raise Http404
    return arena


def snapshot_or_404(arena_id: int) -> ArenaSnapshot:
    """The arena's live snapshot (the screens and the judge's phone), or 404."""
    try:
        return ArenaSnapshot(arena_id)
    except Arena.DoesNotExist:
        raise Http404 from None
