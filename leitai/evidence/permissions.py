"""Who may see, enter, verify and veto evidence: predicates over the roles of
leitai.accounts.permissions, called by the views, the import and the services alike.

- seeing a unit's evidence: any role over the unit (`can_view_unit`);
- entering or editing an honour: the unit's own secretary, a reviewer or an organiser whose scope
  covers the unit;
- verifying or rejecting it: the committee above the unit (an organiser whose membership is at a
  unit strictly above it) or a reviewer whose scope covers it (the reviewer of its evaluating
  unit) — never whoever entered it or edited it last;
- recording or lifting a veto: the committee above the unit (an organiser strictly above it);
- importing the platform's daily data: organisers, for the units they organise; seeing a unit's
  daily data: whoever may see the unit; the distribution of scores: organisers and reviewers.

A unit outside the user's scope answers 404 (the views ask `can_view_unit` first), one in scope
that the role may not change 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from leitai.accounts.models import Role
from leitai.accounts.permissions import (
    Person,
    can_view_unit,
    grants_of,
    has_role,
    is_organiser,
    is_superuser,
    roles_over,
    unit_scope_q,
)
from leitai.orgs.queries import subtree_q
from leitai.programs.permissions import can_edit_programme

if TYPE_CHECKING:
    from leitai.evidence.models import Honour, Veto
    from leitai.orgs.models import Unit
    from leitai.programs.models import Programme

__all__ = [
    "can_change_programme_rules",
    "can_enter_honour",
    "can_import_daily",
    "can_import_honours",
    "can_lift_veto",
    "can_record_veto",
    "can_see_file",
    "can_verify_honour",
    "can_view_daily_overview",
    "can_view_evidence",
    "can_view_unit_daily",
    "daily_overview_scope_q",
    "is_verifier_for",
    "own_unit",
    "sees_verification_queue",
    "verifiable_q",
]


def can_view_evidence(user: Person, unit: Unit) -> bool:
    return can_view_unit(user, unit)


def _organises_above(user: Person, unit: Unit) -> bool:
    """An organiser's membership at a unit strictly above this one: the committee above it."""
    return any(
        g.role == Role.ORGANISER and g.path != unit.path and g.covers(unit.path)
        for g in grants_of(user)
    )


def can_enter_honour(user: Person, unit: Unit) -> bool:
    if is_superuser(user):
        return True
    if any(g.role == Role.SECRETARY and g.unit_id == unit.pk for g in grants_of(user)):
        return True
    return bool(roles_over(user, unit) & {Role.REVIEWER, Role.ORGANISER})


def can_edit_honour(user: Person, honour: Honour) -> bool:
    return can_enter_honour(user, honour.unit)


def is_verifier_for(user: Person, unit: Unit) -> bool:
    """The committee above the unit, or a reviewer over it."""
    return (
        is_superuser(user)
        or _organises_above(user, unit)
        or Role.REVIEWER in roles_over(user, unit)
    )


def can_verify_honour(user: Person, honour: Honour) -> bool:
    """A verifier of the unit who neither entered the record nor edited it last."""
    me = getattr(user, "pk", None)
    return (
        is_verifier_for(user, honour.unit)
        and honour.entered_by_id != me
        and honour.edited_by_id != me
    )


def can_change_programme_rules(user: Person, programme: Programme | None) -> bool:
    """Whether the evidence pages offer a link to change the rules they show."""
    return can_edit_programme(user, programme)


def can_see_file(user: Person, unit: Unit) -> bool:
    return can_view_evidence(user, unit)


def can_record_veto(user: Person, unit: Unit) -> bool:
    return is_superuser(user) or _organises_above(user, unit)


def can_lift_veto(user: Person, veto: Veto) -> bool:
    return can_record_veto(user, veto.unit)


def can_import_honours(user: Person) -> bool:
    """Reviewers and organisers import for the units in their scope (each row is checked)."""
    return has_role(user, Role.REVIEWER, Role.ORGANISER)


def sees_verification_queue(user: Person) -> bool:
    return has_role(user, Role.REVIEWER, Role.ORGANISER)


def own_unit(user: Person) -> int | None:
    """The unit of a user whose only memberships are one unit's secretary (its id), else None."""
    units = {g.unit_id for g in grants_of(user) if g.role == Role.SECRETARY}
    others = [g for g in grants_of(user) if g.role != Role.SECRETARY]
    return units.pop() if len(units) == 1 and not others else None


def verifiable_q(user: Person, *, prefix: str = "unit__") -> Q:
    """Q over rows pointing at units (honours) that the user verifies: the subtrees of its
    reviewer memberships, and below (not at) its organiser memberships."""
    if is_superuser(user):
        return Q()
    combined = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role == Role.REVIEWER:
            combined |= subtree_q(grant.path, prefix=prefix)
        elif grant.role == Role.ORGANISER:
            combined |= subtree_q(grant.path, prefix=prefix) & ~Q(**{f"{prefix}pk": grant.unit_id})
    return combined


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
