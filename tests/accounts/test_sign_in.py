"""One sign-in path with one throttle (issue 8, item 5 and the lock-out note).

The throttle's counts live in the cache, which outlives a test: each test names its own accounts.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

HALL = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def sign_in(url: str, username: str, password: str, address: str = HALL) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(url, {"username": username, "password": password})
    return client


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_elsewhere_do_not_lock_the_account_out_in_the_hall(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 5
    make_user("host-arena-day")
    login = reverse("accounts:login")
    for _ in range(6):
        assert not is_signed_in(sign_in(login, "host-arena-day", "guess", ELSEWHERE))
    assert is_signed_in(sign_in(login, "host-arena-day", PASSWORD, HALL))
    # The guesser's address is locked out of the account, even with the right password.
    assert not is_signed_in(sign_in(login, "host-arena-day", PASSWORD, ELSEWHERE))


def test_one_address_cannot_spray_many_accounts(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    login = reverse("accounts:login")
    for number in range(20):  # 2 × 10 failures from one address, one per account
        sign_in(login, f"sprayed-{number}", "guess", ELSEWHERE)
    make_user("sprayed-target")
    assert not is_signed_in(sign_in(login, "sprayed-target", PASSWORD, ELSEWHERE))
    assert is_signed_in(sign_in(login, "sprayed-target", PASSWORD, HALL))


def test_admin_sign_in_refuses_an_account_the_main_sign_in_has_locked(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("locked-root", superuser=True)
    for _ in range(3):
        sign_in(reverse("accounts:login"), "locked-root", "guess")
    client = sign_in("/admin/login/?next=/admin/", "locked-root", PASSWORD)
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_wrong_passwords_on_the_admin_sign_in_count_toward_the_same_throttle(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("guessed-root", superuser=True)
    for _ in range(3):
        assert not is_signed_in(sign_in("/admin/login/", "guessed-root", "guess"))
    assert not is_signed_in(sign_in(reverse("accounts:login"), "guessed-root", PASSWORD))


def test_admin_sign_in_takes_a_superuser_to_the_admin() -> None:
    make_user("admin-root", superuser=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin-root", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Signed in as staff, the admin's sign-in goes straight on.
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_admin_sign_in_offers_another_account_to_someone_signed_in_without_admin_rights() -> None:
    make_user("clerk-no-admin")
    client = Client()
    client.cookies["leitai_language"] = "en"
    assert client.login(username="clerk-no-admin", password=PASSWORD)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 200
    assert "You are signed in as clerk-no-admin" in response.content.decode()
