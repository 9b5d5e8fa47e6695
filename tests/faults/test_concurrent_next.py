"""Two hosts pressing "next" at the same instant, 50 times: exactly one transition each time.

Each host has a signed-in session on its own `leitai serve` process (two processes, so the two
requests really run at once, each in its own database transaction, rather than queueing in
one process's sync thread). Both clients hold an open connection and are released together by a
barrier; both send the presenter they saw on screen as `expected_current`. The compare-and-set
must let exactly one through and write exactly one `presenting` ledger entry, on PostgreSQL
(row lock) and on SQLite (the IMMEDIATE transaction) alike. Between rounds one host marks the
new presenter absent, which makes "next" possible again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from leitai.accounts.models import Role
from leitai.arenas.models import Arena, ParticipantStatus
from leitai.ledger.chain import entries_of
from leitai.ledger.checks import check_chain
from leitai.ledger.models import LedgerEntry
from leitai.simulation import Host, Refused
from tests.arena_factories import make_arena_world
from tests.factories import PASSWORD, make_user
from tests.support.server import ServerProcess

ROUNDS = 50

pytestmark = pytest.mark.server


def press_together(hosts: list[Host], expected: int | None) -> list[Any]:
    """Each host presses "next" once, released by one barrier; returns state or Refused."""
    barrier = threading.Barrier(len(hosts))
    outcomes: list[Any] = [None] * len(hosts)

    def press(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = hosts[index].action("next", expected_current=expected)
        except Refused as refusal:
            outcomes[index] = refusal

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(hosts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def presenting_entries(arena: Arena) -> int:
    return LedgerEntry.objects.filter(chain=f"arena:{arena.pk}", kind="presenting").count()


def race_next_fifty_times(server_factory: Callable[..., ServerProcess]) -> None:
    world = make_arena_world(participants=ROUNDS, judges=1)
    arena = world.arena
    second_host = make_user(role=Role.HOST, unit=world.host_unit)
    servers = [server_factory(), server_factory()]
    hosts = []
    for server, user in zip(servers, [world.host_user, second_host], strict=True):
        host = Host(server.url, arena.pk)
        host.sign_in(user.username, PASSWORD)
        host.console()  # the connection is open before the race starts
        hosts.append(host)

    current: int | None = None
    for round_number in range(1, ROUNDS + 1):
        outcomes = press_together(hosts, current)
        winners = [o for o in outcomes if isinstance(o, dict)]
        losers = [o for o in outcomes if isinstance(o, Refused)]
        assert len(winners) == 1, f"round {round_number}: {outcomes}"
        assert [(r.status, r.code) for r in losers] == [(409, "moved_on")]
        assert presenting_entries(arena) == round_number
        arena.refresh_from_db()
        assert arena.current_id == winners[0]["current"]["id"]
        assert arena.current.status == ParticipantStatus.PRESENTING
        current = arena.current_id
        hosts[round_number % 2].action("absent", participant=current)

    assert arena.participants.filter(status=ParticipantStatus.ABSENT).count() == ROUNDS, (
        "every participant was called exactly once"
    )
    assert check_chain(f"arena:{arena.pk}", entries_of(f"arena:{arena.pk}")) == []
    for host in hosts:
        host.http.close()


def test_two_hosts_pressing_next_together_make_one_transition(
    server_factory: Callable[..., ServerProcess],
) -> None:
    """On the database of the run: SQLite in the first CI leg, PostgreSQL in the second."""
    race_next_fifty_times(server_factory)
