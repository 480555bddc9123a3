"""What the Facility Information conversation says: each question with its buttons, the two summaries,
the pre-fill notice, explanations ("what does this mean?"), and answers and values as a filer reads them.

Also the per-call view of the conversation (`Ctx`: session, actor, facility, the channel's state and the
filing as stored) and the key names shared with `bot.facility_info.dialogue`, which decides what to ask and
what to write.
"""
from __future__ import annotations

import copy
import re
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Button, Turn
from bot.facility_info import corrections, service
from bot.facility_info.questions import (
    ADDRESS_GROUPS,
    ALWAYS_REQUIRED,
    BUSINESS_QUESTION_BY_KEY,
    BUSINESS_QUESTIONS,
    ELEMENTS,
    EPA_ID_EXPLANATION,
    EPA_ID_QUESTION,
    OWNER_OPERATOR_FIELD_BY_KEY,
    OWNER_OPERATOR_FIELDS,
    OwnerOperatorField,
)
from bot.models import User

SUMMARY_BA = "summary:business_activities"
SUMMARY_OO = "summary:owner_operator"
SAME_PREFIX = "same_as_business:"
CHOOSE = "choose_field"
EPA_ID = corrections.EPA_ID
COMMENTS = corrections.COMMENTS
ASK_SAME_GROUPS = ("owner", "econtact", "billing")  # asked "same address as the business?" before their address
STATE_KEYS = ("focus", "history", "back", "choice", "cert_intro", "pick_change")

YES = Button("Yes", "yes")
NO = Button("No", "no")
EXPLAIN = Button("What does this mean?", "what does this mean?")
SKIP = Button("Skip", "skip")
LOOKS_RIGHT = Button("Looks right", "looks right")
NEVER_MIND = Button("Never mind", "never mind")

PASSWORD_TEXT = ("That looks like a password, so I didn't save it. Please never type a password in the chat; "
                 "I only need the answer to the question.")

GROUP_NAMES = {
    "business": "Business", "operator": "Operator", "owner": "Owner", "econtact": "Environmental contact",
    "pec": "Primary emergency contact", "sec": "Secondary emergency contact", "billing": "Billing contact",
    "certification": "Certification", "property_owner": "Property owner", "local": "Local information",
}
GROUP_HELP = {
    "business": "This is the business as CERS knows it: its legal name, main phone number and mailing address.",
    "operator": "The operator is the person or company that runs the business at this site day to day. For many "
                "small businesses it is the business itself or its owner.",
    "owner": "The owner is the person or company that owns the business (not necessarily the building). CERS "
             "needs a way to reach the owner.",
    "econtact": "The environmental contact is the person the CUPA writes to about hazardous materials and this "
                "filing, for example when it is Not Accepted.",
    "pec": "The primary emergency contact is the person responders call first during an emergency at the site. "
           "They need full access to the facility, know the site, and can make decisions.",
    "sec": "The secondary emergency contact is called when the primary one can't be reached. It isn't strictly "
           "required by CERS, but most CUPAs expect one.",
    "billing": "The billing contact receives the CUPA's invoices for the permit and inspection fees.",
    "certification": "CERS needs the name of the person who prepared this information, and the name and title of "
                     "the person who signs that it is true, accurate and complete.",
    "property_owner": "Some CUPAs ask who owns the land and building.",
}
CERT_INTRO = ("Last, the certification. CERS needs the name of the person who prepared this information and the "
              "name and title of the person who signs it as true, accurate and complete. Without them the "
              "Facility Information is not complete, and it is the reason inspectors mark a filing "
              "“Not Accepted”.")
SAME_WHAT = {"owner": "the owner's mailing address", "econtact": "the environmental contact's mailing address",
             "billing": "the billing address", "property_owner": "the property owner's mailing address"}
_LABEL_PREFIX = re.compile(
    r"^(?:business |operator's |owner's |environmental contact's |primary emergency contact's |secondary "
    r"emergency contact's |billing contact's |billing |property owner's |document preparer's |signer's )")


# --- state and reading --------------------------------------------------------------------------------


