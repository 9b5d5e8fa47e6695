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
