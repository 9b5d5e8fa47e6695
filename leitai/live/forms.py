from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.live.checks import MAX_PADDING_BYTES, MAX_TEXT_LENGTH


class CheckMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        help_text=_("Shown on every check page, e.g. “hall 2 projector”."),
    )
    padding_bytes = forms.IntegerField(
        label=_("Padding (bytes)"),
        min_value=0,
        max_value=MAX_PADDING_BYTES,
        initial=0,
        required=False,
        help_text=_("Extra bytes to make the message as large as a real screen update (0–16384)."),
    )
    channel = forms.RegexField(
        label=_("Channel"),
        regex=r"^[a-z0-9-]{1,32}$",
        required=False,
        help_text=_(
            "Leave empty for the main check page; a name (a-z, 0-9, -) for a separate one."
        ),
        error_messages={"invalid": _("Use 1–32 lower-case letters, digits or hyphens.")},
    )
