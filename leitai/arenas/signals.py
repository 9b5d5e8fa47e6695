"""What the arena's services announce once a change has committed, for whoever follows arenas.

The services change the data and bump the arena's version (services.common.touch); they do not
know who shows it. After the commit they send `arena_changed` (with `arena_id`); the arena's
live module (live/publish.py) receives it and asks the live publisher to build the views that are
followed. Another receiver (a cache, a report) connects in its app's `ready()` the same way.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent after the commit of a change to an arena, with `arena_id`.
arena_changed = Signal()


def announce_change(arena_id: int) -> None:
    """Send `arena_changed` for this arena once the current transaction commits."""
    transaction.on_commit(lambda: arena_changed.send(sender=None, arena_id=arena_id))
