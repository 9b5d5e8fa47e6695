"""Database triggers that refuse UPDATE and DELETE on ledger entries (SQLite and PostgreSQL)."""

from django.db import migrations


def install(apps, schema_editor):
    from leitai.ledger.triggers import install as install_triggers

    install_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    from leitai.ledger.triggers import remove as remove_triggers

    remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_entries")]
    operations = [migrations.RunPython(install, remove)]
