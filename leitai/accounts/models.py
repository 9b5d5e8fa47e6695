from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # Set for imported accounts and after an organiser's reset: the first sign-in must choose a
    # password nobody else has seen (there is no mail server to send a reset link).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Set while an account import writes this new account in short transactions: the account is
    # inactive (no sign-in) and left out of every list until the import's last, short
    # transaction makes it current; a failed or interrupted import deletes it. Its username is
    # reserved meanwhile, so a concurrent creation of the same name fails on one side, cleanly.
    staged_by = models.ForeignKey(
        "core.ImportJob",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def label(self) -> str:
        if self.display_name and self.display_name != self.username:
            return f"{self.display_name} ({self.username})"
        return self.username


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    REVIEWER = "reviewer", _("Reviewer")
    HOST = "host", _("Host")
    SECRETARY = "secretary", _("Secretary")


# Chinese words accepted in account spreadsheets, beside the codes.
ROLE_WORDS: dict[str, str] = {
    "组织部": Role.ORGANISER,
    "组织者": Role.ORGANISER,
    "评审": Role.REVIEWER,
    "初评": Role.REVIEWER,
    "主办": Role.HOST,
    "主办方": Role.HOST,
    "书记": Role.SECRETARY,
}
ROLE_LABELS_ZH = {
    Role.ORGANISER: "组织部",
    Role.REVIEWER: "评审",
    Role.HOST: "主办",
    Role.SECRETARY: "书记",
}

# Roles that reach the whole subtree below their unit; a secretary's covers the one unit.
SUBTREE_ROLES = frozenset({Role.ORGANISER, Role.REVIEWER, Role.HOST})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="accounts_membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit.name}"


class StagedChange(models.TextChoices):
    # Never shown: the staging rows live for the length of one import.
    GRANT = "grant"
    RENAME = "rename"
    REMOVE = "remove"


class StagedAccountChange(models.Model):
    """A change an account import has written but not yet made current: a role to grant, a display
    name to set, a role to remove. Written in short transactions (so no other write waits long for
    SQLite's lock), applied together in the import's last transaction, deleted with the job's
    staged accounts if the import fails or its server stops."""

    job = models.ForeignKey("core.ImportJob", on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=8, choices=StagedChange.choices)
    # CASCADE everywhere: a row vanishing under a staged change shows in the final count check,
    # which then refuses the import as stale rather than applying part of it.
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, null=True, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    display_name = models.CharField(max_length=64, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.job_id} · {self.change}"
