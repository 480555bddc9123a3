"""Submit and status in a conversation (the chat, and later the staff console or Slack): what the assistant says
to "submit my filing", to the certification answer, and to "what's the status of my filing?" / "what do I need to
fix?". Returns a `bot.dialogue.Turn`; the channel only shows it.

Nothing is decided twice: what blocks comes from `precheck`, the submit (idempotent, its emails) and the status from
`bot.submittals.service`. This module only words them and points each finding at the chat step that fixes it.

The certification is asked once, right before the submit; `start` marks that turn (`turn.state["awaiting"] =
AWAITING`) and the channel must keep that mark only until the next message: a "yes" said later about something else
must never submit a filing. Never writes except through `service.submit(certified=True)` on a fresh "yes".
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any, Iterable, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.config import get_settings
from bot.dialogue import Button, Turn
from bot.errors import ValidationError
from bot.facility_info.questions import CERTIFICATION_KEYS
from bot.services import facilities
from bot.submittals import annual, service
from bot.submittals.drafts import current_filing
from bot.submittals.precheck import Finding, advice, blocking, precheck

SUBMIT_INTENT = "submit_filing"
STATUS_INTENT = "check_status"
INTENTS = (SUBMIT_INTENT, STATUS_INTENT)
ANSWER_ENTITY = "submit_answer"  # yes | no: the certification buttons
DETAIL_ENTITY = "status_detail"  # fix: "what do I need to fix?"
AWAITING = "certification"  # turn.state["awaiting"] after the certification question
MATERIALS_SHOWN = 5

# Asked to submit in the middle of another form (sign-up, a facility search): after that one.
AFTER_THIS = ("Submitting and the filing's status come once you are working on your facility's filing: let's finish "
              "this first, then say \"submit my filing\" or \"what's the status of my filing?\".")

# Said inside a step too briefly to leave it ("submit"): how to get there.
IN_A_STEP = ("To submit, finish this step first (say \"that's all\"), then say \"submit my filing\"; \"what's the "
             "status of my filing?\" tells where it stands.")
_NEXT_YEAR_RE = re.compile(r"\b(?:annual(?:ly)? certif\w*|recertif\w*|re-certif\w*|next year|"
                           r"(?:annual|yearly) (?:filing|plan|update|submi\w*|hmbp|business plan)|"
                           r"this year'?s (?:plan|filing)|same as last year|nothing (?:has )?changed|no changes)\b")
_FIX_RE = re.compile(r"\b(?:fix|fixed|correct|corrections?|wrong|missing|reject(?:ed)?|not accepted|comments?|"
                     r"what did (?:the|they)|why)\b")
_DOCUMENT_OF = {"site_map": "site_map", "emergency_response_plan": "emergency_response_plan",
                "training_plan": "employee_training_plan", "employee_training_plan": "employee_training_plan"}
_FACILITY_INFO_ELEMENTS = ("business_activities", "owner_operator", "certification", "facility_info")
_INVENTORY_ELEMENTS = ("inventory", "waste_streams", "hazardous_materials_inventory")


def payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


YES_PAYLOAD = payload(SUBMIT_INTENT, **{ANSWER_ENTITY: "yes"})
NO_PAYLOAD = payload(SUBMIT_INTENT, **{ANSWER_ENTITY: "no"})
FIX_PAYLOAD = payload(STATUS_INTENT, **{DETAIL_ENTITY: "fix"})


def asks_next_year(text: str) -> bool:
    """"do the annual certification", "nothing changed since last year, recertify": next year's filing."""
    return bool(_NEXT_YEAR_RE.search(" ".join((text or "").lower().split())))


def asks_what_to_fix(text: str) -> bool:
    """"what do I need to fix?", "why was it not accepted", "what's wrong with my filing"."""
    return bool(_FIX_RE.search(" ".join((text or "").lower().split())))


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        from bot.timeutil import as_utc

        value = as_utc(value)
    if isinstance(value, (date, datetime)):
        return f"{value:%B} {value.day}, {value:%Y}"
    return str(value) if value else ""


def review_url(cers_id: str) -> str:
    return f"{get_settings().web_base_url.rstrip('/')}/submit?facility={cers_id}"


