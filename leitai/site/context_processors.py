from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leitai.accounts import permissions
from leitai.arenas.permissions import can_list_arenas
from leitai.evidence.permissions import own_unit, sees_verification_queue


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation bar, by role: each entry only for those who may use it."""
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated and not user.must_change_password:
        items.append((str(_("Home")), reverse("site:home")))
        if permissions.has_any_role(user):
            items.append((str(_("Organisations")), reverse("orgs:tree")))
        if can_list_arenas(user):
            items.append((str(_("Arenas")), reverse("arenas:list")))
        if sees_verification_queue(user):
            items.append((str(_("Honours")), reverse("evidence:queue")))
        elif (unit_id := own_unit(user)) is not None:
            # A secretary's honours and vetoes: the evidence page of its one unit.
            items.append((str(_("Honours")), reverse("evidence:unit", args=[unit_id])))
        if permissions.can_import_orgs(user):
            items.append((str(_("Import")), reverse("core:import_upload", args=["orgs"])))
        if permissions.can_manage_accounts(user):
            items.append((str(_("Accounts")), reverse("accounts:users")))
        if permissions.is_organiser(user):
            items.append((str(_("Live")), reverse("live:status")))
    return {
        "nav_items": items,
        "current_path": request.path,
        "languages": settings.LANGUAGES,
        "site_name": _("Leitai"),
    }
