"""/favicon.ico answers with the 擂 mark, and every layout links an icon."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.arena_factories import make_arena_world

pytestmark = pytest.mark.django_db


def test_favicon_is_an_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age" in response["Cache-Control"]


def test_every_layout_links_an_icon() -> None:
    world = make_arena_world(participants=1, judges=1, go_live=False)
    client = Client()
    pages = {
        "site": client.get(reverse("accounts:login")),
        "screen": client.get(reverse("arenas:screen", args=[world.arena.pk])),
        "judge": client.get(f"/j/{world.tokens['J1']}", follow=True),
    }
    links = {name: page.content.decode() for name, page in pages.items()}
    assert '<link rel="icon" href="/favicon.ico"' in links["site"]
    # The screens and phones carry it inline: they make no HTTP request once shown.
    assert (
        '<link rel="icon" type="image/png" sizes="32x32" href="data:image/png;base64,'
        in (links["screen"])
    )
    assert 'href="data:image/png;base64,' in links["judge"]
