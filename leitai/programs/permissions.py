"""Who may see and change a programme's settings: organisers, for the programmes whose root lies
in the subtree they organise (the same rule as changing the tree: `can_manage_unit`). Everyone
else is refused: 403 for the list, 404 for a programme outside the organiser's scope (existence
does not leak), and anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from leitai.accounts.permissions import Person, can_manage_unit, is_organiser, organised_scope_q

if TYPE_CHECKING:
    from leitai.programs.models import Programme


def can_view_programmes(user: Person) -> bool:
    return is_organiser(user)


def can_edit_programme(user: Person, programme: Programme | None) -> bool:
    """An organiser over the programme's root (a superuser too)."""
    return programme is not None and can_manage_unit(user, programme.root)


def programmes_q(user: Person) -> Q:
    """The programmes an organiser may change: those whose root lies in the subtrees organised."""
    return organised_scope_q(user, prefix="root__")
