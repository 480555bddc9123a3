"""What the assistant says when asked for a part of the filing it does not do yet: an honest "not yet" and
what the filer can do now — never another feature's widget. Channel-free (the chat, the staff console and
Slack say the same). Documents are no longer here: `bot.documents.chat` answers "upload my site map"."""
from __future__ import annotations

from typing import Optional

_REPLIES = {
    "submit_filing": (
        "Submitting to your CUPA isn't in this assistant yet. When Facility Information and the inventory are "
        "complete here and the documents are uploaded, download the inventory spreadsheet, then sign in to CERS "
        "to submit. I can show you what is still missing (say \"where am I?\")."),
    "check_status": (
        "I can't see the review status of a submitted filing yet: CERS shows it on the facility's submittal "
        "page, and your CUPA emails the Lead Users when an element is Not Accepted. Here I can show how far "
        "your filing is in this assistant (say \"where am I?\")."),
}


def not_built_reply(intent: str) -> Optional[str]:
    """The "not yet, here is what you can do" for a request the product can't carry out, or None."""
    return _REPLIES.get(intent)


NOT_BUILT_INTENTS = tuple(_REPLIES)
