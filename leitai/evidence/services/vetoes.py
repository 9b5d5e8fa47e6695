"""Recording and lifting vetoes (一票否决), by the committee above the unit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.evidence import permissions
from leitai.evidence.audit import chain_of
from leitai.evidence.audit.replay import Kind
from leitai.evidence.files import CheckedFile
from leitai.evidence.models import Veto, VetoCategory, VetoState
from leitai.evidence.services import EvidenceRefused, store_file
from leitai.ledger.chain import append
from leitai.orgs.models import Unit

FIRST_YEAR = 2000


def record_veto(
    *,
    unit: Unit,
    by: Any,
    year: int,
    category: VetoCategory,
    evidence: str,
    file: CheckedFile | None = None,
) -> Veto:
    if not permissions.can_record_veto(by, unit):
        raise EvidenceRefused(_("Only the committee above the unit records its vetoes."))
    evidence = evidence.strip()
    if not evidence:
        raise EvidenceRefused(_("Describe the evidence for the veto."))
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year + 1:
        raise EvidenceRefused(
            _("The year %(year)s is not between %(first)s and %(last)s.")
            % {"year": year, "first": FIRST_YEAR, "last": this_year + 1}
        )
    veto = Veto(
        unit=unit,
        year=year,
        category=VetoCategory(category),
        evidence=evidence,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    if file is not None:
        veto.file.name = store_file("veto", unit.pk, file)
        veto.file_sha256, veto.file_type, veto.file_size = file.sha256, file.content_type, file.size
    with transaction.atomic():
        veto.save()
        data = {
            "veto": veto.pk,
            "year": str(veto.year),
            "category": veto.category,
            "evidence": veto.evidence,
            "file": veto.file_sha256,
        }
        append(chain=chain_of(unit.pk), kind=Kind.VETO_RECORDED, data=data, actor=by.username)
    return veto


def lift_veto(*, veto: Veto, by: Any, reason: str) -> Veto:
    if not permissions.can_lift_veto(by, veto):
        raise EvidenceRefused(_("Only the committee above the unit lifts its vetoes."))
    reason = reason.strip()
    if not reason:
        raise EvidenceRefused(_("Give the reason for lifting the veto."))
    with transaction.atomic():
        updated = Veto.objects.filter(pk=veto.pk, state=VetoState.ACTIVE).update(
            state=VetoState.LIFTED, lifted_by=by, lifted_at=timezone.now(), lift_reason=reason
        )
        if not updated:
            raise EvidenceRefused(_("This veto was lifted already."))
        append(
            chain=chain_of(veto.unit_id),
            kind=Kind.VETO_LIFTED,
            data={"veto": veto.pk, "reason": reason},
            actor=by.username,
        )
    veto.refresh_from_db()
    return veto
