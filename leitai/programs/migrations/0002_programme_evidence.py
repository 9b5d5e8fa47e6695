"""`Programme.evidence`: the honours' points, window and cap and the daily metrics' rules.

Existing programmes get the defaults written out in full (the values of issue 11 as they stand
when this migration was written, copied here so that a later change of the codec's defaults does
not change what this migration writes). Backwards, the field is removed.
"""

from django.db import migrations, models

import leitai.programs.models

_COUNT = "count"
_RATIO = "ratio"


def _metric(kind: str, cadence: str, requirement: int, weight: int) -> dict[str, object]:
    return {"kind": kind, "cadence": cadence, "requirement": requirement, "weight": weight}


DEFAULTS = {
    "honours": {
        "points": {"national": 10, "provincial": 8, "municipal": 5, "district": 3, "street": 1},
        "window_years": 3,
        "cap": 15,
    },
    "daily": {
        "metrics": {
            "committee_meeting": _metric(_COUNT, "month", 1, 15),
            "general_meeting": _metric(_COUNT, "quarter", 1, 10),
            "group_meeting": _metric(_COUNT, "month", 1, 10),
            "party_lecture": _metric(_COUNT, "quarter", 1, 10),
            "theme_day": _metric(_COUNT, "month", 1, 15),
            "life_meeting": _metric(_COUNT, "year", 1, 10),
            "member_appraisal": _metric(_COUNT, "year", 1, 5),
            "dues_rate": _metric(_RATIO, "month", 0, 15),
            "study_rate": _metric(_RATIO, "month", 0, 10),
        },
        "window_months": 12,
    },
}


def write_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    Programme = apps.get_model("programs", "Programme")
    Programme.objects.filter(evidence__isnull=True).update(evidence=DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_programme"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="evidence",
            field=models.JSONField(null=True, verbose_name="evidence settings"),
        ),
        migrations.RunPython(write_defaults, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="programme",
            name="evidence",
            field=models.JSONField(
                default=leitai.programs.models.default_evidence, verbose_name="evidence settings"
            ),
        ),
    ]
