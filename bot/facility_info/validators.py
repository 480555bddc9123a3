"""Checks for the Owner/Operator fields: each validator turns what the user typed into the stored value or
raises ValidationError whose message says what is wrong and how to fix it."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Callable, Optional

from bot import geo
from bot.errors import ValidationError
from bot.facility_info.questions import OwnerOperatorField
from bot.timeutil import utcnow
from bot.validation import normalize_email, normalize_phone

STATES: dict[str, str] = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
    "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
    "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR", "guam": "GU",
    "virgin islands": "VI", "american samoa": "AS", "northern mariana islands": "MP",
}
STATE_CODES = frozenset(STATES.values())
_STATE_ALIASES = {"calif": "CA", "cal": "CA", "wash": "WA", "d.c.": "DC", "dc": "DC"}
_US_NAMES = {"us", "u.s.", "usa", "u.s.a.", "united states", "united states of america", "america", "u s", "u s a"}
_ZIP_RE = re.compile(r"^(\d{5})(?:\s*-?\s*(\d{4}))?$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def _text(raw: Any, field: OwnerOperatorField) -> str:
    text = " ".join(str(raw if raw is not None else "").split()).strip(" .,") if field.validator != "text" else \
        " ".join(str(raw if raw is not None else "").split())
    if not text:
        raise ValidationError(f"Please give the {field.label}.", field=field.key)
    if len(text) > field.max_len:
        raise ValidationError(
            f"The {field.label} can have at most {field.max_len} characters (this one has {len(text)}). "
            "Please shorten it.",
            field=field.key,
        )
    return text


def _name(raw: Any, field: OwnerOperatorField) -> str:
    text = _text(raw, field)
    if not any(ch.isalpha() for ch in text):
        raise ValidationError(f"Please give the {field.label} in letters, like Maria Lopez.", field=field.key)
    if "@" in text:
        raise ValidationError(f"That looks like an email address; please give the {field.label}.", field=field.key)
    return text


def _person(raw: Any, field: OwnerOperatorField) -> str:
    """One person's name: taken out of a sentence ("it's Karen Wu, the president" -> "Karen Wu"); two people
    or a sentence that is no name are asked again instead of stored."""
    from bot.names import person_name

    text = _name(raw, field)
    try:
        return person_name(text)
    except ValidationError as exc:
        if "one person" in exc.message:
            raise ValidationError(f"Just one person for the {field.label}, please (e.g. Maria Lopez).",
                                  field=field.key) from exc
        return text  # an unusual but possible name: kept as typed


def _phone(raw: Any, field: OwnerOperatorField) -> str:
    try:
        value = normalize_phone(str(raw or ""))
    except ValidationError as exc:
        raise ValidationError(f"The {field.label}: {exc.message}", field=field.key) from None
    if len(value) > field.max_len:
        raise ValidationError(f"The {field.label} can't have an extension here. Please give just the 10-digit number.",
                              field=field.key)
    return value


def _email(raw: Any, field: OwnerOperatorField) -> str:
    try:
        value = normalize_email(str(raw or ""))
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field.key) from None
    if len(value) > field.max_len:
        raise ValidationError(f"The {field.label} can have at most {field.max_len} characters.", field=field.key)
    return value


def _address(raw: Any, field: OwnerOperatorField) -> str:
    text = _text(raw, field)
    if not re.search(r"\d", text) and not re.search(r"\bbox\b", text, re.IGNORECASE):
        raise ValidationError(
            f"“{text}” doesn't look like a street address. Please give the number and street, like "
            "1234 W Shaw Ave (a P.O. Box is fine for a mailing address). City, state and ZIP come next.",
            field=field.key,
        )
    return text


def _city(raw: Any, field: OwnerOperatorField) -> str:
    text = _name(raw, field)
    if any(ch.isdigit() for ch in text):
        raise ValidationError(f"Please give just the city name for the {field.label}, like Fresno.", field=field.key)
    canonical = geo.normalize_city(text)
    return canonical or (text.title() if text.islower() or text.isupper() else text)


def normalize_state(raw: Any, field_key: str = "state", label: str = "state") -> str:
    """A 2-letter US state code from a code or a name ("calif." -> "CA", "Nevada" -> "NV")."""
    text = " ".join(str(raw or "").split()).strip(" .,").lower()
    if not text:
        raise ValidationError(f"Please give the {label}, as two letters like CA.", field=field_key)
    text = re.sub(r"^state of ", "", text)
    if text.upper() in STATE_CODES:
        return text.upper()
    code = STATES.get(text) or _STATE_ALIASES.get(text) or _STATE_ALIASES.get(text.rstrip("."))
    if code:
        return code
    raise ValidationError(
        f"“{str(raw).strip()}” isn't a US state. Please give the two-letter code, like CA for California or "
        "NV for Nevada.",
        field=field_key,
    )


def _state(raw: Any, field: OwnerOperatorField) -> str:
    return normalize_state(raw, field.key, field.label)


def _zip(raw: Any, field: OwnerOperatorField) -> str:
    text = " ".join(str(raw or "").split())
    text = re.sub(r"^[A-Za-z]{2}\s+", "", text)  # "CA 93721"
    match = _ZIP_RE.match(text)
    if not match:
        raise ValidationError(
            f"“{text}” isn't a ZIP code: a ZIP code has 5 digits, like 93721 (or ZIP+4, like 93721-1234).",
            field=field.key,
        )
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")


def normalize_country(raw: Any, field_key: str = "country", label: str = "country", max_len: int = 50) -> str:
    text = " ".join(str(raw or "").split()).strip(" ,")
    if not text:
        raise ValidationError(f"Please give the {label}.", field=field_key)
    if text.lower() in _US_NAMES:
        return "United States"
    if len(text) > max_len or any(ch.isdigit() for ch in text):
        raise ValidationError(f"Please give the {label} as a name, like United States or Mexico.", field=field_key)
    return text.title() if text.islower() or text.isupper() else text


def _country(raw: Any, field: OwnerOperatorField) -> str:
    return normalize_country(raw, field.key, field.label, field.max_len)


def parse_date(raw: Any, *, field_key: str = "date", label: str = "date", today: Optional[date] = None) -> date:
    """A date from "today", "yesterday", 2025-03-01, 3/1/2025, 3-1-25, "March 1, 2025" or "1 March 2025"."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    today = today or utcnow().date()
    text = " ".join(str(raw or "").split()).strip(" .").lower()
    if text in ("today", "now", "today's date", "todays date"):
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    help_ = f"Please give the {label} like 03/01/2025 or March 1, 2025 (or say today)."
    if not text:
        raise ValidationError(help_, field=field_key)
    try:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})", text)
        if m:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[1]), int(m[2]))
        m = re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text)
        if m and m[1][:3] in _MONTHS:
            return date(int(m[3]), _MONTHS[m[1][:3]], int(m[2]))
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{4})", text)
        if m and m[2][:3] in _MONTHS:
            return date(int(m[3]), _MONTHS[m[2][:3]], int(m[1]))
    except ValueError:
        raise ValidationError(f"“{str(raw).strip()}” isn't a real date. {help_}", field=field_key) from None
    raise ValidationError(f"I couldn't read “{str(raw).strip()}” as a date. {help_}", field=field_key)


