"""Who operates the hub is a rule an app sets: live itself knows no role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from leitai.live import permissions


@pytest.fixture
def saved_rule():
    saved = permissions._operator_rule
    yield
    permissions._operator_rule = saved


def test_accounts_sets_the_rule_organisers_operate(saved_rule):
    from leitai.accounts.permissions import is_organiser

    assert permissions._operator_rule is is_organiser


def test_without_a_rule_nobody_operates_the_hub(saved_rule):
    permissions._operator_rule = None
    assert not permissions.can_operate_live(SimpleNamespace(is_authenticated=True))


def test_the_rule_set_decides(saved_rule):
    permissions.set_operator_rule(lambda user: user.name == "ops")
    assert permissions.can_operate_live(SimpleNamespace(name="ops"))
    assert not permissions.can_operate_live(SimpleNamespace(name="visitor"))
