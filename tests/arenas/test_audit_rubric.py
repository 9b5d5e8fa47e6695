"""The rubric and rule as the codec (leitai.scoring.codec) and the arena's ledger replay read
them: plain exceptions in English with no Django settings (the offline check of an exported file
prints them), and the same refusals as a ValidationError in the user's language for forms and
services (leitai.programs.rubrics)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from leitai.programs.rubrics import rules_from_json
from leitai.scoring.codec import RubricError, parse_rubric, parse_rule, parse_tie_breaks

RUBRIC = [{"key": "a", "maximum": "10"}, {"key": "b", "maximum": "10"}]


def test_a_refusal_is_plain_english_without_django_settings() -> None:
    probe = (
        "import sys\n"
        "from leitai.scoring.codec import RubricError, parse_rubric\n"
        "try:\n"
        "    parse_rubric([{'key': 'a', 'maximum': '10'}, {'key': 'b', 'maximum': 'x'}])\n"
        "except RubricError as error:\n"
        "    print(error)\n"
        "conf = sys.modules.get('django.conf')\n"
        "print(conf is not None and conf.settings.configured)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["criterion 2 (b): “x” is not a number.", "False"]


@pytest.mark.parametrize(
    ("parse", "message"),
    [
        (lambda: parse_rubric([]), "A rubric needs at least one criterion."),
        (
            lambda: parse_rubric([{"key": " ", "maximum": "10"}]),
            "criterion 1 (?): the key is empty.",
        ),
        (
            lambda: parse_rubric([{"key": "a", "maximum": "inf"}]),
            "criterion 1 (a): “inf” is not a number.",
        ),
        (lambda: parse_rule({"trim": "many"}), "The aggregation rule is not valid: "),
        (
            lambda: parse_tie_breaks({"tie_breaks": ["criterion:c"]}, parse_rubric(RUBRIC)),
            "The tie-break names an unknown criterion “c”.",
        ),
    ],
)
def test_each_refusal_is_a_value_error_naming_what_is_wrong(
    parse: Callable[[], object], message: str
) -> None:
    with pytest.raises(RubricError) as refused:
        parse()
    assert isinstance(refused.value, ValueError)
    assert str(refused.value).startswith(message)


def test_forms_and_services_get_the_refusal_in_the_users_language() -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        rules_from_json([{"key": "a", "maximum": "10"}, {"key": "b", "maximum": "x"}], {})
    assert refused.value.messages == ["第 2 项（b）：“x”不是数字。"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        rules_from_json(RUBRIC, {"tie_breaks": ["criterion:c"]})
    assert refused.value.messages == ["并列处理规则引用了不存在的评分项“c”。"]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        rules_from_json([{"key": "a", "maximum": "10", "step": "3"}], {})
    assert refused.value.messages[0].startswith("criterion 1 (a): ")
