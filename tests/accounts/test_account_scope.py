"""An organiser may change only accounts wholly inside their scope (issue 8, item 1).

The attack: a district organiser imports a row giving the city organiser's account a role in the
district, then resets its password from the accounts page and signs in with the whole city.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leitai.accounts.models import Membership, Role, User
from leitai.accounts.permissions import can_manage_account
from leitai.core.imports import ImportRejected
from tests.accounts.test_accounts import run_import, write
from tests.factories import PASSWORD, make_user, small_city

pytestmark = pytest.mark.django_db

HEADER = "账号,姓名,初始密码,单位编码,角色\n"
NOT_YOURS = (
    "Not an account you manage. A new account needs an initial password and an account name "
    "nobody uses yet."
)


@pytest.fixture
def city() -> dict[str, Any]:
    city = small_city()
    city["zuzhibu"] = make_user(
        "zuzhibu", role=Role.ORGANISER, unit=city["root"], display_name="市委组织部"
    )
    city["district"] = make_user("shinan-org", role=Role.ORGANISER, unit=city["shinan"])
    return city


def import_users(tmp_path: Path, text: str, actor: User, **kwargs: Any) -> Any:
    return run_import(write(tmp_path / "users.csv", HEADER + text), actor, **kwargs)


def rejected(tmp_path: Path, text: str, actor: User, **kwargs: Any) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        import_users(tmp_path, text, actor, **kwargs)
    return [(p.row, p.column, p.reason) for p in caught.value.problems]


def accounts_state() -> list[tuple[Any, ...]]:
    return list(
        User.objects.order_by("username").values_list(
            "username", "display_name", "password", "must_change_password"
        )
    ) + list(Membership.objects.order_by("pk").values_list("user__username", "unit__code", "role"))


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_district_organiser_cannot_take_over_the_city_organisers_account(
    tmp_path: Path, city: dict[str, Any]
) -> None:
    before = accounts_state()
    problems = rejected(tmp_path, "zuzhibu,被接管,,3702020101,书记\n", city["district"])
    assert problems == [(2, "账号", NOT_YOURS)]
    assert accounts_state() == before
    client = signed_in("shinan-org")
    assert client.post(reverse("accounts:reset_password", args=["zuzhibu"])).status_code == 404
    assert client.get(reverse("accounts:user", args=["zuzhibu"])).status_code == 404
    listed = client.get(reverse("accounts:users")).context["users"]
    assert "zuzhibu" not in [u.username for u in listed]
    assert accounts_state() == before


def test_unknown_and_out_of_scope_accounts_get_the_same_message(
    tmp_path: Path, city: dict[str, Any]
) -> None:
    # Without a password, an unknown name and someone else's account cannot be told apart.
    problems = rejected(
        tmp_path, "zuzhibu,,,3702020101,书记\nnobody,,,3702020101,书记\n", city["district"]
    )
    assert problems == [(2, "账号", NOT_YOURS), (3, "账号", NOT_YOURS)]


def test_renaming_the_superuser_by_import_fails(tmp_path: Path, city: dict[str, Any]) -> None:
    admin = make_user("admin", superuser=True, role=Role.SECRETARY, unit=city["branch"])
    before = accounts_state()
    # The city organiser manages the whole tree, yet not a superuser's account.
    problems = rejected(tmp_path, "admin,改名,,3702020101,书记\n", city["zuzhibu"])
    assert problems == [(2, "账号", NOT_YOURS)]
    assert accounts_state() == before
    assert not can_manage_account(city["zuzhibu"], admin)


def test_account_with_a_role_outside_scope_cannot_be_changed(
    tmp_path: Path, city: dict[str, Any]
) -> None:
    both = make_user("both", role=Role.SECRETARY, unit=city["branch"])
    Membership.objects.create(user=both, unit=city["village"], role=Role.SECRETARY)
    before = accounts_state()
    assert rejected(tmp_path, "both,改名,,37020201,主办\n", city["district"]) == [
        (2, "账号", NOT_YOURS)
    ]
    assert accounts_state() == before
    assert not can_manage_account(city["district"], both)
    assert can_manage_account(city["zuzhibu"], both)
    client = signed_in("shinan-org")
    assert client.post(reverse("accounts:reset_password", args=["both"])).status_code == 404


def test_account_wholly_in_scope_can_be_changed(tmp_path: Path, city: dict[str, Any]) -> None:
    make_user("sec", role=Role.SECRETARY, unit=city["branch"], display_name="旧名")
    plan = import_users(tmp_path, "sec,郑素秀,,37020201,主办\n", city["district"])
    assert plan.counts["grant"] == 1
    account = User.objects.get(username="sec")
    assert account.display_name == "郑素秀"
    assert set(account.memberships.values_list("unit__code", "role")) == {
        ("3702020101", Role.SECRETARY),
        ("37020201", Role.HOST),
    }
    assert can_manage_account(city["district"], account)
    client = signed_in("shinan-org")
    assert client.post(reverse("accounts:reset_password", args=["sec"])).status_code == 200


def test_account_without_roles_is_changed_by_superusers_only(
    tmp_path: Path, city: dict[str, Any]
) -> None:
    bare = make_user("bare")
    assert rejected(tmp_path, "bare,,,3702020101,书记\n", city["zuzhibu"]) == [
        (2, "账号", NOT_YOURS)
    ]
    assert can_manage_account(make_user("root", superuser=True), bare)


def test_prune_leaves_accounts_outside_scope_alone(tmp_path: Path, city: dict[str, Any]) -> None:
    # The city organiser also hosts in 市南区: a membership inside the district organiser's
    # scope, on an account the district organiser does not manage.
    Membership.objects.create(user=city["zuzhibu"], unit=city["jinhulu"], role=Role.HOST)
    make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    plan = import_users(tmp_path, "shinan-org,,,370202,组织部\n", city["district"], prune=True)
    assert plan.samples["remove"] == [["sec", "3702020101", Role.SECRETARY]]
    assert Membership.objects.filter(
        user=city["zuzhibu"], unit=city["jinhulu"], role=Role.HOST
    ).exists()
    assert not Membership.objects.filter(user__username="sec").exists()


def test_account_names_older_imports_allowed_are_still_linked(city: dict[str, Any]) -> None:
    # Imports now refuse a "/" in an account name; a stored one made the accounts list, the
    # page organisers reset passwords from, answer 500 for every organiser above it.
    make_user("t/slash", role=Role.SECRETARY, unit=city["branch"])
    client = signed_in("shinan-org")
    listing = client.get(reverse("accounts:users"))
    assert listing.status_code == 200
    link = re.search(r'href="([^"]*)" class="mono">t/slash<', listing.content.decode())
    assert link is not None
    detail = client.get(html.unescape(link.group(1)))
    assert detail.context["account"].username == "t/slash"
    reset = re.search(r'action="([^"]*/reset-password)"', detail.content.decode())
    assert reset is not None
    assert client.post(html.unescape(reset.group(1))).status_code == 200
    assert User.objects.get(username="t/slash").must_change_password


def test_account_import_refuses_a_slash_in_an_account_name(
    tmp_path: Path, city: dict[str, Any]
) -> None:
    problems = rejected(tmp_path, "t/slash,,Long-enough-1,3702020101,书记\n", city["district"])
    assert problems == [
        (2, "账号", "Only letters, digits and @ . + - _ are allowed in an account name.")
    ]
    assert not User.objects.filter(username="t/slash").exists()


def test_accounts_list_query_count_does_not_grow_with_accounts(city: dict[str, Any]) -> None:
    client = signed_in("shinan-org")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:users")).status_code == 200
        return len(captured.captured_queries)

    make_user(role=Role.SECRETARY, unit=city["branch"])
    one = queries()
    make_user(role=Role.SECRETARY, unit=city["branch"])
    make_user(role=Role.HOST, unit=city["jinhulu"])
    assert queries() == one
