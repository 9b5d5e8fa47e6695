"""What stays as it was when an arena went live (no Django import: the offline ledger check
uses it).

The programme and whether judges' marks are shown decide how every presenter is judged and
shown, so they are the same all day: refused once the arena is live (the rubric and rule are
refused too, by the set-up service). The other details (presentation time, title, venue…) may
still change — a host may have to give more time mid-day — and each change is then a
`details_changed` ledger entry the replay follows (leitai.arenas.audit.replay).
"""

DETAILS_FROZEN_WHEN_LIVE = ("programme", "reveal_marks")
