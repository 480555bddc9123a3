"""Reading what filers type in the Facility Information conversation: yes/no in its many forms, "skip",
"keep it", "go back", "what does this mean?", "me", "same as the business", and the value inside a
sentence ("it's 559-555-0123", "the owner is Maria Lopez", "500 Main St, Visalia, CA 93291").

Pure functions over text (no database): the conversation engine (`bot.facility_info.dialogue`) decides
what to do with them. NLU intents are hints only: the text decides when it is clear.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Optional

from bot import geo
from bot.facility_info.validators import STATES

# --- passwords ---------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;.]+")
_PASSWORD_WORDS = re.compile(r"\b(pass(word|wd|code)?|pwd)\b", re.IGNORECASE)


def looks_like_password(text: Optional[str]) -> bool:
    """True for text that is probably a password ("my password is X", or one token mixing letters, digits
    and symbols that is not an email, phone, ZIP or ID). Same rule as `actions.text.looks_like_password`,
    kept here so `bot/` never stores one whatever channel calls it."""
    t = (text or "").strip()
    if not t:
        return False
    if _PASSWORD_WORDS.search(t) and len(t.split()) <= 6 and any(ch.isdigit() or not ch.isalnum() for ch in t):
        return True
    if " " in t or len(t) < 8 or _EMAIL_RE.fullmatch(t):
        return False
    if re.fullmatch(r"[\d\s()+.\-#/]+", t):  # numbers: phone, ZIP, date
        return False
    kinds = sum([any(ch.islower() for ch in t), any(ch.isupper() for ch in t), any(ch.isdigit() for ch in t),
                 any(not ch.isalnum() for ch in t)])
    return kinds >= 3


def has_password_like_word(text: Optional[str]) -> bool:
    """A word inside a sentence that mixes letters, digits and other kinds like a password does
    ("change the owner to Tr0ub4dor&3x"); names, addresses, phones and IDs don't."""
    for word in (text or "").split():
        w = word.strip(",.;:!?()[]\"'")
        if any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w) and looks_like_password(w):
            return True
    return False


# --- normalizing -------------------------------------------------------------------------------------


def norm(text: Optional[str]) -> str:
    """Lower case, straight apostrophes, letters/digits/apostrophes/slashes only, single spaces, runs of
    three or more of the same letter shortened ("yesss" -> "yes", "noooo" -> "no")."""
    t = (text or "").lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    t = re.sub(r"([a-z])\1{2,}", r"\1", t)
    t = re.sub(r"[^a-z0-9'/@.\- ]+", " ", t)
    t = re.sub(r"(?<![a-z0-9])[.\-]+|[.\-]+(?![a-z0-9])", " ", t)  # punctuation not inside a word/number
    return " ".join(t.split())


def _has(phrase: str, text: str) -> Optional[int]:
    m = re.search(r"(?<![a-z0-9'])" + re.escape(phrase) + r"(?![a-z0-9'])", text)
    return m.start() if m else None


# --- yes / no ----------------------------------------------------------------------------------------

