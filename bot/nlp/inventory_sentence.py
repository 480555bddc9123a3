"""Understand one inventory sentence: "three 55-gallon drums of motor oil in the back shop" -> material, amount,
CERS unit, container type (CERS storage-container column), count and size, location, approximate.

spaCy (blank English tokenizer + Matcher patterns for units and containers) finds the pieces; pint converts
liters, kilograms, quarts, pints, ounces... to the CERS units (gallons, cubic feet, pounds, tons); the chemical
library (`bot.chemicals.lookup`) names the material when a database session is given. A material the library
doesn't know is the noun phrase after "of" (or the words left once quantities, containers and place are removed).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from bot.nlp.word_numbers import replace_number_words

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.models import Chemical

CERS_UNITS = ("gallons", "cubic feet", "pounds", "tons")

# unit word -> (pint unit, CERS unit it converts to)
_UNIT_WORDS: dict[str, tuple[str, str]] = {}
for _words, _pint, _cers in (
    (("gallon", "gallons", "gal", "gals", "gl"), "gallon", "gallons"),
    (("liter", "liters", "litre", "litres", "l", "ltr", "ltrs", "lt"), "liter", "gallons"),
    (("ml", "milliliter", "milliliters", "millilitre", "millilitres"), "milliliter", "gallons"),
    (("quart", "quarts", "qt", "qts"), "quart", "gallons"),
    (("pint", "pints", "pt", "pts"), "pint", "gallons"),
    (("pound", "pounds", "lb", "lbs", "lb.", "lbs.", "#"), "pound", "pounds"),
    (("kilogram", "kilograms", "kg", "kgs", "kilo", "kilos"), "kilogram", "pounds"),
    (("ounce", "ounces", "oz", "ozs"), "ounce", "pounds"),
    (("gram", "grams", "gm", "gms"), "gram", "pounds"),
    (("ton", "tons"), "short_ton", "tons"),
    (("tonne", "tonnes", "mt"), "metric_ton", "tons"),
    (("cf", "scf", "cuft", "ft3", "ft³"), "cubic_foot", "cubic feet"),
):
    for _w in _words:
        _UNIT_WORDS[_w] = (_pint, _cers)

# container words -> (canonical type, STORAGE_CONTAINER_COLUMNS attribute or None for generic packs)
_CONTAINERS: dict[str, tuple[str, Optional[str]]] = {}
for _words, _type, _code in (
    (("drum", "drums", "barrel", "barrels", "bbl", "bbls"), "drum", "sc_steel_drum"),
    (("tote", "totes", "ibc", "ibcs"), "tote", "sc_tote_bin"),
    (("tank", "tanks", "ast", "asts"), "tank", "sc_above_ground_tank"),
    (("ust", "usts"), "underground tank", "sc_under_ground_tank"),
    (("cylinder", "cylinders", "cyl", "cyls", "dewar", "dewars"), "cylinder", "sc_cylinder"),
    (("can", "cans", "pail", "pails", "bucket", "buckets"), "can", "sc_can"),
    (("bag", "bags", "sack", "sacks", "supersack", "supersacks", "super-sack", "super-sacks"), "bag", "sc_bag"),
    (("box", "boxes"), "box", "sc_box"),
    (("carboy", "carboys"), "carboy", "sc_carboy"),
    (("bottle", "bottles", "jug", "jugs"), "bottle", "sc_plastic_bottle"),
    (("jar", "jars"), "glass bottle", "sc_glass_bottle"),
    (("silo", "silos"), "silo", "sc_silo"),
    (("container", "containers", "case", "cases", "pallet", "pallets", "pack", "packs"), "container", None),
):
    for _w in _words:
        _CONTAINERS[_w] = (_type, _code)
_PACKS = {"case", "cases", "pallet", "pallets", "pack", "packs"}
# container modifiers: word before the container word -> (type, code)
_MODIFIED = {
    ("plastic", "drum"): ("plastic drum", "sc_plastic_drum"), ("poly", "drum"): ("plastic drum", "sc_plastic_drum"),
    ("hdpe", "drum"): ("plastic drum", "sc_plastic_drum"), ("fiber", "drum"): ("fiber drum", "sc_fiber_drum"),
    ("fibre", "drum"): ("fiber drum", "sc_fiber_drum"), ("steel", "drum"): ("drum", "sc_steel_drum"),
    ("glass", "bottle"): ("glass bottle", "sc_glass_bottle"), ("underground", "tank"): ("underground tank",
                                                                                       "sc_under_ground_tank"),
    ("aboveground", "tank"): ("tank", "sc_above_ground_tank"),
}
_GAS_UNITS = {"cubic feet", "pounds"}

_APPROX = {"about", "approx", "approximately", "around", "roughly", "~", "ca", "circa", "estimated", "est",
           "maybe", "nearly", "almost", "like", "probably", "abt"}
_LOC_PREPS = {"in", "at", "on", "by", "under", "behind", "near", "inside", "outside", "beside", "next", "out",
              "underneath", "beneath", "upstairs", "downstairs", "outdoors", "indoors"}
_BARE_LOCS = {"outside", "inside", "upstairs", "downstairs", "outdoors", "indoors"}
_ARTICLES = {"the", "a", "an", "our", "my", "their", "his", "her", "its", "this", "that"}
_FILLER = {"we", "i", "they", "you", "keep", "kept", "have", "has", "had", "got", "get", "gotten", "store", "stored",
           "stock", "use", "used_", "there", "there's", "theres", "are", "is", "'s", "be", "of", "a", "an", "the",
           "some", "and", "x", "each", "per", "ea", "it", "sits", "sit", "also", "plus", "total", "about", "like",
           "-", ",", ".", "(", ")", ":", ";", "/", "~", "just", "around", "approx", "approximately", "roughly",
           "maybe", "few", "several", "do", "'ve", "ve", "we've", "on", "hand", "site", "onsite", "keeps",
           "usually", "normally", "typically", "or", "so", "max", "maximum", "up", "to", "underground", "for"}
_STOP_MATERIAL = {",", ";", "(", ")", "-", "–", "for", "and", "which", "that", "each", "at", "stored", "kept", "we",
                  "with", "from", "to", "per", "but", "so", "."}

_NLP_LOCK = threading.Lock()
_NLP: Any = None
_MATCHER: Any = None
_UREG: Any = None


@dataclass
class ParsedMaterial:
    """What one inventory sentence says. Unknown parts are None; `amount` is the total in `unit`."""
    text: str
    material_text: Optional[str] = None
    chemical: Optional["Chemical"] = None
    chemical_score: Optional[float] = None
    amount: Optional[float] = None
    unit: Optional[str] = None  # gallons | cubic feet | pounds | tons
    unit_text: Optional[str] = None  # the unit as written ("L", "lbs", "cu ft")
    amount_as_written: Optional[float] = None  # total in the written unit
    container_type: Optional[str] = None  # drum, plastic drum, tote, tank, cylinder, can, bag, box, bottle...
    container_code: Optional[str] = None  # models.STORAGE_CONTAINER_COLUMNS attribute ("sc_steel_drum")
    container_count: Optional[float] = None
    container_size: Optional[float] = None  # per container, in `container_size_unit` (a CERS unit)
    container_size_unit: Optional[str] = None
    location: Optional[str] = None  # "back shop", "outside by the dumpsters"
    location_text: Optional[str] = None  # as written: "in the back shop"
    approximate: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class _Qty:
    value: float
    unit_text: str
    start: int
    end: int  # token span [start, end)
    each: bool = False


@dataclass
class _Container:
    type: str
    code: Optional[str]
    start: int
    end: int
    count: Optional[float] = None
    word: str = ""


def _nlp() -> tuple[Any, Any]:
    """The blank English tokenizer and the Matcher of unit and container patterns (built once per process)."""
    global _NLP, _MATCHER
    if _NLP is None:
        with _NLP_LOCK:
            if _NLP is None:
                import spacy
                from spacy.matcher import Matcher

                nlp = spacy.blank("en")
                matcher = Matcher(nlp.vocab)
                dot = {"ORTH": ".", "OP": "?"}
                matcher.add("UNIT", [
                    [{"LOWER": {"IN": sorted(_UNIT_WORDS)}}],
                    [{"LOWER": {"IN": ["cubic", "cu"]}}, dot, {"LOWER": {"IN": ["feet", "foot", "ft", "ft."]}}, dot],
                    [{"LOWER": {"IN": ["cubic"]}}, {"LOWER": {"IN": ["meter", "meters", "metre", "metres", "m"]}}],
                    [{"LOWER": {"IN": ["fl", "fl."]}}, dot, {"LOWER": {"IN": ["oz", "ounce", "ounces"]}}],
                    [{"LOWER": {"IN": ["short", "metric"]}}, {"LOWER": {"IN": ["ton", "tons"]}}],
                ])
                matcher.add("CONTAINER", [[{"LOWER": {"IN": sorted(_CONTAINERS)}}],
                                          [{"LOWER": {"IN": ["above", "under"]}}, {"ORTH": "-", "OP": "?"},
                                           {"LOWER": "ground"}, {"LOWER": {"IN": ["tank", "tanks"]}}]])
                _MATCHER = matcher
                _NLP = nlp
    return _NLP, _MATCHER


def _ureg() -> Any:
    global _UREG
    if _UREG is None:
        import pint

        _UREG = pint.UnitRegistry()
    return _UREG


def _to_cers(value: float, unit_text: str) -> tuple[Optional[float], Optional[str]]:
    """(value in its CERS unit, that unit) for a number in a written unit; (None, None) if the unit is unknown."""
    key = re.sub(r"[\s.]+", " ", unit_text.lower()).strip()
    if key.startswith(("cubic f", "cu f")) or key in ("cf", "scf", "cuft", "ft3"):
        pint_unit, cers = "cubic_foot", "cubic feet"
    elif key.startswith("cubic m"):
        pint_unit, cers = "meter ** 3", "cubic feet"
    elif key.startswith("fl"):
        pint_unit, cers = "fluid_ounce", "gallons"
    elif key.startswith("metric"):
        pint_unit, cers = "metric_ton", "tons"
    elif key.startswith("short"):
        pint_unit, cers = "short_ton", "tons"
    elif key in _UNIT_WORDS:
        pint_unit, cers = _UNIT_WORDS[key]
    else:
        return None, None
    target = {"gallons": "gallon", "cubic feet": "cubic_foot", "pounds": "pound", "tons": "short_ton"}[cers]
    try:
        converted = (value * _ureg()(pint_unit)).to(target).magnitude
    except Exception:  # noqa: BLE001 - an odd unit is "not understood", never a crash on user text
        return None, None
    return round(float(converted), 4), cers


def _number(token_text: str) -> Optional[float]:
    """A plain non-negative decimal ("2,000", "2.5"); None for words, "nan", "1e400", "-5"."""
    cleaned = token_text.replace(",", "").lstrip("~")
    if not re.fullmatch(r"\d{1,12}(?:\.\d{1,6})?|\.\d{1,6}", cleaned):
        return None
    return float(cleaned)


_SPLIT_UNIT_RE = re.compile(
    r"(?<=\d)\s*-?\s*(?=(?:gallons?|gals?|gl|lbs?|pounds?|liters?|litres?|l|kgs?|qts?|quarts?|cf|cu|cubic|oz|ml|"
    r"tons?|ft3|scf)\b)", re.IGNORECASE)


def _prepare(text: str) -> str:
    s = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    s = replace_number_words(s)
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 10,000 -> 10000
    s = re.sub(r"~\s*(?=\d)", "~ ", s)
    s = _SPLIT_UNIT_RE.sub(" ", s)  # 55gal, 55-gallon -> 55 gal
    s = re.sub(r"(?<=\d)(x)(?=\s*\d)", r" \1 ", s, flags=re.IGNORECASE)  # 2x55 -> 2 x 55
    s = re.sub(r"\b(\d+(?:\.\d+)?)\s*[x×]\s*(?=\d)", r"\1 x ", s, flags=re.IGNORECASE)
    return s


def parse_inventory_sentence(text: str, db: Optional["Session"] = None) -> ParsedMaterial:
    """What the sentence says about one stored material; parts it doesn't say are None."""
    result = ParsedMaterial(text=text)
    prepared = _prepare(text or "")
    if not prepared.strip():
        return result
    nlp, matcher = _nlp()
    doc = nlp(prepared)
    # "lead-acid", "R-410A": a hyphen inside a word is part of the word, not a separator
    with doc.retokenize() as retokenizer:
        for i in range(1, len(doc) - 1):
            if (doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_
                    and doc[i + 1].text[:1].isalpha() and doc[i - 1].text[-1:].isalpha()
                    and (i < 2 or doc[i - 2].text != "-" or doc[i - 2].whitespace_)):
                retokenizer.merge(doc[i - 1:i + 2])
    words = [t.text for t in doc]
    lower = [w.lower() for w in words]
    used = [False] * len(doc)

    result.approximate = any(
        w in _APPROX and (w != "like" or (i + 1 < len(lower) and _number(lower[i + 1]) is not None))
        for i, w in enumerate(lower)) or bool(re.search(r"\bor so\b|\bgive or take\b|\bapprox\.?", prepared, re.I))

    quantities: list[_Qty] = []
    containers: list[_Container] = []
    spans = sorted(matcher(doc), key=lambda m: (m[1], -(m[2] - m[1])))
    taken_until = -1
    for match_id, start, end in spans:
        if start < taken_until:
            continue
        label = nlp.vocab.strings[match_id]
        if label == "UNIT":
            if start == 0 or _number(words[start - 1]) is None:
                continue  # "l" or "can" without a number before it is not a unit
            value = _number(words[start - 1])
            assert value is not None
            each = end < len(lower) and lower[end] in ("each", "ea", "apiece")
            quantities.append(_Qty(value, doc[start:end].text, start - 1, end, each))
            for i in range(start - 1, end + (1 if each else 0)):
                used[i] = True
            taken_until = end
        else:
            word = lower[end - 1]
            if word == "can" and (end >= len(lower) or lower[end] not in ("of",)) and not (
                    start > 0 and (_number(words[start - 1]) is not None or lower[start - 1] in ("a", "gas", "aerosol",
                                                                                             "spray", "gallon", "gal"))):
                continue  # "can" the verb
            ctype, code = _CONTAINERS.get(word, ("tank", "sc_above_ground_tank"))
            if end - start > 1:
                ctype, code = ("underground tank", "sc_under_ground_tank") if lower[start] == "under" else (
                    "tank", "sc_above_ground_tank")
            singular = ctype.split()[-1] if ctype != "glass bottle" else "bottle"
            if start > 0 and (lower[start - 1], singular) in _MODIFIED:
                ctype, code = _MODIFIED[(lower[start - 1], singular)]
                start -= 1
            containers.append(_Container(ctype, code, start, end, word=word))
            for i in range(start, end):
                used[i] = True
            taken_until = end

    if ("underground" in lower or "ust" in lower) and any(c.type == "tank" for c in containers):
        for c in containers:
            if c.type == "tank":
                c.type, c.code = "underground tank", "sc_under_ground_tank"

    location_span = _find_location(lower, words, containers)
    if location_span is not None:
        ls, le, stripped_start = location_span
        result.location_text = " ".join(words[ls:le])
        result.location = _clean(" ".join(words[stripped_start:le]))
        for i in range(ls, le):
            used[i] = True

    # Container counts: "3 drums", "2 x 55 gal drums", "three 55-gallon drums", "a drum".
    main = _main_container(containers, location_span)
    size_q: Optional[_Qty] = None
    if main is not None:
        before = main.start
        for q in quantities:
            gap = range(q.end, before)
            if q.end <= before and len(gap) <= 3 and all(
                    lower[g] == "-" or (words[g].isalpha() and not used[g] and lower[g] not in (
                        "of", "in", "at", "on", "and", "for", "we", "i")) for g in gap):
                size_q = q  # "55 gal drums", "a 500 gal propane tank"
                before = q.start
                break
        idx = before - 1
        if idx >= 0 and lower[idx] in ("x", "×"):
            idx -= 1
        if idx >= 0 and _number(words[idx]) is not None and not any(q.start <= idx < q.end for q in quantities):
            main.count = _number(words[idx])
            used[idx] = True
        elif idx >= 0 and lower[idx] in ("a", "an", "one", "single"):
            main.count = 1.0
        elif size_q is None:
            # "3 oxygen cylinders", "two acetylene cylinders": a count before the material's words
            k = idx
            while k >= 0 and k > idx - 3 and not used[k] and words[k].isalpha() and lower[k] not in (
                    "of", "in", "at", "on", "we", "have", "got", "keep", "x"):
                k -= 1
            if k >= 0 and k < idx and _number(words[k]) is not None and not any(
                    q.start <= k < q.end for q in quantities):
                main.count = _number(words[k])
                used[k] = True
        if size_q is None:
            for q in quantities:
                if q.start >= main.end and (q.each or (main.count or 0) > 1 or words[q.start - 1] == "("):
                    size_q = q
                    break
            if size_q is None and main.count is None and main.end < len(lower):
                # "oxygen cylinders 250 cu ft each", "6 cylinders of argon 300 cf each"
                for q in quantities:
                    if q.start >= main.end and q.each:
                        size_q = q
        result.container_type, result.container_code, result.container_count = main.type, main.code, main.count
        if main.code is None:
            inner = [c for c in containers if c is not main and c.code]
            if inner:
                result.container_type, result.container_code = inner[0].type, inner[0].code

    total_q: Optional[_Qty] = None
    if size_q is not None:
        size, unit = _to_cers(size_q.value, size_q.unit_text)
        result.container_size, result.container_size_unit = size, unit
        if main is not None and main.count is not None and size is not None and not (
                main.word in _PACKS and len(containers) > 1):
            pack_outer = any(c.word in _PACKS and c is not main for c in containers)
            if not pack_outer:
                result.amount = round(main.count * size, 4)
                result.unit = unit
                result.amount_as_written = round(main.count * size_q.value, 4)
                result.unit_text = size_q.unit_text
    others = [q for q in quantities if q is not size_q]
    if result.amount is None and others and not (size_q is not None and any(c.word in _PACKS for c in containers)):
        total_q = others[0]
        amount, unit = _to_cers(total_q.value, total_q.unit_text)
        result.amount, result.unit = amount, unit
        result.amount_as_written, result.unit_text = total_q.value, total_q.unit_text
    elif result.amount is None and size_q is not None and main is not None and main.count is None and not any(
            c.word in _PACKS for c in containers) and not main.word.endswith("s"):
        result.amount, result.unit = result.container_size, result.container_size_unit
        result.amount_as_written, result.unit_text = size_q.value, size_q.unit_text

    # A tank measured in pounds or cubic feet is a gas cylinder ("a 20 lb propane tank").
    if result.container_type == "tank" and (result.unit in _GAS_UNITS or result.container_size_unit in _GAS_UNITS):
        result.container_type, result.container_code = "cylinder", "sc_cylinder"

    for c in containers:
        for i in range(c.start, c.end):
            used[i] = True
    result.material_text = _material_text(words, lower, used, location_span)
    if db is not None and result.material_text:
        _match_library(db, result, words, used)
    if (db is not None and result.chemical is not None and result.container_type == "bottle"
            and getattr(result.chemical, "physical_state", None) == "c"):
        result.container_type, result.container_code = "cylinder", "sc_cylinder"  # "argon bottles"
    return result


