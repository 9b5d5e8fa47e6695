"""The operators' pages: the public check page, the organisers' status page and send form."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.live.checks import MAX_PADDING_BYTES
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_user(role=Role.ORGANISER, unit=make_unit())


@pytest.fixture
def outsider():
    return make_user(role=Role.HOST, unit=make_unit())


def test_check_page_is_public_and_names_its_topic(client):
    response = client.get(reverse("live:check"))
    assert response.status_code == 200
    assert 'data-topic="live:check"' in response.content.decode()
    assert b"leitai/live.js" in response.content


def test_check_page_channel_selects_a_separate_topic(client):
    page = client.get(reverse("live:check"), {"channel": "hall-2"}).content.decode()
    assert 'data-topic="live:check:hall-2"' in page
    page = client.get(reverse("live:check"), {"channel": "Not/Valid"}).content.decode()
    assert 'data-topic="live:check"' in page


def test_status_page_sends_anonymous_to_sign_in(client):
    response = client.get(reverse("live:status"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_status_page_refuses_a_signed_in_non_organiser(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("live:status")).status_code == 403


def test_status_page_shows_the_hub_figures_to_an_organiser(client, organiser):
    client.force_login(organiser)
    response = client.get(reverse("live:status"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.topics == []
    assert figures.rate == 10


def test_send_check_publishes_after_commit(
    client, organiser, django_capture_on_commit_callbacks, live_channel
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("live:send_check"),
            {"text": "hall 2", "padding_bytes": 100, "channel": live_channel},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200
    seq = response.json()["seq"]
    assert len(callbacks) == 1  # the publish waits for the commit
    last = cache.get(f"live:last:live:check:{live_channel}")
    assert (last["seq"], last["text"], len(last["padding"])) == (seq, "hall 2", 100)


def test_send_check_numbers_messages_in_sequence(client, organiser, live_channel):
    client.force_login(organiser)
    seqs = [
        client.post(
            reverse("live:send_check"), {"channel": live_channel}, HTTP_ACCEPT="application/json"
        ).json()["seq"]
        for _ in range(3)
    ]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]


def test_send_check_from_the_form_redirects_to_the_status_page(client, organiser, live_channel):
    client.force_login(organiser)
    response = client.post(reverse("live:send_check"), {"text": "x", "channel": live_channel})
    assert response.status_code == 302
    assert response.url == reverse("live:status")


@pytest.mark.parametrize(
    ("field", "value"),
    [("padding_bytes", MAX_PADDING_BYTES + 1), ("padding_bytes", -1), ("channel", "Hall 2")],
)
def test_send_check_refuses_bad_input(client, organiser, field, value):
    client.force_login(organiser)
    response = client.post(
        reverse("live:send_check"), {field: value}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    page = client.post(reverse("live:send_check"), {field: value})
    assert page.status_code == 400


def test_send_check_needs_the_csrf_token(organiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    assert client.post(reverse("live:send_check"), {"text": "x"}).status_code == 403


def test_send_check_refuses_a_non_organiser(client, outsider):
    client.force_login(outsider)
    assert client.post(reverse("live:send_check"), {"text": "x"}).status_code == 403