def _date(raw: Any, field: OwnerOperatorField) -> date:
    value = parse_date(raw, field_key=field.key, label=field.label)
    if not 1900 <= value.year <= 2100:
        raise ValidationError(f"{value.isoformat()} is out of range for the {field.label}. Please check the year.",
                              field=field.key)
    if field.key == "identification_signed_date" and value > utcnow().date():
        raise ValidationError("The signing date can't be in the future. Please give today's date or an earlier one.",
                              field=field.key)
    return value


def _digits(raw: Any, field: OwnerOperatorField, count: int, what: str) -> str:
    text = re.sub(r"[\s\-.]", "", str(raw or ""))
    if not text.isdigit() or len(text) != count:
        raise ValidationError(f"A {what} has exactly {count} digits (no letters). Please check it.", field=field.key)
    return text


def _duns(raw: Any, field: OwnerOperatorField) -> str:
    return _digits(raw, field, 9, "Dun & Bradstreet (D-U-N-S) number")


def _sic(raw: Any, field: OwnerOperatorField) -> str:
    text = re.sub(r"\s", "", str(raw or ""))
    if text.isdigit() and len(text) == 3:
        raise ValidationError("An SIC code has 4 digits. If yours has 3, add a leading zero (0741, not 741).",
                              field=field.key)
    return _digits(raw, field, 4, "SIC code")


def _naics(raw: Any, field: OwnerOperatorField) -> str:
    return _digits(raw, field, 6, "NAICS code")


def _integer(raw: Any, field: OwnerOperatorField) -> int:
    text = re.sub(r"[\s,]", "", str(raw if raw is not None else ""))
    if not text.isdigit():
        raise ValidationError(f"Please give the {field.label} as a whole number, like 12.", field=field.key)
    value = int(text)
    if value > 10 ** (field.max_len) - 1:
        raise ValidationError(f"{value} is too large for the {field.label}. Please check it.", field=field.key)
    return value


VALIDATORS: dict[str, Callable[[Any, OwnerOperatorField], Any]] = {
    "text": _text, "name": _name, "person": _person, "title": _name, "phone": _phone, "email": _email, "address": _address,
    "city": _city, "state": _state, "zip": _zip, "country": _country, "date": _date, "duns": _duns,
    "sic": _sic, "naics": _naics, "integer": _integer,
}


def validate_field(field: OwnerOperatorField, raw: Any) -> Any:
    """The stored value of `raw` for `field` (ValidationError when it is not acceptable)."""
    return VALIDATORS[field.validator](raw, field)


def validate_epa_id(raw: Any) -> str:
    """An EPA ID number: 12 letters/digits, starting with two letters ("cal 000-123-456" -> "CAL000123456")."""
    text = re.sub(r"[\s\-.]", "", str(raw or "")).upper()
    if not text:
        raise ValidationError("Please give the EPA ID number, like CAL000123456.", field="epa_id")
    if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{1,10}", text):
        raise ValidationError(
            f"“{str(raw).strip()}” doesn't look like an EPA ID number: it has up to 12 letters and digits and "
            "starts with the state letters, like CAL000123456 or CAD123456789.",
            field="epa_id",
        )
    return text
