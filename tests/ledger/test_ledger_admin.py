"""Django admin: ledger entries, sheets and marks (and every arena model) can be looked at by
staff and never added, changed or deleted — not even by a superuser."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leitai.arenas.models import Arena, Judge, Mark, Participant, Recusal, Reopening, Sheet
from leitai.ledger.models import ChainHead, LedgerEntry
from tests.arena_factories import ArenaWorld
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

READ_ONLY = [LedgerEntry, ChainHead, Arena, Participant, Judge, Recusal, Sheet, Mark, Reopening]


def url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    user = make_user(superuser=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_superuser_sees_but_cannot_add_change_or_delete(
    full_day: ArenaWorld, superuser_client: Client, model: type
) -> None:
    obj = model.objects.first()
    assert obj is not None
    listing = superuser_client.get(url(model, "changelist"))
    assert listing.status_code == 200
    assert url(model, "add") not in listing.content.decode()
    assert 'value="delete_selected"' not in listing.content.decode()
    detail = superuser_client.get(url(model, "change", obj.pk))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert superuser_client.get(url(model, "add")).status_code == 403
    assert superuser_client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert superuser_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert superuser_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_sheet_page_shows_its_marks_and_ledger_entry(
    full_day: ArenaWorld, superuser_client: Client
) -> None:
    sheet = Sheet.objects.filter(source="paper").get()
    page = superuser_client.get(url(Sheet, "change", sheet.pk)).content.decode()
    assert "achievements" in page
    assert str(sheet.ledger_seq) in page


def test_the_drawn_seed_stays_out_of_the_arena_page(
    full_day: ArenaWorld, superuser_client: Client
) -> None:
    page = superuser_client.get(url(Arena, "change", full_day.arena.pk)).content.decode()
    assert full_day.arena.draw_commitment in page
    assert full_day.arena.draw_seed not in page


def test_people_who_are_not_staff_are_sent_to_sign_in(full_day: ArenaWorld) -> None:
    client = Client()
    user = make_user()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(url(LedgerEntry, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
