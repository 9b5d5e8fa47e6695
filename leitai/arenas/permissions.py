"""Who may do what with an arena (called by every arena view, endpoint and topic)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from leitai.accounts import permissions
from leitai.accounts.models import Role
from leitai.accounts.permissions import Grant, Person
from leitai.arenas.models import Arena

if TYPE_CHECKING:
    from leitai.orgs.models import Unit

# Who sees an arena's staff pages, and who sets up and runs one (over the host unit's subtree).
STAFF_ROLES = frozenset({Role.ORGANISER, Role.REVIEWER, Role.HOST})
RUNNER_ROLES = frozenset({Role.ORGANISER, Role.HOST})


def can_view_arena(user: Person, arena: Arena) -> bool:
    """Staff views of an arena: those who hold any role over its host unit."""
    return bool(permissions.roles_over(user, arena.host) & STAFF_ROLES)


def can_run_arena(user: Person, arena: Arena) -> bool:
    """Set up and run: a host or organiser over the host unit."""
    return can_host_at(user, arena.host)


def can_host_at(user: Person, unit: Unit) -> bool:
    """An arena may be hosted at `unit` by an organiser or host over it."""
    return bool(permissions.roles_over(user, unit) & RUNNER_ROLES)


def can_create_arenas(user: Person) -> bool:
    return permissions.has_role(user, *RUNNER_ROLES)


def can_list_arenas(user: Person) -> bool:
    """The arena list: staff, and secretaries (who find the arenas open to their units there)."""
    return permissions.is_superuser(user) or permissions.has_role(
        user, *STAFF_ROLES, Role.SECRETARY
    )


def visible_arenas_q(user: Person) -> Q:
    """The arenas hosted inside the user's staff scope."""
    return permissions.unit_scope_q(user, prefix="host__", roles=list(STAFF_ROLES))


def host_grants(user: Person) -> list[Grant]:
    """The user's organiser and host memberships (the units they may host arenas at)."""
    return permissions.scope_grants(user, roles=list(RUNNER_ROLES))


def secretary_grants(user: Person) -> list[Grant]:
    """The user's secretary memberships (the units they may register)."""
    return permissions.scope_grants(user, roles=[Role.SECRETARY])


def can_register(user: Person, arena: Arena, unit: Unit) -> bool:
    """A secretary registers their own unit into an open arena of a host above it."""
    if can_run_arena(user, arena):
        return True
    return (
        arena.registration_open
        and Role.SECRETARY in permissions.roles_over(user, unit)
        and unit.path.startswith(arena.host.path)
        and unit.pk != arena.host_id
    )
