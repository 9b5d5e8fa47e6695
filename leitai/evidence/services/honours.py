"""Entering, editing, verifying and rejecting honours.

A unit and a document number (compared after `normalise_document`) are one record: entering it
again is refused naming the existing record; its level is raised by editing it. Any edit returns
a record to pending — a verified record that changed is no longer what was verified, and a
rejected one that is corrected goes back to the verifiers. Only verified records count, and a
record is verified (or rejected, with a reason) by a verifier of its unit who did not enter it,
and only once its evidence file is attached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leitai.evidence import permissions
from leitai.evidence.audit import chain_of
from leitai.evidence.audit.replay import Kind
from leitai.evidence.files import CheckedFile
from leitai.evidence.models import LEVEL_LABELS, Honour, HonourState
from leitai.evidence.rules import reference_date_for
from leitai.evidence.services import EvidenceRefused, store_file
from leitai.ledger.chain import append
from leitai.orgs.models import Unit
from leitai.scoring.honours import Level, normalise_document

LIMITS = {"title": 200, "conferred_by": 200, "document": 100}


class DuplicateDocument(EvidenceRefused):
    def __init__(self, existing: Honour) -> None:
        self.existing = existing
        super().__init__(
            _(
                "This unit already has document %(document)s in the registry: “%(title)s”, "
                "%(level)s, %(date)s, %(state)s. Edit that record instead (its level can be "
                "raised there)."
            )
            % {
                "document": existing.document,
                "title": existing.title,
                "level": LEVEL_LABELS[Level(existing.level)],
                "date": date_format(existing.conferred_on, "Y-m-d"),
                "state": existing.get_state_display(),
            }
        )


@dataclass(frozen=True)
class HonourFields:
    title: str
    level: Level
    conferred_by: str
    document: str
    conferred_on: date

    def cleaned(self, unit: Unit) -> HonourFields:
        values = {
            "title": self.title.strip(),
            "conferred_by": self.conferred_by.strip(),
            "document": self.document.strip(),
        }
        labels = {
            "title": _("Title"),
            "conferred_by": _("Conferring body"),
            "document": _("Document number"),
        }
        for name, value in values.items():
            if not value:
                raise EvidenceRefused(_("%(field)s is required.") % {"field": labels[name]})
            if len(value) > LIMITS[name]:
                raise EvidenceRefused(
                    _("%(field)s is longer than %(limit)s characters.")
                    % {"field": labels[name], "limit": LIMITS[name]}
                )
        if not normalise_document(values["document"]):
            raise EvidenceRefused(_("The document number is only brackets and spaces."))
        if self.conferred_on > reference_date_for(unit):
            raise EvidenceRefused(
                _("The date %(date)s is in the future.") % {"date": self.conferred_on.isoformat()}
            )
        return HonourFields(
            title=values["title"],
            level=Level(self.level),
            conferred_by=values["conferred_by"],
            document=values["document"],
            conferred_on=self.conferred_on,
        )


def payload(honour: Honour) -> dict[str, Any]:
    """What the ledger holds of an honour: its fields and its file's SHA-256, never the file."""
    return {
        "honour": honour.pk,
        "title": honour.title,
        "level": honour.level,
        "conferred_by": honour.conferred_by,
        "document": honour.document,
        "date": honour.conferred_on.isoformat(),
        "file": honour.file_sha256,
    }


def _existing(unit: Unit, key: str, *, other_than: int | None = None) -> Honour | None:
    rows = Honour.objects.filter(unit=unit, document_key=key)
    if other_than is not None:
        rows = rows.exclude(pk=other_than)
    return rows.first()


def _attach(honour: Honour, checked: CheckedFile | None) -> None:
    if checked is None:
        return
    honour.file.name = store_file("honour", honour.unit_id, checked)
    honour.file_sha256 = checked.sha256
    honour.file_type = checked.content_type
    honour.file_size = checked.size


