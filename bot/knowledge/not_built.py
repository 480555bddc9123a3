"""What the assistant says when asked for a part of the filing it does not do yet: an honest "not yet" and
what the filer can do now — never another feature's widget. Channel-free (the chat, the staff console and
Slack say the same).

Nothing is left here today: documents are answered by `bot.documents.chat` ("upload my site map"), submit and
status by `bot.submittals.chat` ("submit my filing", "what's the status of my filing?"), and next year's filing
(the annual certification: "file this year's plan", "nothing changed this year") by `bot.submittals.annual_chat`,
reached from a submit request that `bot.submittals.chat.asks_next_year`. The hook stays for the next feature that
is asked for before it exists."""
from __future__ import annotations

from typing import Optional

_REPLIES: dict[str, str] = {}


def not_built_reply(intent: str) -> Optional[str]:
    """The "not yet, here is what you can do" for a request the product can't carry out, or None."""
    return _REPLIES.get(intent)


NOT_BUILT_INTENTS = tuple(_REPLIES)
