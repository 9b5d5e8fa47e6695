"""Which programme applies, read by the apps that hang from it (docs/developer/programme.md).

A programme names its root unit: it applies to the root's whole subtree. Where programmes nest or
follow each other, a unit is judged by the latest one over it (the highest year, then the newest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leitai.programs.models import Programme

if TYPE_CHECKING:
    from leitai.orgs.models import Unit

_LATEST = ("-year", "-created_at", "-pk")


def programme_for(unit: Unit) -> Programme | None:
    """The latest programme whose root is the unit or one of its ancestors; None if none is."""
    from leitai.orgs.paths import path_ids

    return (
        Programme.objects.filter(root_id__in=path_ids(unit.path))
        .select_related("root")
        .order_by(*_LATEST)
        .first()
    )


def current_programme() -> Programme | None:
    """The latest programme of all: the one a page about many units (the organisers' overview,
    the import's checks) reads when it names no unit."""
    return Programme.objects.select_related("root").order_by(*_LATEST).first()
