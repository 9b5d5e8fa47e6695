"""`leitai serve --port N` without LEITAI_PUBLIC_URL: links and QR codes carry port N."""

from __future__ import annotations

import os
import urllib.request

import pytest
from django.db import connection

from tests.arena_factories import make_arena_world
from tests.support.server import ROOT, database_url, free_port, start_server_with


@pytest.mark.django_db(transaction=True)
def test_serve_on_another_port_links_to_that_port() -> None:
    world = make_arena_world(participants=1, judges=1, go_live=False)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leitai.settings_test",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    env.pop("LEITAI_PUBLIC_URL", None)
    port = free_port()
    logs = ROOT / "test-artifacts" / "servers"
    logs.mkdir(parents=True, exist_ok=True)
    server = start_server_with(env, port=port, log_path=logs / f"serve-{port}.log")
    try:
        live = f"http://127.0.0.1:{port}/arenas/{world.arena.pk}/live"
        with urllib.request.urlopen(live, timeout=10) as response:
            page = response.read().decode()
    finally:
        server.stop()
    assert f'<div class="phone-url">{live}</div>' in page
