"""Arena contests (擂台比武): the event, its participants, its panel, the judges' sheets.

Every state is an enum and every transition a compare-and-set UPDATE in services.py, so two hosts
pressing "next" together make exactly one transition, on SQLite as on PostgreSQL. Marks change only
through a recorded correction (a new sheet superseding the old one); both are in the ledger.
"""

from __future__ import annotations

import copy
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from leitai.programs.models import default_rule
from leitai.scoring.membership import present_for

if TYPE_CHECKING:
    from leitai.scoring.codec import Rules


class ArenaState(models.TextChoices):
    SETUP = "setup", _("Being set up")
    DRAWN = "drawn", _("Order drawn")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


class DrawState(models.TextChoices):
    NONE = "none", _("Not started")
    COMMITTED = "committed", _("List frozen, commitment published")
    DRAWN = "drawn", _("Order drawn")
    REVEALED = "revealed", _("Seed revealed")


class RevealMarks(models.TextChoices):
    NEVER = "never", _("Never: the panel score only")
    ON_CONFIRM = "on_confirm", _("With each confirmed result")
    AT_END = "at_end", _("When the arena closes")


class TimerState(models.TextChoices):
    STOPPED = "stopped", pgettext_lazy("timer", "Stopped")
    RUNNING = "running", pgettext_lazy("timer", "Running")
    PAUSED = "paused", pgettext_lazy("timer", "Paused")