# ---- where each finding is fixed ----------------------------------------------------------------------------------
def fix_button(step: str, element: str = "") -> Optional[Button]:
    """The chat button that goes where a finding (or a review reason) is fixed, or None (nothing to do in the chat)."""
    from bot.documents.chat import upload_button

    if step == "documents" or element in _DOCUMENT_OF:
        document = _DOCUMENT_OF.get(element)
        return upload_button(document) if document else Button("Upload a document", "/upload_document")
    if step == "inventory" or element in _INVENTORY_ELEMENTS:
        return Button("Fix it in the inventory", "/list_chemicals")
    if step == "facility_info" or element in _FACILITY_INFO_ELEMENTS:
        return Button("Fix it in Facility Information", "/continue_filing")
    return None


def _finding_button(f: Finding) -> Optional[Button]:
    if f.check == "inventory_empty":
        return Button("Start the chemical inventory", "/start_inventory")
    if f.check == "annual_confirmations":
        from bot.submittals.annual_chat import continue_button

        return continue_button()
    return fix_button(f.step, f.element)


def _unique(buttons: Iterable[Optional[Button]]) -> list[Button]:
    seen: dict[str, Button] = {}
    for b in buttons:
        if b is not None and b.payload not in seen:
            seen[b.payload] = b
    return list(seen.values())


def _say_findings(turn: Turn, stops: list[Finding], told: list[Finding], intro: str) -> Turn:
    lines = "\n".join(f"{n}. {f.message}" for n, f in enumerate(stops, 1))
    turn.say(f"{intro}\n{lines}", _unique(_finding_button(f) for f in stops))
    if told:
        turn.say("Advice (it doesn't stop the submit, but inspectors look at it):\n"
                 + "\n".join(f"- {f.message}" for f in told))
    return turn


# ---- submit -------------------------------------------------------------------------------------------------------
def _summary_text(db: Session, actor: Actor, facility_id: int) -> tuple[str, dict[str, str]]:
    """A short summary of the whole filing, and the certification fields by key."""
    s = service.summary(db, actor, facility_id)
    facility = facilities.get_facility(db, facility_id)
    lines = [f"Here is {facility.name}'s filing (CERS ID {facility.cers_id}{', ' + str(s.year) if s.year else ''}):"]
    lines.append("- Business Activities: " + ("; ".join(s.activities) if s.activities else "all answered no")
                 + (f" (EPA ID {s.epa_id})" if s.epa_id else ""))
    if s.owner_operator:
        lines.append("- Owner/Operator: " + "; ".join(f"{label}: {value}" for label, value in s.owner_operator))
    count = len(s.materials)
    shown = "; ".join(s.materials[:MATERIALS_SHOWN]) + (f"; and {count - MATERIALS_SHOWN} more"
                                                         if count > MATERIALS_SHOWN else "")
    lines.append(f"- Inventory: {count} material{'s' if count != 1 else ''}"
                 + (f" ({s.waste_lines} waste)" if s.waste_lines else "") + (f": {shown}" if count else ""))
    lines.append("- Documents: " + "; ".join(f"{label}: {status}" for label, status in s.documents))
    certification = {key: value for key, (_, value) in zip(CERTIFICATION_KEYS, s.certification)}
    return "\n".join(lines), certification


def certification_question(certification: dict[str, str]) -> str:
    signer = certification.get("identification_signer_name") or "the signer"
    title = certification.get("identification_signer_title")
    signed = certification.get("identification_signed_date")
    preparer = certification.get("document_preparer_name")
    who = f"{signer}{', ' + title if title and title != 'missing' else ''}"
    return (f"Do you certify, as {who}"
            + (f" (signed {signed})" if signed and signed != "missing" else "")
            + ", that the information in this filing"
            + (f" (prepared by {preparer})" if preparer and preparer != "missing" else "")
            + " is true, accurate and complete? Once submitted it goes to the CUPA's review queue and can't be "
              "edited (a change starts a new Draft).")