_YES_TOKENS = (
    "yes", "y", "yep", "yup", "yeah", "yea", "ya", "yah", "yeh", "yas", "ye", "yess", "yesh", "yez", "yse", "ys",
    "sure", "correct", "true", "affirmative", "absolutely", "definitely", "certainly", "indeed", "ok", "okay",
    "aye", "si", "right", "uhhuh", "yeahh", "yy", "yes'm", "yessir", "totally", "positive",
)
_NO_TOKENS = (
    "no", "n", "nope", "nah", "nay", "noo", "nop", "negative", "none", "never", "nothing", "false", "nada",
    "nein", "nopes", "nooo", "na", "zero", "neither",
)
_YES_PHRASES = (
    "we do", "i do", "we have", "i have", "we've got", "we got", "i've got", "we own", "we operate", "we run",
    "we use", "we keep", "we store", "we generate", "we produce", "we make", "we treat", "we recycle",
    "we collect", "we are", "we're", "it is", "it's a", "there is", "there are", "there's", "i think so",
    "i believe so", "that's right", "that is right", "of course", "for sure", "you bet", "it does", "they do",
    "i am", "we sure do", "uh huh", "yes we", "we also have", "we do have", "we did", "that's correct",
    "looks right", "looks good", "all good", "sounds right", "that's it", "it is the same", "it's the same",
    "same", "the same", "same address", "we're closing", "we are closing", "i guess so",
)
_NO_PHRASES = (
    "we don't", "we do not", "we dont", "i don't", "i dont", "i do not", "don't have", "dont have",
    "do not have", "doesn't", "does not", "doesnt", "we have no", "we've no", "we have none", "there is no",
    "there's no", "there are no", "there isn't", "there aren't", "not that i know", "not that i'm aware",
    "not that im aware", "not to my knowledge", "i don't think so", "i dont think so", "don't think so",
    "not really", "not at all", "no way", "nothing like that", "not anymore", "no longer", "we aren't",
    "we are not", "we're not", "it isn't", "it is not", "isn't", "it's not", "its not", "none of", "we never",
    "haven't", "have not", "don't", "dont", "not", "of course not", "absolutely not", "definitely not",
    "certainly not", "not right", "not correct", "isn't right", "is wrong", "different", "not the same",
    "aren't", "wasn't", "nor", "not us", "we do not have", "no we", "i have no", "i've no", "i have none",
    "i guess not", "we have nothing", "nothing like",
)
_UNSURE_PHRASES = (
    "not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "idk", "maybe", "no clue",
    "not certain", "possibly", "perhaps", "depends", "dunno", "might", "could be", "hard to say",
    "i forget", "can't remember", "cant remember", "don't remember", "dont remember",
)
_SWITCH_MARKERS = re.compile(r"\b(?:actually|wait|i mean|sorry|scratch that|on second thought|correction|"
                             r"rather|oops|my bad)\b")


def is_unsure(text: str) -> bool:
    t = norm(text)
    return any(_has(p, t) is not None for p in _UNSURE_PHRASES)


def _polarity(segment: str) -> Optional[bool]:
    best: Optional[tuple[int, int, bool]] = None  # (position, -length, value)
    for phrases, value in ((_NO_PHRASES, False), (_YES_PHRASES, True), (_NO_TOKENS, False), (_YES_TOKENS, True)):
        for p in phrases:
            pos = _has(p, segment)
            if pos is None:
                continue
            cand = (pos, -len(p), value)
            if best is None or cand[:2] < best[:2]:
                best = cand
    return None if best is None else best[2]


def parse_yes_no(text: Optional[str], intent: Optional[str] = None) -> Optional[bool]:
    """True / False for a yes or no in any common form ("yep", "yeah we do", "no we don't", "we have a 500
    gallon diesel tank", "not that I know of", "YES", "yse"); None when unclear or unsure. After "actually" /
    "wait" the later answer wins ("no wait, yes"). The NLU intent (affirm/deny) decides only for a short
    reply the words don't settle."""
    t = norm(text)
    if not t:
        return None
    if is_unsure(t):
        return None
    if re.search(r"\byes\b.*\b(?:and|or)\b.*\bno\b|\bno\b.*\b(?:and|or)\b.*\byes\b", t):
        return None  # "yes and no", "yes or no?"
    segments = [s for s in _SWITCH_MARKERS.split(t) if s.strip()]
    for segment in reversed(segments):
        value = _polarity(segment.strip())
        if value is not None:
            return value
    words = t.split()
    if len(words) == 1 and len(words[0]) <= 6:  # typos: "yeas", "nopw"
        match = difflib.get_close_matches(words[0], _YES_TOKENS + _NO_TOKENS, n=1, cutoff=0.75)
        if match:
            return match[0] in _YES_TOKENS
    if intent in ("affirm", "deny") and len(words) <= 3 and "?" not in (text or ""):
        return intent == "affirm"
    return None


