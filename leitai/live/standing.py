"""Which versions of a live view may be skipped: only those that did not stand.

A view's versions queue up wherever they wait for a turn (the publisher's thread, a topic's
throttle). Each carries the moment it became current (its commit), so a version's *standing* is
the time until the next version became current. The rule, one pure function used by both queues:

    a version is skipped only if the next one became current less than `min_standing` after it;
    the newest always stays.

So a screen shows every state that stood on the record for `min_standing` or more, however late
the queue gets to it, and a burst (nine judges submitting together) folds into its last state.
The moments are wall-clock seconds (time.time()): they travel between processes.
"""

from __future__ import annotations

from collections.abc import Sequence

# A state on the record this long reaches every screen (LIVE_MIN_STANDING_MS, leitai.live.conf).
MIN_STANDING_SECONDS = 0.05


def standing_kept(moments: Sequence[float], min_standing: float) -> list[int]:
    """The indexes (in order) of the versions to keep, given when each became current.

    `moments` are in the order the versions were made. A version whose successor came at least
    `min_standing` later is kept; the last is always kept.
    """
    last = len(moments) - 1
    return [
        index
        for index, moment in enumerate(moments)
        if index == last or moments[index + 1] - moment >= min_standing
    ]
