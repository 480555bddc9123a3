"""Next year's filing in a conversation: "file this year's plan" (the annual reminder's words), "start my annual
filing", "nothing changed this year". Returns a `bot.dialogue.Turn`; the channel only shows it.

The walk keeps no state of its own: the Draft's confirmations (`bot.submittals.annual`) say which element comes
next, so a walk left for a change (the inventory, a document) resumes at the same element when the filer says
"file this year's plan" again. Each element shows what was filed, with "No change" (confirms it) and "Change it"
(the same buttons the submit findings use); after the last one, what AB 1429 means for this filer and the submit
flow of `bot.submittals.chat` (its summary and certification question). Never submits by itself.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Button, Turn
from bot.models import Submittal
from bot.submittals import annual, service
from bot.timeutil import utcnow

WALK = "annual"  # the submit_answer entity of "go on with this year's review"
KEEP_PREFIX = "keep:"  # the submit_answer entity of "No change" for one element: keep:<element>
MATERIALS_SHOWN = 8


def _payload(answer: str) -> str:
    from bot.submittals.chat import ANSWER_ENTITY, SUBMIT_INTENT, payload

    return payload(SUBMIT_INTENT, **{ANSWER_ENTITY: answer})


WALK_PAYLOAD = _payload(WALK)


def keep_payload(element: str) -> str:
    return _payload(KEEP_PREFIX + element)


def continue_button() -> Button:
    return Button("Continue this year's review", WALK_PAYLOAD)


def _filed(db: Session, actor: Actor, facility_id: int, element: str) -> str:
    """What the Draft (the copy of last year's accepted filing) holds for `element`, in a few lines."""
    from bot.documents.advice import ELEMENT_LABELS
    from bot.submittals.precheck import DOCUMENT_OF

    s = service.summary(db, actor, facility_id)
    if element == "business_activities":
        return ("Answered yes: " + "; ".join(s.activities) if s.activities else "Every question answered no.") + \
            (f" EPA ID: {s.epa_id}." if s.epa_id else "")
    if element == "owner_operator":
        return "\n".join(f"- {label}: {value}" for label, value in s.owner_operator) or "Nothing filled in."
    if element == "inventory":
        count = len(s.materials)
        lines = [f"- {m}" for m in s.materials[:MATERIALS_SHOWN]]
        if count > MATERIALS_SHOWN:
            lines.append(f"- and {count - MATERIALS_SHOWN} more (say \"list my chemicals\" to see them all)")
        return f"{count} material{'s' if count != 1 else ''}" + (":\n" + "\n".join(lines) if lines else ".")
    if element in DOCUMENT_OF:
        label = ELEMENT_LABELS[DOCUMENT_OF[element]]
        return next((status for name, status in s.documents if name == label), "not on file")
    if element == "certification":
        lines = [f"- {label}: {value}" for label, value in s.certification]
        return "\n".join(lines) + "\n\"No change\" certifies again with the same preparer and signer, dated today."
    return ""


def _change_button(element: str) -> Optional[Button]:
    from bot.submittals.chat import fix_button

    button = fix_button(annual.STEP_OF[element], element)
    return Button("Change it", button.payload) if button is not None else None


def _ask(turn: Turn, db: Session, actor: Actor, facility_id: int, element: str, left: int) -> Turn:
    from bot.submittals.chat import CHANGE_HINT

    number = len(annual.ELEMENTS) - left + 1
    text = (f"{number} of {len(annual.ELEMENTS)}. {annual.LABELS[element]}: what you filed last time:\n"
            f"{_filed(db, actor, facility_id, element)}\nIs it still right for this year?")
    if annual.STEP_OF[element] == "facility_info":
        text += f" To change it: {CHANGE_HINT[len('For Facility Information, '):]}"
    text += " After a change, say \"file this year's plan\" to go on from here."
    buttons = [Button("No change", keep_payload(element))]
    change = _change_button(element)
    if change is not None:
        buttons.append(change)
    return turn.say(text, buttons)


def _finish(turn: Turn, db: Session, actor: Actor, facility_id: int) -> Turn:
    """Every element confirmed: what AB 1429 means for this filer, then the submit flow."""
    from bot.submittals.chat import start

    turn.say("Every part is confirmed for this year. " + annual.ab1429_advice(db, actor, facility_id).message)
    return turn.extend(start(db, actor, facility_id))


def walk(db: Session, actor: Actor, facility_id: int, text: str = "", today: Optional[date] = None) -> Turn:
    """Start (or continue) this year's filing and ask about the next element not confirmed yet."""
    started = annual.start_annual(db, actor, facility_id, today or utcnow().date())
    turn = Turn()
    if not started.started:
        from bot.submittals.chat import FIX_PAYLOAD, STATUS_INTENT, SUBMIT_INTENT, payload

        button = {"draft_open": Button("Submit my filing", payload(SUBMIT_INTENT)),
                  "no_filing": Button("Start", "/continue_filing"),
                  "in_review": Button("What's the status?", payload(STATUS_INTENT)),
                  "not_accepted": Button("What do I need to fix?", FIX_PAYLOAD)}.get(started.blocker or "")
        return turn.say(started.message, [button] if button else [])
    draft = db.get(Submittal, started.submittal_id)
    left = annual.unconfirmed(draft)
    if started.created or text:
        turn.say(started.message)
    if left:
        return _ask(turn, db, actor, facility_id, left[0], len(left))
    return _finish(turn, db, actor, facility_id)


def keep(db: Session, actor: Actor, facility_id: int, element: str) -> Turn:
    """"No change" on `element`: confirmed for this year; then the next element (or the advice and the submit)."""
    if annual.annual_draft(db, actor, facility_id) is None or element not in annual.LABELS:
        return walk(db, actor, facility_id)
    left = annual.confirm_element(db, actor, facility_id, element)
    turn = Turn().say(f"{annual.LABELS[element]}: confirmed for this year.")
    if left:
        return _ask(turn, db, actor, facility_id, left[0], len(left))
    return _finish(turn, db, actor, facility_id)


def reply(db: Session, actor: Actor, facility_id: int, answer: str, text: str = "") -> Turn:
    """A "No change" button (`keep:<element>`) or "go on with this year's review"."""
    if answer.startswith(KEEP_PREFIX):
        return keep(db, actor, facility_id, answer[len(KEEP_PREFIX):])
    return walk(db, actor, facility_id, text)
