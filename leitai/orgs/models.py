"""The organisation tree.

Subtrees are addressed by a materialised path of fixed-width decimal segments, one per ancestor's
id (see `paths.py`). Digits only, so a subtree is the half-open range [path, next(path)) under any
collation: SQLite's LIKE 'prefix%' would not use the index, a range does, on both databases.
Per-subtree counts by sector and kind are kept in `counts` by the services that change the tree,
so a page never counts a million rows.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", pgettext_lazy("unit kind", "Party committee (党委)")
    WORKING_COMMITTEE = (
        "working_committee",
        pgettext_lazy("unit kind", "Working committee (党工委)"),
    )
    WORK_COMMITTEE = "work_committee", pgettext_lazy("unit kind", "Work committee (工委)")
    LEADING_GROUP = "leading_group", pgettext_lazy("unit kind", "Leading party group (党组)")
    GENERAL_BRANCH = "general_branch", pgettext_lazy("unit kind", "General branch (党总支)")
    BRANCH = "branch", pgettext_lazy("unit kind", "Branch (党支部)")
    OTHER = "other", pgettext_lazy("unit kind", "Other")


class Sector(models.TextChoices):
    RURAL = "rural", pgettext_lazy("sector", "Rural (农村)")
    URBAN_COMMUNITY = "urban_community", pgettext_lazy("sector", "Urban community (城市社区)")
    STATE_ENTERPRISE = (
        "state_enterprise",
        pgettext_lazy("sector", "State-owned enterprise (国有企业)"),
    )
    NON_PUBLIC = "non_public", pgettext_lazy("sector", "Non-public organisation (两新组织)")
    AGENCY = "agency", pgettext_lazy("sector", "Agency or public institution (机关事业单位)")
    SCHOOL = "school", pgettext_lazy("sector", "School (学校)")
    OTHER = "other", pgettext_lazy("sector", "Other")


# The words spreadsheets use: the Chinese names are what officials type; the codes are accepted too.
KIND_WORDS: dict[str, str] = {
    "党委": UnitKind.COMMITTEE,
    "党工委": UnitKind.WORKING_COMMITTEE,
    "工委": UnitKind.WORK_COMMITTEE,
    "党组": UnitKind.LEADING_GROUP,
    "党总支": UnitKind.GENERAL_BRANCH,
    "党支部": UnitKind.BRANCH,
    "其他": UnitKind.OTHER,
}
SECTOR_WORDS: dict[str, str] = {
    "农村": Sector.RURAL,
    "城市社区": Sector.URBAN_COMMUNITY,
    "国有企业": Sector.STATE_ENTERPRISE,
    "两新组织": Sector.NON_PUBLIC,
    "机关事业单位": Sector.AGENCY,
    "学校": Sector.SCHOOL,
    "其他": Sector.OTHER,
}
KIND_LABELS_ZH = {code: word for word, code in KIND_WORDS.items()}
SECTOR_LABELS_ZH = {code: word for word, code in SECTOR_WORDS.items()}


def empty_counts() -> dict[str, Any]:
    return {"total": 0, "sector": {}, "kind": {}}


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    secretary = models.CharField(_("secretary"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_evaluating = models.BooleanField(_("evaluating unit"), default=False)
    # Facts the evidence rules read (issue 11). The founding month is stored as its first day;
    # unknown facts stay empty (null), never a made-up default.
    founded = models.DateField(
        _("founded"),
        null=True,
        blank=True,
        help_text=_("Month the unit was founded (stored as the first day of that month)."),
    )
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    has_party_groups = models.BooleanField(
        _("has party groups"),
        null=True,
        blank=True,
        help_text=_("Whether the branch has party groups (党小组); empty when not known."),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # {"total": n, "sector": {sector: n}, "kind": {kind: n}} over the subtree, the unit included.
    counts = models.JSONField(default=empty_counts, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "code"], name="orgs_unit_parent_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def ancestor_ids(self) -> list[int]:
        from leitai.orgs.paths import path_ids

        return path_ids(self.path)[:-1]


class TreeState(models.Model):
    """One row: a version number bumped by every change to the tree.

    Per-process caches (the search index) compare it to decide whether to reload.
    """

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tree state")

    def __str__(self) -> str:
        return f"tree version {self.version}"
