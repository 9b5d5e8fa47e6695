"""programs 0002: existing programmes get the evidence defaults written out; backwards, the field
goes and the programmes stay."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from leitai.scoring.evidence import EvidenceRules

BEFORE = [("programs", "0001_programme")]
AFTER = [("programs", "0002_programme_evidence")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: the graph as the database now stands


def columns() -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "programs_programme"
            )
        }


@pytest.mark.django_db(transaction=True)
def test_forwards_writes_the_defaults_and_backwards_removes_the_field() -> None:
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = migrate(BEFORE)
        assert "evidence" not in columns()
        old = executor.loader.project_state(BEFORE).apps
        unit = old.get_model("orgs", "Unit").objects.create(
            code="370200", name="中共青岛市委", kind="committee", sector="other", path="00000001"
        )
        old.get_model("programs", "Programme").objects.create(
            name="评选", year=2026, root_id=unit.pk, rubric=[], rule={}
        )

        executor = migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        programme = new.get_model("programs", "Programme").objects.get()
        assert programme.evidence == EvidenceRules.DEFAULT.to_record()  # every value written
        assert EvidenceRules.from_record(programme.evidence) == EvidenceRules.DEFAULT

        executor = migrate(BEFORE)
        assert "evidence" not in columns()
        back = executor.loader.project_state(BEFORE).apps
        assert back.get_model("programs", "Programme").objects.get().name == "评选"
    finally:
        migrate(leaf)
