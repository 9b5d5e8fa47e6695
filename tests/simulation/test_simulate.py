"""`leitai simulate` against a real server: a whole arena played over HTTP and WebSockets.

The command runs as its own process (the real CLI), with only the server's address and a host
account; everything it does reaches the database through the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from leitai.arenas.models import ArenaState, Judge, ParticipantStatus, Sheet, SheetSource
from leitai.arenas.services import console, setup
from leitai.ledger.chain import entries_of
from leitai.ledger.checks import check_chain
from tests.arena_factories import make_arena_world
from tests.factories import PASSWORD
from tests.support.server import ROOT, ServerProcess, free_port

LEITAI = Path(sys.executable).parent / "leitai"


def simulate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LEITAI), "simulate", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "leitai.settings_test", **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.server
def test_simulate_plays_a_whole_arena_from_set_up_to_results(
    server_factory: Callable[..., ServerProcess],
) -> None:
    world = make_arena_world(participants=3, judges=4, go_live=False)
    # J2 belongs to the second participant's branch (recused from it); J4's phone was lost.
    branch_of_second = world.participants[1].unit
    setup.add_judge(
        arena=world.arena, name="同支部评委", affiliation=branch_of_second, by=world.host_user
    )
    setup.revoke_link(judge=world.judge("J4"), by=world.host_user)
    server = server_factory()
    result = simulate(
        "--url",
        server.url,
        "--arena",
        str(world.arena.pk),
        "--judges",
        "6",
        "--speed",
        "5000",
        "--seed",
        "3",
        "--user",
        world.host_user.username,
        "--password",
        PASSWORD,
        "--viewers",
        "3",
        env=server.env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "panel: 7 judges, head J1, 2 added; no usable link for J4: paper sheets" in out
    assert "draw: seed revealed" in out
    assert "not scoring: J5" in out
    assert "final ranking" in out
    assert "screen     1 client(s)" in out
    assert "viewers    3 client(s)" in out

    arena = world.refresh()
    assert arena.state == ArenaState.CLOSED
    assert arena.judges.count() == 7  # 4 + the recused one + 2 added
    assert set(arena.participants.values_list("status", flat=True)) == {ParticipantStatus.SHOWN}
    assert sorted(arena.participants.values_list("rank", flat=True)) in ([1, 2, 3], [1, 1, 3])
    recused = Judge.objects.get(arena=arena, code="J5")
    assert not Sheet.objects.filter(judge=recused, participant=world.participants[1]).exists()
    # The judge without a link: the host typed in each paper sheet.
    paper = Sheet.objects.filter(judge__code="J4", judge__arena=arena)
    assert paper.count() == 3
    assert set(paper.values_list("source", flat=True)) == {SheetSource.PAPER}
    assert Sheet.objects.filter(participant__arena=arena).count() == 7 + 6 + 7
    assert check_chain(f"arena:{arena.pk}", entries_of(f"arena:{arena.pk}")) == []


@pytest.mark.server
def test_simulate_refuses_a_wrong_password_and_an_unknown_arena_in_one_line(
    served: ServerProcess,
) -> None:
    world = make_arena_world(participants=2, judges=1, go_live=False)
    base = ["--url", served.url, "--user", world.host_user.username]
    wrong = simulate(*base, "--arena", str(world.arena.pk), "--password", "nope", env=served.env)
    missing = simulate(*base, "--arena", "999999", "--password", PASSWORD, env=served.env)
    assert wrong.returncode == 1
    assert wrong.stderr.strip().splitlines() == [
        f"CommandError: sign-in refused for '{world.host_user.username}' at {served.url}: wrong "
        "user name or password, or too many failed attempts"
    ]
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"CommandError: arena 999999 not found at {served.url} "
        f"(or {world.host_user.username} may not see it)"
    ]


def test_simulate_says_when_nothing_answers_at_the_address() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = simulate("--url", url, "--arena", "1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: cannot reach {url}: Connection refused"
    ]


def test_simulate_refuses_an_address_that_is_not_http() -> None:
    result = simulate("--url", "127.0.0.1:8000", "--arena", "1")
    assert result.returncode == 1
    assert "give an address like http://127.0.0.1:8000" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.server
def test_simulate_goes_on_from_where_an_interrupted_day_stopped(
    server_factory: Callable[..., ServerProcess],
) -> None:
    world = make_arena_world(participants=2, judges=5)
    # The day stopped with the first presenter on stage and the timer running.
    first = console.call_next(arena=world.arena, expected_current=None, by=world.host_user)
    console.timer(arena=world.arena, action="start", by=world.host_user)
    server = server_factory()
    result = simulate(
        "--url",
        server.url,
        "--arena",
        str(world.arena.pk),
        "--judges",
        "5",
        "--speed",
        "5000",
        "--user",
        world.host_user.username,
        "--password",
        PASSWORD,
        env=server.env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "draw:" not in result.stdout
    assert f"[1/2] {first.unit.name}" in result.stdout
    arena = world.refresh()
    assert arena.state == ArenaState.CLOSED
    assert Sheet.objects.filter(participant__arena=arena).count() == 2 * 5
