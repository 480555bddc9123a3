"""What the assistant says when asked for a part of the filing it does not do yet: an honest "not yet" and
what the filer can do now — never another feature's widget. Channel-free (the chat, the staff console and
Slack say the same). Documents are no longer here (`bot.documents.chat` answers "upload my site map"), nor submit
and status (`bot.submittals.chat` answers "submit my filing" and "what's the status of my filing?").

Keys are what is asked, not always an intent: next year's filing (the annual certification) is recognised by
`bot.submittals.chat.asks_next_year` inside a submit request."""
from __future__ import annotations

from typing import Optional

_REPLIES = {
    "next_year_filing": (
        "Starting next year's filing (or the annual certification that nothing changed) from the accepted one isn't "
        "in this assistant yet. Until then, make the changes here (each starts a new Draft copied from the last "
        "filing) and say \"submit my filing\", or certify in CERS itself. Say \"what's the status of my filing?\" "
        "to see where it stands."),
}


def not_built_reply(intent: str) -> Optional[str]:
    """The "not yet, here is what you can do" for a request the product can't carry out, or None."""
    return _REPLIES.get(intent)


NOT_BUILT_INTENTS = tuple(_REPLIES)