# --- commands ----------------------------------------------------------------------------------------

_EXPLAIN_RE = re.compile(
    r"\bwhat\b.*\bmean|\bwhat (?:is|are|was|'s) (?:a|an|the|this|that|these|it)?\b|\bwhat's\b|\bwhats\b|"
    r"\bwhat do you mean\b|\bmeaning\b|\bwhy\b.*\b(?:need|ask|want|require|matter|important|care|question)|"
    r"^why\b|\b(?:don't|dont|do not) (?:get|understand)\b|\bexplain\b|\bconfus|\bhuh\b|^\?+$|^what\??$|"
    r"\bnot sure what\b|\bhow (?:do|would|can|should) (?:i|we) (?:know|find|tell|figure|check|get)\b|"
    r"\bwhat counts\b|\bwhat kind\b|\bwhich ones\b|\bclarify\b|\bmore info\b|\btell me more\b|\bwhat for\b|"
    r"\bwhere do i find\b|\bwhere can i find\b|\bi'?m lost\b|^help\b|\bhelp me understand\b|^define\b|"
    r"\bwhat do(?:es)? (?:that|this|it|you)\b|"
    r"^(?:what|how|which|does|do|is|are|can|should|would|where|who|when|isn't|doesn't|shouldn't|wouldn't)\b.*\?\s*$"
)


def is_explain_request(text: str) -> bool:
    """"what does this mean?", "why do you need this?", "what's an EPA ID number?", "huh?", "I don't get it"."""
    t = (text or "").strip().lower().replace("’", "'")
    if not t:
        return False
    return bool(_EXPLAIN_RE.search(t))


_GO_BACK_RE = re.compile(
    r"\bgo(?:ing)? back\b|\bprevious (?:question|one|answer|step)\b|\blast question\b|\bback up\b|"
    r"^(?:back|previous|undo|undo that|undo it)$|\bundo\b|\bquestion before\b|\banswered (?:that|it|this) wrong\b|"
    r"\bwrong answer\b|\bback to the (?:last|previous|question)\b|\bstep back\b"
)


def is_go_back(text: str) -> bool:
    """"go back", "previous question", "undo", "oops I answered that wrong, go back"."""
    return bool(_GO_BACK_RE.search(norm(text)))


_SKIP_RE = re.compile(
    r"^(?:(?:ok|okay|um|uh|well|sorry|then|just)\s+)*(?:"
    r"skip(?:\s+(?:it|this|this one|that|that one|for now|the question|this question|please))*|"
    r"pass|n/?a|na|none|nothing|no one|noone|nobody|not applicable|doesn'?t apply|does not apply|"
    r"leave (?:it |this |that )?(?:blank|empty|out)|blank|empty|no(?:\s+thanks?(?:\s+you)?)?|nope|nah|"
    r"(?:i|we) (?:don'?t|do not|dont) have (?:one|it|any|that|them|an?\s+.+|any\s+.+|.+ number)|"
    r"(?:don'?t|dont|do not) have (?:one|it|any|that|an?\s+.+)|there (?:is|'s) (?:none|no one|nobody)|"
    r"there isn'?t (?:one|any)|we have none|no(?:\s+\w+){1,3}|not (?:needed|required)|no need|"
    r"(?:we )?(?:don'?t|dont) need (?:it|one|that)|(?:i'?d )?rather not(?: say)?|next"
    r")[.!]*$"
)


def is_skip(text: str) -> bool:
    """"skip", "n/a", "none", "I don't have one", "we don't have a DUNS number", "leave it blank", "no fax"."""
    t = norm(text)
    return bool(t) and bool(_SKIP_RE.match(t))


_KEEP_RE = re.compile(
    r"^(?:keep(?:\s+.*)?|it'?s (?:fine|correct|right|good|ok|okay)|that'?s (?:fine|correct|right|good|ok|okay)|"
    r"(?:no|don'?t|dont) change(?: it)?|leave it(?: as is| alone)?|same|unchanged|as is|"
    r"it'?s still (?:right|correct|good)|no changes?|looks (?:right|good|fine)|correct|right|fine|"
    r"still (?:right|correct|good|the same)|(?:that'?s|it'?s) still (?:right|correct|good)|never ?mind)[.!]*$"
)


