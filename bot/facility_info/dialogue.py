"""The Facility Information conversation, whatever the channel: Business Activities (yes/no questions, EPA ID,
summary), Business Owner/Operator Identification (pre-fill, "same address as the business?", each missing
field, summary) and the certification (preparer, signer name and title, date).

What is said (questions, summaries, explanations) is in `bot.facility_info.wording`.
The channel calls `prompt` to say the current question and `handle` with each reply (then `prompt` again
unless the returned Turn is done). Where the filer is comes from the database (`service.
get_facility_info_state`), so a new browser, another channel or a restarted server resumes at the same
question; `state` (kept by the channel) only holds what belongs to this conversation:

- "focus": a key the filer asked to change or go back to (asked next, showing its current answer);
- "history": keys answered here as the current question, oldest first (for "go back");
- "back": keys already gone back to in a row (so "go back" twice goes two steps);
- "choice": {"keys": [...], "value": "..." | None}: a pending "which one did you mean?";
- "cert_intro": the certification's why has been said; "pick_change": the filer said the summary is not right.

Keys: Business Activities question keys, "epa_id", "comments", Owner/Operator field keys,
"same_as_business:<owner|econtact|billing>", "summary:business_activities", "summary:owner_operator",
"choose_field" (a pending choice). Every write goes through `bot.facility_info.service` with the Actor
(access checked there: PermissionDenied for a user without a role); nothing here commits.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Turn
from bot.errors import ValidationError
from bot.facility_info import corrections, replies, service
from bot.facility_info import wording as w
from bot.facility_info.questions import (
    ADDRESS_GROUPS,
    BUSINESS_QUESTION_BY_KEY,
    BUSINESS_QUESTIONS,
    OWNER_OPERATOR_FIELD_BY_KEY,
    OWNER_OPERATOR_FIELDS,
    OwnerOperatorField,
    address_group_of,
)
from bot.facility_info.wording import (
    ASK_SAME_GROUPS,
    CHOOSE,
    COMMENTS,
    EPA_ID,
    GROUP_NAMES,
    PASSWORD_TEXT,
    SAME_PREFIX,
    SAME_WHAT,
    SUMMARY_BA,
    SUMMARY_OO,
)

_HISTORY_MAX = 40
_PAYLOAD_WORDS = {"affirm": "yes", "deny": "no", "skip_question": "skip", "go_back": "go back",
                  "explain_question": "what does this mean?"}

# --- where the filer is ---------------------------------------------------------------------------------


def _same_question_due(info: service.FacilityInfoState, f: OwnerOperatorField) -> Optional[str]:
    """The "same address as the business?" key to ask before field `f`, if it is due."""
    group = address_group_of(f.key)
    if group not in ASK_SAME_GROUPS or f.key != ADDRESS_GROUPS[group][0] or group in info.same_as_business:
        return None
    values = info.values
    if any(values.get(k) not in (None, "") for k in ADDRESS_GROUPS[group] if k):
        return None
    if not values.get("mailing_address") or not values.get("mailing_city"):
        return None
    return SAME_PREFIX + group


def _derive(info: service.FacilityInfoState, st: dict[str, Any]) -> Optional[str]:
    """The key to ask now (None: Facility Information is finished)."""
    if st.get("choice"):
        return CHOOSE
    focus = st.get("focus")
    if w.known_key(focus):
        return focus
    answers = info.answers
    for q in BUSINESS_QUESTIONS:
        if service.applies(q, answers) and answers.get(q.key) is None:
            return q.key
    if service.epa_id_outstanding(answers):
        return EPA_ID
    if info.ba_confirmed_at is None:
        return SUMMARY_BA
    f = service.next_missing_field(info.values, info.skipped)
    if f is not None:
        return _same_question_due(info, f) or f.key
    if info.oo_confirmed_at is None:
        return SUMMARY_OO
    return None


def _in_owner_operator(key: str) -> bool:
    return key in OWNER_OPERATOR_FIELD_BY_KEY or key.startswith(SAME_PREFIX) or key == SUMMARY_OO


def _filled_keys(c: w.Ctx) -> set[str]:
    filled = {k for k, v in c.values.items() if v not in (None, "")}
    filled |= {k for k, v in c.info.answers.items() if v is not None and k in corrections.all_keys()}
    return filled


def _context(c: w.Ctx, key: Optional[str]) -> list[str]:
    """Keys relevant now for "which one?": the last answered here, then the one being asked."""
    ctx = []
    history = c.st.get("history") or []
    if history:
        ctx.append(history[-1])
    if key and key not in (CHOOSE, SUMMARY_BA, SUMMARY_OO):
        ctx.append(key)
    return ctx


# --- public API -----------------------------------------------------------------------------------------


def current_key(db: Session, actor: Actor, facility_id: int, state: dict[str, Any]) -> Optional[str]:
    """The key being asked now: a question/field key, "epa_id", "same_as_business:<group>",
    "summary:business_activities", "summary:owner_operator", "choose_field"; None when finished. (Before the
    Owner/Operator page is first pre-filled, by `prompt`, this is the first field as stored.)"""
    return _derive(w.Ctx(db, actor, facility_id, state).info, dict(state or {}))


def is_finished(db: Session, actor: Actor, facility_id: int, state: dict[str, Any]) -> bool:
    """True when every question is answered and both summaries are confirmed (and nothing is pending here)."""
    return current_key(db, actor, facility_id, state) is None


def prompt(db: Session, actor: Actor, facility_id: int, state: dict[str, Any]) -> Turn:
    """Say the current question (or summary, or pending choice). On first entry into the Owner/Operator page,
    pre-fills it from the facility and the account and says what was filled. done=True when finished."""
    c = w.Ctx(db, actor, facility_id, state)
    turn = Turn(state=c.st)
    key = _derive(c.info, c.st)
    if key == CHOOSE and (c.st.get("choice") or {}).pop("shown", None):
        return turn  # handle() has just shown the choice with its buttons
    if key is not None and _in_owner_operator(key) and c.info.prefilled_at is None:
        result = service.start_owner_operator(db, actor, facility_id)
        if result is not None and result.filled:
            turn.say(w.prefill_text(result))
        c.reload()
        key = _derive(c.info, c.st)
    if key is None:
        turn.done = True
        turn.say("Facility Information is complete: the Business Activities, the Owner/Operator "
                 "Identification and the certification are saved and confirmed.")
        return turn
    w.ask(c, turn, key)
    return turn


def handle(db: Session, actor: Actor, facility_id: int, state: dict[str, Any], text: str,
           intent: Optional[str] = None) -> Turn:
    """Interpret a reply to the current question: an answer, "what does this mean?", "go back", "skip", a
    correction of any earlier answer, or a pick from a "which one?" choice. Writes through the service and
    says what happened (saved value, "Changed X from A to B.", a validation message, what the answer now
    requires); does not ask the next question (call `prompt`). done=True when Facility Information is finished."""
    c = w.Ctx(db, actor, facility_id, state)
    turn = Turn(state=c.st)
    raw = " ".join((text or "").split())
    payload = re.fullmatch(r"/(\w+)(?:\{.*\})?", raw)
    if payload:  # an intent payload from a button ("/affirm"): read it as the words it stands for
        intent = payload.group(1)
        raw = _PAYLOAD_WORDS.get(intent, raw)
    if replies.looks_like_password(raw):
        turn.say(PASSWORD_TEXT)
        return _finish(c, turn)
    if not raw:
        turn.say("I didn't get an answer.")
        return _finish(c, turn)
    c.st.pop("pick_change", None)
    if c.st.get("choice"):
        _handle_choice(c, turn, raw, intent)
        return _finish(c, turn)
    key = _derive(c.info, c.st)
    if _wants_explanation(raw, intent, key):
        _explain(c, turn, key, raw)
        return _finish(c, turn)
    group = re.fullmatch(r"change group:\s*(\w+)", raw, re.IGNORECASE)
    if group:
        _pick_group(c, turn, group.group(1).lower())
        return _finish(c, turn)
    other = corrections.facility_named(raw)
    if other:
        from bot.services import facilities

        here = facilities.get_facility(c.db, c.fid)
        if here is not None and other != here.cers_id:
            turn.say(f"CERS ID {other} is another facility. To change its answers, switch to it first (say "
                     f"“switch to {other}”); I changed nothing here.")
            return _finish(c, turn)
    corr = corrections.parse_correction(raw)
    if corr is not None and _correct(c, turn, key, corr, raw, intent):
        return _finish(c, turn)
    if (intent == "go_back" and len(raw.split()) <= 10) or replies.is_go_back(raw):
        _go_back(c, turn, key, raw)
        return _finish(c, turn)
    if intent == "correct_field" and _correct_from_words(c, turn, key, raw):
        return _finish(c, turn)
    if key is None:
        turn.say("Facility Information is already complete. To change an answer, tell me which one and the new "
                 "value, for example “change the owner's phone to 559-555-0123”.")
        return _finish(c, turn)
    _answer(c, turn, key, raw, intent)
    return _finish(c, turn)


def _finish(c: w.Ctx, turn: Turn) -> Turn:
    c.reload()
    turn.state = c.st
    turn.done = _derive(c.info, c.st) is None
    return turn


# --- explanations ---------------------------------------------------------------------------------------


def _wants_explanation(raw: str, intent: Optional[str], key: Optional[str]) -> bool:
    if replies.is_explain_request(raw):
        return True
    if intent in ("explain_question", "ask_thresholds"):
        looks_like_data = bool(re.search(r"\d{3}|@", raw))
        return not looks_like_data and replies.parse_yes_no(raw) is None
    return False


_EXPLAIN_WORDS = re.compile(
    r"\b(?:what|whats|what's|does|do|did|is|are|an?|the|this|that|it|mean|means|meaning|by|you|why|need|needed|"
    r"want|ask|asking|question|explain|huh|i|don't|dont|get|understand|how|know|find|tell|me|more|about|"
    r"counts?|kind|of|for|please|exactly)\b", re.IGNORECASE)


def _mentioned_key(raw: str, key: Optional[str]) -> Optional[str]:
    """A key the question names ("what's an EPA ID number?" while asked something else), if clearly one."""
    rest = _EXPLAIN_WORDS.sub(" ", raw)
    if not corrections.words(rest):
        return None
    found = corrections.scores(rest)
    if not found:
        return None
    top = max(found.values())
    best = [k for k, s in found.items() if s == top]
    if key in best:
        return key
    return best[0] if len(best) == 1 and top >= 1.0 else None


def _explain(c: w.Ctx, turn: Turn, key: Optional[str], raw: str) -> None:
    target = _mentioned_key(raw, key) or key
    if target is None:
        turn.say("Facility Information is complete, so there is no open question. Ask me “where am I?” to see "
                 "what is left in the filing.")
        return
    turn.say(w.explanation(c, target))


# --- answering ------------------------------------------------------------------------------------------


def _push_history(c: w.Ctx, key: str) -> None:
    history = [k for k in (c.st.get("history") or []) if k != key]
    history.append(key)
    c.st["history"] = history[-_HISTORY_MAX:]


def _answer(c: w.Ctx, turn: Turn, key: str, raw: str, intent: Optional[str]) -> None:
    if key == SUMMARY_BA or key == SUMMARY_OO:
        _answer_summary(c, turn, key, raw, intent)
        return
    is_focus = c.st.get("focus") == key
    ok = _apply(c, turn, key, raw, intent, explicit=is_focus)
    if not ok:
        return
    if is_focus:
        c.st.pop("focus", None)
    else:
        _push_history(c, key)
    c.st["back"] = []


def _apply(c: w.Ctx, turn: Turn, key: str, raw: str, intent: Optional[str], *, explicit: bool) -> bool:
    """Write `raw` as the answer for `key` and say what happened; False when nothing was written because the
    reply didn't fit (the message says why). `explicit`: a change the filer asked for (focus or correction):
    reported as "Changed X from A to B" and keeping an earlier confirmation of the page."""
    if replies.looks_like_password(raw) or replies.has_password_like_word(raw):
        turn.say(PASSWORD_TEXT)
        return False
    try:
        if key in BUSINESS_QUESTION_BY_KEY:
            return _apply_ba(c, turn, key, raw, intent, explicit)
        if key == EPA_ID:
            return _apply_epa(c, turn, raw, intent, explicit)
        if key == COMMENTS:
            return _apply_comments(c, turn, raw, intent, explicit)
        if key.startswith(SAME_PREFIX):
            return _apply_same(c, turn, key[len(SAME_PREFIX):], raw, intent, explicit)
        return _apply_field(c, turn, OWNER_OPERATOR_FIELD_BY_KEY[key], raw, intent, explicit)
    except ValidationError as exc:
        turn.say(exc.message)
        return False


def _changed(key: str, previous: Any, value: Any) -> str:
    if previous in (None, ""):
        return f"Saved {w.the(key)}: {w.show(value)}."
    return f"Changed {w.the(key)} from {w.show(previous)} to {w.show(value)}."


def _apply_ba(c: w.Ctx, turn: Turn, key: str, raw: str, intent: Optional[str], explicit: bool) -> bool:
    q = BUSINESS_QUESTION_BY_KEY[key]
    value = replies.parse_yes_no(raw, intent)
    if value is None:
        if replies.is_unsure(raw):
            turn.say("No problem, here is what it means. " + q.explanation
                     + " Please answer yes or no; you can change it later.")
        elif intent == "skip_question" or replies.is_skip(raw):
            turn.say("This question needs a yes or no (CERS has no “skip” here). Please answer yes or no.")
        else:
            turn.say("Please answer yes or no.")
        return False
    previous = c.info.answers.get(key)
    if explicit and previous == value:
        turn.say(f"Your answer about {q.short} is already {w.yes_no(value).lower()}; I left it as it was.")
        return True
    result = service.set_business_activity(c.db, c.actor, c.fid, key, value, keep_confirmed=explicit)
    if previous is None:
        text = f"Noted: {w.yes_no(value).lower()}."
    else:
        text = f"Changed your answer about {q.short} from {w.yes_no(previous).lower()} to {w.yes_no(value).lower()}."
    extra = result.message()
    turn.say(text + (" " + extra if extra else ""))
    _keep_epa_id_said_early(c, turn, raw)
    return True


_EPA_ID_RE = re.compile(r"\b(?:CA[A-Z]|[A-Z]{2}[A-Z0-9])\d{9}\b", re.IGNORECASE)


def _keep_epa_id_said_early(c: w.Ctx, turn: Turn, raw: str) -> None:
    """"yes we generate hazardous waste, our EPA ID is CAL000123456": the EPA ID is kept, not asked later."""
    found = _EPA_ID_RE.search(raw or "")
    if not found or c.info.answers.get("epa_id"):
        return
    try:
        value = service.set_epa_id(c.db, c.actor, c.fid, found.group(0).upper(), keep_confirmed=False)
    except ValidationError:
        return
    turn.say(f"I also saved your EPA ID number, {value}.")


def _apply_epa(c: w.Ctx, turn: Turn, raw: str, intent: Optional[str], explicit: bool) -> bool:
    current = c.info.answers.get("epa_id")
    if current and replies.is_keep(raw):
        turn.say(f"Kept the EPA ID number {current}.")
        return True
    if intent == "skip_question" or replies.is_skip(raw) or replies.is_unsure(raw):
        service.skip_epa_id(c.db, c.actor, c.fid)
        turn.say("OK, no EPA ID number for now. You get one from the Department of Toxic Substances Control "
                 "(DTSC); CERS accepts the filing without it but warns. When you have it, tell me “change the "
                 "EPA ID to CAL…”.")
        return True
    candidate = replies.strip_lead_in(raw)
    if not re.search(r"\d", candidate):  # "yes", "CA": not a number (real EPA IDs have digits)
        raise ValidationError("Please type the EPA ID number itself: up to 12 letters and digits starting with the "
                              "state letters, like CAL000123456 (or say “I don't have one”).", field="epa_id")
    value = service.set_epa_id(c.db, c.actor, c.fid, candidate, keep_confirmed=explicit)
    turn.say(_changed(EPA_ID, current, value) if explicit else f"Got it: {value}.")
    return True


def _apply_comments(c: w.Ctx, turn: Turn, raw: str, intent: Optional[str], explicit: bool) -> bool:
    current = c.info.answers.get("comments")
    if current and replies.is_keep(raw):
        turn.say("Kept the comments.")
        return True
    text = "" if (intent == "skip_question" or replies.is_skip(raw)) else raw
    service.set_business_activities_comments(c.db, c.actor, c.fid, text)
    turn.say("Saved the comments." if text else "No comments, then.")
    return True


def _apply_same(c: w.Ctx, turn: Turn, group: str, raw: str, intent: Optional[str], explicit: bool) -> bool:
    value = replies.parse_yes_no(raw, intent)
    if value is None and replies.is_same_as_business(raw):
        value = True
    if value is None:
        parts = replies.parse_address(raw)
        if parts.street and re.search(r"\d", parts.street):  # they typed the address right away
            service.set_same_as_business(c.db, c.actor, c.fid, group, False, keep_confirmed=explicit)
            street = ADDRESS_GROUPS[group][0]
            return _apply_field(c, turn, OWNER_OPERATOR_FIELD_BY_KEY[street], raw, intent, explicit)
        turn.say("Please answer yes or no.")
        return False
    street_key = ADDRESS_GROUPS[group][0]
    was_copy = c.values.get(street_key) and c.values.get(street_key) == c.values.get("mailing_address")
    filled = service.set_same_as_business(c.db, c.actor, c.fid, group, value, keep_confirmed=explicit)
    if value:
        c.reload()
        turn.say(f"OK, {SAME_WHAT[group]} is the business address: {w.format_address(c.values, group)}."
                 if filled or not explicit else f"{SAME_WHAT[group][:1].upper() + SAME_WHAT[group][1:]} already "
                 "is the business address.")
    else:
        if explicit and was_copy:
            c.st["focus"] = street_key  # it holds the business's address: ask for the real one
        turn.say(f"OK, I'll ask for {SAME_WHAT[group]}.")
    return True


def _apply_field(c: w.Ctx, turn: Turn, f: OwnerOperatorField, raw: str, intent: Optional[str],
                 explicit: bool) -> bool:
    current = c.values.get(f.key)
    text = raw.strip()
    yes_no = replies.parse_yes_no(text) if len(text.split()) <= 3 else None
    if current not in (None, "") and (replies.is_keep(text) or yes_no is True):
        turn.say(f"Kept {w.the(f.key)}: {w.show(current)}.")
        return True
    if current in (None, "") and re.fullmatch(r"keep(?: it| that| this)?[.!]*", text.strip(), re.IGNORECASE):
        turn.say(f"There is no {f.label} saved yet to keep. Please give it" + ("" if f.required else
                 " (or say “skip”)") + ".")
        return False
    if current not in (None, "") and replies.norm(text) in ("no", "nope", "nah", "n", "no thanks"):
        turn.say(f"OK, what should {w.the(f.key)} be?")  # "no" to "Keep X?": not a skip
        return False
    if intent == "skip_question" or replies.is_skip(text) or (replies.is_unsure(text) and not f.required):
        return _skip(c, turn, f, explicit)
    if replies.is_unsure(text):
        turn.say(f"{w.the(f.key)[:1].upper() + w.the(f.key)[1:]} is required for the filing. If you don't have it at "
                 "hand, we can stop here and continue later: everything so far is saved.")
        return False
    writes = _values_for(c, f, text)
    if writes is None:
        turn.say(f"Please give {w.the(f.key)}" + (", like Maria Lopez." if f.validator in ("name", "person") else "."))
        return False
    if isinstance(writes, str):  # "same address as the business"
        return _apply_same(c, turn, writes, "yes", None, explicit)
    before = dict(c.values)
    stored: dict[str, Any] = {}
    with c.db.begin_nested():
        for key, value in writes:
            stored[key] = service.set_owner_operator_field(c.db, c.actor, c.fid, key, value, keep_confirmed=explicit)
    main = stored.get(f.key)
    group = address_group_of(f.key)
    if f.validator == "address" and group and len(stored) > 1:  # a whole address: say it as one
        c.reload()
        previous = w.format_address(before, group) if before.get(f.key) else None
        now = w.format_address(c.values, group)
        turn.say(f"Changed {w.the(f.key)} from {previous} to {now}." if explicit and previous and previous != now
                 else f"Got it: {now}.")
        return True
    if explicit or (before.get(f.key) not in (None, "") and before.get(f.key) != main):
        message = _changed(f.key, before.get(f.key), main) if before.get(f.key) != main else \
            f"{w.the(f.key)[:1].upper() + w.the(f.key)[1:]} is already {w.show(main)}."
    else:
        message = f"Got it: {w.show(main)}."
    others = [f"{OWNER_OPERATOR_FIELD_BY_KEY[k].label} {w.show(v)}" for k, v in stored.items() if k != f.key]
    if others:
        message += " Also saved: " + "; ".join(others) + "."
    turn.say(message)
    return True


def _skip(c: w.Ctx, turn: Turn, f: OwnerOperatorField, explicit: bool) -> bool:
    keys = service.skip_owner_operator_field(c.db, c.actor, c.fid, f.key, keep_confirmed=explicit)
    if f.key == "sec_name":
        turn.say("OK, no secondary emergency contact. (Many CUPAs expect one; you can add it later.)")
    elif len(keys) > 1:
        turn.say(f"OK, I left the {GROUP_NAMES.get(f.group, f.group).lower()} details empty.")
    else:
        turn.say(f"OK, I left {w.the(f.key)} empty.")
    return True


def _values_for(c: w.Ctx, f: OwnerOperatorField, text: str) -> Optional[Any]:
    """What to write for a reply to field `f`: [(key, raw value), ...] (the field first, then other fields of
    the same block the reply also gave: the rest of an address, a phone or email after a name), a group name
    for "same address as the business", or None when the reply is no value at all ("yes" to "who?")."""
    group = address_group_of(f.key)
    v = c.values
    if replies.is_same_as_business(text):
        if group in service.SAME_ADDRESS_GROUPS and f.key == ADDRESS_GROUPS[group][0]:
            return group
        same = w.same_value(c, f)
        if same is None and group and group != "business":  # "same" for a city/state/ZIP: the business's
            column = ADDRESS_GROUPS[group].index(f.key)
            same = v.get(ADDRESS_GROUPS["business"][column]) if column < 4 else None
        if same is not None:
            return [(f.key, same)]
    if f.validator in ("name", "person") and replies.is_self(text):
        me = c.user_name()
        if me:
            return [(f.key, me)]
    if f.validator in ("name", "person", "title", "text", "city") and replies.parse_yes_no(text) is not None \
            and len(text.split()) <= 3:
        return None
    if f.validator == "address" and group:
        parts = replies.parse_address(text)
        street, city, state, zip_key, _country = ADDRESS_GROUPS[group]
        writes = [(f.key, parts.street or replies.strip_lead_in(text))]
        zip5 = (parts.zip or "")[:5]
        state_value = parts.state or ("CA" if parts.city and zip5 and zip5.startswith("9") else None)
        if state_value:
            writes.append((state, state_value))
        if parts.city:
            writes.append((city, parts.city))
        if parts.zip:
            writes.append((zip_key, parts.zip))
        return writes
    if f.validator == "city" and group:
        parts = replies.parse_city_state_zip(text)
        _street, _city, state, zip_key, _country = ADDRESS_GROUPS[group]
        writes = [(f.key, parts.city or replies.strip_city_lead(text))]
        if parts.state:
            writes.insert(0, (state, parts.state))
        if parts.zip:
            writes.append((zip_key, parts.zip))
        return writes
    if f.validator in ("name", "person"):
        name, phone, email = replies.name_and_contacts(text)
        writes = [(f.key, name or text)]
        extras = [x for x in OWNER_OPERATOR_FIELDS if x.group == f.group and x.key != f.key]
        phones = [x for x in extras if x.validator == "phone" and x.level != "optional"]
        emails = [x for x in extras if x.validator == "email"]
        if phone and len(phones) == 1 and v.get(phones[0].key) in (None, ""):
            writes.append((phones[0].key, phone))
        if email and len(emails) == 1 and v.get(emails[0].key) in (None, ""):
            writes.append((emails[0].key, email))
        return writes
    if f.validator == "phone":
        return [(f.key, replies.find_phone(text) or replies.strip_lead_in(text))]
    if f.validator == "email":
        return [(f.key, replies.find_email(text) or replies.strip_lead_in(text))]
    if f.validator == "zip":
        return [(f.key, replies.find_zip(text) or replies.strip_lead_in(text))]
    if f.validator == "title":
        return [(f.key, replies.strip_title_lead(text))]
    if f.validator == "text":
        return [(f.key, text)]
    return [(f.key, replies.strip_lead_in(text))]


# --- summaries: confirm or change ------------------------------------------------------------------------


def _answer_summary(c: w.Ctx, turn: Turn, key: str, raw: str, intent: Optional[str]) -> None:
    verdict = replies.is_confirm(raw, intent)
    if verdict is None:
        named = corrections.resolve(raw, filled=_filled_keys(c))  # "the underground tank one"
        if len(named) == 1:
            _change(c, turn, named[0], None, intent)
        elif len(named) > 1:
            _offer_choice(c, turn, named, None)
        else:
            turn.say("Please tap “Looks right” if everything is correct, or tell me what to change (for example "
                     "“change the owner's phone to 559-555-0123”).")
        return
    if verdict is False:
        c.st["pick_change"] = True
        turn.say("OK, let's fix it.")
        return
    try:
        if key == SUMMARY_BA:
            service.confirm_business_activities(c.db, c.actor, c.fid)
        else:
            service.confirm_owner_operator(c.db, c.actor, c.fid)
    except ValidationError as exc:  # something went missing meanwhile (another session): say what
        turn.say(exc.message)
        return
    if key == SUMMARY_BA:
        turn.say("Thank you, your Business Activities answers are confirmed.")
        result = service.start_owner_operator(c.db, c.actor, c.fid)
        if result is not None and result.filled:
            turn.say(w.prefill_text(result))
    else:
        turn.say("Thank you, your Owner/Operator information and certification are confirmed. Facility Information "
                 "is complete.")
    c.st["back"] = []


# --- corrections -------------------------------------------------------------------------------------------


_COMMAND_RE = re.compile(r"^\s*(?:please\s+)?(?:change|update|fix|correct|edit|modify|amend)\s+(?:the|my|our)\b"
                         r"|\s(?:to|should be)\s", re.IGNORECASE)


def _changeable_text() -> str:
    return ("I can change any Business Activities answer (hazardous materials on site, CalARP substances, "
            "underground tanks, aboveground petroleum storage, hazardous waste, recycling, onsite treatment, "
            "financial assurance, remote waste consolidation, tank closure, large quantity generator, household "
            "hazardous waste collection), the EPA ID number, and any Owner/Operator detail: the business name, "
            "phone and mailing address; the operator and owner; the environmental contact; the primary and "
            "secondary emergency contacts (name, title, business and 24-hour phone); the billing contact and "
            "address; and the certification (preparer, signer's name and title, date signed). Say for example "
            "“change the owner's phone to 559-555-0123”.")


def _correct(c: w.Ctx, turn: Turn, key: Optional[str], corr: corrections.Correction, raw: str,
             intent: Optional[str]) -> bool:
    """Handle a sentence phrased as a correction; False when it turns out not to be one (then it is read as
    an answer to the current question)."""
    target = corr.target.strip()
    sure = corr.strong or intent == "correct_field"
    mine = _ACCOUNT_TARGET.search(raw)
    if mine and corr.value:
        return _correct_account(c, turn, mine.group("what"), corr.value)
    if corrections.is_pronoun(target):
        history = c.st.get("history") or []
        if target.lower().startswith(("that", "the last", "last", "my last", "the previous")) and history:
            keys = [history[-1]]
        elif key and key not in (CHOOSE, SUMMARY_BA, SUMMARY_OO):
            keys = [key]
        else:
            keys = history[-1:]
    else:
        keys = corrections.resolve(target, context=_context(c, key), filled=_filled_keys(c))
    if not keys:
        if sure and (intent == "correct_field" or _COMMAND_RE.search(raw)):
            turn.say("I'm not sure which answer you mean. " + _changeable_text())
            return True
        return False
    if len(keys) > 1:
        if not sure:
            return False
        _offer_choice(c, turn, keys, corr.value)
        return True
    k = keys[0]
    yes_no_target = k in BUSINESS_QUESTION_BY_KEY or k.startswith(SAME_PREFIX)
    if not sure and yes_no_target and replies.parse_yes_no(corr.value or "") is None:
        return False  # "no, the underground tank is empty": an answer to the question asked, not a change
    if k == key and corr.value and c.st.get("focus") != key:  # about the question being asked: an answer
        _answer(c, turn, key, raw if yes_no_target else corr.value, intent)
        return True
    return _change(c, turn, k, corr.value, intent)


# "change my name to ...", "update my phone to ...": the account's own, not a Facility Information field
_ACCOUNT_TARGET = re.compile(r"\b(?:change|update|fix|correct|edit|set)\s+my\s+(?:own\s+)?(?:full\s+|last\s+|first\s+)?"
                             r"(?P<what>name|phone(?:\s+number)?|cell(?:\s+number)?|email(?:\s+address)?)\b",
                             re.IGNORECASE)


def _correct_account(c: w.Ctx, turn: Turn, target: str, value: str) -> bool:
    """"change my name to ...", "my phone is actually ...": the filer's own account (audited). The email is
    changed only through its inbox, never in the chat."""
    from bot.errors import ServiceError
    from bot.services import accounts

    what = target.lower()
    if "email" in what:
        turn.say("Your account's email can't be changed in the chat: it is how we know the account is yours. "
                 "Ask staff to move the account to a new address.")
        return True
    try:
        if "name" in what:
            user = accounts.update_profile(c.db, c.actor, full_name=value)
            turn.say(f"Done: your account's name is now {user.full_name}.")
        else:
            user = accounts.update_profile(c.db, c.actor, phone=value)
            turn.say(f"Done: your account's phone is now {user.phone}.")
    except ServiceError as exc:
        turn.say(exc.message)
    return True


def _offer_choice(c: w.Ctx, turn: Turn, keys: list[str], value: Optional[str], group: Optional[str] = None) -> None:
    """Ask "which one?" now (so a channel that only calls handle() shows it too); the next prompt() then
    stays silent once instead of asking it twice."""
    c.st["choice"] = {"keys": keys[:10], "value": value}
    if group:
        c.st["choice"]["group"] = group
    w.ask_choice(c, turn)
    c.st["choice"]["shown"] = True


def _pick_group(c: w.Ctx, turn: Turn, group: str) -> None:
    """A summary's "Change owner" button: which of the owner's answers?"""
    keys = [f.key for f in OWNER_OPERATOR_FIELDS if f.group == group
            and (f.level in ("required", "recommended") or c.values.get(f.key) not in (None, ""))]
    if not keys:
        turn.say(_changeable_text())
        return
    _offer_choice(c, turn, keys, None, group=group)


def _change(c: w.Ctx, turn: Turn, key: str, value: Optional[str], intent: Optional[str]) -> bool:
    if not value:
        c.st["focus"] = key
        turn.say(f"OK, let's change {w.the(key)}.")
        return True
    ok = _apply(c, turn, key, value, None if intent == "correct_field" else intent, explicit=True)
    if ok and c.st.get("focus") == key:
        c.st.pop("focus", None)
    return True


def _correct_from_words(c: w.Ctx, turn: Turn, key: Optional[str], raw: str) -> bool:
    """The NLU says "correct_field" but the sentence has no usual shape ("my email", "operator phone 209 555
    1111"): find the answer named and a value of its kind in the words. False: read it as an answer."""
    keys = corrections.resolve(raw, context=_context(c, key), filled=_filled_keys(c))
    if not keys:
        if key is None:
            turn.say("I'm not sure which answer you mean. " + _changeable_text())
            return True
        return False
    if len(keys) > 1:
        _offer_choice(c, turn, keys, _value_in(keys[0], raw))
        return True
    return _change(c, turn, keys[0], _value_in(keys[0], raw), None)


def _value_in(key: str, raw: str) -> Optional[str]:
    """A value of the kind `key` takes found inside `raw` (None when there is none to be sure of)."""
    if key in BUSINESS_QUESTION_BY_KEY:
        value = replies.parse_yes_no(raw)
        return None if value is None else ("yes" if value else "no")
    f = OWNER_OPERATOR_FIELD_BY_KEY.get(key)
    if f is None:
        return None
    if f.validator == "phone":
        return replies.find_phone(raw)
    if f.validator == "email":
        return replies.find_email(raw)
    if f.validator == "zip":
        return replies.find_zip(raw)
    return None


def _handle_choice(c: w.Ctx, turn: Turn, raw: str, intent: Optional[str]) -> None:
    choice = c.st.get("choice") or {}
    keys = [k for k in choice.get("keys") or [] if w.known_key(k)]
    if not keys or re.fullmatch(r"(?:never ?mind|cancel|none|neither|forget it|nothing|no|nope|stop)[.!]*",
                                replies.norm(raw)):
        c.st.pop("choice", None)
        turn.say("OK, I changed nothing.")
        return
    corr = corrections.parse_correction(raw)
    target = corr.target if corr else raw
    picked = None
    exact = corrections.exact_key(target)
    if exact in keys:
        picked = exact
    else:
        found = {k: s for k, s in corrections.scores(target).items() if k in keys}
        if found:
            top = max(found.values())
            best = [k for k in keys if found.get(k) == top]
            picked = best[0] if len(best) == 1 else None
        if picked is None:
            picked = corrections.pick(target, keys) or _ordinal_pick(raw, keys)
    if picked is None:
        if _wants_explanation(raw, intent, CHOOSE):
            turn.say(w.explanation(c, CHOOSE))
            return
        if replies.is_go_back(raw) or (corr is not None and corr.strong):
            c.st.pop("choice", None)  # something else: read it afresh
            nested = handle(c.db, c.actor, c.fid, c.st, raw, intent)
            turn.messages.extend(nested.messages)
            c.st.clear()
            c.st.update(nested.state)
            return
        turn.say("Sorry, I didn't catch which one. Tap one of the buttons, or say “never mind”.")
        return
    c.st.pop("choice", None)
    value = choice.get("value") or (corr.value if corr else None)
    _change(c, turn, picked, value, intent)


_ORDINALS = {"first": 0, "1st": 0, "1": 0, "one": 0, "second": 1, "2nd": 1, "2": 1, "two": 1, "third": 2, "3rd": 2,
             "3": 2, "three": 2, "fourth": 3, "4th": 3, "4": 3, "four": 3, "fifth": 4, "5th": 4, "5": 4, "five": 4,
             "last": -1}


def _ordinal_pick(raw: str, keys: list[str]) -> Optional[str]:
    ws = [t for t in replies.norm(raw).split() if t not in ("the", "one", "please")] or replies.norm(raw).split()
    if len(ws) == 1 and ws[0] in _ORDINALS:
        index = _ORDINALS[ws[0]]
        if index == -1 or index < len(keys):
            return keys[index]
    return None


# --- go back -----------------------------------------------------------------------------------------------


def _go_back(c: w.Ctx, turn: Turn, key: Optional[str], raw: str) -> None:
    m = re.search(r"\bback to (?:the )?(.+)$", raw, re.IGNORECASE)
    if m and not re.search(r"\b(?:last|previous|prior|earlier)\b", m.group(1), re.IGNORECASE):
        named = corrections.resolve(m.group(1), context=_context(c, key), filled=_filled_keys(c))
        if len(named) == 1:
            c.st["focus"] = named[0]
            turn.say(f"OK, back to {w.the(named[0])}.")
            return
    visited = list(c.st.get("back") or [])
    candidates = list(reversed(c.st.get("history") or []))
    candidates += service.recent_answer_keys(c.db, c.actor, c.fid)
    for k in candidates:
        if k != key and k not in visited and w.known_key(k):
            c.st["focus"] = k
            c.st["back"] = visited + [k]
            turn.say(f"OK, back to {w.the(k)}.")
            return
    turn.say("There is no earlier answer to go back to.")


__all__ = ["prompt", "handle", "is_finished", "current_key", "SUMMARY_BA", "SUMMARY_OO", "SAME_PREFIX", "CHOOSE"]

assert set(ASK_SAME_GROUPS) <= set(service.SAME_ADDRESS_GROUPS)
