from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, make_user, small_city

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/orgs/unit/",
        "/admin/accounts/user/",
        "/admin/accounts/membership/",
        "/admin/programs/programme/",
        "/admin/core/importjob/",
    ],
)
def test_superuser_opens_the_admin(path: str) -> None:
    small_city()
    make_user("root", superuser=True)
    client = Client()
    client.login(username="root", password=PASSWORD)
    assert client.get(path).status_code == 200


def test_units_cannot_be_edited_in_the_admin() -> None:
    city = small_city()
    make_user("root", superuser=True)
    client = Client()
    client.login(username="root", password=PASSWORD)
    response = client.post(f"/admin/orgs/unit/{city['branch'].pk}/change/", {"name": "改名"})
    assert response.status_code == 403