def enter_honour(*, unit: Unit, by: Any, fields: HonourFields, file: CheckedFile | None) -> Honour:
    """A new record, pending verification. `file` may come later (`edit_honour`); a record
    without it cannot be verified."""
    if not permissions.can_enter_honour(by, unit):
        raise EvidenceRefused(_("You may not enter honours for this unit."))
    fields = fields.cleaned(unit)
    key = normalise_document(fields.document)
    honour = Honour(
        unit=unit,
        title=fields.title,
        level=fields.level.value,
        conferred_by=fields.conferred_by,
        document=fields.document,
        document_key=key,
        conferred_on=fields.conferred_on,
        state=HonourState.PENDING,
        entered_by=by,
        entered_at=timezone.now(),
    )
    _attach(honour, file)
    with transaction.atomic():
        existing = _existing(unit, key)
        if existing is not None:
            raise DuplicateDocument(existing)
        try:
            with transaction.atomic():
                honour.save()
        except IntegrityError:  # entered by someone else at the same moment
            found = _existing(unit, key)
            if found is None:  # pragma: no cover - an integrity error of another kind
                raise
            raise DuplicateDocument(found) from None
        append(
            chain=chain_of(unit.pk),
            kind=Kind.HONOUR_ENTERED,
            data=payload(honour),
            actor=by.username,
        )
    return honour


def edit_honour(
    *, honour: Honour, by: Any, fields: HonourFields, file: CheckedFile | None, version: int
) -> Honour:
    """Change a record (raise its level, correct it, attach its file); it returns to pending."""
    if not permissions.can_edit_honour(by, honour):
        raise EvidenceRefused(_("You may not edit this unit's honours."))
    fields = fields.cleaned(honour.unit)
    key = normalise_document(fields.document)
    changed = Honour.objects.get(pk=honour.pk)
    changed.title = fields.title
    changed.level = fields.level.value
    changed.conferred_by = fields.conferred_by
    changed.document = fields.document
    changed.document_key = key
    changed.conferred_on = fields.conferred_on
    _attach(changed, file)
    with transaction.atomic():
        existing = _existing(honour.unit, key, other_than=honour.pk)
        if existing is not None:
            raise DuplicateDocument(existing)
        updated = Honour.objects.filter(pk=honour.pk, version=version).update(
            title=changed.title,
            level=changed.level,
            conferred_by=changed.conferred_by,
            document=changed.document,
            document_key=key,
            conferred_on=changed.conferred_on,
            file=changed.file.name,
            file_sha256=changed.file_sha256,
            file_type=changed.file_type,
            file_size=changed.file_size,
            state=HonourState.PENDING,
            edited_by=by,
            verified_by=None,
            verified_at=None,
            rejection_reason="",
            version=version + 1,
        )
        if not updated:
            raise EvidenceRefused(
                _("Someone changed this record meanwhile; reload the page and try again.")
            )
        changed.refresh_from_db()
        append(
            chain=chain_of(honour.unit_id),
            kind=Kind.HONOUR_EDITED,
            data=payload(changed),
            actor=by.username,
        )
    return changed


def _decide(
    *, honour: Honour, by: Any, state: HonourState, reason: str, version: int | None
) -> Honour:
    if not permissions.is_verifier_for(by, honour.unit):
        raise EvidenceRefused(_("You may not verify this unit's honours."))
    if honour.entered_by_id == by.pk:
        raise EvidenceRefused(_("You entered this record: someone else must verify or reject it."))
    if honour.edited_by_id == by.pk:
        raise EvidenceRefused(_("You edited this record: someone else must verify or reject it."))
    if state == HonourState.VERIFIED and not honour.has_file:
        raise EvidenceRefused(_("The evidence file is missing: attach it before verifying."))
    with transaction.atomic():
        rows = Honour.objects.filter(pk=honour.pk, state=HonourState.PENDING)
        if version is not None:
            rows = rows.filter(version=version)
        current = rows.values_list("version", flat=True).first()
        if current is None:
            raise EvidenceRefused(
                _("This record is no longer pending (someone decided or changed it meanwhile).")
            )
        now = timezone.now()
        rows.filter(version=current).update(
            state=state,
            verified_by=by,
            verified_at=now,
            rejection_reason=reason,
            version=current + 1,
        )
        data: dict[str, Any] = {"honour": honour.pk}
        if state == HonourState.REJECTED:
            data["reason"] = reason
        append(
            chain=chain_of(honour.unit_id),
            kind=Kind.HONOUR_VERIFIED if state == HonourState.VERIFIED else Kind.HONOUR_REJECTED,
            data=data,
            actor=by.username,
        )
    honour.refresh_from_db()
    return honour


def verify_honour(*, honour: Honour, by: Any, version: int | None = None) -> Honour:
    return _decide(honour=honour, by=by, state=HonourState.VERIFIED, reason="", version=version)


def reject_honour(*, honour: Honour, by: Any, reason: str, version: int | None = None) -> Honour:
    reason = reason.strip()
    if not reason:
        raise EvidenceRefused(_("Give the reason for rejecting the record."))
    return _decide(honour=honour, by=by, state=HonourState.REJECTED, reason=reason, version=version)