def is_keep(text: str) -> bool:
    """"keep", "Keep (559) 555-0123", "it's fine", "leave it", "no change" (for a field that has a value)."""
    return bool(_KEEP_RE.match(norm(text)))


_CONFIRM_RE = re.compile(
    r"^(?:(?:yes|yep|yeah|ok|okay|sure)[,!.\s]+)?(?:looks (?:right|good|fine|great|correct|ok|okay)|"
    r"all (?:good|correct|right|set)|everything(?:'s| is)? (?:right|correct|good|fine)|that'?s (?:right|correct|"
    r"all|it)|confirm(?:ed)?|perfect|great|good|correct|right|fine|done|all done)\b"
)


def is_confirm(text: str, intent: Optional[str] = None) -> Optional[bool]:
    """Answer to "Does this look right?": True ("Looks right", "yes", "all good"), False ("no", "not quite",
    "something is wrong"), None when unclear."""
    t = norm(text)
    if re.search(r"\b(?:not (?:quite|right|correct|all)|something(?:'s| is)? (?:wrong|off)|mistake|wrong)\b", t):
        return False
    if _CONFIRM_RE.match(t):
        return True
    return parse_yes_no(text, intent)


_SELF_RE = re.compile(
    r"^(?:(?:it'?s|it is|its|that'?s|that would be|that is|the answer is)\s+)?(?:me|myself|i|i am|i'm|i did|"
    r"i do|i will|i'll|me myself|yours truly|i prepared it|i'll sign|i will sign|i sign|i'm signing|me, myself)$"
)


def is_self(text: str) -> bool:
    """"me", "myself", "I did", "it's me": the person typing."""
    return bool(_SELF_RE.match(norm(text)))


_SAME_RE = re.compile(
    r"^(?:(?:it'?s|it is|its|that'?s|the)\s+)?(?:same|the same|same one|same as (?:the |our )?(?:business|company|"
    r"above|before|shop|store|facility|site|main (?:one|number)|business (?:one|phone|number|name|address))|"
    r"same (?:number|phone|address|name|email|one)|(?:the )?business(?: itself)?|(?:the )?company(?: itself)?|"
    r"us|we are|we do|ourselves|our company|our business)(?: (?:as (?:well|above)|too))?$"
)


def is_same_as_business(text: str) -> bool:
    """"same", "same as the business", "same number", "the business itself", "us"."""
    return bool(_SAME_RE.match(norm(text)))


# --- values inside sentences -------------------------------------------------------------------------

_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_PHONE_RE = re.compile(
    r"(?:\+?1[\s.\-]*)?\(?\b\d{3}\)?[\s.\-]*\d{3}[\s.\-]*\d{4}\b(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?",
    re.IGNORECASE,
)
_ZIP_RE = re.compile(r"(?<![\d\-])\d{5}(?:\s*-\s*\d{4})?(?![\d\-])")


def spoken_digits(text: str) -> str:
    """Digits spelled out in words become digits when there are at least 7 of them ("five five nine ...")."""
    words = re.split(r"[\s,\-]+", text.lower().strip())
    if sum(w in _DIGIT_WORDS for w in words) >= 7:
        joined = " ".join(_DIGIT_WORDS.get(w, w) for w in words if w)
        return re.sub(r"(?<=\d) (?=\d)", "", joined)
    return text


def find_phone(text: str) -> Optional[str]:
    m = _PHONE_RE.search(spoken_digits(text or ""))
    return m.group(0).strip() if m else None


def find_all_phones(text: str) -> list[str]:
    return [m.group(0).strip() for m in _PHONE_RE.finditer(spoken_digits(text or ""))]


