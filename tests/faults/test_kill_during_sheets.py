"""The server killed with SIGKILL while judges' sheets are in flight, then restarted.

Ten rounds, seeds 0-9, one participant each: 24 judges' phones post their sheets at once (each
on its own open connection, released by one barrier); the server's whole process group gets
SIGKILL after a seed-chosen number of acknowledgements (0-3) plus a seed-chosen sliver of time,
with at least 20 requests in flight; the server comes back on the same port. Then:

- every sheet a phone saw acknowledged (201, or 200 for a replay) is stored exactly once;
- the phones resend what got no answer with the same idempotency key, as the phone's queue
  does, and each of those ends up stored exactly once too (201, or 200 when the server had
  committed it before it died and only the answer was lost);
- a screen following `arena:<id>:screen` with live.js's reconnect logic comes back by itself and
  receives a fresh snapshot with every sheet in, without a reload;
- `leitai ledger verify` passes: the chains link and every result recomputes.

One server and one arena serve all ten rounds (each round restarts the server once), which keeps
the file within its time budget; every assertion names its seed.
"""

from __future__ import annotations

import io
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command

from leitai.arenas.models import Sheet
from leitai.ledger.models import LedgerEntry
from leitai.simulation import BackgroundFollower, Follower, Host, Phone, SimulationError
from tests.arena_factories import ArenaWorld, make_arena_world, marks
from tests.factories import PASSWORD
from tests.support.server import ServerProcess

SEEDS = range(10)
# Enough phones that at least MIN_IN_FLIGHT are still waiting when the kill comes, however
# fast the server answers the first few (up to 3 acknowledged, then up to 10 ms more).
JUDGES = 32
MIN_IN_FLIGHT = 20

pytestmark = pytest.mark.server


