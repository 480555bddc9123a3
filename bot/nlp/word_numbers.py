"""Written-out numbers to digits: "three" -> 3, "fifty-five" -> 55, "a dozen" -> 12, "half a" -> 0.5, "2 1/2" -> 2.5."""
from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000}
_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES, "dozen"], key=len, reverse=True))
# A run of number words joined by spaces, hyphens or "and" ("two hundred and fifty", "fifty-five").
_RUN_RE = re.compile(rf"\b(?:a\s+)?(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*\b", re.IGNORECASE)
_FRACTION_RE = re.compile(r"\b(\d+)\s+(\d+)/(\d+)\b")
_SIMPLE_FRACTION_RE = re.compile(r"(?<![\d/])(\d+)/(\d+)(?![\d/])")
_HALF_RE = re.compile(r"\b(?:half\s+an?|an?\s+half)\b", re.IGNORECASE)
_COUPLE_RE = re.compile(r"\ba\s+couple(?:\s+of)?\b", re.IGNORECASE)


def words_to_number(words: str) -> float | None:
    """The value of a run of number words ("two hundred fifty" -> 250), or None when it is not one."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower().strip()) if t and t != "and"]
    if tokens and tokens[0] in ("a", "an"):
        tokens = tokens[1:]
        if not tokens or tokens[0] not in ("dozen", "hundred", "thousand"):
            return None
    if not tokens:
        return None
    total, current, seen, last = 0.0, 0.0, False, ""
    for token in tokens:
        if token in _UNITS:
            if last in ("unit", "tens") and (last == "unit" or _UNITS[token] >= 10 or _UNITS[token] == 0):
                return None  # "two five" is two numbers
            current += _UNITS[token]
            last = "unit"
        elif token in _TENS:
            if last in ("unit", "tens"):
                return None
            current += _TENS[token]
            last = "tens"
        elif token == "hundred":
            current = (current or 1) * 100
            last = "scale"
        elif token == "thousand":
            total += (current or 1) * 1000
            current = 0
            last = "scale"
        elif token == "dozen":
            current = (current or 1) * 12
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def replace_number_words(text: str) -> str:
    """`text` with written-out numbers and fractions as digits ("three 55-gallon drums" -> "3 55-gallon drums")."""
    text = _FRACTION_RE.sub(lambda m: _fmt(int(m.group(1)) + int(m.group(2)) / int(m.group(3)))
                            if int(m.group(3)) else m.group(0), text)
    text = _SIMPLE_FRACTION_RE.sub(lambda m: _fmt(int(m.group(1)) / int(m.group(2)))
                                   if int(m.group(2)) and int(m.group(1)) < int(m.group(2)) else m.group(0), text)
    text = _HALF_RE.sub("0.5", text)
    text = re.sub(r"\bhalf\b(?=\s+(?:gal|gallon|pound|lb|ton|liter|litre|drum|tote|tank|cylinder|can|bag|box))",
                  "0.5", text, flags=re.IGNORECASE)
    text = _COUPLE_RE.sub("2", text)

    def run(match: re.Match[str]) -> str:
        words = match.group(0)
        value = words_to_number(words)
        if value is not None:
            return _fmt(value)
        article = re.match(r"an?\s+", words, re.IGNORECASE)
        if article:  # "a forty gallon drum" -> "a 40 gallon drum"
            return article.group(0) + run_words(words[article.end():])
        return run_words(words)

    def run_words(words: str) -> str:
        value = words_to_number(words)
        if value is not None:
            return _fmt(value)
        # several numbers in a row ("two five-gallon pails"): each word on its own
        return re.sub(rf"\b(?:{_WORD})\b", lambda m: _fmt(words_to_number(m.group(0)) or 0)
                      if words_to_number(m.group(0)) is not None else m.group(0), words, flags=re.IGNORECASE)

    return _RUN_RE.sub(run, text)
