"""The draw as the hall checks it: the public results page's two files and its printed command,
downloaded and run exactly as a person would, give `ok` and exit status 0."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from leitai.arenas.services import draw, setup
from tests.arena_factories import make_arena_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_page_files_verify_with_the_printed_command(
    live_server: Any, browser: Browser, tmp_path: Path
) -> None:
    world = make_arena_world(participants=6, judges=3, go_live=False)
    arena, host = world.arena, world.host_user
    draw.freeze_list(arena=arena, by=host)
    draw.draw(arena=arena, public="3 8 1 5", by=host)
    # A withdrawal after the draw stays in the frozen list and the drawn order.
    setup.withdraw_participant(participant=world.participants[2], by=host)
    draw.reveal_seed(arena=arena, by=host)

    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/arenas/{arena.pk}/public")
    for link in ("#draw-list-file", "#draw-order-file"):
        with page.expect_download() as download:
            page.click(link)
        saved = download.value
        saved.save_as(tmp_path / saved.suggested_filename)
    command = shlex.split(page.locator("#verify-command").inner_text())
    context.close()

    assert command[:3] == ["leitai", "draw", "verify"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["order.txt", "participants.txt"]
    # `leitai draw …` is the scoring core's CLI; run it as a separate program in that folder.
    checked = subprocess.run(
        [sys.executable, "-m", "leitai.scoring.cli", *command[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stderr) == (0, "")
    lines = checked.stdout.splitlines()
    assert lines[0] == "commitment: ok"
    assert lines[1] == "drawn order: " + " ".join(world.refresh().draw_order)
    assert lines[2] == "order: ok"
