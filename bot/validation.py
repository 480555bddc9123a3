"""Input checks shared by the chat, the web forms and the staff console, and the one rule for telling a
password typed into a conversation (`looks_like_password`).

Every function either returns the clean value or raises `ValidationError` whose message says what is wrong
and how to fix it.
"""
from __future__ import annotations

import re
from typing import Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot import geo
from bot.errors import ValidationError

# --- email -------------------------------------------------------------------------------------------


def normalize_email(s: str) -> str:
    """A syntactically valid email address, lower-cased ("Ann@Example.COM " -> "ann@example.com")."""
    text = (s or "").strip().strip("<>").strip()
    if not text:
        raise ValidationError("Please type your email address, like name@example.com.", field="email")
    if " " in text or "@" not in text:
        raise ValidationError(
            f"“{text}” doesn't look like an email address. Please type it like name@example.com.",
            field="email",
        )
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        reason = reason[:1].lower() + reason[1:]
        raise ValidationError(
            f"That email address doesn't look right ({reason}). Please type it like name@example.com.",
            field="email",
        ) from None
    return result.normalized.lower()


# --- phone -------------------------------------------------------------------------------------------

_PHONE_HELP = "That phone number doesn't look right: a US number has 10 digits, like 559-555-0123."


def normalize_phone(s: str) -> str:
    """A valid US phone number in the form "(559) 555-0123" (with " ext. 12" when an extension is given)."""
    text = (s or "").strip()
    if not text:
        raise ValidationError("Please give a phone number, like 559-555-0123.", field="phone")
    if len(re.sub(r"\D", "", text)) < 10:
        raise ValidationError(_PHONE_HELP + " Please include the area code.", field="phone")
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        raise ValidationError(_PHONE_HELP, field="phone") from None
    if number.country_code != 1 or not phonenumbers.is_valid_number_for_region(number, "US"):
        raise ValidationError(_PHONE_HELP, field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


# --- ZIP and city ------------------------------------------------------------------------------------

_ZIP_RE = re.compile(r"^(?:CA\s*)?(\d{5})(?:\s*-?\s*\d{4})?$", re.IGNORECASE)


def parse_ca_zip(s: str) -> str:
    """The 5-digit California ZIP code in `s` (ZIP+4 accepted: "93721-1234" -> "93721")."""
    text = (s or "").strip()
    if not text:
        raise ValidationError("Please give the 5-digit ZIP code, like 93721.", field="zip")
    match = _ZIP_RE.match(text)
    if not match:
        raise ValidationError(
            f"“{text}” isn't a ZIP code: a ZIP code has 5 digits, like 93721 (or ZIP+4, like 93721-1234).",
            field="zip",
        )
    zip5 = match.group(1)
    if not zip5.startswith("9"):
        raise ValidationError(
            f"{zip5} isn't a California ZIP code: California ZIP codes start with 9 (90001 to 96162). "
            "Please give the ZIP code of the facility's site in California.",
            field="zip",
        )
    if not geo.is_ca_zip(zip5):
        raise ValidationError(
            f"I can't find ZIP code {zip5} in California. Please check it (it is on your mail or a utility bill).",
            field="zip",
        )
    return zip5


def cities_for_zip(zip5: str) -> list[str]:
    """City names the USPS accepts for a California ZIP code, primary first."""
    return geo.cities_for_zip(zip5)


def check_city_zip(city: str, zip5: str) -> str:
    """The canonical spelling of `city` when it is one of the ZIP code's cities; else ValidationError."""
    zip5 = parse_ca_zip(zip5)
    name = " ".join((city or "").split())
    if not name:
        raise ValidationError("Please give the city.", field="city")
    cities = geo.cities_for_zip(zip5)
    key = geo.city_key(name)
    for candidate in cities:
        if geo.city_key(candidate) == key:
            return candidate
    primary = cities[0] if cities else "another city"
    others = [c for c in cities[1:] if not c.endswith((" Pk", " Hts"))]
    also = f" (also called {', '.join(others[:3])})" if others else ""
    raise ValidationError(
        f"ZIP code {zip5} is in {primary}{also}, not {name}. Please check the city or the ZIP code.",
        field="city",
    )


# --- passwords ---------------------------------------------------------------------------------------

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
PASSWORD_RULE_LIST: list[str] = [
    f"at least {PASSWORD_MIN_LENGTH} characters",
    "at least one letter and one number",
    "not your email address",
    "not a common password (like password123)",
]
PASSWORD_RULES = (
    f"Your password needs at least {PASSWORD_MIN_LENGTH} characters, with at least one letter and one number. "
    "It must not be your email address or a common password like “password123”."
)

_COMMON_PASSWORDS = frozenset(
    """
    password password1 password12 password123 password1234 passw0rd passw0rd1 p@ssw0rd p@ssword1
    123456789a 1234567890 1234567890a a123456789 abc1234567 abcd123456 qwerty1234 qwertyuiop1
    qwerty123456 1q2w3e4r5t 1qaz2wsx3edc zaq12wsx iloveyou12 letmein123 welcome123 welcome1234
    admin12345 administrator1 changeme123 trustno1234 sunshine123 football123 baseball123 monkey12345
    dragon12345 princess123 superman123 starwars123 computer123 internet123 california1 california123
    hazmat1234 cers123456 business123 company123 summer2024 summer2025 winter2024 spring2025 fall2025
    """.split()
)


def password_problems(password: str, email: Optional[str] = None) -> list[str]:
    """What is wrong with a proposed password, as sentences to show the user ([] when it is fine)."""
    problems: list[str] = []
    pw = password or ""
    if len(pw) < PASSWORD_MIN_LENGTH:
        problems.append(f"It needs at least {PASSWORD_MIN_LENGTH} characters (this one has {len(pw)}).")
    if len(pw) > PASSWORD_MAX_LENGTH:
        problems.append(f"It can have at most {PASSWORD_MAX_LENGTH} characters.")
    if not any(ch.isalpha() for ch in pw):
        problems.append("It needs at least one letter.")
    if not any(ch.isdigit() for ch in pw):
        problems.append("It needs at least one number.")
    lowered = pw.strip().lower()
    if email and lowered:
        address = email.strip().lower()
        local = address.split("@", 1)[0]
        if lowered in (address, local) or (len(local) >= 4 and lowered.startswith(local) and len(lowered) - len(local) <= 4):
            problems.append("It must not be your email address or look like it.")
    if lowered in _COMMON_PASSWORDS:
        problems.append("It is one of the most common passwords, which are guessed first; please choose another.")
    return problems


class PasswordTooWeak(ValidationError):
    """A password that breaks the rules; `problems` lists each broken rule."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Please choose another password. " + " ".join(problems), field="password")
        self.problems = problems


def check_password(password: str, email: Optional[str] = None) -> str:
    """`password` unchanged when it follows the rules; else PasswordTooWeak."""
    problems = password_problems(password, email)
    if problems:
        raise PasswordTooWeak(problems)
    return password


# A password typed into the chat must never be stored: one rule, used by every channel and step engine.
EMAIL_IN_TEXT_RE = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;.]+")
_PASSWORD_WORDS = re.compile(r"\b(pass(word|wd|code)?|pwd)\b", re.IGNORECASE)


def looks_like_password(text: Optional[str]) -> bool:
    """True for text that is probably a password ("my password is X", or one token mixing letters, digits
    and symbols that is not an email, phone, ZIP or ID)."""
    t = (text or "").strip()
    if not t:
        return False
    if _PASSWORD_WORDS.search(t) and len(t.split()) <= 6 and any(ch.isdigit() or not ch.isalnum() for ch in t):
        return True
    if " " in t or len(t) < 8 or EMAIL_IN_TEXT_RE.fullmatch(t):
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


# --- CERS ID, names, titles --------------------------------------------------------------------------

CERS_ID_HELP = "A CERS ID is an 8-digit number (for example 10234567), printed on your Business Activities page."


def normalize_cers_id(s: str) -> str:
    """The 8-digit CERS ID in `s` ("CERS ID 1023-4567" -> "10234567"), in the range 10000001..29999999."""
    text = (s or "").strip()
    text = re.sub(r"^(?:cers\s*(?:id)?\s*(?:no\.?|number|#)?\s*:?\s*)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s\-#]", "", text)
    if not text:
        raise ValidationError(f"Please give the CERS ID. {CERS_ID_HELP}", field="cers_id")
    if not text.isdigit():
        raise ValidationError(f"“{s.strip()}” isn't a CERS ID. {CERS_ID_HELP}", field="cers_id")
    if len(text) != 8:
        raise ValidationError(
            f"{text} has {len(text)} digits, but a CERS ID has 8. {CERS_ID_HELP}", field="cers_id"
        )
    if not 10000001 <= int(text) <= 29999999:
        raise ValidationError(
            f"{text} isn't a CERS ID: CERS IDs run from 10000001 to 29999999. {CERS_ID_HELP}", field="cers_id"
        )
    return text


def clean_text(s: Optional[str], *, field: str, label: str, max_len: int, required: bool = True) -> str:
    """`s` with spaces collapsed; ValidationError when empty (if required) or longer than `max_len`."""
    text = " ".join((s or "").split())
    if required and not text:
        raise ValidationError(f"Please give the {label}.", field=field)
    if len(text) > max_len:
        raise ValidationError(
            f"The {label} can have at most {max_len} characters (this one has {len(text)}). Please shorten it.",
            field=field,
        )
    return text


def normalize_full_name(s: str) -> str:
    """A person's name: required, at most 120 characters, with a letter in it."""
    name = clean_text(s, field="full_name", label="full name", max_len=120)
    if not any(ch.isalpha() for ch in name):
        raise ValidationError("Please give your name in letters, like Maria Lopez.", field="full_name")
    return name
