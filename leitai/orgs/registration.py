"""Plugs the organisation importer into the shared import path."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leitai.core.import_views import ImportKind, register_kind
from leitai.core.imports import register_importer
from leitai.orgs.access import can_import_orgs, is_superuser
from leitai.orgs.importing.rows import COLUMNS


def register() -> None:
    register_importer("orgs", "leitai.orgs.importing.importer.OrgImporter")
    register_kind(
        ImportKind(
            key="orgs",
            title=_("Import the organisation tree"),
            permitted=can_import_orgs,
            columns=COLUMNS,
            example_rows=[
                ["370200", "中共青岛市委", "", "党委", "其他", "", "否", "", "", ""],
                ["370202", "中共青岛市市南区委", "370200", "党委", "其他", "", "是", "", "", ""],
                [
                    "37020201",
                    "金湖路街道党工委",
                    "370202",
                    "党工委",
                    "城市社区",
                    "",
                    "",
                    "1984-05",
                    "126",
                    "是",
                ],
            ],
            categories=[
                ("create", _("New units"), [_("Code"), _("Name"), _("Parent code")]),
                ("rename", _("Renamed"), [_("Code"), _("Old name"), _("New name")]),
                ("move", _("Moved"), [_("Code"), _("Old parent"), _("New parent")]),
                ("update", _("Other changes"), [_("Code"), _("Changed columns")]),
                ("unchanged", _("Unchanged"), []),
                ("absent", _("Absent from the file"), [_("Code")]),
                ("prune", _("To be removed"), []),
            ],
            back_url_name="orgs:tree",
            prune_label=_("Remove units absent from the file"),
            notes=[
                _("Codes: letters A–Z and a–z, digits and - _ . (no spaces or slashes)."),
                _(
                    "Kinds: 党委, 党工委, 工委, 党组, 党总支, 党支部, 其他. "
                    "Sectors: 农村, 城市社区, 国有企业, 两新组织, 机关事业单位, 学校, 其他."
                ),
                _("Evaluating unit: 是 or 否; empty means the default (the root's children)."),
                _(
                    "Optional facts: founded (成立时间) as 2019-03, 2019-03-15 or 2019年3月; "
                    "members (党员人数), a whole number; party groups (是否设党小组), 是 or 否. "
                    "An empty cell means not known; a file without these columns leaves them "
                    "as they are."
                ),
                _(
                    "Re-importing updates units by code. Units absent from the file are kept "
                    "unless you choose to remove them."
                ),
            ],
            sees_every_job=is_superuser,
        )
    )
