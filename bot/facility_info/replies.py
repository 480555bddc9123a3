"""Reading what filers type in the Facility Information conversation that only this step needs: "me",
"same as the business", and the value inside a sentence ("the owner is Maria Lopez", "she's our shop
manager", "500 Main St, Visalia, CA 93291", "Maria Lopez, 559-555-0123, maria@lopez.com").

Pure functions over text (no database): the conversation engine (`bot.facility_info.dialogue`) decides
what to do with them. Replies every step reads the same way (yes/no, skip, keep, go back, "what does this
mean?", phones, emails, ZIP codes) are in `bot.replies`, and the password look-alike rule in
`bot.validation`; they are imported here so the engine reads every reply through this one module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot import geo
from bot.facility_info.validators import STATES
from bot.replies import (  # noqa: F401  (the engine calls them as replies.<name>)
    find_email,
    find_phone,
    find_zip,
    is_confirm,
    is_explain_request,
    is_go_back,
    is_keep,
    is_skip,
    is_unsure,
    norm,
    parse_yes_no,
)
from bot.validation import has_password_like_word, looks_like_password  # noqa: F401

# --- who and what ------------------------------------------------------------------------------------

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
