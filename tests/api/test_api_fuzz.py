"""The bounded Schemathesis run: every operation, as anonymous, an organiser, a host and a judge,
50 cases each — 0 server errors, every answer documented. `make bench` runs a longer one."""

from __future__ import annotations

import os

import pytest

from tests.api.fuzz import FUZZ_PERSONAS, fuzz, operation_labels
from tests.api.world import build_world

pytestmark = pytest.mark.django_db

# bench/api_fuzz.py sets more cases, new ones each run.
EXAMPLES = int(os.environ.get("LEITAI_FUZZ_EXAMPLES", "50"))
SEEDED = os.environ.get("LEITAI_FUZZ_SEEDED", "1") == "1"


@pytest.mark.parametrize("persona", FUZZ_PERSONAS)
@pytest.mark.parametrize("label", operation_labels())
def test_operation_conforms_to_its_schema(label: str, persona: str) -> None:
    fuzz(build_world(), label, persona, examples=EXAMPLES, seeded=SEEDED)
