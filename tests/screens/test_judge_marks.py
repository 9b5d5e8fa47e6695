"""The judge's phone adds up marks exactly as the server does: arena-marks.js, run in Node, against
leitai.scoring's Rubric (which mark is valid) and the stored sheet total Σ weight × mark written as
the pages write it (arenas.panel.plain). Generated rubrics and sheets, with steps and weights that
put totals on halves, quarters and eighths, where a rounding slip would show.

The arithmetic's own cases run under Node's test runner: tests/js/marks.test.js."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from leitai.scoring.codec import parse_rubric
from leitai.scoring.exact import plain

NODE = shutil.which("node")
ROOT = Path(__file__).resolve().parents[2]

RUN = """
const { load } = require(process.argv[1]);
const { LeitaiMarks } = load(["arena-marks.js"]);
const cases = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(function (c) {
  const grid = LeitaiMarks.grid(c.rubric, false);
  const sheet = grid.evaluate(c.marks);
  return {
    maxTotal: grid.maxTotal, total: sheet.total, complete: sheet.complete, errors: sheet.errors
  };
})));
"""

STEPS = ["1", "0.5", "0.25", "0.1", "0.05", "0.125"]
WEIGHTS = ["1", "0.5", "1.5", "0.25", "2", "0.3", "1.25", "0.125", "3"]
ERRORS = {"above_maximum": "above", "off_step": "step", "not_a_number": "number"}


def run_js(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert NODE, "Node.js is needed (make lint runs Biome with it)"
    answer = subprocess.run(
        [NODE, "-e", RUN, str(ROOT / "tests" / "js" / "load.js")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)  # type: ignore[no-any-return]


def a_mark(rng: random.Random, step: Decimal, maximum: Decimal) -> str:
    units = int(maximum / step)
    kind = rng.random()
    if kind < 0.08:
        return str(maximum + step)  # above the maximum
    if kind < 0.14:
        return str(rng.randint(0, units - 1) * step + step / 3)[:8]  # off the step
    if kind < 0.2:
        return str(maximum)
    return str(rng.randint(0, units) * step)


def generated_cases(count: int) -> list[dict[str, Any]]:
    rng = random.Random(20261204)
    cases = []
    for _ in range(count):
        rubric = []
        for n in range(rng.randint(1, 5)):
            step = Decimal(rng.choice(STEPS))
            maximum = step * rng.randint(4, 400)
            rubric.append(
                {
                    "key": f"c{n}",
                    "label": f"c{n}",
                    "maximum": str(maximum),
                    "step": str(step),
                    "weight": rng.choice(WEIGHTS),
                }
            )
        marks = {c["key"]: a_mark(rng, Decimal(c["step"]), Decimal(c["maximum"])) for c in rubric}
        cases.append({"rubric": rubric, "marks": marks})
    # Halves by hand: 0.5 × 7.5 = 3.75, 0.125 × 0.5 = 0.0625, 1.5 × 0.5 = 0.75.
    cases.append(
        {
            "rubric": [
                {"key": "a", "maximum": "10", "step": "0.5", "weight": "0.5"},
                {"key": "b", "maximum": "1", "step": "0.5", "weight": "0.125"},
                {"key": "c", "maximum": "3", "step": "0.5", "weight": "1.5"},
            ],
            "marks": {"a": "7.5", "b": "0.5", "c": "0.5"},
        }
    )
    return cases


def python_answer(case: dict[str, Any]) -> dict[str, Any]:
    rubric = parse_rubric(case["rubric"])
    problems = rubric.sheet_problems(case["marks"])
    valid = {
        c.key: Decimal(case["marks"][c.key])
        for c in rubric.criteria
        if not any(p.criterion == c.key for p in problems)
    }
    total = sum((c.weight * valid[c.key] for c in rubric.criteria if c.key in valid), Decimal(0))
    return {
        "maxTotal": plain(rubric.maximum_total),
        "total": plain(total) if valid else None,
        "complete": not problems,
        "errors": {p.criterion: ERRORS[p.rule.value] for p in problems},
    }


@pytest.mark.skipif(NODE is None, reason="no Node.js (node) on PATH")
def test_the_phone_checks_and_adds_up_marks_as_the_server_does() -> None:
    cases = generated_cases(400)
    phone = run_js(cases)
    for case, answer in zip(cases, phone, strict=True):
        assert answer == python_answer(case), case
    # The cases reach what they are for: every kind of refusal, and totals ending on a half of
    # their last place (which a rounding to fewer places would change).
    assert {"above", "step"} <= {e for a in phone for e in a["errors"].values()}
    assert sum(1 for a in phone if a["total"] and a["total"].endswith("25")) > 20
    assert phone[-1]["total"] == "4.5625"  # 3.75 + 0.0625 + 0.75, not rounded
