"""Every write of the evidence app: one transaction each, a compare-and-set on the row, and an
entry on the unit's evidence chain (`evidence:<unit id>`) in the same transaction."""

from __future__ import annotations

from django.core.files.storage import default_storage

from leitai.evidence.files import CheckedFile
from leitai.evidence.models import evidence_path


class EvidenceRefused(Exception):
    """A write the rules refuse; the message is for people and names what and why."""


def store_file(kind: str, unit_id: int, checked: CheckedFile) -> str:
    """Store the file under MEDIA_ROOT, named by its SHA-256; the same content is stored once.

    Written before the transaction that points at it: if that transaction rolls back, a file
    no row names is left, harmless and never served (files are served through a row only)."""
    name = evidence_path(kind, unit_id, checked.sha256, checked.extension)
    if not default_storage.exists(name):
        saved = default_storage.save(name, checked.as_django_file())
        if saved != name:  # pragma: no cover - another writer stored the same content meanwhile
            default_storage.delete(saved)
    return name