def _main_container(containers: list[_Container],
                    location_span: Optional[tuple[int, int, int]]) -> Optional[_Container]:
    """The container the material is in: the first one outside the location phrase."""
    outside = [c for c in containers if location_span is None or not (location_span[0] <= c.start < location_span[1])]
    if outside:
        return outside[0]
    return containers[0] if containers else None


def _find_location(lower: list[str], words: list[str],
                   containers: list[_Container]) -> Optional[tuple[int, int, int]]:
    """(start, end, start without "in the") of the place phrase, or None."""
    container_at = {i for c in containers for i in range(c.start, c.end)}
    n = len(lower)
    i = 0
    while i < n:
        w = lower[i]
        if w not in _LOC_PREPS:
            i += 1
            continue
        start = i
        j = i + 1
        if w == "next" and j < n and lower[j] == "to":
            j += 1
        elif w == "out" and not (j < n and lower[j] in ("back", "front", "behind", "side")):
            i += 1
            continue
        if w in _BARE_LOCS and (j >= n or lower[j] in (",", ".", "and", "in", "by", "next", "near", "behind")):
            pass
        elif w not in _BARE_LOCS and w != "out":
            k = j
            while k < n and lower[k] in _ARTICLES:
                k += 1
            if k >= n or _number(words[k]) is not None or k in container_at or lower[k] in (
                    "stock", "hand", "site", "total", "least", "most", "all", "case", "lbs", "once", "time"):
                i += 1
                continue
        end = j
        while end < n and lower[end] not in (",", ";", ".", "and", "for", "(", "which", "that", "but", "-",
                                             "we", "i") and _number(words[end]) is None:
            end += 1
        if w in _BARE_LOCS and end == j:
            return start, end, start
        if end <= j and w != "out":
            i += 1
            continue
        stripped = start
        if w in ("in", "at", "on", "inside") and not (w == "inside" and end == j):
            stripped = j
            while stripped < end and lower[stripped] in _ARTICLES:
                stripped += 1
        return start, end, stripped
    # list style: "toluene - 30 gallons - flammable cabinet", "Motor oil, 110 gal, lube room"
    text = " ".join(words)
    parts = [p.strip() for p in re.split(r"\s[-,;]\s|\s,", text.replace(" , ", " , ")) if p.strip()]
    if len(parts) >= 3 and not re.search(r"\d", parts[-1]) and parts[-1].split()[0].lower() not in _FILLER:
        last = parts[-1]
        last_tokens = last.split()
        m = len(last_tokens)
        if lower[n - m:] == [t.lower() for t in last_tokens] and not any(i in container_at for i in range(n - m, n)):
            return n - m, n, n - m
    return None


