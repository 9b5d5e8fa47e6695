"""The draw as the hall sees and checks it: each public step live on the big screen and the
phones (and no secret in any frame), then the public results page's two files and its printed
command, downloaded and run exactly as a person would: `ok` and exit status 0."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from leitai.arenas.services import draw, setup
from tests.arena_factories import in_order, make_arena_world
from tests.screens.hall import Hall
from tests.screens.test_screen import PHONE, PROJECTOR, UPDATE_WITHIN_S, Watch
from tests.support.screenshots import screenshot
from tests.support.server import ServerProcess

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
        [sys.executable, "-m", "leitai.scoring.analysis.cli", *command[1:]],
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


@pytest.mark.server
def test_big_screen_shows_each_step_of_the_draw_and_never_a_secret(
    served: ServerProcess, lan_browser: Any, artefacts_dir: Path
) -> None:
    world = make_arena_world(participants=5, judges=3, go_live=False)
    hall = Hall(server=served, world=world)
    url = f"{served.url}/arenas/{world.arena.pk}"
    screen = Watch(lan_browser.new_context(**PROJECTOR).new_page(), f"{url}/screen")
    phone = Watch(lan_browser.new_context(**PHONE, locale="zh-CN").new_page(), f"{url}/live")
    page = screen.page

    def step(action: str, **payload: Any) -> None:
        state = hall.act(action, **payload)
        acknowledged = time.monotonic()
        assert screen.wait_version(state["version"], acknowledged) < UPDATE_WITHIN_S
        phone.wait_version(state["version"], acknowledged)

    step("freeze")
    arena = world.refresh()
    expect(page.locator("[data-view=draw]")).to_have_attribute("data-draw", "committed")
    expect(page.locator("[data-field=draw-commitment]")).to_have_text(arena.draw_commitment)
    expect(page.locator(".order-row")).to_have_count(5)
    expect(page.locator("[data-step=public] .draw-waiting")).to_be_visible()
    expect(page.locator("[data-step=seed] .draw-waiting")).to_be_visible()

    step("draw", public="3 8 1 5")
    arena = world.refresh()
    expect(page.locator("[data-field=draw-public]")).to_have_text("3 8 1 5")
    expect(page.locator("[data-step=seed] .draw-waiting")).to_be_visible()
    drawn = [p.unit.name for p in in_order(world)]
    expect(page.locator(".order-row .order-unit")).to_have_text(drawn)
    assert arena.draw_seed not in page.content()
    assert arena.draw_seed not in phone.page.content()
    before = [payload for _, payload in screen.frames + phone.frames]

    step("reveal")
    expect(page.locator("[data-field=draw-seed]")).to_have_text(arena.draw_seed)
    expect(phone.page.locator("[data-field=draw-seed]")).to_have_text(arena.draw_seed)
    screenshot(page, path=str(artefacts_dir / "screen-draw-revealed-zh-1920.png"))
    screenshot(phone.page, path=str(artefacts_dir / "live-draw-revealed-zh.png"), full_page=True)

    frames = [payload for _, payload in screen.frames + phone.frames]
    assert frames
    assert not [f for f in frames if any(token in f for token in world.tokens.values())]
    # Until the reveal, the seed is in no frame and on no page.
    assert before
    assert not [f for f in before if arena.draw_seed in f]