def find_email(text: str) -> Optional[str]:
    m = _EMAIL_RE.search(text or "")
    return m.group(0).strip(".,;") if m else None


def find_zip(text: str) -> Optional[str]:
    m = _ZIP_RE.search(text or "")
    return re.sub(r"\s", "", m.group(0)) if m else None


_LEAD_IN = re.compile(
    r"^(?:(?:um+|uh+|hmm+|ah|oh)[,.!:]?\s+|(?:ok(?:ay)?|well|so|sure|yes|yeah|yep|alright|right)[,.!:]+\s*)*"
    r"(?:(?:it'?s|its|it is|it will be|that'?s|that is|that would be|this is|the answer is|answer is|"
    r"we'?re at|we are at|located at|we'?re in|we are in|they'?re|they are|he'?s|he is|she'?s|she is|"
    r"that'd be|should be|put|use|i'?d say|call it)[,:]?\s+)?",
    re.IGNORECASE,
)
_LABEL_IN = re.compile(
    r"^(?:(?:the|our|my|his|her|their)\s+)?(?:(?:business|company|owner'?s?|operator'?s?|contact'?s?|"
    r"emergency|environmental|billing|primary|secondary|signer'?s?|preparer'?s?|job|full|legal|mailing|street|"
    r"24[- ]?hour|cell|work|office|main|phone|e-?mail|zip|postal|person'?s?|manager'?s?)\s+)*"
    r"(?:name|number|phone(?: number)?|e-?mail(?: address)?|address|title|city|state|zip(?: code)?|code|owner|"
    r"operator|contact|signer|preparer|date)\s+(?:is|would be|will be|should be|=|:)\s+",
    re.IGNORECASE,
)


def strip_lead_in(text: str) -> str:
    """The value part of a reply: "it's Maria Lopez" -> "Maria Lopez", "the owner is Maria Lopez" ->
    "Maria Lopez", "his title is shop manager" -> "shop manager", "our phone number is 559..." -> "559..."."""
    t = " ".join((text or "").split()).strip()
    for _ in range(2):
        t = _LABEL_IN.sub("", t, count=1)
        t = _LEAD_IN.sub("", t, count=1)
    t = re.sub(r"^(?:(?:the|our|a|an)\s+)(?=\S)", "", t, flags=re.IGNORECASE) if re.match(
        r"^(?:the|our|a|an)\s+\w+$", t, re.IGNORECASE) else t
    return t.strip().strip(".!").strip()


def strip_title_lead(text: str) -> str:
    """A job title without "he's the" / "our" / "the": "she's our shop manager" -> "shop manager"."""
    t = strip_lead_in(text)
    t = re.sub(r"^(?:(?:he|she|they)(?:'s| is| are|'re)\s+)?(?:(?:the|our|a|an|my)\s+)?", "", t, flags=re.IGNORECASE)
    return t.strip()


def strip_city_lead(text: str) -> str:
    t = strip_lead_in(text)
    t = re.sub(r"^(?:(?:it'?s\s+)?in\s+|the city of\s+|city of\s+)", "", t, flags=re.IGNORECASE)
    return t.strip(" ,.")


@dataclass(frozen=True)
class AddressParts:
    street: Optional[str] = None
    city: Optional[str] = None
    state: Optional[str] = None
    zip: Optional[str] = None


_STATE_NAMES = sorted(list(STATES) + ["calif", "cal"], key=len, reverse=True)
_STATE_TAIL = re.compile(
    r"(?:^|[\s,]+)(?P<state>[A-Za-z]{2}|" + "|".join(re.escape(s) for s in _STATE_NAMES) + r")\.?$", re.IGNORECASE)


def _split_state(text: str) -> tuple[str, Optional[str]]:
    """("Fresno", "CA") from "Fresno CA" / "Fresno, California"; ("Fresno", None) when no state is there."""
    t = text.strip(" ,.")
    m = _STATE_TAIL.search(t)
    if m:
        token = m.group("state")
        if len(token) == 2 and token.upper() not in {v for v in STATES.values()}:
            return t, None
        return t[: m.start()].strip(" ,."), token
    return t, None


