"""What the arena's services announce once a change has committed, for whoever follows arenas.

The services change the data and bump the arena's version (services.common.touch); they do not
know who shows it. Two signals, both with `arena_id`:

- `arena_changing`, inside the change's transaction once the change is complete (the version
  bump is a service's last write): a receiver may read the state being committed, as it will be
  when committed and before any later change. The arena's live module (live/publish.py) reads
  there what the followed views need, and pushes it after the commit, so every version that
  stood reaches the screens however late the publisher's thread gets to it.
- `arena_changed`, after the commit, for whoever follows arenas otherwise (a cache, a report).

A receiver connects in its app's `ready()`.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent inside the transaction of a change to an arena, once the change is complete.
arena_changing = Signal()
# Sent after the commit of a change to an arena.
arena_changed = Signal()


def announce_change(arena_id: int) -> None:
    """Send `arena_changing` now and `arena_changed` once the current transaction commits.

    Call it after the change's last write (services.common.touch does)."""
    arena_changing.send(sender=None, arena_id=arena_id)
    transaction.on_commit(lambda: arena_changed.send(sender=None, arena_id=arena_id))
