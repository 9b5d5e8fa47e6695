"""Every change to a programme's settings goes through these functions, on the ledger."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from leitai.ledger.changes import record_change
from leitai.programs.audit import chain_of, settings_record
from leitai.programs.models import Programme
from leitai.programs.permissions import can_edit_programme
from leitai.scoring.evidence import EvidenceRules


class ProgrammeRefused(Exception):
    """A change the user may not make, or that changes nothing; the message is for people."""


def set_evidence_rules(
    *, programme: Programme, rules: EvidenceRules, by: Any, reason: str
) -> Programme:
    """Replace the programme's evidence settings with `rules` (parsed by the codec), the change
    on the programme's ledger chain: who, when, why, and each value's old and new."""
    if not can_edit_programme(by, programme):
        raise ProgrammeRefused(_("You may not change this programme's settings."))
    reason = reason.strip()
    if not reason:
        raise ProgrammeRefused(_("Give the reason for the change."))
    record = rules.to_record()
    with transaction.atomic():
        current = Programme.objects.select_for_update().get(pk=programme.pk)
        entry = record_change(
            chain=chain_of(current.pk),
            old=settings_record(current.evidence or {}),
            new=settings_record(record),
            actor=by.username,
            reason=reason,
        )
        if entry is None:
            raise ProgrammeRefused(_("Nothing changed: every value is as it was."))
        current.evidence = record
        current.save(update_fields=["evidence"])
    return current