def _city_at_end(text: str, zip5: Optional[str]) -> Optional[tuple[str, str]]:
    """(street, city) when `text` ends with a California city name (of the ZIP code when given)."""
    words = text.split()
    for n in (4, 3, 2, 1):
        if len(words) <= n:
            continue
        tail = " ".join(words[-n:])
        head = " ".join(words[:-n]).rstrip(" ,")
        if not re.search(r"\d", head):
            continue
        if zip5 and geo.is_ca_zip(zip5):
            for city in geo.cities_for_zip(zip5):
                if geo.city_key(city) == geo.city_key(tail):
                    return head, tail
        elif geo.normalize_city(tail):
            return head, tail
    return None


def parse_address(text: str) -> AddressParts:
    """A street address possibly followed by city, state and ZIP: "500 Main St, Visalia, CA 93291",
    "500 Main St Visalia CA 93291", "P.O. Box 12, Fresno 93721". Parts not found are None; with no city found
    the whole text is the street."""
    t = strip_lead_in(text).strip(" .")
    zip_code = None
    m = re.search(r"[\s,]+(\d{5}(?:\s*-\s*\d{4})?)\s*$", t)
    if m:
        zip_code = re.sub(r"\s", "", m.group(1))
        t = t[: m.start()].strip(" ,")
    parts = [p.strip() for p in t.split(",") if p.strip()]
    street = city = state = None
    if len(parts) >= 2:
        last, state = _split_state(parts[-1])
        if not last and state and len(parts) >= 3:  # "..., Fresno, CA"
            street, city = ", ".join(parts[:-2]), parts[-2]
        elif last:
            street, city = ", ".join(parts[:-1]), last
        else:
            street = ", ".join(parts)
    else:
        rest, state = _split_state(t)
        # without commas a city is looked for only after a ZIP or "CA" ("500 Arden Wy" is a street)
        if zip_code or (state and state.upper() in ("CA", "CALIFORNIA", "CALIF", "CAL")):
            found = _city_at_end(rest, zip_code[:5] if zip_code else None)
        else:
            found = None
        if found:
            street, city = found
        else:
            street, state = (t, None) if not zip_code else (rest, state)
    if city and re.search(r"\d", city):  # "Suite 5" is part of the street, not a city
        street, city = f"{street}, {city}" if street else city, None
    return AddressParts(street=street or None, city=city or None, state=state, zip=zip_code)


def parse_city_state_zip(text: str) -> AddressParts:
    """"Fresno, CA 93721" / "Fresno 93721" / "Fresno" as a reply to "In which city?"."""
    t = strip_city_lead(text)
    zip_code = None
    m = re.search(r"[\s,]+(\d{5}(?:\s*-\s*\d{4})?)\s*$", t)
    if m:
        zip_code = re.sub(r"\s", "", m.group(1))
        t = t[: m.start()].strip(" ,")
    city, state = _split_state(t)
    if not city:  # the whole reply is a state-like word
        city, state = t, None
    return AddressParts(city=city or None, state=state, zip=zip_code)


def name_and_contacts(text: str) -> tuple[str, Optional[str], Optional[str]]:
    """(name, phone, email) from "Maria Lopez, 559-555-0123, maria@lopez.com" (phone/email None if absent)."""
    phone, email = find_phone(text), find_email(text)
    rest = text
    for piece in (phone, email):
        if piece:
            rest = rest.replace(piece, " ")
    rest = re.sub(r"\b(?:phone|cell|tel|email|e-mail|at|number|is|and|her|his|their)\s*[:#]?\s*(?=[,;\s]*$)", " ", rest,
                  flags=re.IGNORECASE)
    rest = re.sub(r"\s*[,;/|]+\s*", ", ", rest).strip(" ,;-")
    rest = re.sub(r"(?:,\s*)+$", "", rest)
    return strip_lead_in(rest).strip(" ,"), phone, email
