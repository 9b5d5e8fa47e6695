"""Who may do what with an arena (called by every arena view, endpoint and topic)."""

from __future__ import annotations

from typing import Any

from leitai.accounts import permissions
from leitai.accounts.models import Role
from leitai.arenas.models import Arena


def can_view_arena(user: Any, arena: Arena) -> bool:
    """Staff views of an arena: those who hold any role over its host unit."""
    roles = permissions.roles_over(user, arena.host)
    return bool(roles & {Role.ORGANISER, Role.REVIEWER, Role.HOST})


def can_run_arena(user: Any, arena: Arena) -> bool:
    """Set up and run: a host or organiser over the host unit."""
    return bool(permissions.roles_over(user, arena.host) & {Role.ORGANISER, Role.HOST})


def can_create_arenas(user: Any) -> bool:
    return permissions.has_role(user, Role.ORGANISER, Role.HOST)


def can_register(user: Any, arena: Arena, unit: Any) -> bool:
    """A secretary registers their own unit into an open arena of a host above it."""
    if can_run_arena(user, arena):
        return True
    return (
        arena.registration_open
        and Role.SECRETARY in permissions.roles_over(user, unit)
        and unit.path.startswith(arena.host.path)
        and unit.pk != arena.host_id
    )
