from __future__ import annotations

from collections.abc import Iterator

import pytest

from leitai.orgs import search


@pytest.fixture(autouse=True)
def fresh_search_index() -> Iterator[None]:
    """Each test rolls its tree back, so the next test's tree reaches the same version number with
    other units: an index kept from the earlier test would look current and find nothing."""
    search._current = None
    yield
    search._current = None
