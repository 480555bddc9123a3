"""Normalizing chemical names and CAS numbers for matching."""
from __future__ import annotations

import re
from typing import Optional

_CAS_RE = re.compile(r"^\s*(\d{2,7})-(\d{2})-(\d)\s*$")
# "98%", "98 %", "(50% w/w)", "12.5 percent", "30-35%"
_PERCENT_RE = re.compile(r"\(?\s*(?:\d+(?:\.\d+)?\s*(?:-|to)\s*)?\d+(?:\.\d+)?\s*(?:%|percent\b|pct\b)\s*(?:w/w|w/v|wt|by weight)?\s*\)?")
_GRADE_WORDS = (
    "solution", "soln", "aqueous", "technical grade", "tech grade", "reagent grade", "food grade",
    "acs grade", "acs", "reagent", "technical", "tech", "concentrated", "conc", "industrial", "commercial",
)
_GRADE_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _GRADE_WORDS) + r")\b\.?")
_KEEP_RE = re.compile(r"[^a-z0-9,\-\(\)\[\]\+' ]+")
_SPACE_RE = re.compile(r"\s+")


def cas_checksum_ok(cas: str) -> bool:
    """True when the CAS number's check digit is right (e.g. 67-64-1)."""
    match = _CAS_RE.match(cas or "")
    if not match:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(match.group(3))


def parse_cas(text: str) -> Optional[str]:
    """The CAS number in `text` ("67-64-1", " CAS 67-64-1") when it is one with a valid check digit, else None."""
    cleaned = re.sub(r"^\s*(?:cas(?:\s*(?:no\.?|number|#|rn))?\s*[:#]?\s*)", "", text or "", flags=re.IGNORECASE)
    match = _CAS_RE.match(cleaned)
    if not match:
        return None
    cas = f"{int(match.group(1))}-{match.group(2)}-{match.group(3)}"
    return cas if cas_checksum_ok(cas) else None


def normalize_name(text: str) -> str:
    """Lower-case name without concentrations or grade words: "Sulfuric Acid 98%" -> "sulfuric acid"."""
    s = (text or "").lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    s = s.replace("sulphur", "sulfur").replace("sulphate", "sulfate").replace("sulphide", "sulfide")
    s = s.replace("aluminium", "aluminum")
    s = _PERCENT_RE.sub(" ", s)
    s = _GRADE_RE.sub(" ", s)
    s = _KEEP_RE.sub(" ", s)
    s = s.replace("( )", " ").replace("()", " ")
    s = _SPACE_RE.sub(" ", s).strip(" ,-")
    return s
