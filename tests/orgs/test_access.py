"""orgs asks for roles through orgs.access; accounts answers (orgs imports nothing of it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from leitai.accounts import permissions
from leitai.orgs import access


@pytest.fixture
def saved_access():
    saved = access._provided
    yield
    access._provided = saved


def test_accounts_provides_its_rules(saved_access):
    provided = access._access()
    assert provided.can_view_unit is permissions.can_view_unit
    assert provided.reaches_subtree is permissions.reaches_subtree
    assert provided.organised_top_paths is permissions.organised_top_paths


def test_unprovided_access_is_a_configuration_error_not_a_yes(saved_access):
    access._provided = None
    with pytest.raises(ImproperlyConfigured):
        access.can_view_unit(object(), object())  # type: ignore[arg-type]
