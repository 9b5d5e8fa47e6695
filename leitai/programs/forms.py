"""The organiser's form for a programme's evidence settings: one field per value, read by the
scoring core's codec (leitai.scoring.evidence), whose refusal becomes the error of the field it
names (in the user's language, naming the field and the value)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from leitai.programs.rubrics import translated
from leitai.scoring.codec import SettingError
from leitai.scoring.daily import DEFAULT_METRICS, Metric, MetricKind
from leitai.scoring.evidence import EvidenceRules
from leitai.scoring.honours import Level

LEVEL_NAMES = {
    Level.NATIONAL: _("National"),
    Level.PROVINCIAL: _("Provincial"),
    Level.MUNICIPAL: _("Municipal"),
    Level.DISTRICT: _("District"),
    Level.STREET: _("Street / town"),
}
CADENCE_CHOICES = [
    ("month", pgettext_lazy("cadence", "Monthly")),
    ("quarter", pgettext_lazy("cadence", "Quarterly")),
    ("year", pgettext_lazy("cadence", "Yearly")),
]
KIND_NAMES = {MetricKind.COUNT: _("count"), MetricKind.RATIO: _("ratio 0–1")}


def _number(label: Any, **attrs: Any) -> forms.CharField:
    # Text, not IntegerField: the codec is the one judge of a value, and names it when refusing.
    return forms.CharField(
        label=label,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "num", **attrs}),
    )


def is_count(metric: Metric) -> bool:
    return metric.kind is MetricKind.COUNT


class EvidenceSettingsForm(forms.Form):
    """Fields: points_<level>, window_years, cap; weight_<metric>, and for a count
    requirement_<metric> and cadence_<metric>; window_months; reason."""

    def __init__(self, *args: Any, rules: EvidenceRules, **kwargs: Any) -> None:
        initial: dict[str, Any] = {
            f"points_{level.value}": rules.honours.points[level] for level in Level
        }
        initial |= {
            "window_years": rules.honours.window_years,
            "cap": rules.honours.cap,
            "window_months": rules.daily.window_months,
        }
        for metric in rules.daily.metrics:
            initial[f"weight_{metric.key}"] = metric.weight
            if is_count(metric):
                initial[f"requirement_{metric.key}"] = metric.requirement
                initial[f"cadence_{metric.key}"] = metric.cadence.value
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for level in Level:
            self.fields[f"points_{level.value}"] = _number(LEVEL_NAMES[level])
        self.fields["window_years"] = _number(_("Window (years)"))
        self.fields["cap"] = _number(_("Cap (points)"))
        for metric in DEFAULT_METRICS:
            if is_count(metric):
                self.fields[f"cadence_{metric.key}"] = forms.CharField(
                    label=_("Period"), widget=forms.Select(choices=CADENCE_CHOICES)
                )
                self.fields[f"requirement_{metric.key}"] = _number(_("At least"))
            self.fields[f"weight_{metric.key}"] = _number(_("Weight"))
        self.fields["window_months"] = _number(_("Window (months)"))
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change"),
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Recorded on the ledger with your name, the time and every value changed."),
        )

    def metric_rows(self) -> list[dict[str, Any]]:
        """The daily table's rows: the metric and its bound fields (None where not set)."""
        return [
            {
                "metric": metric,
                "kind": KIND_NAMES[metric.kind],
                "cadence": self[f"cadence_{metric.key}"] if is_count(metric) else None,
                "requirement": self[f"requirement_{metric.key}"] if is_count(metric) else None,
                "weight": self[f"weight_{metric.key}"],
            }
            for metric in DEFAULT_METRICS
        ]

    def record(self) -> dict[str, Any]:
        data = self.cleaned_data
        metrics: dict[str, dict[str, Any]] = {}
        for metric in DEFAULT_METRICS:
            settings: dict[str, Any] = {"weight": data.get(f"weight_{metric.key}", "")}
            if is_count(metric):
                settings["requirement"] = data.get(f"requirement_{metric.key}", "")
                settings["cadence"] = data.get(f"cadence_{metric.key}", "")
            metrics[metric.key] = settings
        return {
            "honours": {
                "points": {level.value: data.get(f"points_{level.value}", "") for level in Level},
                "window_years": data.get("window_years", ""),
                "cap": data.get("cap", ""),
            },
            "daily": {"metrics": metrics, "window_months": data.get("window_months", "")},
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(name != "reason" for name in self.errors):
            return cleaned
        try:
            cleaned["rules"] = EvidenceRules.from_record(self.record())
        except SettingError as error:
            self.add_error(self.field_of(error), translated(error.phrase))
        return cleaned

    def field_of(self, error: SettingError) -> str | None:
        """The form field a refusal names ("metrics.theme_day.weight" → weight_theme_day);
        None (the form's own error) for one about several values (the weights' sum)."""
        parts = error.field.split(".")
        if parts[0] == "points" and len(parts) == 2:
            name = f"points_{parts[1]}"
        elif parts[0] == "metrics" and len(parts) == 3:
            name = f"{parts[2]}_{parts[1]}"
        else:
            name = error.field
        return name if name in self.fields else None
