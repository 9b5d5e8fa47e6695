from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.arenas.frozen import DETAILS_FROZEN_WHEN_LIVE
from leitai.arenas.models import Arena, RevealMarks
from leitai.orgs.models import Unit
from leitai.programs.models import Programme
from leitai.programs.rubrics import rules_from_json

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": b"%PDF",
    ".pptx": b"PK\x03\x04",
    ".ppt": b"\xd0\xcf\x11\xe0",
    ".key": b"PK\x03\x04",
}


class UnitCodeField(forms.CharField):
    """A unit typed by its code (the search box fills it in)."""

    def __init__(self, *args: Any, unknown: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unknown = unknown or _("No unit has the code “%(code)s”.")

    def clean(self, value: Any) -> Unit | None:
        code = super().clean(value)
        if not code:
            return None
        unit = Unit.objects.filter(code=code.strip()).first()
        if unit is None:
            raise forms.ValidationError(self.unknown, params={"code": code})
        return unit


# One answer for a code nobody has and a unit outside the user's scope, so that the form does
# not tell which codes exist elsewhere in the city.
NOT_A_HOST_UNIT = _("None of the units you organise or host has the code “%(code)s”.")


class ArenaForm(forms.ModelForm):  # type: ignore[type-arg]
    host = UnitCodeField(label=_("Host unit (code)"), unknown=NOT_A_HOST_UNIT)

    class Meta:
        model = Arena
        fields = [
            "programme",
            "title",
            "venue",
            "starts_at",
            "presentation_seconds",
            "warning_seconds",
            "reveal_marks",
            "registration_open",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }

    def __init__(self, *args: Any, hosts: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hosts = hosts
        self.fields["programme"].queryset = Programme.objects.all()
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.fields["host"].initial = self.instance.host.code
            self.fields["host"].disabled = True
            if self.instance.is_frozen:
                for name in DETAILS_FROZEN_WHEN_LIVE:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Fixed since the arena went live: the same for every presenter."
                    )
            return
        # A new arena: what can only have one answer is filled in (still editable).
        programmes = list(Programme.objects.all()[:2])
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        if hosts is not None and len(hosts) == 1:
            self.fields["host"].initial = hosts[0].code

    def clean_presentation_seconds(self) -> int:
        value = int(self.cleaned_data["presentation_seconds"])
        if not 30 <= value <= 3600:
            raise forms.ValidationError(_("Between 30 seconds and an hour."))
        return value


class RubricForm(forms.Form):
    """The rubric and rule as editable JSON (until the arena goes live)."""

    rubric = forms.CharField(label=_("Rubric (JSON)"), widget=forms.Textarea(attrs={"rows": 12}))
    rule = forms.CharField(
        label=_("Aggregation rule (JSON)"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            rubric = json.loads(data.get("rubric") or "")
            rule = json.loads(data.get("rule") or "")
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error}) from None
        rules_from_json(rubric, rule)
        data["rubric_json"], data["rule_json"] = rubric, rule
        return data


class ParticipantForm(forms.Form):
    unit = UnitCodeField(label=_("Unit (code)"))
    presenter = forms.CharField(label=_("Presenter"), max_length=64)
    presenter_role = forms.CharField(
        label=_("Presenter's role"), max_length=64, required=False, initial="党支部书记"
    )
    no_notes = forms.BooleanField(label=_("Speaks without notes (脱稿)"), required=False)
    attachment = forms.FileField(label=_("Slides or PDF (up to 20 MB)"), required=False)

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        name = upload.name.lower()
        suffix = name[name.rfind(".") :] if "." in name else ""
        magic = ATTACHMENT_TYPES.get(suffix)
        head = upload.read(8)
        upload.seek(0)
        if magic is None or not head.startswith(magic):
            raise forms.ValidationError(_("Only PDF or PowerPoint files (.pdf, .pptx, .ppt)."))
        return upload


class RegistrationForm(ParticipantForm):
    """The secretary's own entry: the unit is one of theirs."""

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("Unit"),
            queryset=Unit.objects.filter(pk__in=[u.pk for u in units]),
            empty_label=None,
        )
        if len(units) == 1 and units[0].secretary:
            self.fields["presenter"].initial = units[0].secretary


class JudgeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    affiliation = UnitCodeField(label=_("Affiliation (unit code)"), required=False)
    external_affiliation = forms.CharField(
        label=_("or external affiliation"), max_length=200, required=False
    )
    is_head = forms.BooleanField(label=_("Head judge (评审组长)"), required=False)


class RecusalForm(forms.Form):
    judge = forms.CharField(label=_("Judge"))
    participant = forms.IntegerField(label=_("Participant"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    active = forms.BooleanField(required=False, initial=True)


class LiftAbsenceForm(forms.Form):
    judge = forms.CharField(label=_("Judge"))
    participant = forms.IntegerField(label=_("Participant"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PresenceForm(forms.Form):
    judge = forms.CharField()
    joins_at = forms.IntegerField(label=_("Scores from position"), min_value=1)
    leaves_after = forms.IntegerField(label=_("Leaves after position"), min_value=0, required=False)


REVEAL_CHOICES = RevealMarks.choices
