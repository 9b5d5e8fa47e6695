from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    prune = forms.BooleanField(
        label=_("Remove what is absent from the file"),
        required=False,
        help_text=_("Off by default: records missing from the file are kept."),
    )
    # Shown only for a kind that takes attachments (ImportKind.attachments_label).
    attachments = forms.FileField(required=False)


class HolidayYearForm(forms.Form):
    """A year's holidays and make-up working days, pasted one day or range per line."""

    holidays = forms.CharField(
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        required=False,
        max_length=20_000,
        help_text=_("One day or range per line, then its name: 2027-10-01..2027-10-07 国庆节"),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        required=False,
        max_length=20_000,
        help_text=_(
            "The Saturdays and Sundays worked in exchange (调休上班), one per line: "
            "2027-09-26 国庆节"
        ),
    )
    # The version of the year the form was opened on ("" for a year not entered then).
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
