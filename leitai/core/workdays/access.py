"""Who may enter the holidays of a year: a rule the app holding the roles provides.

`core` imports no app, so it cannot know who an organiser is; accounts sets the rule in its
`AppConfig.ready()` (`set_editor_rule(is_organiser)`), as it does the live hub's operator rule.
Until a rule is set nobody edits the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EditorRule = Callable[[Any], bool]

_editor_rule: EditorRule | None = None


def set_editor_rule(rule: EditorRule) -> None:
    """Say who may see and change the holiday table (the last call wins)."""
    global _editor_rule
    _editor_rule = rule


def can_edit_calendar(user: Any) -> bool:
    return _editor_rule is not None and bool(_editor_rule(user))
