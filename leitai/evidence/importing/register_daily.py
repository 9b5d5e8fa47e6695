"""Plugs the daily-data importer into the shared import path (pages, background jobs, progress)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leitai.accounts.permissions import is_superuser
from leitai.core.import_views import ImportKind, register_kind
from leitai.core.imports import register_importer
from leitai.evidence.importing.daily import COLUMNS
from leitai.evidence.permissions import can_import_daily


def register() -> None:
    register_importer("daily", "leitai.evidence.importing.daily.DailyImporter")
    register_kind(
        ImportKind(
            key="daily",
            title=_("Import daily data (灯塔-党建在线)"),
            permitted=can_import_daily,
            columns=COLUMNS,
            example_rows=[
                ["37020201001", "2026-10", "支委会", "1"],
                ["37020201001", "2026-10", "党费按时交纳率", "0.95"],
            ],
            categories=[
                ("periods", _("Months in the file"), [_("Month"), _("Figures")]),
                (
                    "replaced",
                    _("Earlier imports of these months (replaced for the units in the file)"),
                    [_("Import"), _("File"), _("Date")],
                ),
            ],
            back_url_name="evidence:daily_overview",
            prune_label="",  # no pruning: a period is replaced for the units in the file
            notes=[
                _(
                    "Long form: unit code, period (YYYY-MM), metric, value — one figure a row. "
                    "Wide form: unit code, period and one column per metric (支委会, 党员大会, "
                    "…, or their keys). Headers in Chinese or English."
                ),
                _(
                    "Counts are whole numbers of 0 or more; ratios from 0 to 1 with at most 4 "
                    "decimals. A month may not lie in the future."
                ),
                _(
                    "Importing a month again replaces that month's figures for the units in the "
                    "file; other units keep theirs. Nothing changes if any row has a problem."
                ),
            ],
            sees_every_job=is_superuser,
        )
    )