class Ctx:
    """One call: the session, the actor, the facility, this conversation's state and the filing as stored."""

    def __init__(self, db: Session, actor: Actor, facility_id: int, state: Optional[dict[str, Any]]) -> None:
        self.db, self.actor, self.fid = db, actor, facility_id
        self.st: dict[str, Any] = copy.deepcopy({k: v for k, v in dict(state or {}).items() if k in STATE_KEYS})
        self.info = service.get_facility_info_state(db, actor, facility_id)  # access checked here

    def reload(self) -> None:
        self.info = service.get_facility_info_state(self.db, self.actor, self.fid)

    @property
    def values(self) -> dict[str, Any]:
        return self.info.values

    def user_name(self) -> Optional[str]:
        uid = self.actor.subject_user_id
        user = self.db.get(User, uid) if uid is not None else None
        return user.full_name if user is not None else None


def known_key(key: Any) -> bool:
    """Whether `key` is one the conversation can ask (a question/field key or "same_as_business:<group>")."""
    if not isinstance(key, str):
        return False
    if key.startswith(SAME_PREFIX):
        return key[len(SAME_PREFIX):] in ADDRESS_GROUPS and key[len(SAME_PREFIX):] != "business"
    return key in corrections.all_keys()


def business_address(values: dict[str, Any]) -> str:
    """The business mailing address on one line."""
    return format_address(values, "business")


# --- asking -----------------------------------------------------------------------------------------------


def ask(c: Ctx, turn: Turn, key: str) -> None:
    """Say the question (or summary, or choice) for `key`, with its buttons, on `turn`."""
    if key == CHOOSE:
        ask_choice(c, turn)
    elif key == SUMMARY_BA:
        _ask_ba_summary(c, turn)
    elif key == SUMMARY_OO:
        _ask_oo_summary(c, turn)
    elif key == EPA_ID:
        _ask_epa(c, turn)
    elif key == COMMENTS:
        cur = c.info.answers.get("comments")
        text = "Business Activities: any comments for the CUPA about these answers? (up to 1,000 characters)"
        buttons = [Button("Keep them", "keep")] if cur else []
        turn.say(text + (f"\n(Right now: {cur})" if cur else ""), buttons + [SKIP])
    elif key.startswith(SAME_PREFIX):
        _ask_same(c, turn, key[len(SAME_PREFIX):])
    elif key in BUSINESS_QUESTION_BY_KEY:
        _ask_ba(c, turn, key)
    else:
        _ask_field(c, turn, OWNER_OPERATOR_FIELD_BY_KEY[key])


def yes_no(value: Any) -> str:
    """"Yes" / "No" / "not answered" for a stored answer."""
    return {True: "Yes", False: "No"}.get(value, "not answered")


def _ask_ba(c: Ctx, turn: Turn, key: str) -> None:
    q = BUSINESS_QUESTION_BY_KEY[key]
    number = [x.key for x in BUSINESS_QUESTIONS].index(key) + 1
    text = f"Business Activities, question {number} of {len(BUSINESS_QUESTIONS)}: {q.question}"
    current = c.info.answers.get(key)
    if current is not None:
        text += f"\n(Your answer now: {yes_no(current)}.)"
    turn.say(text, [YES, NO, EXPLAIN])


def _ask_epa(c: Ctx, turn: Turn) -> None:
    current = c.info.answers.get("epa_id")
    text = "Business Activities: since you produce or handle hazardous waste, CERS asks for your EPA ID number. " \
        + EPA_ID_QUESTION
    buttons = [Button(f"Keep {current}", "keep")] if current else []
    if current:
        text += f"\n(Right now: {current}.)"
    turn.say(text, buttons + [Button("I don't have one yet", "I don't have one"), EXPLAIN])


def _ask_same(c: Ctx, turn: Turn, group: str) -> None:
    address = business_address(c.values)
    text = (f"{GROUP_NAMES.get(group, group.title())}: is {SAME_WHAT.get(group, 'this address')} the same as the "
            f"business address ({address})?")
    said = c.info.same_as_business.get(group)
    if said is not None:
        text += f"\n(You said {'yes' if said else 'no'} before.)"
    turn.say(text, [YES, NO, EXPLAIN])


def _progress(c: Ctx, f: OwnerOperatorField) -> str:
    if f.group == "certification":
        seq = [x.key for x in OWNER_OPERATOR_FIELDS if x.group == "certification"]
        name = "Certification"
    else:
        skipped = set(c.info.skipped)
        seq = [x.key for x in OWNER_OPERATOR_FIELDS if x.level in ("required", "recommended")
               and x.group != "certification" and x.key not in skipped]
        name = "Owner/Operator"
    if f.key in seq:
        return f"{name}, question {seq.index(f.key) + 1} of {len(seq)}:"
    return f"{name}:"