def _clean(s: str) -> str:
    s = re.sub(r"\s+([,.;)])", r"\1", s)
    s = re.sub(r"\s*-\s*", "-", s) if re.search(r"\w\s-\s\w", s) is None else s
    return s.strip(" ,.;")


def _material_text(words: list[str], lower: list[str], used: list[bool],
                   location_span: Optional[tuple[int, int, int]]) -> Optional[str]:
    """The noun phrase after "of", else the longest run of words left over."""
    n = len(words)
    for i, w in enumerate(lower):
        if w != "of" or (location_span and location_span[0] <= i < location_span[1]):
            continue
        j = i + 1
        while j < n and lower[j] in ("the", "a", "an", "our", "some"):
            j += 1
        k = j
        while (k < n and not used[k] and lower[k] not in _STOP_MATERIAL and _number(words[k]) is None
               and not (lower[k] in _LOC_PREPS and k > j) and lower[k] != "underground"):
            k += 1
        if k > j:
            # keep a concentration right after the name: "hydrogen peroxide 35%"
            if k + 1 < n and _number(words[k]) is not None and lower[k + 1] == "%":
                k += 2
            return _clean(_join(words[j:k]))
    runs: list[list[str]] = []
    current: list[str] = []
    for i, w in enumerate(lower):
        skip = used[i] or w in _FILLER or _number(words[i]) is not None or w in _APPROX
        if skip:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(words[i])
    if current:
        runs.append(current)
    if not runs:
        return None
    best = max(runs, key=len)
    return _clean(_join(best))


def _join(tokens: list[str]) -> str:
    s = " ".join(tokens)
    return re.sub(r"\s*([/%])\s*", lambda m: m.group(1) if m.group(1) == "/" else "%", s).replace(" - ", "-")


def _match_library(db: "Session", result: ParsedMaterial, words: list[str], used: list[bool]) -> None:
    """Name the material from the library: the phrase itself, else a library name inside it, else a close spelling."""
    from bot.chemicals.lookup import best, lookup

    text = result.material_text or ""
    match = best(db, text)
    if match is None:
        tokens = text.split()
        for size in range(len(tokens) - 1, 0, -1):
            for start in range(0, len(tokens) - size + 1):
                candidate = " ".join(tokens[start:start + size])
                if len(candidate) < 3:
                    continue
                match = best(db, candidate)
                if match is not None:
                    result.material_text = candidate
                    break
            if match is not None:
                break
    if match is None:
        found = lookup(db, text, limit=1)
        if found and found[0].score >= 85:
            match = found[0]
    if match is not None:
        result.chemical, result.chemical_score = match.chemical, match.score
