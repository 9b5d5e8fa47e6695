"""`leitai simulate --hold S`: at a high speed, each shown result still stays on the screen for
S real seconds before the next presenter is called."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from leitai.ledger.chain import arena_chain
from leitai.ledger.models import LedgerEntry
from tests.arena_factories import make_arena_world
from tests.factories import PASSWORD
from tests.simulation.test_simulate import simulate
from tests.support.server import ServerProcess

HOLD = 0.8


@pytest.mark.server
def test_each_shown_result_is_held_on_the_screen(served: ServerProcess) -> None:
    world = make_arena_world(participants=3, judges=3)
    result = simulate(
        *("--url", served.url, "--arena", str(world.arena.pk), "--judges", "3"),
        *("--speed", "5000", "--hold", str(HOLD), "--seed", "1"),
        *("--user", world.host_user.username, "--password", PASSWORD),
        env=served.env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    entries = [
        (kind, datetime.fromisoformat(json.loads(body)["at"]))
        for kind, body in LedgerEntry.objects.filter(
            chain=arena_chain(world.arena.pk), kind__in=["shown", "presenting", "closed"]
        )
        .order_by("seq")
        .values_list("kind", "body")
    ]
    kinds = [kind for kind, _ in entries]
    assert kinds == ["presenting", "shown"] * 3 + ["closed"]
    held = [
        (entries[i + 1][1] - entries[i][1]).total_seconds() for i in range(1, len(entries) - 1, 2)
    ]
    assert len(held) == 3
    assert min(held) >= HOLD, held
