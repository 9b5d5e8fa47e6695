from __future__ import annotations

from typing import Any


def can_operate_live(user: Any) -> bool:
    """Organisers (superusers included) see the hub's figures and send check messages."""
    from leitai.accounts.permissions import is_organiser

    return bool(is_organiser(user))
