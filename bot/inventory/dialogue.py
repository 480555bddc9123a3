"""The inventory conversation as the channels call it (`bot.dialogue` protocol): `prompt`, `handle` and
`is_finished`, implemented in `bot.inventory.conversation`. Kept so the Rasa forms, the tests and any stored
import path keep working; add nothing here.
"""
from __future__ import annotations

from typing import Any, Optional, Union

from bot.inventory.conversation import asking
from bot.inventory.conversation.engine import handle, is_finished, prompt
from bot.inventory.conversation.state import Draft

__all__ = ["handle", "is_finished", "next_field", "prompt"]


def next_field(pending: Union[Draft, dict[str, Any]]) -> Optional[str]:
    """The next field asked about a material being entered, from a `Draft` or the slot's "pending" dict."""
    return asking.next_field(pending if isinstance(pending, Draft) else Draft.from_slot(pending))
