"""The programme's rubric and rule records for forms and refusals: the Django side of the codec.

The records are parsed by the scoring core's codec (`leitai.scoring.codec`: the record formats,
the defaults, the refusals as plain `ValueError`s). This module only turns a refusal into a
`ValidationError` in the user's language, and words a criterion for the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:  # the scoring core (and numpy) loads when a rubric is first used
    from leitai.scoring.codec import Phrase, Rules


def translated(phrase: Phrase) -> str:
    """The codec's message in the user's language, its values that are phrases translated too."""
    from django.utils.translation import gettext

    from leitai.scoring.codec import Phrase

    return gettext(phrase.template) % {
        k: translated(v) if isinstance(v, Phrase) else v for k, v in phrase.params.items()
    }


def rules_from_json(rubric: Sequence[Mapping[str, Any]], rule: Mapping[str, Any] | None) -> Rules:
    """The parsed rubric, rule and tie-breaks, refusing with a ValidationError in the user's
    language (the message the codec's RubricError names)."""
    from leitai.scoring.codec import RubricError, Rules

    try:
        return Rules.from_records(rubric, rule)
    except RubricError as error:
        raise ValidationError(translated(error.phrase)) from None


def criterion_description(item: dict[str, Any], language: str) -> str:
    if language.startswith("en") and item.get("description_en"):
        return str(item["description_en"])
    return str(item.get("description", ""))


def criterion_label(item: dict[str, Any], language: str) -> str:
    if language.startswith("en") and item.get("label_en"):
        return str(item["label_en"])
    return str(item.get("label") or item.get("key"))
