"""The unit page's form: the unit's facts, read by the same parsers as the tree import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from leitai.orgs.facts import (
    FactError,
    founded_cell,
    members_cell,
    parse_founded,
    parse_members,
    parse_party_groups,
    party_groups_cell,
)
from leitai.orgs.models import Unit


class UnitFactsForm(forms.Form):
    founded = forms.CharField(
        label=_("Founded"),
        required=False,
        max_length=32,
        help_text=_("The month: 2019-03 or 2019年3月. Empty when not known."),
    )
    members = forms.CharField(
        label=_("Members"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("A whole number. Empty when not known."),
    )
    has_party_groups = forms.ChoiceField(
        label=_("Party groups (党小组)"),
        required=False,
        choices=[("", _("Not known")), ("是", _("Yes")), ("否", _("No"))],
    )

    @classmethod
    def for_unit(cls, unit: Unit, data: Any = None) -> UnitFactsForm:
        initial = {
            "founded": founded_cell(unit.founded),
            "members": members_cell(unit.members),
            "has_party_groups": party_groups_cell(unit.has_party_groups),
        }
        return cls(data, initial=initial, prefix="facts")

    def clean_founded(self) -> dt.date | None:
        try:
            return parse_founded(self.cleaned_data["founded"])
        except FactError as error:
            raise ValidationError(str(error)) from None

    def clean_members(self) -> int | None:
        try:
            return parse_members(self.cleaned_data["members"])
        except FactError as error:
            raise ValidationError(str(error)) from None

    def clean_has_party_groups(self) -> bool | None:
        try:
            return parse_party_groups(self.cleaned_data["has_party_groups"])
        except FactError as error:
            raise ValidationError(str(error)) from None
