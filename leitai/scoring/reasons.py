"""Why a statistic is undefined or a judge is flagged: English text with a code and parameters.

A `Reason` is a `str`, the English sentence the CLI prints and its JSON carries, so nothing that
shows or compares reasons has to know more. It also carries a stable `code` and the `params` that
filled the sentence, so a page can say the same in another language without parsing the English
(leitai/arenas/results/reliability.py keeps one translated sentence per code).
"""

from __future__ import annotations

# code → the English sentence, with {name} placeholders filled from the parameters.
SENTENCES: dict[str, str] = {
    "too_few_complete": (
        "needs at least 2 participants and 2 judges in complete cases (have {n} × {k})"
    ),
    "no_between_variance": "participants do not differ (between-participant variance is 0)",
    "zero_denominator": "undefined: a variance in its denominator is 0",
    "no_residual_variance": "interval undefined: no residual variance",
    "all_marks_equal": "every judge gave every participant the same mark",
    "no_shared_participant": "scored no participant with another judge",
    "too_few_shared": "needs at least 3 shared participants (have {n})",
    "judge_constant": "the judge gave every participant the same mark",
    "others_constant": "the other judges' mean is the same for every participant",
    "outside_corridor": "{outside} of {count} marks outside the corridor ±{width}",
    "lean_above": "marks above the others by {by} on average (corridor ±{width})",
    "lean_below": "marks below the others by {by} on average (corridor ±{width})",
}


class Reason(str):
    """The English sentence of `code`, filled from `params` (already formatted as text)."""

    code: str
    params: dict[str, str]

    def __new__(cls, code: str, **params: object) -> Reason:
        shown = {name: str(value) for name, value in params.items()}
        reason = super().__new__(cls, SENTENCES[code].format(**shown))
        reason.code = code
        reason.params = shown
        return reason

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict[str, str]) -> Reason:
    return Reason(code, **params)
