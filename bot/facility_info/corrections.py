"""Which Facility Information answer a filer is talking about: "change the emergency phone to 559-555-0123",
"actually the owner is Maria Lopez", "the zip is wrong it should be 93721", "change the underground tank
answer to yes", "Change owner phone".

Two steps, both pure (no database):
- `parse_correction(text)` splits a sentence into the words naming the answer and the new value (None when
  the filer only named what to change);
- `resolve(words, ...)` turns those words into answer keys: Business Activities question keys, "epa_id",
  "comments", or Owner/Operator field keys. It scores aliases (labels, CERS tags, synonyms like
  "24 hour phone", "billing email", "preparer", "signer title", the questions' short labels) against the
  words, forgiving typos and plurals; several equally good keys are narrowed by the conversation's context
  (the group just answered or being asked), else returned for the filer to choose.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from bot.facility_info.questions import (
    ADDRESS_GROUPS,
    BUSINESS_QUESTION_BY_KEY,
    BUSINESS_QUESTIONS,
    OWNER_OPERATOR_FIELD_BY_KEY,
    OWNER_OPERATOR_FIELDS,
)

EPA_ID = "epa_id"
COMMENTS = "comments"

# --- words -------------------------------------------------------------------------------------------

_PHRASE_MAP = (
    (r"\b24\s*-?\s*(?:hours?|hrs?|h)\b|\btwenty[\s-]*four[\s-]*hours?\b|\b24/7\b|\bround the clock\b|"
     r"\baround the clock\b|\bafter[\s-]*hours?\b", " twentyfour "),
    (r"\be\s*-?\s*mails?\b", " email "),
    (r"\bzip\s*codes?\b|\bpostal\s*codes?\b|\bzipcodes?\b|\bzips\b", " zip "),
    (r"\btelephone\b|\btel\b|\bph\b", " phone "),
    (r"\bcell\s*phones?\b|\bcellphones?\b|\bmobile(?:\s*phones?)?\b|\bcell\b", " cell "),
    (r"\bd\s*-?\s*u\s*-?\s*n\s*-?\s*s\b|\bduns\b", " duns "),
    (r"\bcal\s*-?\s*arp\b", " calarp "),
    (r"\babove\s*-?\s*ground\b", " aboveground "),
    (r"\bunder\s*-?\s*ground\b", " underground "),
    (r"\bon\s*-?\s*site\b", " onsite "),
    (r"\bhaz\s*-?\s*mat\b", " hazardous material "),
    (r"\bhaz\b", " hazardous "),
    (r"\bu\.?s\.?t\.?s?\b", " ust "),
    (r"\ba\.?s\.?t\.?s?\b", " ast "),
    (r"\bh\.?h\.?w\.?\b", " hhw "),
    (r"\bl\.?q\.?g\.?\b", " lqg "),
    (r"\bst\.?\s+address\b", " street address "),
    (r"\bjob\s+title\b", " title "),
    (r"\bphone\s*(?:number|no\.?|#)\b", " phone "),
    (r"\bid\s*(?:number|no\.?|#)\b", " id "),
)
_STOP = frozenset(
    "the a an my our his her their its it's of for to in on at by is are was be that this these those "
    "answer answers question questions field fields entry one ones info information detail details please "
    "about with from and or value thing stuff bit part section box i we you me us which what it "
    "wrong incorrect correct right again just also s".split()
)
_PLURALS = {"owners": "owner", "operators": "operator", "tanks": "tank", "contacts": "contact",
            "materials": "material", "substances": "substance", "phones": "phone", "numbers": "number",
            "addresses": "address", "emails": "email", "titles": "title", "names": "name", "cities": "city",
            "states": "state", "dates": "date", "codes": "code", "wastes": "waste", "generators": "generator",
            "signers": "signer", "preparers": "preparer", "employees": "employee", "bills": "bill",
            "invoices": "invoice", "comments": "comment", "treatments": "treatment"}


def words(text: str) -> list[str]:
    """Normalized words of `text`: lower case, synonyms unified ("24-hour" -> "twentyfour", "e-mail" ->
    "email", "zip code" -> "zip"), possessives and common plurals removed, filler words dropped."""
    t = (text or "").lower().replace("’", "'").replace("_", " ")
    for pattern, repl in _PHRASE_MAP:
        t = re.sub(pattern, repl, t)
    t = re.sub(r"'s\b|s'(?=\s|$)", "", t)
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    out = []
    for w in t.split():
        w = _PLURALS.get(w, w)
        if w not in _STOP:
            out.append(w)
    return out


# --- aliases -----------------------------------------------------------------------------------------

_GROUPS: dict[str, tuple[str, ...]] = {
    "business": ("business", "company", "facility", "main", "shop", "store", "site", "office"),
    "operator": ("operator", "business operator", "operated by"),
    "owner": ("owner", "business owner", "owned by"),
    "econtact": ("environmental contact", "environmental", "env contact", "econtact", "enviro contact",
                 "environment contact", "environmental person", "env"),
    "pec": ("primary emergency contact", "primary emergency", "emergency contact", "emergency", "primary contact",
            "pec", "first emergency contact", "main emergency contact", "primary"),
    "sec": ("secondary emergency contact", "secondary emergency", "secondary contact", "secondary",
            "second emergency contact", "second contact", "backup contact", "backup emergency contact",
            "alternate contact", "alternate emergency contact", "alternate", "backup", "sec", "second"),
    "billing": ("billing contact", "billing", "bill", "invoice", "billing person", "accounts payable"),
    "property_owner": ("property owner", "landlord", "property", "building owner", "land owner"),
    "preparer": ("document preparer", "preparer", "prepared by", "prepared", "person who prepared"),
    "signer": ("signer", "signed by", "signature", "signatory", "person signing", "signing", "certifier",
               "certified by"),
}
_TYPES: dict[str, tuple[str, ...]] = {
    "name": ("name", "who", "person"),
    "phone": ("phone", "number"),
    "business_phone": ("business phone", "office phone", "work phone", "daytime phone", "desk phone", "phone"),
    "24hr": ("twentyfour phone", "twentyfour", "cell", "emergency phone", "night phone", "phone"),
    "email": ("email", "email address"),
    "address": ("address", "mailing address", "street", "street address", "mail address", "mailing"),
    "city": ("city", "town"),
    "state": ("state",),
    "zip": ("zip",),
    "country": ("country",),
    "title": ("title", "position", "role", "job"),
    "date": ("date", "signed date", "date signed", "signing date", "day"),
    "pager": ("pager", "beeper"),
}
# Owner/Operator key -> (group, type) for the aliases built from group and type words.
_FIELD_PARTS: dict[str, tuple[str, str]] = {
    "business_name": ("business", "name"), "phone": ("business", "phone"),
    "mailing_address": ("business", "address"), "mailing_city": ("business", "city"),
    "mailing_state": ("business", "state"), "mailing_zip": ("business", "zip"),
    "operator_name": ("operator", "name"), "operator_phone": ("operator", "phone"),
    "owner_name": ("owner", "name"), "owner_phone": ("owner", "phone"),
    "owner_mail_address": ("owner", "address"), "owner_city": ("owner", "city"), "owner_state": ("owner", "state"),
    "owner_zip": ("owner", "zip"), "owner_country": ("owner", "country"),
    "econtact_name": ("econtact", "name"), "econtact_phone": ("econtact", "phone"),
    "econtact_email": ("econtact", "email"), "econtact_mail_address": ("econtact", "address"),
    "econtact_city": ("econtact", "city"), "econtact_state": ("econtact", "state"), "econtact_zip": ("econtact", "zip"),
    "econtact_country": ("econtact", "country"),
    "pec_name": ("pec", "name"), "pec_title": ("pec", "title"), "pec_business_phone": ("pec", "business_phone"),
    "pec_24hr_phone": ("pec", "24hr"), "pec_pager": ("pec", "pager"),
    "sec_name": ("sec", "name"), "sec_title": ("sec", "title"), "sec_business_phone": ("sec", "business_phone"),
    "sec_24hr_phone": ("sec", "24hr"), "sec_pager": ("sec", "pager"),
    "billing_contact_name": ("billing", "name"), "billing_contact_phone": ("billing", "phone"),
    "billing_contact_email": ("billing", "email"), "billing_address": ("billing", "address"),
    "billing_city": ("billing", "city"), "billing_state": ("billing", "state"), "billing_zip": ("billing", "zip"),
    "billing_country": ("billing", "country"),
    "property_owner_name": ("property_owner", "name"), "property_owner_phone": ("property_owner", "phone"),
    "property_owner_mailing_address": ("property_owner", "address"),
    "property_owner_city": ("property_owner", "city"), "property_owner_state": ("property_owner", "state"),
    "property_owner_zip": ("property_owner", "zip"), "property_owner_country": ("property_owner", "country"),
    "document_preparer_name": ("preparer", "name"), "identification_signer_name": ("signer", "name"),
    "identification_signer_title": ("signer", "title"), "identification_signed_date": ("signer", "date"),
}
# The field a group's name alone points at ("the owner" -> owner_name).
_GROUP_DEFAULT = {"business": "business_name", "operator": "operator_name", "owner": "owner_name",
                  "econtact": "econtact_name", "pec": "pec_name", "sec": "sec_name",
                  "billing": "billing_contact_name", "property_owner": "property_owner_name",
                  "preparer": "document_preparer_name", "signer": "identification_signer_name"}
# Extra names, scored a little higher than the built ones so that they win ties.
_EXTRA: dict[str, tuple[str, ...]] = {
    "business_name": ("legal name", "company name", "business name", "dba", "doing business as"),
    "phone": ("main phone", "main number", "business number", "company phone", "shop phone"),
    "fax": ("fax", "fax number", "business fax"),
    "beginning_date": ("beginning date", "start date", "date started", "opening date", "opened", "since"),
    "ending_date": ("ending date", "end date", "closing date", "closed"),
    "dun_and_bradstreet": ("duns", "dun", "bradstreet", "dun bradstreet"),
    "sic_code": ("sic", "sic code"),
    "naics_code": ("naics", "naics code"),
    "assessor_parcel_number": ("apn", "parcel", "assessor parcel", "parcel number", "assessor"),
    "number_of_employees": ("employee", "number employee", "headcount", "staff count", "how many people"),
    "al_collected_information": ("additional local information", "local information", "locally collected",
                                 "additional information"),
    "pec_24hr_phone": ("emergency phone", "emergency number", "twentyfour phone", "twentyfour number",
                       "twentyfour", "emergency cell"),
    "pec_business_phone": ("emergency business phone", "emergency office phone", "emergency work phone"),
    "identification_signed_date": ("date signed", "signed date", "signing date", "signature date",
                                   "certification date", "date"),
    "identification_signer_title": ("signer title", "signature title", "title signer"),
    "document_preparer_name": ("preparer", "prepared by", "who prepared"),
    "identification_signer_name": ("signer", "signed by", "who sign", "signer name"),
    "billing_contact_email": ("billing email", "invoice email", "bill email"),
    "econtact_email": ("environmental email", "contact email"),
    "owner_mail_address": ("owner address", "owner mailing address"),
    "mailing_address": ("business address", "business mailing address", "company address"),
    EPA_ID: ("epa", "epa id", "epa number", "epa id number", "epaid", "generator id", "us epa id"),
    COMMENTS: ("comment", "business activities comment", "note", "remark"),
    "hm_on_site": ("hazardous material", "hazardous materials onsite", "material onsite", "hazmat",
                   "chemical", "hmonsite", "reporting threshold", "55 gallon"),
    "calarp_regulated_substances": ("calarp", "regulated substance", "accidental release", "calarp substance",
                                    "ammonia", "chlorine"),
    "own_or_operate_ust": ("ust", "underground", "underground tank", "underground storage tank",
                           "buried tank", "tank underground", "tank"),
    "own_or_operate_apst": ("aboveground", "aboveground tank", "aboveground petroleum", "apsa", "apst", "ast",
                            "petroleum", "petroleum storage", "1320 gallon", "tank"),
    "hw_generator": ("hazardous waste", "waste generator", "generator", "hazardous waste generator",
                     "produce hazardous waste", "generate hazardous waste", "hw generator", "waste"),
    "recycle": ("recycle", "recycling", "recyclable", "recycler", "100 kg", "recycled"),
    "onsite_hw_treatment": ("treatment", "treat", "onsite treatment", "tiered permitting", "treat waste",
                            "treating", "hazardous waste treatment", "waste treatment", "tiered"),
    "financial_assurance": ("financial assurance", "financial", "assurance", "permit by rule",
                            "conditional authorization", "pbr"),
    "rw_consolidation_site": ("consolidation", "remote waste", "remote", "consolidation site",
                              "remote waste consolidation"),
    "hw_tank_closure": ("tank closure", "closing tank", "closure", "hazardous waste tank", "close tank",
                        "closing", "waste tank"),
    "rcra_large_quantity_generator": ("rcra", "large quantity", "lqg", "large quantity generator",
                                      "large generator", "1000 kg", "big generator"),
    "hhw_collection": ("household", "hhw", "household hazardous waste", "collection", "collection site",
                       "drop off"),
}
_EXTRA_BONUS = 0.25  # labels and extra names win ties, never over a more specific match
_WEAK_WORDS = {"number": 0.5, "who": 0.5, "person": 0.5, "day": 0.5, "job": 0.5, "mailing": 0.5}


@dataclass(frozen=True)
class _Alias:
    key: str
    words: tuple[str, ...]
    score: float


def all_keys() -> tuple[str, ...]:
    """Every answer a filer can change, in form order: Business Activities, EPA ID, comments, Owner/Operator."""
    return tuple(q.key for q in BUSINESS_QUESTIONS) + (EPA_ID, COMMENTS) + tuple(f.key for f in OWNER_OPERATOR_FIELDS)


@lru_cache(maxsize=1)
def _aliases() -> tuple[_Alias, ...]:
    out: list[_Alias] = []

    def add(key: str, phrase: str, bonus: float = 0.0, weight: Optional[float] = None) -> None:
        ws = tuple(words(phrase))
        if ws:
            score = weight if weight is not None else sum(_WEAK_WORDS.get(x, 1.0) for x in ws)
            out.append(_Alias(key, ws, score + bonus))

    for q in BUSINESS_QUESTIONS:
        add(q.key, q.short, _EXTRA_BONUS)
    for f in OWNER_OPERATOR_FIELDS:
        add(f.key, f.label, _EXTRA_BONUS)
        parts = _FIELD_PARTS.get(f.key)
        if parts is None:
            continue
        group, kind = parts
        for t in _TYPES[kind]:
            # a type word alone ("the phone") points at every field of that type, weakly ("number": weaker)
            add(f.key, t, 0.0, weight=0.5 if t in _WEAK_WORDS else 1.0)
            for g in _GROUPS[group]:
                add(f.key, f"{g} {t}")
        if _GROUP_DEFAULT.get(group) == f.key:  # "the owner" -> owner's name; a bit weaker than a kind of field
            for g in _GROUPS[group]:
                add(f.key, g, weight=0.9 * sum(_WEAK_WORDS.get(x, 1.0) for x in words(g)))
    for key, phrases in _EXTRA.items():
        for phrase in phrases:
            add(key, phrase, _EXTRA_BONUS)
    return tuple(out)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    return tuple(sorted({w for a in _aliases() for w in a.words}))


def _fix_typos(ws: Sequence[str]) -> list[str]:
    vocab = set(_vocabulary())
    fixed = []
    for w in ws:
        if w in vocab or len(w) < 4 or w.isdigit():
            fixed.append(w)
            continue
        match = difflib.get_close_matches(w, _vocabulary(), n=1, cutoff=0.78)
        fixed.append(match[0] if match else w)
    return fixed


def scores(text: str) -> dict[str, float]:
    """Every key whose alias is fully contained in the words of `text`, with its best alias score."""
    ws = set(_fix_typos(words(text)))
    if not ws:
        return {}
    best: dict[str, float] = {}
    for alias in _aliases():
        if all(w in ws for w in alias.words):
            if alias.score > best.get(alias.key, 0.0):
                best[alias.key] = alias.score
    return best


def group_of(key: str) -> str:
    """The group an answer key belongs to, for context: "business_activities" for the yes/no questions and
    the EPA ID, else the Owner/Operator group (certification split into preparer and signer)."""
    if key in BUSINESS_QUESTION_BY_KEY or key in (EPA_ID, COMMENTS):
        return "business_activities"
    if key.startswith("same_as_business:"):
        return key.split(":", 1)[1]
    parts = _FIELD_PARTS.get(key)
    if parts:
        return parts[0]
    f = OWNER_OPERATOR_FIELD_BY_KEY.get(key)
    return f.group if f else ""


@lru_cache(maxsize=1)
def _tags() -> dict[str, str]:
    tags = {q.tag.lower(): q.key for q in BUSINESS_QUESTIONS}
    tags.update({f.tag.lower(): f.key for f in OWNER_OPERATOR_FIELDS})
    tags["epaid"] = EPA_ID
    return tags


def exact_key(text: str) -> Optional[str]:
    """The key when `text` is one spelled as in the code ("owner_phone", a button payload) or a CamelCase
    CERS tag ("OwnerPhone", "PEC24HrPhone", "EPAID"); None otherwise. One plain word ("phone") is never
    exact: people mean a kind of field by it."""
    t = (text or "").strip()
    if "_" in t and t.lower() in all_keys():
        return t.lower()
    if re.fullmatch(r"[A-Za-z0-9]+", t) and sum(ch.isupper() for ch in t) >= 2:
        return _tags().get(t.lower())
    return None


def payload_target(key: str) -> str:
    """Words that name `key` unambiguously, for button payloads ("change <words>")."""
    return key if "_" in key else {"phone": "business phone", "fax": "business fax", "recycle": "recycling",
                                   EPA_ID: "EPA ID", COMMENTS: "comments"}.get(key, key)


_CERS_ID_RE = re.compile(r"(?<![\d-])[12]\d{7}(?![\d-])")


def facility_named(text: Optional[str]) -> Optional[str]:
    """The CERS ID a sentence names ("the emergency phone of 10149706"), if any. An answer said about a named
    facility is never taken as one of the facility being filed: `resolve` finds no key in such a sentence
    (so nothing is written), and `parse_correction` calls it a correction for sure."""
    m = _CERS_ID_RE.search(text or "")
    return m.group(0) if m else None


def resolve(text: str, *, context: Sequence[str] = (), filled: Iterable[str] = ()) -> list[str]:
    """The answer keys `text` names, best first: [] none, [key] found, several when it is ambiguous.
    [] too when the text names a facility by its CERS ID (see `facility_named`).

    `context`: keys most relevant now, most relevant first (the one just answered, the one being asked):
    among equally good matches, those in the same group as the first context key that has any win
    ("the zip is wrong" right after the owner's city -> owner_zip; only for address parts). `filled`: keys
    that have a value: when only some of the matches have one, those are meant ("change the email" when one
    email is given)."""
    if facility_named(text):
        return []
    exact = exact_key(text)
    if exact:
        return [exact]
    found = scores(text)
    if not found:
        return []
    top = max(found.values())
    keys = [k for k in all_keys() if found.get(k) == top]
    if len(keys) <= 1:
        return keys
    for ctx in context:
        if ctx in keys:
            return [ctx]
    # the parts of an address follow the address being talked about ("the zip is wrong" after the owner's
    # city); other kinds ("the phone") are not guessed from the neighbourhood: the filer is asked
    address_parts = {k for cols in ADDRESS_GROUPS.values() for k in cols if k}
    for ctx in (context if set(keys) <= address_parts else ()):
        group = group_of(ctx)
        same = [k for k in keys if group_of(k) == group]
        if same and len(same) < len(keys):
            keys = same
            if len(keys) == 1:
                return keys
            break
    filled = set(filled)
    with_value = [k for k in keys if k in filled]
    if with_value and len(with_value) < len(keys):
        keys = with_value
    return keys


def pick(text: str, keys: Sequence[str]) -> Optional[str]:
    """Which of `keys` a reply to "which one do you mean?" names ("the billing one", "owner's"): the key whose
    aliases share the most words with the reply, when exactly one does."""
    ws = set(_fix_typos(words(text)))
    if not ws or not keys:
        return None
    counts = {k: len(ws & {w for a in _aliases() if a.key == k for w in a.words}) for k in keys}
    top = max(counts.values())
    winners = [k for k in keys if counts[k] == top]
    return winners[0] if top > 0 and len(winners) == 1 else None


# --- correction sentences ----------------------------------------------------------------------------

_LEAD = (r"(?:(?:please|pls|plz|can you|could you|can we|could we|can i|could i|i (?:want|need|would like|'d like)"
         r" to|i wanna|let'?s|ok(?:ay)?|oh|oops|sorry|wait|hey|also|and|go back and|so|actually|um+|hmm+|no|nope|"
         r"hold on|my bad|quick(?:ly)?|one more thing)[,!.]?\s+)*")
_DET = r"(?:(?:the|my|our|his|her|their|that|this|its|it's)\s+)?"
_STRONG_VERBS = r"(?:change|update|fix|correct|edit|modify|amend|redo|re-?enter|re-?do|revise)"
_WEAK_VERBS = r"(?:set|make|replace|switch|put)"
_SEP = (r"(?:\s+from\s+.+?\s+to\s+|\s+(?:to|into|as|with|so (?:it|that) (?:says|reads|is))\s+|\s*[:=]\s*|"
        r"\s+(?:it|that) should be\s+|\s+should be\s+|\s+(?:it'?s|is)\s+(?:actually\s+)?)")


@dataclass(frozen=True)
class Correction:
    target: str  # the words naming the answer ("emergency phone")
    value: Optional[str]  # the new value as typed, None when not given
    strong: bool  # clearly a correction (a change verb or "... is wrong"), even if the target is unknown


_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
    (re.compile(p, re.IGNORECASE), strong) for p, strong in (
        # "wait the operator phone is 209 555 1111 not 1112"
        (rf"^{_LEAD}(?:(?:actually|wait|no|oops|sorry|correction)[,!.:]?\s+)?{_DET}(?P<target>[^,]+?)\s+"
         rf"(?:is|should be|was supposed to be)\s+(?P<value>.+?),?\s+not\s+\S.*$", False),
        # "change the emergency phone to 559-555-0123", "update owner phone: 559..."
        (rf"^{_LEAD}{_STRONG_VERBS}\s+{_DET}(?P<target>.+?){_SEP}(?P<value>.+)$", True),
        (rf"^{_LEAD}{_WEAK_VERBS}\s+{_DET}(?P<target>.+?){_SEP}(?P<value>.+)$", False),
        # "Change owner phone", "fix the billing address"
        (rf"^{_LEAD}{_STRONG_VERBS}\s+{_DET}(?P<target>.+?)[.!?]*$", True),
        # "the zip is wrong, it should be 93721", "the owner's phone is incorrect"
        (rf"^{_LEAD}{_DET}(?P<target>.+?)\s+(?:is|was|looks|are)\s+(?:wrong|incorrect|not right|a typo|mistyped|off|"
         rf"outdated|old|out of date|misspelled|spelled wrong)\b[,.;:!\s-]*"
         rf"(?:(?:it|that|the (?:right|correct|new) (?:one|value))\s+)?(?:should\s+(?:be|read|say)|is|'s|must be|"
         rf"needs to be|=|:)?\s*(?P<value>.*)$", True),
        # "I typed my email wrong", "I entered the zip wrong, it's 93721"
        (rf"^{_LEAD}i\s+(?:typed|entered|put|gave|wrote|spelled|got|put in|answered)\s+{_DET}(?P<target>.+?)\s+"
         rf"(?:wrong|wrongly|incorrectly|incorrect|by mistake)\b[,.;:!\s-]*(?:(?:it|that)\s+)?"
         rf"(?:should\s+be|is|'s)?\s*(?P<value>.*)$", True),
        # "I made a typo in the email, it's ..."
        (rf"^{_LEAD}i\s+made\s+a\s+(?:typo|mistake|error)\s+(?:in|on|with)\s+{_DET}(?P<target>[^,.;]+?)"
         rf"(?:[,.;:!-]+\s*(?:(?:it|that)\s+)?(?:should\s+be|is|'s)?\s*(?P<value>.+))?$", True),
        # "actually the owner is Maria Lopez", "sorry, the signer title should be President"
        (rf"^(?:actually|oops|sorry|wait|correction|hold on|my bad|oh|no|nope)[,!.:]?\s+(?:(?:actually|sorry)"
         rf"[,!.:]?\s+)?{_DET}(?P<target>.+?)\s+(?:is|should be|was supposed to be|needs to be|=|'s)\s+"
         rf"(?P<value>.+)$", False),
        # "the signer title should be President"
        (rf"^{_DET}(?P<target>.+?)\s+should\s+(?:be|read|say)\s+(?P<value>.+)$", False),
    )
)


def parse_correction(text: str) -> Optional[Correction]:
    """The target words and new value of a correction sentence, or None when `text` isn't phrased as one."""
    t = " ".join((text or "").replace("’", "'").split()).strip()
    if not t:
        return None
    for pattern, strong in _PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        target = m.group("target").strip(" ,.;:!?\"'")
        value = (m.groupdict().get("value") or "").strip().strip("\"'").rstrip(".!").strip()
        target = re.sub(r"\s+(?:answer|question|field|entry|one)$", "", target, flags=re.IGNORECASE)
        if not target:
            continue
        # about another facility ("the emergency phone of 10149706"): surely a correction, never this one's
        return Correction(target=target, value=value or None, strong=strong or bool(facility_named(t)))
    return None


def is_pronoun(target: str) -> bool:
    """"it", "that", "this", "that answer", "the last one": the target is the answer in context."""
    return bool(re.fullmatch(r"(?:it|that|this|that one|this one|the last one|last one|the previous one|"
                             r"my answer|that answer|this answer|the answer|my last answer|the last answer)",
                             target.strip().lower()))
