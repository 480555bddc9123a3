"""The documents step in a conversation (the chat, and later the staff console or Slack): what the assistant says
when the filer asks to upload the Site Map, the Emergency Response / Contingency Plan or the Employee Training
Plan, the upload widget it offers, for a plan with nothing on file the link to a draft filled in from the filing
(`bot.documents.plan_drafts`), the training plan's "provided elsewhere in CERS", and what it says after an
upload. Returns a `bot.dialogue.Turn`; the channel only shows it.

It never takes a file: the widget posts the PDF to the web server (`POST /api/documents/upload`), which checks
and stores it through `bot.documents.service`. After a stored upload the chat page sends `UPLOADED_NOTICE`
("I uploaded my site map"), and `reply` reports what is on file and what comes next.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.config import get_settings
from bot.dialogue import Button, Turn
from bot.documents import service
from bot.documents.advice import ELEMENT_LABELS, SITE_MAP_CHECKLIST, items_for
from bot.services import facilities

UPLOAD_FORM = "upload_document"  # the chat page's widget: {"form": "upload_document", "facility", "element", ...}
CHECKLIST_PATH = "/documents/site-map-checklist"
INTENT = "upload_document"
ELEMENT_ENTITY = "document_element"
ANSWER_ENTITY = "document_answer"
PROVIDED_ELSEWHERE = "provided_elsewhere"

# The checklist ("where am I?") names the training plan "training_plan"; the documents core the CERS way.
ELEMENT_OF_CHECKLIST_KEY = {"site_map": "site_map", "emergency_response_plan": "emergency_response_plan",
                            "training_plan": "employee_training_plan"}
# What the chat page sends after a stored upload (bot/web/static/chat.js keeps the same sentences).
UPLOADED_NOTICE = {"site_map": "I uploaded my site map",
                   "emergency_response_plan": "I uploaded my emergency response plan",
                   "employee_training_plan": "I uploaded my training plan"}
SHORT = {"site_map": "site map", "emergency_response_plan": "emergency response plan",
         "employee_training_plan": "training plan"}

PLAN_ELEMENTS = ("emergency_response_plan", "employee_training_plan")  # the documents a draft can be made of
DRAFT_OFFER = ("No plan yet? I can draft one from your filing: download it, complete the blanks, sign it and upload "
               "it here.")
# Asked for a document in the middle of another form (sign-up, a facility search): after that one.
AFTER_THIS = ("The site map and the plans are uploaded here in the chat once you are working on your facility's "
              "filing: let's finish this first, then say \"upload my site map\".")

_NAMED = (
    ("employee_training_plan", re.compile(r"\btrain(?:ing|ning)?\b")),
    ("emergency_response_plan", re.compile(r"\b(?:emergency|contingency|response|erp|evacuation)\b.*\bplan\b|"
                                           r"\bcontingency\b|\bemergency (?:response|plan)\b|\berp\b")),
    ("site_map", re.compile(r"\b(?:site|facility|floor|plot|shop|building|property)[ -]?(?:map|plan|layout|"
                            r"drawing|diagram)s?\b|\bmaps?\b|\bsitemap\b")),
)
_NOTICE_RE = re.compile(r"^i (?:just )?uploaded (?:my|our|the) (site map|emergency response plan|training plan)\.?$")
_ELSEWHERE_RE = re.compile(r"\b(?:provided|included|covered|is|it's|its|already)\b.{0,30}\b(?:elsewhere|"
                           r"in (?:the |our |my )?(?:emergency|contingency)|part of (?:the |our |my )?(?:emergency|"
                           r"contingency))")


def element_named(text: str) -> Optional[str]:
    """The document a sentence names ("upload my site map" → site_map), or None."""
    low = " ".join((text or "").lower().split())
    for element, pattern in _NAMED:
        if pattern.search(low):
            return element
    return None


def upload_notice(text: str) -> Optional[str]:
    """The element when `text` is what the chat page sends after a stored upload, else None."""
    found = _NOTICE_RE.match(" ".join((text or "").lower().split()))
    if not found:
        return None
    return next(e for e, s in UPLOADED_NOTICE.items() if s.lower().endswith(found.group(1)))


_DRAFT_RE = re.compile(r"\b(?:draft|template|sample|example|blank|write|make|create|put together|prepare)\b|"
                       r"\b(?:don'?t|do not|doesn'?t|never|haven'?t) (?:have|had|wrote|written|made)\b|"
                       r"\bno (?:\w+ ){0,3}plan\b")


def asks_for_draft(text: str) -> bool:
    """The filer has no plan or asks for one to be written ("can you draft the emergency plan", "is there a
    template", "we don't have a training plan")."""
    return bool(_DRAFT_RE.search(text.lower()))


def says_provided_elsewhere(text: str) -> bool:
    """"it's provided elsewhere in CERS", "our training plan is part of the contingency plan"."""
    return bool(_ELSEWHERE_RE.search(" ".join((text or "").lower().split())))


def payload(element: str, answer: Optional[str] = None) -> str:
    """A button payload for the channel's `upload_document` intent with the element (and answer) as entities."""
    entities = {ELEMENT_ENTITY: element}
    if answer:
        entities[ANSWER_ENTITY] = answer
    return f"/{INTENT}{json.dumps(entities, separators=(',', ':'))}"


def upload_button(element: str) -> Button:
    return Button(f"Upload the {SHORT[element]}", payload(element))


def checklist_url() -> str:
    return get_settings().web_base_url.rstrip("/") + CHECKLIST_PATH


def draft_url(element: str, cers_id: str) -> str:
    """The address of the plan's draft filled in from the filing (bot.documents.plan_drafts)."""
    from bot.documents.plan_drafts import draft_path  # imported here: it loads the PDF writer

    return get_settings().web_base_url.rstrip("/") + draft_path(element, cers_id)


def _draft_offer(element: str, cers_id: str) -> str:
    """For a plan with nothing on file: the sentence and the link to its draft ("" for the site map)."""
    if element not in PLAN_ELEMENTS:
        return ""
    return f"\n{DRAFT_OFFER}\nYour draft (PDF): {draft_url(element, cers_id)}"


def _max_mb() -> int:
    return max(1, get_settings().document_max_bytes // (1024 * 1024))


def _what_it_must_show(element: str) -> str:
    if element == "site_map":
        return (f"{SITE_MAP_CHECKLIST}\nA checklist you can print and draw on: {checklist_url()}")
    listed = "\n".join(f"- {item.label}" for item in items_for(element))
    text = f"Inspectors look for these in the {ELEMENT_LABELS[element]}:\n{listed}"
    if element == "employee_training_plan":
        text += ("\nIf your training plan is part of your Emergency Response / Contingency Plan (the state's "
                 "consolidated contingency plan has a training section), answer “provided elsewhere in CERS” "
                 "instead of uploading it twice.")
    return text


def offer(db: Session, actor: Actor, facility_id: int, element: Optional[str], want_draft: bool = False) -> Turn:
    """What the document must show, what is on file now, and the upload widget; without an element, which one.
    A plan's draft is offered when none is on file, or first when the filer asked for one (`want_draft`)."""
    current = service.current_documents(db, actor, facility_id)
    turn = Turn()
    if element not in service.ELEMENTS:
        turn.say("Which document do you want to upload? Each one is a PDF, up to "
                 f"{_max_mb()} MB.",
                 [Button(f"{ELEMENT_LABELS[e]} ({service.describe(current[e]).lower()})", payload(e))
                  for e in service.ELEMENTS])
        return turn
    facility = facilities.get_facility(db, facility_id)
    label = ELEMENT_LABELS[element]
    on_file = current[element]
    now = _draft_offer(element, facility.cers_id) if on_file is None else ""
    if on_file is not None:
        now = (f"\nOn file now: {service.describe(on_file)}. A new upload replaces it (the earlier one is kept in "
               "the history).")
    if want_draft and element in PLAN_ELEMENTS:
        turn.say(f"Here is a draft of your {label}, filled in from your filing: {draft_url(element, facility.cers_id)}"
                 "\nDownload it, check what is filled in, complete the blanks, sign and date it, then upload it "
                 "here.")
    turn.say(f"Your {label}: a PDF, up to {_max_mb()} MB.\n{_what_it_must_show(element)}{now}")
    buttons = ()
    if element in service.PROVIDED_ELSEWHERE_ELEMENTS:
        buttons = (Button("Provided elsewhere in CERS", payload(element, PROVIDED_ELSEWHERE)),)
    turn.say("Choose the PDF below; it goes straight to our server, not into the chat.", buttons,
             custom={"form": UPLOAD_FORM, "facility": facility.cers_id, "element": element, "label": label,
                     "max_mb": _max_mb()})
    return turn


def next_document(db: Session, actor: Actor, facility_id: int) -> Optional[str]:
    """The first document the checklist still wants (required, or not yet known to be), or None."""
    from bot.facility_info import service as filing

    for item in filing.checklist(db, actor, facility_id):
        element = ELEMENT_OF_CHECKLIST_KEY.get(item.key)
        if element and item.status in ("not started", "in progress"):
            return element
    return None


def _then(db: Session, actor: Actor, facility_id: int, turn: Turn) -> Turn:
    nxt = next_document(db, actor, facility_id)
    if nxt is None:
        turn.say("Those are the documents for now. Say \"where am I?\" to see the whole filing.",
                 [Button("Where am I?", "/where_am_i")])
    else:
        turn.say(f"Next: the {ELEMENT_LABELS[nxt]}.", [upload_button(nxt), Button("Where am I?", "/where_am_i")])
    return turn


def report(db: Session, actor: Actor, facility_id: int, element: str) -> Turn:
    """After the widget's upload: what is on file for `element`, and the next document."""
    document = service.current_documents(db, actor, facility_id)[element]
    if document is None or document.provided_elsewhere:
        return offer(db, actor, facility_id, element)
    turn = Turn()
    text = f"Thanks, your {ELEMENT_LABELS[element]} is on file ({service.describe(document)})."
    findings = document.findings or {}
    missing = list(findings.get("missing") or [])
    if findings.get("has_text") is False:
        text += " I couldn't read its text, so check it against the list yourself."
    elif missing:
        text += (f" I couldn't find {len(missing)} of the items inspectors look for in its text (listed above): "
                 "that's advice, not a refusal; upload a new version whenever you like.")
    turn.say(text)
    return _then(db, actor, facility_id, turn)


def mark_provided_elsewhere(db: Session, actor: Actor, facility_id: int, element: str) -> Turn:
    """The training plan answered "provided elsewhere in CERS" (a ValidationError for the other documents)."""
    service.provided_elsewhere(db, actor, facility_id, element)
    turn = Turn().say(f"Noted: your {ELEMENT_LABELS[element]} is provided elsewhere in CERS. Make sure your "
                      "Emergency Response / Contingency Plan has the training section (new employees and a yearly "
                      "refresher).")
    return _then(db, actor, facility_id, turn)


def reply(db: Session, actor: Actor, facility_id: int, text: str, element: Optional[str] = None,
          answer: Optional[str] = None) -> Turn:
    """The documents step's answer to one message: the upload notice, "provided elsewhere", or a request."""
    noticed = upload_notice(text)
    if noticed:
        return report(db, actor, facility_id, noticed)
    element = element if element in service.ELEMENTS else element_named(text)
    if element in service.PROVIDED_ELSEWHERE_ELEMENTS and (answer == PROVIDED_ELSEWHERE
                                                            or says_provided_elsewhere(text)):
        return mark_provided_elsewhere(db, actor, facility_id, element)
    return offer(db, actor, facility_id, element, want_draft=asks_for_draft(text))