def _ask_field(c: Ctx, turn: Turn, f: OwnerOperatorField) -> None:
    if f.group == "certification" and not c.st.get("cert_intro"):
        turn.say(CERT_INTRO)
        c.st["cert_intro"] = True
    current = c.values.get(f.key)
    text = f"{_progress(c, f)} {f.question}"
    buttons: list[Button] = []
    if current not in (None, ""):
        shown = show(current)
        text += f"\n(Right now: {shown}.)"
        buttons.append(Button(_clip(f"Keep {shown}"), "keep"))
    same = same_value(c, f)
    if same and same != current:
        if f.group in ("pec", "sec") and same != c.values.get("phone"):
            buttons.append(Button(_clip(f"Same number: {show(same)}"), "same"))
        else:
            buttons.append(Button(_clip(f"Same as the business: {show(same)}"), "same as the business"))
    me = c.user_name()
    if f.validator in ("name", "person") and f.key != "business_name" and me and me != current and me != same:
        buttons.append(Button(_clip(f"Me ({me})"), "me"))
    if f.validator == "date":
        buttons.append(Button("Today", "today"))
    if not f.required:
        buttons.append(SKIP)
    buttons.append(EXPLAIN)
    turn.say(text, buttons)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ask_choice(c: Ctx, turn: Turn) -> None:
    """"Which one do you mean?" with a button per candidate answer (showing its current value)."""
    choice = c.st.get("choice") or {}
    keys = [k for k in choice.get("keys") or [] if known_key(k)]
    value = choice.get("value")
    group = choice.get("group")
    if group:
        text = f"What should I change for the {GROUP_NAMES.get(group, group).lower()}?"
    else:
        text = f"Which one should be {value}?" if value else "Which one do you mean?"
    buttons = []
    for k in keys:
        current = current_value(c, k)
        title = label(k)[:1].upper() + label(k)[1:]
        if current not in (None, ""):
            title += f" ({show(current)})"
        buttons.append(Button(_clip(title), f"change {corrections.payload_target(k)}"))
    turn.say(text, buttons + [NEVER_MIND])


# --- summaries --------------------------------------------------------------------------------------------


def _ba_summary_text(c: Ctx) -> str:
    answers = c.info.answers
    lines = ["Here are your Business Activities answers:"]
    for i, q in enumerate(BUSINESS_QUESTIONS, start=1):
        value = service.effective_answer(q, answers)
        line = f"{i}. {q.short[:1].upper() + q.short[1:]}: {yes_no(value)}"
        if not service.applies(q, answers):
            parent = BUSINESS_QUESTION_BY_KEY[q.only_if]
            line += f" (follows from your answer about {parent.short})"
        lines.append(line)
    if service.epa_id_needed(answers) or answers.get("epa_id"):
        lines.append(f"EPA ID number: {answers.get('epa_id') or 'none yet'}")
    if answers.get("comments"):
        lines.append(f"Comments: {answers['comments']}")
    required = [e.name for e in service.required_elements_for(answers)
                if e.required is True and e.key not in ALWAYS_REQUIRED]
    if required:
        lines.append("With these answers your filing also needs: " + ", ".join(required) + ".")
    else:
        lines.append("With these answers your filing needs no other parts beyond Facility Information.")
    return "\n".join(lines)


def _ask_ba_summary(c: Ctx, turn: Turn) -> None:
    answers = c.info.answers
    buttons = [Button(_clip(f"Change {q.short}"), f"change {corrections.payload_target(q.key)}")
               for q in BUSINESS_QUESTIONS if service.applies(q, answers)]
    if service.epa_id_needed(answers) or answers.get("epa_id"):
        buttons.append(Button("Change EPA ID number", "change EPA ID"))
    if c.st.get("pick_change"):
        turn.say("Which answer should I change? Tap it, or tell me, like “change the underground tank answer to "
                 "yes”.", [LOOKS_RIGHT] + buttons)
        return
    turn.say(_ba_summary_text(c) + "\nDoes this look right?", [LOOKS_RIGHT] + buttons)


_SUMMARY_GROUPS = ("business", "operator", "owner", "econtact", "pec", "sec", "billing")


def _short_label(f: OwnerOperatorField) -> str:
    return _LABEL_PREFIX.sub("", f.label)


