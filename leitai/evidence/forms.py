from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.evidence.files import BadEvidenceFile, CheckedFile, check_upload
from leitai.evidence.models import LEVEL_CHOICES, VetoCategory


class DateInput(forms.DateInput):
    input_type = "date"


def _checked(upload: Any) -> CheckedFile | None:
    if not upload:
        return None
    try:
        return check_upload(upload)
    except BadEvidenceFile as error:
        raise forms.ValidationError(str(error)) from None


class HonourForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_CHOICES)
    conferred_by = forms.CharField(label=_("Conferring body"), max_length=200)
    document = forms.CharField(
        label=_("Document number (文号)"),
        max_length=100,
        help_text=_("As printed, e.g. 青发〔2024〕12号; brackets and spaces are compared loosely."),
    )
    conferred_on = forms.DateField(label=_("Date"), widget=DateInput)
    file = forms.FileField(
        label=_("Evidence file (PDF, JPEG or PNG, up to 20 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, file_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].required = file_required
        if not file_required:
            self.fields["file"].help_text = _("Leave empty to keep the file attached.")

    def clean_file(self) -> CheckedFile | None:
        return _checked(self.cleaned_data.get("file"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VetoForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("Category"), choices=VetoCategory.choices)
    evidence = forms.CharField(
        label=_("Evidence"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("Evidence file (optional; PDF, JPEG or PNG, up to 20 MB)"), required=False
    )

    def clean_file(self) -> CheckedFile | None:
        return _checked(self.cleaned_data.get("file"))
