"""Who sees and changes which units: the rules `orgs` asks, answered by the app holding the roles.

`orgs` is the lower of the two apps: the accounts' memberships point at `orgs.Unit`, so `orgs`
imports nothing of `accounts` (a contract in `.importlinter` says so). The unit pages, the API and
the tree import still need a user's roles; they call the predicates below, which ask the
`UnitAccess` that `accounts` provides in its `AppConfig.ready()` (`provide(...)`). The rules
themselves stay in `accounts/permissions.py`, made once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from leitai.orgs.models import Unit


@dataclass(frozen=True)
class UnitAccess:
    """The predicates and reads over roles that `orgs` needs, given by the app holding the roles."""

    is_superuser: Callable[[Any], bool]
    # The user holds some role, over some unit.
    has_any_role: Callable[[Any], bool]
    can_view_unit: Callable[[Any, Unit], bool]
    can_manage_unit: Callable[[Any, Unit], bool]
    # The user's role over the unit reaches its subtree (not a secretary's, of the one unit).
    reaches_subtree: Callable[[Any, Unit], bool]
    can_import_orgs: Callable[[Any], bool]
    # The highest units' paths of the user's scope, and of the part the user organises.
    top_paths: Callable[[Any], list[str]]
    organised_top_paths: Callable[[Any], list[str]]
    # (unit id, number of memberships) for those of the units that have any.
    memberships_per_unit: Callable[[Sequence[int]], list[tuple[int, int]]]


_provided: UnitAccess | None = None


def provide(access: UnitAccess) -> None:
    global _provided
    _provided = access


def _access() -> UnitAccess:
    if _provided is None:
        raise ImproperlyConfigured("No app provides the unit access rules (leitai.accounts does).")
    return _provided


def is_superuser(user: Any) -> bool:
    return _access().is_superuser(user)


def has_any_role(user: Any) -> bool:
    return _access().has_any_role(user)


def can_view_unit(user: Any, unit: Unit) -> bool:
    return _access().can_view_unit(user, unit)


def can_manage_unit(user: Any, unit: Unit) -> bool:
    return _access().can_manage_unit(user, unit)


def reaches_subtree(user: Any, unit: Unit) -> bool:
    return _access().reaches_subtree(user, unit)


def can_import_orgs(user: Any) -> bool:
    return _access().can_import_orgs(user)


def top_paths(user: Any) -> list[str]:
    return _access().top_paths(user)


def organised_top_paths(user: Any) -> list[str]:
    return _access().organised_top_paths(user)


def memberships_per_unit(unit_ids: Sequence[int]) -> list[tuple[int, int]]:
    return _access().memberships_per_unit(unit_ids)