@dataclass
class Flight:
    """What the phones saw, shared between their threads and the one holding the switch."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    answered: int = 0
    acknowledged: dict[str, str] = field(default_factory=dict)  # judge code → key
    lost: dict[str, str] = field(default_factory=dict)  # no answer: the connection died
    refused: list[str] = field(default_factory=list)  # answers other than 200/201 (a bug)


def sheet_of(code: str, seed: int) -> dict[str, str]:
    number = int(code[1:]) + seed
    return marks(str(10 + number % 20), spirit=str(10 + number % 7))


def post(phone: Phone, participant: int, seed: int, flight: Flight, gate: threading.Barrier):
    key = f"seed{seed}-{phone.code}"
    gate.wait()
    with flight.lock:
        flight.sent += 1
    refusal = ""
    try:
        answer = phone.submit(participant, sheet_of(phone.code, seed), key)
        acknowledged = answer.status in (200, 201)
        if not acknowledged:
            refusal = f"{phone.code}: {answer.status} {answer.body[:120]!r}"
    except SimulationError:
        acknowledged = False
    with flight.lock:
        flight.answered += 1
        (flight.acknowledged if acknowledged else flight.lost)[phone.code] = key
        if refusal:
            flight.refused.append(refusal)


def resend(phone: Phone, participant: int, seed: int, key: str, statuses: list[int]) -> None:
    phone.http.close()  # the phone's old connection died with the server
    statuses.append(phone.submit(participant, sheet_of(phone.code, seed), key).status)


def run_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def ledger_verify() -> str:
    """`leitai ledger verify` on the test database (raises CommandError when it fails)."""
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    return out.getvalue()


def open_next(host: Host) -> int:
    """Over the host API, so the server pushes each step to the screen: confirm the last
    presenter (on the head judge's behalf), call the next one, open scoring."""
    host.http.close()  # the previous round's server is gone; same port, same session
    state = host.console()
    if state["current"] is not None:
        host.action("confirm", participant=state["current"]["id"])
    state = host.action(
        "next", expected_current=state["current"]["id"] if state["current"] else None
    )
    current = int(state["current"]["id"])
    host.action("open", participant=current)
    return current


def kill_round(
    servers: list[ServerProcess],
    world: ArenaWorld,
    host: Host,
    screen: BackgroundFollower,
    seed: int,
) -> None:
    """One seed's round: kills servers[-1] and appends the restarted one."""
    server = servers[-1]
    rng = random.Random(seed)
    current = open_next(host)
    assert screen.wait_for(lambda s: (s["current"] or {}).get("id") == current), seed
    phones = [Phone(server.url, world.tokens[f"J{n}"], f"J{n}") for n in range(1, JUDGES + 1)]
    for phone in phones:
        phone.http.open()
    flight = Flight()
    gate = threading.Barrier(JUDGES + 1)
    threads = [
        threading.Thread(target=post, args=(p, current, seed, flight, gate), daemon=True)
        for p in phones
    ]
    for thread in threads:
        thread.start()
    kill_after = rng.randint(0, 3)
    gate.wait()
    deadline = time.monotonic() + 30
    # Every phone has sent (a thread released by the barrier may take a moment to run), and
    # the seed's number of sheets have come back acknowledged.
    while (flight.sent < JUDGES or len(flight.acknowledged) < kill_after) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.0005)
    time.sleep(rng.uniform(0, 0.010))
    with flight.lock:
        in_flight = flight.sent - flight.answered
    server.kill()
    for thread in threads:
        thread.join(60)
    assert not flight.refused, f"seed {seed}: {flight.refused[:3]}"
    assert in_flight >= MIN_IN_FLIGHT, f"seed {seed}: only {in_flight} in flight at the kill"

    servers.append(server.restart())
    for code, key in flight.acknowledged.items():
        stored = Sheet.objects.filter(judge__arena=world.arena, judge__code=code)
        assert stored.filter(idempotency_key=key).count() == 1, f"seed {seed}: {code} not once"

    statuses: list[int] = []
    run_all(
        [
            threading.Thread(target=resend, args=(p, current, seed, flight.lost[p.code], statuses))
            for p in phones
            if p.code in flight.lost
        ]
    )
    assert set(statuses) <= {200, 201}, f"seed {seed}: resent sheets answered {statuses}"
    assert len(statuses) == len(flight.lost)
    for phone in phones:
        stored = Sheet.objects.filter(participant_id=current, judge__code=phone.code)
        assert [s.idempotency_key for s in stored] == [f"seed{seed}-{phone.code}"], seed
        phone.http.close()
    sheet_entries = LedgerEntry.objects.filter(chain=f"arena:{world.arena.pk}", kind="sheet")
    assert sheet_entries.count() == JUDGES * (seed + 1), f"seed {seed}: ledger sheets"

    every_sheet_in = screen.wait_for(
        lambda s: (
            (s["current"] or {}).get("id") == current
            and all(j["status"] == "submitted" for j in s["current"]["judges"])
        ),
        timeout=40,
    )
    assert every_sheet_in is not None, f"seed {seed}: the screen did not come back"
    assert "ledger verify: all" in ledger_verify(), seed


def test_sigkill_with_sheets_in_flight_loses_nothing_acknowledged(
    server_factory: Callable[..., ServerProcess],
) -> None:
    world = make_arena_world(participants=len(SEEDS) + 1, judges=JUDGES)
    servers = [server_factory()]
    host = Host(servers[0].url, world.arena.pk)
    host.sign_in(world.host_user.username, PASSWORD)
    screen = BackgroundFollower(Follower(servers[0].url, f"arena:{world.arena.pk}:screen"))
    try:
        for seed in SEEDS:
            before = screen.follower.snapshots
            kill_round(servers, world, host, screen, seed)
            # The screen reconnected by itself and started again from a fresh snapshot.
            assert screen.follower.reconnects == seed + 1
            assert screen.follower.snapshots > before
    finally:
        screen.stop()
        host.http.close()
        for server in servers[1:]:  # the fixture stops the first
            server.stop()
