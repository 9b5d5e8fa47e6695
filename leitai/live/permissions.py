"""Who may operate the hub (its status page and check messages): a rule an app provides.

`live` imports no app, so it cannot know who an organiser is. The app that holds the roles
(accounts) sets the rule in its `AppConfig.ready()`, as topics are registered with `register_topic`:

    set_operator_rule(is_organiser)

Until a rule is set nobody operates the hub (an unconfigured hub refuses, it never opens).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OperatorRule = Callable[[Any], bool]

_operator_rule: OperatorRule | None = None


def set_operator_rule(rule: OperatorRule) -> None:
    """Say who may see the hub's figures and send check messages (the last call wins)."""
    global _operator_rule
    _operator_rule = rule


def can_operate_live(user: Any) -> bool:
    """Whether the user may see the hub's figures and send check messages (organisers)."""
    return _operator_rule is not None and bool(_operator_rule(user))