class Arena(models.Model):
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        related_name="arenas",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("title"), max_length=200)
    host = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="hosted_arenas",
        verbose_name=_("host unit"),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    rubric = models.JSONField(_("rubric"))
    rule = models.JSONField(_("aggregation rule"), default=default_rule)
    presentation_seconds = models.PositiveIntegerField(
        _("presentation time (seconds)"), default=8 * 60
    )
    warning_seconds = models.PositiveIntegerField(_("warning before the end (seconds)"), default=60)
    reveal_marks = models.CharField(
        _("show judges' marks on the screen"),
        max_length=16,
        choices=RevealMarks.choices,
        default=RevealMarks.ON_CONFIRM,
    )
    registration_open = models.BooleanField(_("secretaries may register"), default=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ArenaState.choices, default=ArenaState.SETUP
    )
    # Bumped by every change a screen shows, so clients can drop stale updates.
    version = models.PositiveBigIntegerField(default=0)
    # A new value with every change to the arena's judges (services.common.touch(judges=True)):
    # the live views keep the judges they read under it (arenas.live.state), as scoring does
    # not change them.
    judges_key = models.UUIDField(default=uuid.uuid4, editable=False)
    current = models.ForeignKey(
        "Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An earlier result the host showed again after a correction: the screens put its card up
    # until the host's next action on the live day. Presentation only (the ledger's "shown"
    # entry is the record), so the replay has no counterpart; kept here, not in a process,
    # so every screen and a late joiner see the same.
    spotlight = models.ForeignKey(
        "Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timer_state = models.CharField(
        max_length=16, choices=TimerState.choices, default=TimerState.STOPPED
    )
    timer_started_at = models.DateTimeField(null=True, blank=True)
    timer_elapsed_ms = models.PositiveBigIntegerField(default=0)
    draw_state = models.CharField(
        _("draw"), max_length=16, choices=DrawState.choices, default=DrawState.NONE
    )
    draw_list = models.JSONField(default=list, blank=True)  # frozen canonical codes
    draw_commitment = models.CharField(max_length=64, blank=True)
    draw_seed = models.CharField(max_length=128, blank=True)  # secret until revealed
    draw_public = models.CharField(max_length=200, blank=True)
    draw_order = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("arena")
        verbose_name_plural = _("arenas")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def marks_are_public(self) -> bool:
        """The public may see each judge's total of a shown result now (the arena's setting)."""
        if self.reveal_marks == RevealMarks.NEVER:
            return False
        if self.reveal_marks == RevealMarks.AT_END:
            return self.state == ArenaState.CLOSED
        return True

    @property
    def rules(self) -> Rules:
        """The rubric, rule and tie-breaks, parsed once by the scoring core's codec; parsed again
        only when the records change (the host edits them until the arena goes live). Raises the
        codec's RubricError (a ValueError) for a record it cannot use."""
        from leitai.scoring.codec import rules_of_records  # the core (and numpy) on first use

        cached = self.__dict__.get("_rules")
        if cached is None or cached[0] != self.rubric or cached[1] != self.rule:
            cached = (copy.deepcopy(self.rubric), copy.deepcopy(self.rule))
            cached += (rules_of_records(*cached),)
            self.__dict__["_rules"] = cached
        return cached[2]

    @property
    def is_frozen(self) -> bool:
        """Rubric and rule are frozen once the arena goes live (written to the ledger then)."""
        return self.state in (ArenaState.LIVE, ArenaState.CLOSED)


class ParticipantStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("Waiting")
    PRESENTING = "presenting", _("Presenting")
    SCORING = "scoring", _("Scoring open")
    SCORED = "scored", _("Scoring closed")
    CONFIRMED = "confirmed", _("Confirmed")
    SHOWN = "shown", _("Shown")
    ABSENT = "absent", _("Absent")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def attachment_path(instance: Participant, filename: str) -> str:
    return f"arenas/{instance.arena_id}/attachments/{secrets.token_hex(8)}-{filename[-80:]}"


class Participant(models.Model):
    arena = models.ForeignKey(Arena, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    # What the screens call the unit when its name relative to the host is not good enough
    # (leitai/arenas/names.py); empty means "derive it".
    short_name = models.CharField(_("short name on screens"), max_length=32, blank=True)
    presenter = models.CharField(_("presenter"), max_length=64)
    presenter_role = models.CharField(_("presenter's role"), max_length=64, blank=True)
    no_notes = models.BooleanField(_("speaks without notes (脱稿)"), default=False)
    attachment = models.FileField(_("slides or PDF"), upload_to=attachment_path, blank=True)
    position = models.PositiveIntegerField(_("order"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.REGISTERED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The confirmed result, written once by the head judge's confirmation.
    score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    tied = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["arena", "position", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["arena", "unit"], name="arenas_participant_unit_once"),
            models.UniqueConstraint(
                fields=["arena", "position"],
                name="arenas_participant_position",
                condition=Q(position__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.presenter}"

    @property
    def presenter_is_not_secretary(self) -> bool:
        return bool(self.unit.secretary) and self.presenter.strip() != self.unit.secretary.strip()


class Judge(models.Model):
    arena = models.ForeignKey(Arena, on_delete=models.CASCADE, related_name="judges")
    name = models.CharField(_("name"), max_length=64)
    affiliation = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("affiliation"),
    )
    external_affiliation = models.CharField(_("external affiliation"), max_length=200, blank=True)
    is_head = models.BooleanField(_("head judge"), default=False)
    code = models.CharField(max_length=8)  # "J1", "J2"…: stable, shown on sheets and screens
    token_version = models.PositiveIntegerField(default=0)
    token_revoked = models.BooleanField(default=False)
    joins_at = models.PositiveIntegerField(default=1)  # first position the judge scores
    leaves_after = models.PositiveIntegerField(null=True, blank=True)  # last position scored
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["arena", "code"]
        constraints = [
            models.UniqueConstraint(fields=["arena", "code"], name="arenas_judge_code"),
            models.UniqueConstraint(
                fields=["arena"], condition=Q(is_head=True), name="arenas_one_head_judge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def is_present_for(self, position: int | None) -> bool:
        return present_for(position, self.joins_at, self.leaves_after)


class RecusalSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Affiliation")
    HOST = "host", _("Set by the host")
    DECLARED = "declared", _("Declared by the judge")


class Recusal(models.Model):
    """A conflict of interest: the judge may not score the participant (leitai.scoring.membership).
    A judge who was expected and did not score is an Absence, not a recusal."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="recusals")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="recusals")
    source = models.CharField(max_length=16, choices=RecusalSource.choices)
    reason = models.CharField(_("reason"), max_length=200)
    active = models.BooleanField(default=True)
    lifted_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["judge", "participant"], name="arenas_recusal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.judge} ⟂ {self.participant}"

    is_absence = False

    @property
    def why(self) -> str:
        """What the set-up page's table of recusals and absences says in its "Why" column."""
        return str(self.get_source_display())


class Absence(models.Model):
    """A judge recorded absent for one participant: the host closed its scoring without the
    judge's sheet, with the reason, so the panel shrinks openly. No conflict of interest (that is
    a Recusal): the judge was expected and did not score. The host may lift it, with a reason."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="absences")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="absences")
    reason = models.CharField(_("reason"), max_length=200)
    active = models.BooleanField(default=True)
    lifted_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["judge", "participant"], name="arenas_absence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.judge} ∅ {self.participant}"

    is_absence = True

    @property
    def why(self) -> str:
        return str(_("Did not score (absent)"))


class SheetSource(models.TextChoices):
    PHONE = "phone", _("Judge's phone")
    PAPER = "paper", _("Paper sheet entered by the host")


class Sheet(models.Model):
    """One judge's marks for one participant. A correction supersedes it with a new sheet."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="sheets")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="sheets")
    total = models.DecimalField(max_digits=12, decimal_places=4)
    source = models.CharField(max_length=16, choices=SheetSource.choices, default=SheetSource.PHONE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    ledger_seq = models.PositiveBigIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["participant", "judge__code", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "idempotency_key"], name="arenas_sheet_idempotency"
            ),
            models.UniqueConstraint(
                fields=["judge", "participant"],
                condition=Q(active=True),
                name="arenas_one_active_sheet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge.code} → {self.participant_id}: {self.total}"


class Mark(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="marks")
    criterion = models.CharField(max_length=32)
    value = models.DecimalField(max_digits=10, decimal_places=4)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="arenas_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}={self.value}"


class Reopening(models.Model):
    """The host reopened a judge's sheet for correction; the judge may submit once more."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reopened sheet")
        verbose_name_plural = _("reopened sheets")

    def __str__(self) -> str:
        return f"reopen {self.judge_id}/{self.participant_id}"


class DeclarationState(models.TextChoices):
    PENDING = "pending", _("Waiting for the host")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ConflictDeclaration(models.Model):
    """A conflict of interest a judge declared after submitting their sheet.

    Before the sheet, a declaration recuses the judge at once. After it, taking the sheet back
    would let a judge withdraw marks at will, so the declaration changes nothing until the host
    accepts it (then the judge is recused); both steps are in the ledger.
    """

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="declarations")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="declarations"
    )
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(
        _("decision"),
        max_length=16,
        choices=DeclarationState.choices,
        default=DeclarationState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "participant"],
                condition=Q(state="pending"),
                name="arenas_one_pending_declaration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge} ⟂? {self.participant}"
