"""Who may do what with the evidence about units: predicates over roles, called by the views,
the import path and (later) the API alike. The roles themselves are accounts' (DESIGN.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from leitai.accounts.models import Role
from leitai.accounts.permissions import (
    Person,
    can_view_unit,
    has_role,
    is_organiser,
    unit_scope_q,
)

if TYPE_CHECKING:
    from leitai.orgs.models import Unit


# -- daily data (灯塔-党建在线) -------------------------------------------------------------------
# The platform's export is one file for the whole programme: organisers import it, for the units
# they organise (a row outside that scope is refused). Reviewers, hosts and committees read it
# but do not bring it: they run evaluations on it, and the figures must not come from whoever is
# judged or judges. A secretary sees its own unit's figures.


def can_import_daily(user: Person) -> bool:
    return is_organiser(user)


def can_view_unit_daily(user: Person, unit: Unit) -> bool:
    """Whoever may see the unit: its secretary, roles over its subtree, organisers."""
    return can_view_unit(user, unit)


def can_view_daily_overview(user: Person) -> bool:
    """The distribution of scores: organisers, and reviewers for their evaluating unit."""
    return has_role(user, Role.ORGANISER, Role.REVIEWER)


def daily_overview_scope_q(user: Person, *, prefix: str = "") -> Q:
    """The units whose scores the overview shows to this user."""
    return unit_scope_q(user, prefix=prefix, roles=[Role.ORGANISER, Role.REVIEWER])
