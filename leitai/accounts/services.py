"""Every write to accounts and memberships."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.hashers import make_password
from django.db import transaction

from leitai.accounts.models import Membership, User
from leitai.accounts.permissions import forget_grants

# No 0/O, 1/l/I: initial passwords are read aloud and copied from paper.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def generate_password(length: int = 10) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    display_name: str = "",
    must_change_password: bool = True,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        display_name=display_name,
        must_change_password=must_change_password,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.password = make_password(password)
    user.save()
    return user


@transaction.atomic
def grant_role(*, user: User, unit: object, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    forget_grants(user)
    return membership


@transaction.atomic
def reset_password(*, user: User) -> str:
    """A new one-time password; the user must replace it at the next sign-in."""
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def change_password(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