def start(db: Session, actor: Actor, facility_id: int, text: str = "") -> Turn:
    """"submit my filing": the blocking findings with where to fix each (advice apart); else the summary and the
    certification question (`turn.state["awaiting"] == AWAITING`); with no Draft, what was submitted and when.
    Next year's filing ("file this year's plan", "nothing changed, recertify") goes to `annual_chat.walk` when
    there is no Draft (nothing filed yet included: it says the first filing comes first) or the Draft is this
    year's copy of the accepted filing."""
    facility = facilities.get_facility(db, facility_id)
    facilities.require_role(db, actor.subject_user_id, facility_id)
    turn = Turn()
    filing = current_filing(db, facility_id)
    if asks_next_year(text) and (filing is None or filing.status != "Draft" or annual.is_annual(db, filing)):
        from bot.submittals import annual_chat

        return annual_chat.walk(db, actor, facility_id, text)
    if filing is not None and filing.status != "Draft":
        result = service.submit(db, actor, facility_id, certified=False)  # no Draft: reports, writes nothing
        return turn.say(result.message, [Button("What's the status?", payload(STATUS_INTENT))])
    if filing is None:
        return turn.say(service.NOTHING_TO_SUBMIT, [Button("Start", "/continue_filing")])
    findings = precheck(db, actor, facility_id)
    stops, told = blocking(findings), advice(findings)
    if stops:
        count = len(stops)
        return _say_findings(turn, stops, told, f"The filing can't be submitted yet: {count} thing"
                                                f"{'s' if count != 1 else ''} to fix first.")
    text, certification = _summary_text(db, actor, facility_id)
    turn.say(text)
    if told:
        turn.say("Nothing blocks the submit. Advice (inspectors look at it, but it doesn't stop the submit):\n"
                 + "\n".join(f"- {f.message}" for f in told))
    turn.say(f"{certification_question(certification)}\nThe full review, page by page: "
             f"{review_url(facility.cers_id)}",
             [Button("Yes, I certify: submit", YES_PAYLOAD), Button("No, not now", NO_PAYLOAD)])
    turn.state = {"awaiting": AWAITING, "facility": facility.cers_id}
    return turn


def confirm(db: Session, actor: Actor, facility_id: int, yes: bool) -> Turn:
    """The answer to the certification question just asked: yes submits (certified), no submits nothing."""
    facility = facilities.get_facility(db, facility_id)
    facilities.require_role(db, actor.subject_user_id, facility_id)
    turn = Turn()
    if not yes:
        return turn.say("OK, nothing was submitted. The filing stays a Draft; say \"submit my filing\" when you are "
                        f"ready. The full review: {review_url(facility.cers_id)}",
                        [Button("Where am I?", "/where_am_i")])
    try:
        result = service.submit(db, actor, facility_id, certified=True)
    except service.SubmitBlocked as exc:  # changed since the question (another tab, another user)
        return _say_findings(turn, exc.findings, [], "Something changed since I asked: the filing can't be "
                                                     "submitted yet.")
    except ValidationError as exc:
        return turn.say(exc.message)
    if result.already_submitted:
        return turn.say(result.message, [Button("What's the status?", payload(STATUS_INTENT))])
    leads = [u.full_name for u in facilities.active_lead_users(db, facility_id)]
    to = f" ({', '.join(leads)})" if leads else ""
    return turn.say(f"Submitted on {_day(result.submitted_at)}: {facility.name}'s filing is in the CUPA's review "
                    f"queue. A confirmation email went to the Lead Users{to}. Next, the inspector marks it Accepted or "
                    f"Not Accepted; if Not Accepted, the corrections are due within {service.CORRECTIONS_DAYS} days. "
                    "Say \"what's the status of my filing?\" any time.",
                    [Button("What's the status?", payload(STATUS_INTENT))])


# ---- status -------------------------------------------------------------------------------------------------------
# A Facility Information element sent back by the inspector is answered already: it is changed by saying so (the
# step's corrections), not by continuing the step.
CHANGE_HINT = ("For Facility Information, say what to change, for example \"change the emergency phone to "
               "559-555-0123\" or \"change the signer's title\".")


def _reason_parts(reason: Any) -> tuple[str, str]:
    """(element, words) of one element the inspector did not accept: `status().to_fix` entries (element, label,
    reasons, note, `.message`), or a plain string / dict."""
    if isinstance(reason, str):
        return "", reason
    get = reason.get if isinstance(reason, dict) else (lambda k, d=None: getattr(reason, k, d))
    element = str(get("element", "") or "")
    if get("message"):
        return element, str(get("message"))
    label = str(get("label") or element.replace("_", " "))
    words = [str(get(k)) for k in ("reason", "text", "comment") if get(k)] + [str(r) for r in get("reasons") or ()]
    if get("note"):
        words.append(f"Inspector's note: {get('note')}")
    return element, (f"{label[:1].upper()}{label[1:]}: {' '.join(words)}" if words else label)


def _head(st: Any) -> str:
    verb = "started by" if st.status == "Draft" else "submitted by"
    who = f", {verb} {st.who}" if st.who else ""
    return f"Status: {st.status}{who}{' on ' + _day(st.when) if st.when else ''}."


