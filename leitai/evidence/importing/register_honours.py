"""Plugs the honours importer into the shared import path."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leitai.accounts.permissions import is_superuser
from leitai.core.import_views import ImportKind, register_kind
from leitai.core.imports import register_importer
from leitai.evidence.importing.honours import COLUMNS
from leitai.evidence.permissions import can_import_honours


def register_honours_import() -> None:
    register_importer("honours", "leitai.evidence.importing.honours.HonourImporter")
    register_kind(
        ImportKind(
            key="honours",
            title=_("Import honours"),
            permitted=can_import_honours,
            columns=COLUMNS,
            example_rows=[
                [
                    "3702020101",
                    "青岛市先进基层党组织",
                    "市级",
                    "中共青岛市委",
                    "青发〔2024〕12号",
                    "2024-06-28",
                    "青发2024-12.pdf",
                ],
                [
                    "3702020101",
                    "市南区五好党支部",
                    "区级",
                    "中共青岛市市南区委",
                    "南发[2023]5号",
                    "2023-07-01",
                    "",
                ],
            ],
            categories=[
                (
                    "create",
                    _("New honours (pending verification)"),
                    [
                        _("Unit code"),
                        _("Title"),
                        _("Level"),
                        _("Document number"),
                        _("Date"),
                        _("Evidence file"),
                    ],
                ),
            ],
            back_url_name="evidence:queue",
            prune_label="",
            notes=[
                _("Levels: 国家级, 省级, 市级, 区级 (区(市)级, 县级), 街道级 (镇级, 乡级)."),
                _(
                    "Each row becomes a record pending verification. Its evidence file (PDF, "
                    "JPEG or PNG, up to 20 MB) is the file of the .zip its file-name column "
                    "names, or is attached on the record's page afterwards: a record without "
                    "its file cannot be verified."
                ),
                _(
                    "A unit and a document number are one record: a document already in the "
                    "registry for the unit is refused, naming the record (edit it to raise its "
                    "level)."
                ),
            ],
            sees_every_job=is_superuser,
            attachments_label=_("Evidence files (.zip, optional): the names the file column gives"),
        )
    )
