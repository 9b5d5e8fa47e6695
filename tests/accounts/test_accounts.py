from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from leitai.accounts.importing import UserImporter
from leitai.accounts.models import Membership, Role, User
from leitai.core.imports import ImportRejected
from tests.factories import PASSWORD, make_user, small_city

pytestmark = pytest.mark.django_db

NOT_YOURS = (
    "Not an account you manage. A new account needs an initial password and an account name "
    "nobody uses yet."
)


def sign_in(client: Client, username: str, password: str = PASSWORD) -> int:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code


def test_repeated_failed_sign_ins_are_throttled(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("clerk")
    client = Client()
    for _ in range(3):
        assert sign_in(client, "clerk", "wrong") == 200
    # Even the right password is refused during the cool-down.
    client.cookies["leitai_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_successful_sign_in_clears_the_failures(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("clerk2")
    client = Client()
    for _ in range(2):
        sign_in(client, "clerk2", "wrong")
    assert sign_in(client, "clerk2") == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        sign_in(client, "clerk2", "wrong")
    assert sign_in(client, "clerk2") == 302


def test_initial_password_must_be_changed_before_anything_else() -> None:
    make_user("fresh", must_change_password=True)
    client = Client()
    assert sign_in(client, "fresh") == 302
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-one-7",
            "new_password2": "a-much-better-one-7",
        },
    )
    assert response.status_code == 302
    assert not User.objects.get(username="fresh").must_change_password


def test_organiser_resets_a_password_in_scope_and_sees_it_once() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["shinan"])
    make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    client = Client()
    sign_in(client, "org")
    response = client.post(reverse("accounts:reset_password", args=["sec"]))
    new_password = response.context["password"]
    assert len(new_password) == 10
    assert User.objects.get(username="sec").must_change_password
    assert sign_in(Client(), "sec", new_password) == 302


def test_organiser_cannot_reach_accounts_outside_scope() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["shinan"])
    make_user("far", role=Role.SECRETARY, unit=city["village"])
    client = Client()
    sign_in(client, "org")
    assert client.post(reverse("accounts:reset_password", args=["far"])).status_code == 404
    assert client.get(reverse("accounts:user", args=["far"])).status_code == 404


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run_import(path: Path, actor: User, *, apply: bool = True, prune: bool = False):
    with translation.override("en"):
        importer = UserImporter()
        if apply:
            return importer.apply(
                path,
                path.name,
                actor=actor,
                prune=prune,
                progress=lambda *a: None,
                expected_digest=None,
            )
        return importer.check(path, path.name, actor=actor, prune=prune, progress=lambda *a: None)


def test_account_import_creates_accounts_and_roles(tmp_path: Path) -> None:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    path = write(
        tmp_path / "users.csv",
        "账号,姓名,初始密码,单位编码,角色\n"
        "zsx,郑素秀,Init-pass-1,3702020101,书记\n"
        "zsx,郑素秀,,37020201,主办\n"
        "rev,评审员,Init-pass-2,370202,reviewer\n",
    )
    plan = run_import(path, organiser)
    assert plan.counts == {"rows": 3, "create": 2, "grant": 3, "unchanged": 0, "remove": 0}
    user = User.objects.get(username="zsx")
    assert user.must_change_password
    assert user.check_password("Init-pass-1")
    assert set(Membership.objects.filter(user=user).values_list("unit__code", "role")) == {
        ("3702020101", Role.SECRETARY),
        ("37020201", Role.HOST),
    }
    again = run_import(path, organiser, apply=False)
    assert again.counts["unchanged"] == 3
    assert again.counts["create"] == 0


def test_account_import_errors_name_row_and_reason(tmp_path: Path) -> None:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["shinan"])
    path = write(
        tmp_path / "users.csv",
        "账号,姓名,初始密码,单位编码,角色\n"
        "a,甲,short,3702020101,书记\n"
        "b,乙,Long-enough-1,404,书记\n"
        "c,丙,Long-enough-1,3702850101,书记\n"
        "d,丁,Long-enough-1,3702020101,boss\n"
        "e,戊,,3702020101,书记\n",
    )
    with pytest.raises(ImportRejected) as caught:
        run_import(path, organiser, apply=False)
    assert [(p.row, p.column, p.reason) for p in caught.value.problems] == [
        (2, "初始密码", "Initial passwords need at least 8 characters."),
        (3, "单位编码", "Unknown unit code."),
        (
            4,
            "单位编码",
            "Outside your scope: you may give roles only below the units you organise.",
        ),
        (5, "角色", "Unknown role; allowed: 组织部、评审、主办、书记."),
        (6, "账号", NOT_YOURS),
    ]
    assert not User.objects.filter(username__in="abcde").exists()
