from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "leitai.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from leitai.accounts import permissions
        from leitai.accounts.queries import memberships_per_unit
        from leitai.accounts.registration import register
        from leitai.core.workdays.access import set_editor_rule
        from leitai.live.permissions import set_operator_rule
        from leitai.orgs.access import UnitAccess, provide

        register()
        # Organisers operate the live hub (its figures, check messages); live knows no role.
        set_operator_rule(permissions.is_organiser)
        # Organisers of a whole tree enter the holidays of the years the calendar package does
        # not know (the calendar is the deployment's: a district's organiser does not change it).
        set_editor_rule(permissions.organises_a_top_unit)
        # The unit pages, API and tree import ask these; orgs imports nothing of accounts.
        provide(
            UnitAccess(
                is_superuser=permissions.is_superuser,
                has_any_role=permissions.has_any_role,
                can_view_unit=permissions.can_view_unit,
                can_manage_unit=permissions.can_manage_unit,
                reaches_subtree=permissions.reaches_subtree,
                can_import_orgs=permissions.can_import_orgs,
                top_paths=permissions.top_paths,
                organised_top_paths=permissions.organised_top_paths,
                memberships_per_unit=memberships_per_unit,
            )
        )