def format_address(values: dict[str, Any], group: str) -> str:
    """One line, "1234 W Shaw Ave, Fresno, CA 93711", for an address group of `values`."""
    street, city, state, zip_key, _country = ADDRESS_GROUPS[group]
    tail = " ".join(x for x in (values.get(state) or "", values.get(zip_key) or "") if x)
    parts = [values.get(street), values.get(city), tail]
    return ", ".join(str(p) for p in parts if p) or "not given"


def _group_line(c: Ctx, group: str) -> str:
    values, skipped = c.values, set(c.info.skipped)
    fields = [f for f in OWNER_OPERATOR_FIELDS if f.group == group]
    if group == "sec" and "sec_name" in skipped and not values.get("sec_name"):
        return f"{GROUP_NAMES[group]}: none"
    address_cols = set(k for k in ADDRESS_GROUPS.get(group, ()) if k)
    items = []
    address_done = False
    for f in fields:
        if f.key in address_cols:
            if not address_done and (values.get(f.key) or f.level in ("required", "recommended")):
                items.append(f"address: {format_address(values, group)}")
                address_done = True
            continue
        value = values.get(f.key)
        if value in (None, ""):
            if f.level in ("required", "recommended"):
                items.append(f"{_short_label(f)}: {'skipped' if f.key in skipped else 'missing'}")
            continue
        items.append(f"{_short_label(f)}: {show(value)}")
    return f"{GROUP_NAMES[group]}: " + "; ".join(items)


def _oo_summary_text(c: Ctx) -> str:
    values = c.values
    lines = ["Here is your Business Owner/Operator Identification:"]
    lines += [_group_line(c, g) for g in _SUMMARY_GROUPS]
    signer = values.get("identification_signer_name") or "missing"
    title = values.get("identification_signer_title")
    signed = values.get("identification_signed_date")
    lines.append(f"Certification: prepared by {values.get('document_preparer_name') or 'missing'}; signed by "
                 f"{signer}{', ' + title if title else ''}{' on ' + show(signed) if signed else ''}.")
    return "\n".join(lines)


def _ask_oo_summary(c: Ctx, turn: Turn) -> None:
    buttons = [Button(f"Change {GROUP_NAMES[g].lower() if g != 'business' else 'business details'}",
                      f"change group:{g}") for g in _SUMMARY_GROUPS]
    buttons.append(Button("Change certification", "change group:certification"))
    if c.st.get("pick_change"):
        turn.say("Which part should I change? Tap it, or tell me, like “change the owner's phone to "
                 "559-555-0123”.", [LOOKS_RIGHT] + buttons)
        return
    turn.say(_oo_summary_text(c) + "\nIs all of this right?", [LOOKS_RIGHT] + buttons)


def prefill_text(result: service.PrefillResult) -> str:
    """"I filled in what I already know: ..." grouped as a person reads it (the business; you as contacts)."""
    filled = dict(result.filled)
    parts = []
    business_keys = ("business_name", "mailing_address", "mailing_city", "mailing_state", "mailing_zip")
    if any(k in filled for k in business_keys):
        address = format_address(filled, "business") if "mailing_address" in filled else ""
        name = filled.get("business_name")
        what = " and ".join(x for x in ("the business name" if name else "", "mailing address" if address else "") if x)
        parts.append(f"{what} from the facility: " + ", ".join(str(x) for x in (name, address) if x))
        for k in business_keys:
            filled.pop(k, None)
    role_names = (("econtact_name", "environmental contact"), ("billing_contact_name", "billing contact"),
                  ("document_preparer_name", "document preparer"))
    roles = [(k, r) for k, r in role_names if k in filled]
    if roles:
        person = filled[roles[0][0]]
        details = [filled.get(k) for k in ("econtact_phone", "billing_contact_phone", "econtact_email",
                                           "billing_contact_email")]
        details = list(dict.fromkeys(str(d) for d in details if d))
        who = f"{person}" + (f", {', '.join(details)}" if details else "")
        parts.append(f"you ({who}) as the " + _and_words([r for _k, r in roles]) + ", from your account")
        for k in ("econtact_name", "econtact_phone", "econtact_email", "billing_contact_name", "billing_contact_phone",
                  "billing_contact_email", "document_preparer_name"):
            filled.pop(k, None)
    for key, value in filled.items():
        parts.append(f"{OWNER_OPERATOR_FIELD_BY_KEY[key].label} {show(value)}")
    return ("Now the Business Owner/Operator Identification. To save you typing, I filled in what I already know: "
            + "; ".join(parts) + ". You'll see it all in the summary at the end, and you can change anything "
            "(for example “change the billing email to ...”).")


