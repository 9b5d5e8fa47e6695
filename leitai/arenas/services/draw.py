"""The lot draw (抽签) that the host cannot steer, in three public steps.

1. Freeze: the list of participants is frozen in canonical order and its commitment (SHA-256 of
   a secret seed and the list) is published. The seed stays secret.
2. Draw: a public contribution is taken in the hall (digits called out by a participant's
   representative); the order follows from SHA-256(seed ‖ contribution). Neither the host (who
   fixed the seed before hearing the contribution) nor the hall (who did not know the seed) could
   choose it.
3. Reveal: the seed is published; anyone recomputes the commitment and the order with
   `leitai draw verify`.
"""

from __future__ import annotations

import shlex
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.models import Arena, ArenaState, DrawState, Participant, ParticipantStatus
from leitai.arenas.services.common import actor_label, lock_arena, record, touch
from leitai.scoring import canonical_codes, commitment, draw_order, new_seed

MAX_PUBLIC_LENGTH = 200


def _cas_draw(arena: Arena, expected: str, **fields: Any) -> None:
    if not Arena.objects.filter(pk=arena.pk, draw_state=expected).update(**fields):
        raise ArenaRefusal("draw_step", _("That step of the draw is not possible now."))


@transaction.atomic
def freeze_list(*, arena: Arena, by: Any) -> Arena:
    arena = lock_arena(arena.pk)
    if arena.state != ArenaState.SETUP:
        raise ArenaRefusal("draw_step", _("The draw is over."))
    codes = list(
        arena.participants.exclude(status=ParticipantStatus.WITHDRAWN).values_list(
            "unit__code", flat=True
        )
    )
    if len(codes) < 2:
        raise ArenaRefusal("too_few", _("A draw needs at least two participants."))
    frozen = canonical_codes(codes)
    seed = new_seed()
    digest = commitment(seed, frozen)
    _cas_draw(
        arena,
        DrawState.NONE,
        draw_state=DrawState.COMMITTED,
        draw_list=frozen,
        draw_seed=seed,
        draw_commitment=digest,
    )
    record(arena, "draw_committed", {"list": frozen, "commitment": digest}, actor_label(by))
    touch(arena)
    arena.refresh_from_db()
    return arena


@transaction.atomic
def draw(*, arena: Arena, public: str, by: Any) -> Arena:
    """Take the hall's contribution and fix the order; positions follow the drawn order."""
    public = public.strip()
    if not public:
        raise ArenaRefusal("public_required", _("Enter the contribution called out in the hall."))
    if len(public) > MAX_PUBLIC_LENGTH:
        raise ArenaRefusal("public_too_long", _("The contribution is too long."))
    arena = lock_arena(arena.pk)
    order = draw_order(arena.draw_seed, public, arena.draw_list)
    _cas_draw(
        arena,
        DrawState.COMMITTED,
        draw_state=DrawState.DRAWN,
        draw_public=public,
        draw_order=order,
        state=ArenaState.DRAWN,
    )
    by_code = {p.unit.code: p for p in arena.participants.select_related("unit")}
    for position, code in enumerate(order, start=1):
        participant = by_code[code]
        Participant.objects.filter(pk=participant.pk).update(
            position=position,
            status=(
                ParticipantStatus.WAITING
                if participant.status != ParticipantStatus.WITHDRAWN
                else ParticipantStatus.WITHDRAWN
            ),
        )
    record(arena, "draw_order", {"public": public, "order": order}, actor_label(by))
    touch(arena)
    arena.refresh_from_db()
    return arena


@transaction.atomic
def reveal_seed(*, arena: Arena, by: Any) -> Arena:
    arena = lock_arena(arena.pk)
    _cas_draw(arena, DrawState.DRAWN, draw_state=DrawState.REVEALED)
    record(arena, "draw_revealed", {"seed": arena.draw_seed}, actor_label(by))
    touch(arena)
    arena.refresh_from_db()
    return arena


# The files the public results page offers, under the names the printed command uses.
LIST_FILE = "participants.txt"
ORDER_FILE = "order.txt"


def frozen_list_text(arena: Arena) -> str:
    """The frozen list as `leitai draw verify` reads it: one code a line (canonical order)."""
    return "".join(f"{code}\n" for code in arena.draw_list or [])


def drawn_order_text(arena: Arena) -> str:
    """The drawn order, one code a line, withdrawals included: what the draw produced."""
    return "".join(f"{code}\n" for code in arena.draw_order or [])


def verify_command(arena: Arena) -> str:
    """The command that checks the draw against the two files the public page offers."""
    return (
        f"leitai draw verify --seed {arena.draw_seed} --public {shlex.quote(arena.draw_public)} "
        f"--commitment {arena.draw_commitment} {LIST_FILE} --order {ORDER_FILE}"
    )
