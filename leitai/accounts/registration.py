"""Plugs the account importer into the shared import path."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leitai.accounts.importing import COLUMNS
from leitai.accounts.permissions import can_manage_accounts, is_superuser
from leitai.core.import_views import ImportKind, register_kind
from leitai.core.imports import register_importer


def register() -> None:
    register_importer("users", "leitai.accounts.importing.UserImporter")
    register_kind(
        ImportKind(
            key="users",
            title=_("Import accounts"),
            permitted=can_manage_accounts,
            columns=COLUMNS,
            example_rows=[
                ["zhengsuxiu", "郑素秀", "Qd-2024-init", "37020201001", "书记"],
                ["jinhulu-host", "金湖路街道组织委员", "Qd-2024-init", "37020201", "主办"],
            ],
            categories=[
                ("create", _("New accounts"), [_("Account"), _("Name")]),
                ("grant", _("New roles"), [_("Account"), _("Unit code"), _("Role")]),
                ("unchanged", _("Roles already held"), []),
                ("remove", _("Roles to be removed"), [_("Account"), _("Unit code"), _("Role")]),
            ],
            back_url_name="accounts:users",
            prune_label=_("Remove roles absent from the file (within your scope)"),
            notes=[
                _("Roles: 组织部 (organiser), 评审 (reviewer), 主办 (host), 书记 (secretary)."),
                _(
                    "One row per role; an account with two roles takes two rows. New accounts "
                    "need an initial password of at least 8 characters and must change it at "
                    "first sign-in."
                ),
                _(
                    "Account names: letters, digits and @ . + - _. An existing account can be "
                    "changed only when every role it holds lies within your scope."
                ),
            ],
            sees_every_job=is_superuser,
        )
    )