def _and_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- values and labels ----------------------------------------------------------------------------------


def show(value: Any) -> str:
    """A stored value as the filer reads it (Yes/No, dates as 03/01/2025, "empty")."""
    if value is True or value is False:
        return yes_no(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    return "empty" if value in (None, "") else str(value)


def label(key: str) -> str:
    """What an answer is called in sentences ("owner's phone", "your answer about underground storage tanks")."""
    if key in BUSINESS_QUESTION_BY_KEY:
        return f"your answer about {BUSINESS_QUESTION_BY_KEY[key].short}"
    if key == EPA_ID:
        return "EPA ID number"
    if key == COMMENTS:
        return "Business Activities comments"
    if key.startswith(SAME_PREFIX):
        group = key[len(SAME_PREFIX):]
        return f"whether {SAME_WHAT.get(group, 'that address')} is the same as the business address"
    f = OWNER_OPERATOR_FIELD_BY_KEY.get(key)
    return f.label if f else key


def the(key: str) -> str:
    """The label with an article for sentences ("the owner's phone", "your answer about ...")."""
    text = label(key)
    return text if text.startswith(("your ", "whether ")) else f"the {text}"


def current_value(c: Ctx, key: str) -> Any:
    """The stored answer for any key (a same-as key: the yes/no given, or None)."""
    if key in BUSINESS_QUESTION_BY_KEY or key in (EPA_ID, COMMENTS):
        return c.info.answers.get(key)
    if key.startswith(SAME_PREFIX):
        return c.info.same_as_business.get(key[len(SAME_PREFIX):])
    return c.values.get(key)


def same_value(c: Ctx, f: OwnerOperatorField) -> Optional[Any]:
    """What "same as the business" / "same" means for field `f` (None when nothing fits)."""
    v = c.values
    if f.validator == "name" and f.group in ("owner", "operator", "property_owner"):
        return v.get("business_name")
    if f.validator == "phone" and f.key != "phone":
        if f.group in ("pec", "sec"):
            for other in OWNER_OPERATOR_FIELDS:  # the same person's other number
                if other.group == f.group and other.validator == "phone" and other.key != f.key and v.get(other.key):
                    return v.get(other.key)
        return v.get("phone")
    return None


# --- explanations ----------------------------------------------------------------------------------------


def explanation(c: Ctx, key: str) -> str:
    """"What does this mean?" for `key`: what is asked, why, and what a yes (or leaving it empty) means."""
    if key in BUSINESS_QUESTION_BY_KEY:
        q = BUSINESS_QUESTION_BY_KEY[key]
        text = q.explanation
        if q.requires:
            names = [ELEMENTS[e].name for e in q.requires]
            text += f" If you answer yes, your filing also needs: {', '.join(names)}."
        else:
            text += " A yes doesn't add other parts to your filing here, but the CUPA needs to know."
        return text + " I ask because these answers decide which parts of the plan you have to file."
    if key == EPA_ID:
        return EPA_ID_EXPLANATION + " If you don't have one yet, say “I don't have one”: you can add it later."
    if key == COMMENTS:
        return "Anything you want the CUPA to know about your Business Activities answers. It is optional."
    if key.startswith(SAME_PREFIX):
        group = key[len(SAME_PREFIX):]
        return (f"I ask so you don't have to type the address again: if {SAME_WHAT.get(group, 'it')} is the same as "
                f"the business address ({business_address(c.values)}), I copy it. "
                + GROUP_HELP.get(group, ""))
    if key == SUMMARY_BA or key == SUMMARY_OO:
        return ("This is a last look at your answers before I mark them as confirmed. Tap “Looks right” if "
                "everything is correct, or a “Change …” button to fix an answer.")
    if key == CHOOSE:
        return "Your words fit more than one answer, so I need to know which one you mean."
    f = OWNER_OPERATOR_FIELD_BY_KEY[key]
    parts = [f.help] if f.help else []
    if f.group in GROUP_HELP and GROUP_HELP[f.group] not in parts and f.help != GROUP_HELP[f.group]:
        parts.append(GROUP_HELP[f.group])
    if f.required:
        parts.append(f"The {f.label} is required: CERS does not accept the Owner/Operator form without it.")
    elif f.level == "recommended":
        parts.append(f"The {f.label} isn't strictly required, but your CUPA expects it. If you don't have one, "
                     "say “skip”.")
    else:
        parts.append("It is optional: say “skip” if you don't have it.")
    return " ".join(parts)
