"""A judge's absence is its own row, no longer a Recusal(source="absent"): an absence is no
conflict of interest. Existing absent rows move to arenas.Absence (and back, reversed).

The ledger keeps what it recorded: entries written before this change say `recusal` with source
"absent", later ones `judge_absence`; the arena's replay reads both (leitai/arenas/audit/replay.py).
"""

import django.db.models.deletion
from django.db import migrations, models

ABSENT = "absent"  # the recusal source this migration retires


def absences_to_their_own_rows(apps, schema_editor):
    Recusal = apps.get_model("arenas", "Recusal")
    Absence = apps.get_model("arenas", "Absence")
    absent = Recusal.objects.filter(source=ABSENT).order_by("pk")
    Absence.objects.bulk_create(
        [
            Absence(
                judge_id=row.judge_id,
                participant_id=row.participant_id,
                reason=row.reason,
                active=row.active,
                lifted_reason=row.lifted_reason,
            )
            for row in absent
        ]
    )
    # created_at is auto_now_add: carried over after the insert, row by row.
    for row in absent:
        Absence.objects.filter(judge_id=row.judge_id, participant_id=row.participant_id).update(
            created_at=row.created_at
        )
    absent.delete()


def absences_back_to_recusals(apps, schema_editor):
    """One row per judge and participant before this change: where a recusal and an absence both
    exist, the recusal in force wins, else the absence in force."""
    Recusal = apps.get_model("arenas", "Recusal")
    Absence = apps.get_model("arenas", "Absence")
    for absence in Absence.objects.order_by("pk"):
        recusal = Recusal.objects.filter(
            judge_id=absence.judge_id, participant_id=absence.participant_id
        ).first()
        values = {
            "source": ABSENT,
            "reason": absence.reason,
            "active": absence.active,
            "lifted_reason": absence.lifted_reason,
        }
        if recusal is None:
            created = Recusal.objects.create(
                judge_id=absence.judge_id, participant_id=absence.participant_id, **values
            )
            Recusal.objects.filter(pk=created.pk).update(created_at=absence.created_at)
        elif absence.active and not recusal.active:
            Recusal.objects.filter(pk=recusal.pk).update(created_at=absence.created_at, **values)
    Absence.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("arenas", "0005_arena_spotlight_shown_again"),
    ]

    operations = [
        migrations.CreateModel(
            name="Absence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.CharField(max_length=200, verbose_name="reason")),
                ("active", models.BooleanField(default=True)),
                ("lifted_reason", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("judge", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="absences", to="arenas.judge")),
                ("participant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="absences", to="arenas.participant")),
            ],
            options={
                "verbose_name": "absence",
                "verbose_name_plural": "absences",
                "constraints": [models.UniqueConstraint(fields=("judge", "participant"), name="arenas_absence_once")],
            },
        ),
        migrations.RunPython(absences_to_their_own_rows, absences_back_to_recusals),
        migrations.AlterField(
            model_name="recusal",
            name="source",
            field=models.CharField(choices=[("automatic", "Affiliation"), ("host", "Set by the host"), ("declared", "Declared by the judge")], max_length=16),
        ),
    ]