def _review_turn(db: Session, actor: Actor, facility_id: int, st: Any, fix: bool) -> Turn:
    """A Not Accepted filing, or the Draft fixing one: what the inspector listed, the due date, a button to each
    element; for the Draft also what still blocks its submit."""
    parts = [_reason_parts(r) for r in (getattr(st, "to_fix", None) or getattr(st, "reasons", None) or ())]
    due = getattr(st, "due_date", None) or getattr(st, "due", None)
    by, at = getattr(st, "reviewed_by", None), getattr(st, "reviewed_at", None)
    head = _head(st)
    if st.status == "Not Accepted":
        head += f" Not accepted{' by ' + by if by else ''}{' on ' + _day(at) if at else ''}."
    else:
        head += " It holds your corrections to the filing the inspector did not accept."
    lines = "\n".join(f"{n}. {words}" for n, (_, words) in enumerate(parts, 1))
    text = head + (f"\nWhat the inspector listed:\n{lines}" if lines else "")
    text += (f"\nThe corrections are due by {_day(due)}." if due else "") + \
        " Fix each one here (a change starts a new Draft copied from the filing), then say \"submit my filing\" again."
    if any(e in _FACILITY_INFO_ELEMENTS for e, _ in parts):
        text += " " + CHANGE_HINT
    buttons = _unique(fix_button("", e) for e, _ in parts if e not in _FACILITY_INFO_ELEMENTS)
    turn = Turn()
    if st.status != "Draft":
        return turn.say(text, buttons)
    findings = precheck(db, actor, facility_id)
    stops = blocking(findings)
    if stops and fix:
        turn.say(text, buttons)
        return _say_findings(turn, stops, advice(findings), "Also to fix before it can be submitted:")
    if stops:
        count = len(stops)
        text += f"\n{count} thing{'s' if count != 1 else ''} still block{'s' if count == 1 else ''} the submit."
        buttons.append(Button("What do I need to fix?", FIX_PAYLOAD))
    else:
        buttons.append(Button("Submit my filing", payload(SUBMIT_INTENT)))
    return turn.say(text, buttons)


def status_turn(db: Session, actor: Actor, facility_id: int, text: str = "", fix: bool = False) -> Turn:
    """"what's the status of my filing?": status, who, when, what is next; for Not Accepted (and the Draft fixing
    it) the inspector's reasons and the due date with a button to each element; "what do I need to fix?" (or
    `fix`): what blocks a Draft, each with its button."""
    st = service.status(db, actor, facility_id)
    fix = fix or asks_what_to_fix(text)
    turn = Turn()
    if st.status == "Not Accepted" or getattr(st, "to_fix", None) or getattr(st, "reasons", None):
        return _review_turn(db, actor, facility_id, st, fix)
    if st.status == "Draft":
        findings = precheck(db, actor, facility_id)
        stops = blocking(findings)
        if stops and fix:
            turn.say(st.message)
            return _say_findings(turn, stops, advice(findings), "To fix before it can be submitted:")
        buttons = ([Button("What do I need to fix?", FIX_PAYLOAD), Button("Where am I?", "/where_am_i")] if stops
                   else [Button("Submit my filing", payload(SUBMIT_INTENT))])
        return turn.say(st.message, buttons)
    if st.status == "Not started":
        return turn.say(st.message, [Button("Start", "/continue_filing")])
    turn.say(st.message)
    if fix and st.status in ("Submitted", "Under Review"):
        turn.say("Nothing to fix for now: the CUPA hasn't sent the review back yet.")
    elif fix and st.status == "Accepted":
        turn.say("Nothing to fix: the filing is Accepted.")
    return turn


def reply(db: Session, actor: Actor, facility_id: int, intent: str, text: str = "", answer: Optional[str] = None,
          detail: Optional[str] = None, confirming: bool = False) -> Turn:
    """One submit/status message: `confirming` — the certification question was the assistant's last question
    (the channel's marker), so `answer` yes/no answers it; without it a yes button is stale and the check runs
    again."""
    if intent == STATUS_INTENT:
        return status_turn(db, actor, facility_id, text, fix=detail == "fix")
    from bot.submittals import annual_chat

    if answer and (answer == annual_chat.WALK or answer.startswith(annual_chat.KEEP_PREFIX)):
        return annual_chat.reply(db, actor, facility_id, answer, text)
    if answer in ("yes", "no") and confirming:
        return confirm(db, actor, facility_id, answer == "yes")
    return start(db, actor, facility_id, text)
