"""Every access decision in Leitai is made here.

A membership (user, unit, role) grants an organiser, reviewer or host the role over the unit's
whole subtree, and a secretary over the one unit. Superusers see everything. Views answer 404 for
an object outside the user's scope (existence does not leak), 403 for one in scope that the role
may not change, and send anonymous users to sign in (401 on the API).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from leitai.accounts.models import SUBTREE_ROLES, Membership, Role, User
from leitai.orgs.paths import depth_of, subtree_range
from leitai.orgs.queries import any_subtree_q

if TYPE_CHECKING:
    from leitai.orgs.models import Unit

CACHE_ATTRIBUTE = "_leitai_grants"

# Whom a decision is about: a signed-in account or an anonymous visitor (`request.user`).
Person: TypeAlias = User | AnonymousUser


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    path: str

    def covers(self, path: str) -> bool:
        if self.role in SUBTREE_ROLES:
            low, high = subtree_range(self.path)
            return low <= path < high
        return path == self.path


def grants_of(user: Person) -> tuple[Grant, ...]:
    """The user's memberships, read once per user object (one query per request)."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = tuple(
            Grant(role=role, unit_id=unit_id, path=path)
            for role, unit_id, path in Membership.objects.filter(user=user).values_list(
                "role", "unit_id", "unit__path"
            )
        )
        setattr(user, CACHE_ATTRIBUTE, cached)
    return cached


def forget_grants(user: Person) -> None:
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def is_superuser(user: Person) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def has_role(user: Person, *roles: str) -> bool:
    return is_superuser(user) or any(g.role in roles for g in grants_of(user))


def is_organiser(user: Person) -> bool:
    return has_role(user, Role.ORGANISER)


def organises_a_top_unit(user: Person) -> bool:
    """Organises a whole tree (a unit without a parent): keeps what is the deployment's, not a
    unit's — the holiday calendar every notice period is counted on."""
    return is_superuser(user) or any(
        g.role == Role.ORGANISER and depth_of(g.path) == 0 for g in grants_of(user)
    )


def roles_over(user: Person, unit: Unit) -> set[str]:
    """The roles the user holds over this unit (through it or an ancestor)."""
    if is_superuser(user):
        return {role.value for role in Role}
    return {g.role for g in grants_of(user) if g.covers(unit.path)}


def has_any_role(user: Person) -> bool:
    """Holds some role over some unit (superusers hold every role)."""
    return is_superuser(user) or bool(grants_of(user))


def can_view_unit(user: Person, unit: Unit) -> bool:
    return bool(roles_over(user, unit))


def reaches_subtree(user: Person, unit: Unit) -> bool:
    """A role over the unit that reaches below it (a secretary's covers the one unit only)."""
    return any(role in SUBTREE_ROLES for role in roles_over(user, unit))


def can_manage_unit(user: Person, unit: Unit) -> bool:
    """Organisers change the tree and the accounts within their subtree."""
    return Role.ORGANISER in roles_over(user, unit)


def can_import_orgs(user: Person) -> bool:
    return is_organiser(user)


def can_manage_accounts(user: Person) -> bool:
    return is_organiser(user)


def manageable_accounts_q(actor: Person) -> Q:
    """Q for the accounts the actor may see and change (reset, rename, grant, prune).

    An account is the actor's only when it lies wholly inside the actor's organiser scope: it holds
    at least one role, and every role it holds is over a unit the actor organises. One role in
    scope is not enough: it would let a district organiser reach the city organiser's account
    after giving it a role in the district. Superusers and staff are changed by superusers only.
    Accounts an import is staging are nobody's until it completes.
    """
    # An account an import is still staging is nobody's yet (it holds no role either).
    current = Q(staged_by__isnull=True)
    if is_superuser(actor):
        return current
    in_scope = organised_scope_q(actor, prefix="unit__")
    roles = Membership.objects.filter(user=OuterRef("pk"))
    # EXISTS / NOT EXISTS rather than IN / NOT IN: with 50,000 accounts the accounts list stays
    # within a few tens of ms on PostgreSQL and SQLite alike, for the city's organiser and a
    # street's (NOT IN over a subquery cannot become an anti-join on PostgreSQL).
    return (
        Exists(roles.filter(in_scope))
        & ~Exists(roles.exclude(in_scope))
        & Q(is_superuser=False, is_staff=False)
        & current
    )


def can_manage_account(actor: Person, account: User) -> bool:
    return User.objects.filter(manageable_accounts_q(actor), pk=account.pk).exists()


def scope_grants(user: Person, roles: Iterable[str] | None = None) -> list[Grant]:
    wanted = set(roles) if roles is not None else None
    return [g for g in grants_of(user) if wanted is None or g.role in wanted]


def unit_scope_q(user: Person, *, prefix: str = "", roles: Iterable[str] | None = None) -> Q:
    """Q restricting units (or, with prefix "unit__", rows pointing at units) to the scope."""
    if is_superuser(user):
        return Q()
    grants = scope_grants(user, roles)
    subtree_paths = [g.path for g in grants if g.role in SUBTREE_ROLES]
    single_ids = [g.unit_id for g in grants if g.role not in SUBTREE_ROLES]
    q = any_subtree_q(subtree_paths, prefix=prefix)
    if single_ids:
        q |= Q(**{f"{prefix}pk__in": single_ids})
    return q


def organised_top_paths(user: Person) -> list[str]:
    """The highest units the user organises."""
    return top_paths(user, roles=[Role.ORGANISER])


def organised_scope_q(user: Person, *, prefix: str = "") -> Q:
    """Q restricting units (or rows pointing at units) to those the user organises."""
    return unit_scope_q(user, prefix=prefix, roles=[Role.ORGANISER])


def top_paths(user: Person, roles: Iterable[str] | None = None) -> list[str]:
    """The highest units of the user's scope: no path in the list lies below another."""
    paths = sorted({g.path for g in scope_grants(user, roles)})
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops
