"""Understanding the answers and requests only the inventory conversation reads: containers, physical state,
pressure and temperature, days on site, hazard categories, mixture components, state waste codes, amounts
(with containers: "3 drums"), and requests about saved materials ("remove the acetone", "change diesel to
500 gallons", "list my chemicals", "upload a spreadsheet").

Each parser takes what the user typed and returns the value in the form `InventoryItem` stores (CERS template
codes, `models.STORAGE_CONTAINER_COLUMNS` attributes), or raises `AnswerError` whose message says what is wrong
and what to type instead. Nothing here touches the database, except that component names may be looked up in
the chemical library to set their EHS flag (see `parse_components`), and nothing here decides what the
conversation does next. Amounts are read with the same sentence parser as whole inventory sentences
(`bot.nlp.inventory_sentence`, which converts liters, kilograms... with pint), so "10 liters" in an answer means
exactly what it means in "10 liters of acetone". Replies any step reads the same way (yes/no, skip, units,
numbers) are in `bot.replies`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from bot.chemicals.normalize import parse_cas
from bot.nlp.word_numbers import replace_number_words
from bot.replies import (  # noqa: F401  (UNIT_*, fmt_*: re-exported for the inventory service)
    UNIT_CODES,
    UNIT_NAMES,
    UNIT_SINGULAR,
    clean,
    convert_between,
    first_number,
    fmt_amount,
    fmt_number,
    leading_yes_no,
    parse_unit,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.nlp.inventory_sentence import ParsedMaterial

# --- codes and labels (cers-facts.md 1.3) ------------------------------------------------------------------

STATE_NAMES = {"a": "solid", "b": "liquid", "c": "gas"}
HM_TYPE_NAMES = {"a": "pure", "b": "mixture", "c": "waste"}
PRESSURE_NAMES = {"a": "ambient", "b": "above ambient", "c": "below ambient"}
TEMPERATURE_NAMES = {"a": "ambient", "b": "above ambient", "c": "below ambient", "d": "cryogenic"}
# Units CERS filers use for each physical state (cers-pitfalls.md "Inventory lines"): gases may be given in
# gallons or pounds when stored liquefied (propane tank, CO2 cylinder).
UNITS_FOR_STATE = {"a": ("c", "d"), "b": ("a", "c", "d"), "c": ("b", "c", "a")}
MAX_AMOUNT = 1e9  # the same limit as the Excel import: more in one place is a typing mistake
MAX_AMOUNT_TONS = MAX_AMOUNT / 2000

HAZARD_FIELDS = ("fhc_fire", "fhc_reactive", "fhc_pressure_release", "fhc_acute_health", "fhc_chronic_health")
HAZARD_LABELS = {"fhc_fire": "Fire", "fhc_reactive": "Reactive", "fhc_pressure_release": "Pressure release",
                 "fhc_acute_health": "Acute health", "fhc_chronic_health": "Chronic health"}

# storage container attribute -> label shown to the user (the CERS SC... columns, in template order)
CONTAINER_LABELS = {
    "sc_above_ground_tank": "Above-ground tank", "sc_under_ground_tank": "Underground tank",
    "sc_tank_inside_building": "Tank inside building", "sc_steel_drum": "Steel drum",
    "sc_plastic_drum": "Plastic drum", "sc_can": "Can or pail", "sc_carboy": "Carboy", "sc_silo": "Silo",
    "sc_fiber_drum": "Fiber drum", "sc_bag": "Bag", "sc_box": "Box", "sc_cylinder": "Cylinder",
    "sc_glass_bottle": "Glass bottle or jar", "sc_plastic_bottle": "Plastic bottle or jug", "sc_tote_bin": "Tote bin",
    "sc_tank_wagon": "Tank truck or wagon", "sc_rail_car": "Rail car", "sc_other": "Other",
}
# words -> container attribute; longer phrases are tried first
_CONTAINER_WORDS: dict[str, str] = {}
for _code, _words in {
    "sc_under_ground_tank": ("underground tank", "under ground tank", "under-ground tank", "below ground tank",
                             "underground", "ust"),
    "sc_tank_inside_building": ("tank inside building", "tank inside the building", "tank in the building",
                                "inside tank", "indoor tank", "tank indoors", "tank inside"),
    "sc_above_ground_tank": ("above ground tank", "above-ground tank", "aboveground tank", "aboveground", "ast",
                             "tank", "bulk tank", "storage tank"),
    "sc_plastic_drum": ("plastic drum", "poly drum", "hdpe drum", "plastic barrel", "poly barrel", "non-metal drum",
                        "nonmetallic drum", "non-metallic drum"),
    "sc_fiber_drum": ("fiber drum", "fibre drum", "cardboard drum"),
    "sc_steel_drum": ("steel drum", "metal drum", "drum", "barrel", "keg"),
    "sc_can": ("can", "pail", "bucket", "jerry can", "gas can", "safety can", "aerosol can", "aerosol", "spray can"),
    "sc_carboy": ("carboy",),
    "sc_silo": ("silo", "hopper"),
    "sc_bag": ("bag", "sack", "supersack", "super sack", "super-sack", "bulk bag"),
    "sc_box": ("box", "carton", "case"),
    "sc_cylinder": ("cylinder", "gas cylinder", "dewar", "gas bottle", "k cylinder", "e cylinder"),
    "sc_glass_bottle": ("glass bottle", "glass jar", "jar", "glass jug"),
    "sc_plastic_bottle": ("plastic bottle", "bottle", "jug", "plastic jug", "gallon jug", "spray bottle"),
    "sc_tote_bin": ("tote", "tote bin", "ibc", "bin", "intermediate bulk container"),
    "sc_tank_wagon": ("tank truck", "tank wagon", "tanker", "tanker truck"),
    "sc_rail_car": ("rail car", "railcar", "tank car"),
}.items():
    for _w in _words:
        _CONTAINER_WORDS[_w] = _code
_CONTAINER_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_CONTAINER_WORDS, key=len, reverse=True)) + r")(?:e?s)?\b")

# California state waste codes named in cers-facts.md (element 220; the full list is longer).
WASTE_CODES = {
    "121": "alkaline solution (pH >= 12.5) with metals", "122": "alkaline solution without metals",
    "123": "unspecified alkaline solution", "131": "aqueous solution (2 < pH < 12.5) with reactive anions",
    "132": "aqueous solution with metals", "133": "aqueous solution with 10% or more total organic residues",
    "134": "aqueous solution with total organic residues less than 10%", "135": "unspecified aqueous solution",
    "141": "off-specification, aged or surplus inorganics", "151": "asbestos-containing waste",
    "161": "fluid-cracking catalyst (FCC) waste", "162": "other spent catalyst", "171": "metal sludge",
    "172": "metal dust and machining waste", "181": "other inorganic solid waste",
    "211": "halogenated solvents", "212": "oxygenated solvents", "213": "hydrocarbon solvents",
    "214": "unspecified solvent mixture", "221": "waste oil and mixed oil", "222": "oil/water separation sludge",
    "223": "unspecified oil-containing waste", "231": "pesticide rinse water", "232": "pesticides and other waste "
    "from pesticide production", "241": "tank bottom waste", "251": "still bottoms with halogenated organics",
    "252": "other still bottoms", "261": "polychlorinated biphenyls (PCBs) and material containing PCBs",
    "271": "organic monomer waste", "272": "polymeric resin waste", "281": "adhesives", "291": "latex waste",
    "311": "pharmaceutical waste", "321": "sewage sludge", "322": "biological waste other than sewage sludge",
    "331": "off-specification, aged or surplus organics", "341": "organic liquids (non-solvents) with halogens",
    "342": "organic liquids with metals", "343": "unspecified organic liquid mixture",
}
# words in a waste's name -> state waste codes to offer (the user's manifest or waste profile decides)
WASTE_CODE_HINTS = (
    (("oil", "lube", "lubricant", "crankcase"), ("221", "223")),
    (("antifreeze", "coolant", "glycol"), ("134", "343")),
    (("solvent", "thinner", "degreaser", "cleaner", "kleen"), ("214", "213", "212", "211")),
    (("sludge",), ("222", "171")),
    (("acid", "caustic", "alkaline", "etch"), ("123", "135")),
    (("paint", "coating", "lacquer", "primer"), ("343", "331")),
    (("pesticide", "herbicide", "insecticide"), ("232", "231")),
    (("resin", "epoxy"), ("272",)),
    (("adhesive", "glue"), ("281",)),
    (("pharmaceutical", "medicine", "drug"), ("311",)),
)


class AnswerError(ValueError):
    """The answer can't be used; `message` says why and what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- simple answers ----------------------------------------------------------------------------------------


def parse_physical_state(text: str) -> str:
    s = clean(text)
    for pattern, code in ((r"\b(?:gas|gases|gaseous|compressed|vapou?r|aerosol)\b", "c"),
                          (r"\b(?:liquid|liquids|fluid|solution|liquefied|wet)\b", "b"),
                          (r"\b(?:solid|solids|powder|granular|granules|pellets?|tablets?|dust|crystals?|"
                           r"flakes?|dry)\b", "a")):
        if re.search(pattern, s):
            return code
    raise AnswerError("Is it a solid, a liquid or a gas (as you store it)? Say one of the three.")


def parse_hm_type_answer(text: str) -> str:
    """Is it a mixture? -> "b" (mixture) or "a" (pure)."""
    s = clean(text)
    if re.search(r"\b(?:mixture|mix|blend|several|multiple|more than one|ingredients|components)\b", s) and \
            not re.search(r"\bnot (?:a )?(?:mixture|mix|blend)\b", s):
        return "b"
    if re.search(r"\b(?:pure|single|one (?:chemical|substance|ingredient)|not (?:a )?(?:mixture|mix|blend))\b", s):
        return "a"
    yn = leading_yes_no(s)
    if yn is None:
        raise AnswerError("Is it a mixture of several chemicals (its Safety Data Sheet, section 3, lists several "
                          "ingredients)? Answer yes or no.")
    return "b" if yn else "a"


_ALL_YEAR_RE = re.compile(r"\b(?:all (?:the )?year|year[- ]?round|all the time|always|every ?day|whole year|"
                          r"permanent(?:ly)?|full year|12 months|twelve months|365)\b")


def parse_days(text: str) -> int:
    """Days on site per year, 1..365: "all year" -> 365, "6 months" -> 183, "3 weeks" -> 21, "90"."""
    s = replace_number_words(clean(text))
    if _ALL_YEAR_RE.search(s):
        return 365
    if re.search(r"-\s*\d", s):
        raise AnswerError("Days on site can't be negative: give a number of days from 1 to 365.")
    if re.search(r"\bhalf (?:the|a) year\b", s):
        return 183
    m = re.search(r"(\d+(?:\.\d+)?)\s*(days?|d|weeks?|wks?|months?|mos?)?\b", s)
    if not m:
        raise AnswerError("How many days a year is it on site? Give a number from 1 to 365, or say 'all year'.")
    n = float(m.group(1))
    unit = (m.group(2) or "d")[0]
    days = n * 7 if unit == "w" else n * 365 / 12 if unit == "m" else n
    days = int(round(days))
    if not 1 <= days <= 365:
        raise AnswerError(f"{fmt_number(days)} days doesn't fit in a year: give a number of days from 1 to 365 "
                          "(365 if it is always there).")
    return days


def parse_pressure(text: str) -> str:
    s = clean(text)
    # "under pressure" is pressurized (above ambient); "under vacuum" / "below ambient" is below
    if re.search(r"\bunder (?:some |high |a lot of )?pressure\b|\b(?:above|over|higher|more than|pressuri[sz]ed|"
                 r"compressed|cylinder|high pressure)\b", s) and not re.search(r"\b(?:vacuum|negative)\b", s):
        return "b"
    if re.search(r"\b(?:below|under|less than|vacuum|negative)\b", s):
        return "c"
    if re.search(r"\b(?:ambient|normal|atmospheric|regular|none|no pressure|not pressuri[sz]ed|room|usual)\b", s):
        return "a"
    raise AnswerError("Is it stored at ambient (normal) pressure, above ambient (compressed, pressurized), or "
                      "below ambient (vacuum)?")


def parse_temperature(text: str) -> str:
    s = clean(text)
    if re.search(r"\b(?:cryogenic|cryo|cryogen|liquid nitrogen|dewar|super[- ]?cold)\b", s):
        return "d"
    if re.search(r"\b(?:below|under|less than|refrigerated|cooled|chilled|cold|frozen|freezer|fridge)\b", s):
        return "c"
    if re.search(r"\b(?:above|over|heated|hot|warm|higher)\b", s):
        return "b"
    if re.search(r"\b(?:ambient|normal|room|outdoor|outside|regular|usual|none)\b", s):
        return "a"
    raise AnswerError("Is it stored at ambient (room or outdoor) temperature, above ambient (heated), below ambient "
                      "(refrigerated), or cryogenic (super-cold liquefied gas)?")


def parse_state_waste_code(text: str) -> str:
    s = clean(text)
    m = re.search(r"\b(\d{3})\b", s)
    if not m:
        raise AnswerError("The California state waste code is a 3-digit number, like 221 for waste oil. It is on your "
                          "hazardous waste manifest or the waste profile from your hauler.")
    code = m.group(1)
    if not "100" < code < "800":
        raise AnswerError(f"{code} is not a California state waste code (they run from 121 to 792, e.g. 221 waste "
                          "oil, 214 unspecified solvent mixture). Please check your manifest.")
    return code


def waste_code_hints(name: str, notes: Optional[str] = None) -> list[str]:
    """State waste codes to offer for a waste called `name` (the library's notes first: "waste code 221")."""
    out: list[str] = []
    if notes:
        for m in re.finditer(r"\b(\d{3})\b", notes):
            if m.group(1) in WASTE_CODES and m.group(1) not in out:
                out.append(m.group(1))
    low = (name or "").lower()
    for words, codes in WASTE_CODE_HINTS:
        if any(re.search(rf"\b{w}", low) for w in words):
            out.extend(c for c in codes if c not in out)
    return out[:4]


# --- containers --------------------------------------------------------------------------------------------


def parse_containers(text: str, physical_state: Optional[str] = None) -> tuple[list[str], Optional[str]]:
    """Storage container attributes named in the answer ("drums and cans" -> [sc_steel_drum, sc_can]) and the
    description of an "other" container ("other: blast cabinet" -> [sc_other], "blast cabinet")."""
    s = clean(text)
    m = re.match(r"^other\b\s*[:\-,]?\s*(.*)$", s)
    if m:
        other = m.group(1).strip() or None
        if other and len(other) > 30:
            raise AnswerError("CERS keeps at most 30 characters for an 'other' container: please say it shorter.")
        return ["sc_other"], other
    codes: list[str] = []
    for match in _CONTAINER_RE.finditer(s):
        code = _CONTAINER_WORDS[match.group(1)]
        if physical_state == "c" and code in ("sc_plastic_bottle", "sc_glass_bottle"):
            code = "sc_cylinder"  # "argon bottles" are cylinders
        if code not in codes:
            codes.append(code)
    if not codes:
        raise AnswerError("I don't know that kind of container. Choose one of the buttons (drum, tote, tank, "
                          "cylinder, can, bag...), or say 'other: ' and what it is.")
    return codes, None


# --- amounts -----------------------------------------------------------------------------------------------


@dataclass
class Amount:
    """An amount answer. `value` is in `unit` (a CERS unit code; None when the user gave only a number).
    `count` is set for "3 drums" (containers, not a quantity): the caller multiplies by the container size."""
    value: Optional[float]
    unit: Optional[str]
    approximate: bool = False
    note: str = ""  # how it was read: "10 liters = 2.64 gallons", "3 x 55 gallons = 165 gallons"
    count: Optional[float] = None
    container_code: Optional[str] = None
    container_size: Optional[float] = None  # per container, in `unit`, when the answer said it


_NEGATIVE_RE = re.compile(r"(?:^|[\s(=:])(?:-|\u2212|minus\s+|negative\s+)\s*\d")
_VAGUE_RE = re.compile(r"^(?:a\s+)?(?:lots?|a lot|plenty|tons of|loads?|many|much|some|a few|few|several|a bit|"
                       r"a little|not much|enough|bunch|a bunch|varies|it varies)\b")


def safe_parse_sentence(text: str, db: Optional["Session"] = None) -> "ParsedMaterial":
    """`parse_inventory_sentence`, but an unexpected failure inside it (e.g. a unit pint doesn't know) reads as
    "nothing understood" instead of an error shown to the user."""
    from bot.nlp.inventory_sentence import ParsedMaterial, parse_inventory_sentence

    try:
        return parse_inventory_sentence(text, db)
    except Exception:  # noqa: BLE001 - user text must never crash the conversation
        import logging

        logging.getLogger(__name__).exception("inventory sentence parser failed on %r", text)
        return ParsedMaterial(text=text)


def parse_amount(text: str, *, unit: Optional[str] = None, container_size: Optional[float] = None) -> Amount:
    """An amount as the user wrote it: "about fifty gallons", "150 lb", "2 tons", "1,200", "10 liters",
    "3 drums" (x `container_size` when known). `unit` = the material's unit so far (for the conversion note only).
    Raises AnswerError for negative amounts and answers without any number ("lots")."""
    raw = (text or "").strip()
    s = clean(raw)
    if _NEGATIVE_RE.search(" " + s):
        raise AnswerError("An amount can't be negative. Give how much you have, for example '50 gallons'.")
    approximate = bool(re.search(r"\b(?:about|approx\w*|around|roughly|maybe|almost|nearly|close to|give or take|"
                                 r"or so|ish|estimated|est|like|probably|abt|circa|ca)\b|~", s))
    parsed = safe_parse_sentence(raw)
    approximate = approximate or parsed.approximate
    if parsed.amount is not None and parsed.unit:
        code = UNIT_CODES[parsed.unit]
        value = round(parsed.amount, 4)
        note = ""
        if parsed.container_count and parsed.container_size and parsed.container_count != 1:
            note = (f"{fmt_number(parsed.container_count)} x {fmt_amount(parsed.container_size, code)} = "
                    f"{fmt_amount(value, code)}")
        elif parsed.amount_as_written is not None and parsed.unit_text and parse_unit(parsed.unit_text) != code:
            note = f"{fmt_number(parsed.amount_as_written)} {parsed.unit_text} = {fmt_amount(value, code)}"
        size = parsed.container_size if parsed.container_size_unit == parsed.unit else None
        return Amount(value, code, approximate, note, parsed.container_count, parsed.container_code, size)
    if parsed.container_count and parsed.container_type:
        count = float(parsed.container_count)
        if container_size:
            value = round(count * container_size, 4)
            word = parsed.container_type + ("s" if count != 1 else "")
            note = f"{fmt_number(count)} {word} x {fmt_amount(container_size, unit)} = {fmt_amount(value, unit)}"
            return Amount(value, unit, approximate, note, count, parsed.container_code)
        return Amount(None, None, approximate, "", count, parsed.container_code)
    value = first_number(s)
    if value is not None:
        return Amount(value, parse_unit(s), approximate)
    if _VAGUE_RE.search(s):
        raise AnswerError("I need a number for that, even a rough one: about how much, for example '50 gallons' or "
                          "'200 pounds'?")
    raise AnswerError("I didn't find an amount in that. Give a number with its unit, for example '55 gallons', "
                      "'200 lb', '2 tons', or a count of containers like '3 drums'.")


def check_amount(value: float, unit: Optional[str], what: str, *, allow_zero: bool = False) -> None:
    """Positive (or zero when allowed) and not absurd; AnswerError saying which."""
    if value != value or value in (float("inf"), float("-inf")):
        raise AnswerError(f"The {what} must be a number.")
    if value < 0:
        raise AnswerError(f"The {what} can't be negative.")
    if value == 0 and not allow_zero:
        raise AnswerError(f"The {what} must be more than 0. If you no longer have this material, say 'cancel' "
                          "(or 'remove' it if it is saved).")
    limit = MAX_AMOUNT_TONS if unit == "d" else MAX_AMOUNT
    if value > limit:
        raise AnswerError(f"{fmt_amount(value, unit)} is far too much to be right for the {what}. Please check the "
                          "number and the unit.")


# --- hazard categories -------------------------------------------------------------------------------------

_HAZARD_WORDS = {
    "fhc_fire": r"fire|flammable|combustible|ignitable|burns?|oxidi[sz]er|oxidi[sz]ing|pyrophoric",
    "fhc_reactive": r"reactive|reactivity|unstable|explosive|water[- ]reactive|self[- ]reactive|organic peroxide|"
                    r"peroxide",
    "fhc_pressure_release": r"pressure(?: release)?|compressed|gas under pressure|sudden release|pressuri[sz]ed",
    "fhc_acute_health": r"acute|toxic|poison|corrosive|irritant|irritation|burns skin|eye damage|sensiti[sz]er|"
                        r"harmful|immediate",
    "fhc_chronic_health": r"chronic|carcinogen\w*|cancer|mutagen\w*|reproductive|long[- ]term|organ damage|"
                          r"delayed",
}


def parse_hazards(text: str) -> dict[str, bool]:
    """The five hazard categories (Fire, Reactive, Pressure release, Acute health, Chronic health): those named are
    True, the others False; "none" -> all False."""
    s = clean(text)
    if re.fullmatch(r"(?:none(?: of (?:these|them|those|the above))?|no|nope|no hazards?|not hazardous|nothing|"
                    r"n/?a)", s):
        return {f: False for f in HAZARD_FIELDS}
    found = {f: bool(re.search(rf"\b(?:{pattern})\b", s)) for f, pattern in _HAZARD_WORDS.items()}
    if not any(found.values()):
        raise AnswerError("Which hazard categories does its Safety Data Sheet (section 2) show? Name those that apply: "
                          "Fire, Reactive, Pressure release, Acute health, Chronic health, or say 'none'.")
    # "fire yes, reactive no": a category followed by no/not is not chosen
    for f, pattern in _HAZARD_WORDS.items():
        if re.search(rf"\b(?:{pattern})\b\s*(?::|-|=)?\s*(?:no|n|not)\b", s) or \
                re.search(rf"\b(?:not|no)\s+(?:{pattern})\b", s):
            found[f] = False
    return found


# Old federal hazard categories implied by CERS fire code hazard classes (cers-facts.md 1.3), as the Tier II
# definitions group them: fire = flammable/combustible/oxidizer/pyrophoric/organic peroxide; reactive = explosive,
# unstable, water reactive, organic peroxide; pressure release = flammable/oxidizing gas, LPG; acute = corrosive,
# highly toxic, toxic, irritant, sensitizer; chronic = carcinogen.
_CLASS_HAZARDS = {
    "fhc_fire": {2, 3, 4, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28},
    "fhc_reactive": {7, 23, 24, 25, 26, 32, 33, 34, 35, 36, 37, 38},
    "fhc_pressure_release": {8, 15, 21, 22},
    "fhc_acute_health": {5, 13, 14, 30, 31},
    "fhc_chronic_health": {1},
}


def hazards_from_fire_classes(classes: list[int], physical_state: Optional[str]) -> dict[str, bool]:
    """Hazard categories clearly implied by the library's fire code classes (only True values; a gas is stored
    under pressure)."""
    out = {f: True for f, codes in _CLASS_HAZARDS.items() if any(c in codes for c in classes or [])}
    if physical_state == "c":
        out["fhc_pressure_release"] = True
    return out


# --- mixture components ------------------------------------------------------------------------------------

_PERCENT_RE = re.compile(
    r"(?:(?P<low>\d+(?:\.\d+)?)\s*(?:%|percent)?\s*(?:-|to|\u2013)\s*)?(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent\b|pct\b)")
_CAS_TOKEN_RE = re.compile(r"\(?\s*(?:cas(?:\s*(?:no\.?|number|#|rn))?\s*[:#]?\s*)?(\d{2,7}-\d{2}-\d)\s*\)?", re.I)


def parse_components(text: str, db: Optional["Session"] = None) -> list[dict[str, Any]]:
    """Components with percent by weight: "toluene 40%, acetone 30% (CAS 67-64-1)", "50% ethylene glycol and
    water 50%"; a range "30-40%" gives its highest value (CERS asks for the highest of a range). With a
    database, each component's EHS flag (and a missing CAS) comes from the chemical library."""
    s = (text or "").replace("\u2013", "-").replace("\u00a0", " ").strip()
    if not s:
        raise AnswerError("Tell me the components like 'ethylene glycol 50%, diethylene glycol 5%'.")
    # "50% ethylene glycol, 50% water": the percent before each name
    if re.match(r"^\(?(?:\d+(?:\.\d+)?\s*%?\s*(?:-|to)\s*)?\d+(?:\.\d+)?\s*(?:%|percent)", s):
        pieces = re.split(r"\s*(?:,|;|\band\b|\bplus\b|&)?\s*(?<![\d.\-])(?=\d+(?:\.\d+)?\s*(?:%|percent))|\n",
                          s)
    else:  # "ethylene glycol 50% (107-21-1), water 50%": a separator after a percent or a CAS ends a component
        pieces = re.split(r"(?:(?<=%)|(?<=percent)|(?<=\))|(?<=-\d\d-\d))\s*(?:,|;|\band\b|\bplus\b|&)\s*|\n|;", s)
    merged = [p.strip(" .,") for p in pieces if p and p.strip(" .,")]
    comps: list[dict[str, Any]] = []
    for part in merged:
        percent = None
        m = _PERCENT_RE.search(part)
        if m:
            percent = float(m.group("pct"))
            part = part[:m.start()] + " " + part[m.end():]
        cas = None
        c = _CAS_TOKEN_RE.search(part)
        if c:
            cas = parse_cas(c.group(1))
            if cas is None:
                raise AnswerError(f"{c.group(1)} is not a valid CAS number (its last digit is a check digit). Please "
                                  "copy it again from the Safety Data Sheet, or leave it out.")
            part = part[:c.start()] + " " + part[c.end():]
        ehs = True if re.search(r"\bEHS\b", part) else None
        part = re.sub(r"\b(?:EHS|by weight|wt|w/w|cas(?: no\.?| number| #)?)\b", " ", part, flags=re.I)
        name = re.sub(r"\s+", " ", part).strip(" ,:-()")
        if not name and cas is None:
            continue
        if percent is not None and not 0.01 <= percent <= 100:
            raise AnswerError(f"{fmt_number(percent)}% for {name or cas} is not possible: each percent by weight must "
                              "be between 0.01 and 100.")
        comps.append({"name": name[:1].upper() + name[1:] if name else None, "percent": percent, "cas": cas,
                      "ehs": ehs})
    if not comps:
        raise AnswerError("I didn't find any component in that. Give each one with its percent by weight, like "
                          "'toluene 40%, acetone 30%'.")
    if db is not None:
        fill_component_library_data(db, comps)
    missing_name = [c for c in comps if not c["name"]]
    for c in missing_name:
        raise AnswerError(f"What is the name of the component with CAS {c['cas']}?")
    no_percent = [c["name"] for c in comps if c["percent"] is None]
    if no_percent:
        raise AnswerError(f"What percent by weight is {', '.join(no_percent)}? Give each component with its percent "
                          "(Safety Data Sheet section 3; for a range like 30-40% give the highest).")
    total = sum(c["percent"] for c in comps)
    if total > 100.0001:
        raise AnswerError(f"The percentages add up to {fmt_number(total)}%, more than 100%. Please check them against "
                          "the Safety Data Sheet (for ranges give the highest value, but the total can't be over 100%).")
    return comps


def fill_component_library_data(db: "Session", comps: list[dict[str, Any]]) -> None:
    """EHS flag (and CAS when missing) of each component from the chemical library, matched by CAS or exact name;
    EHS only where the listing applies at the component's percent (hydrogen chloride in a hydrochloric acid
    solution, hydrogen peroxide at 52% or less are not EHS)."""
    from bot.chemicals.lookup import best, component_listed_ehs

    for c in comps:
        match = best(db, c["cas"]) if c.get("cas") else None
        if match is None and c.get("name"):
            match = best(db, c["name"])
        if match is None:
            c["ehs"] = bool(c.get("ehs"))
            continue
        chem = match.chemical
        c["ehs"] = bool(c.get("ehs")) or component_listed_ehs(db, c)
        if not c.get("cas") and chem.cas and chem.kind == "pure":
            c["cas"] = chem.cas


def components_text(comps: list[dict[str, Any]]) -> str:
    """"Ethylene glycol 50% (107-21-1, EHS), ..." for messages and cards."""
    out = []
    for c in comps:
        extra = ", ".join(x for x in (c.get("cas"), "EHS" if c.get("ehs") else None) if x)
        pct = f" {fmt_number(c['percent'])}%" if c.get("percent") is not None else ""
        out.append(f"{c.get('name') or c.get('cas')}{pct}" + (f" ({extra})" if extra else ""))
    return ", ".join(out)


# --- requests about saved materials ("remove the acetone", "change diesel to 500 gallons") --------------------

_UPLOAD_RE = re.compile(r"\b(?:upload|spreadsheet|excel|xlsx|xls|csv|hmi template|template file|import (?:my |the |"
                        r"a )?(?:file|inventory|chemicals|list))\b")
_UPLOADED_RE = re.compile(r"^i (?:have )?uploaded my inventory file\.?$")
_LIST_RE = re.compile(r"^(?:list|the list|my list|show (?:me )?(?:the |my )?list|inventory|my inventory)[?.!]*$|"
                      r"^(?:(?:can you|could you|please|pls|ok|okay)\s+)*(?:list|show|view|read|review|recap|see)\b"
                      r".*\b(?:chemicals?|materials?|inventory|list|entered|everything|added|hmi|stuff)\b|"
                      r"\bwhat (?:have|did) (?:i|we) (?:entered|enter|put|added|add)\b|^(?:my )?inventory\??$|"
                      r"\bwhat(?:'s| is) (?:in|on) (?:my|the|our) (?:list|inventory)\b")
_CHANGE_START_RE = re.compile(r"^(?:(?:actually|oops|oh|wait|sorry|ok|okay|no|please)[,\s]+)*(?:change|update|edit|"
                              r"fix|correct|modify|move|bump|lower|raise|increase|decrease|reduce|adjust|double|"
                              r"triple|halve)\b|\b(?:is|are) actually\b|\bshould (?:be|say)\b.*\bnot\b|"
                              r"\bwrong (?:amount|location|container|quantity)\b")
_REMOVE_START_RE = re.compile(r"^(?:(?:ok|okay|please|actually|also)[,\s]+)*(?:remove|delete|take off|take out|"
                              r"get rid of|erase|scratch|cross off)\b|\btake (?:the )?\w+(?: \w+)? off\b")
_TERM_QUESTION_RE = re.compile(r"^(?:what(?:'s| is| are) (?:a |an |the )?(?:largest container|average(?: daily)?|"
                               r"max(?:imum)?(?: daily)?|days on site|ambient|state waste code|waste code|"
                               r"cas(?: number)?|hazard (?:class|categor)\w*|mixture|physical state|storage container|"
                               r"annual waste(?: amount)?|components?|cryogenic|units?)\b.*)\??$")


def _low(text: str) -> str:
    return " ".join((text or "").lower().split())


def is_upload_request(text: str) -> bool:
    """"upload a spreadsheet", "I have an excel file", "import my inventory"."""
    return bool(_UPLOAD_RE.search(_low(text)))


def is_upload_notice(text: str) -> bool:
    """What the chat page's upload widget says after a successful import ("I uploaded my inventory file.")."""
    return bool(_UPLOADED_RE.match(_low(text)))


def is_list_request(text: str) -> bool:
    """"list my chemicals", "what have I entered?", "show me the inventory"."""
    return bool(_LIST_RE.search(_low(text)))


def starts_change_request(text: str) -> bool:
    """Worded like a change: "change ...", "actually, fix ...", "the oil is actually ...", "wrong amount"."""
    return bool(_CHANGE_START_RE.search(_low(text)))


def starts_remove_request(text: str) -> bool:
    """Worded like a removal: "remove ...", "delete ...", "take the co2 off ..."."""
    return bool(_REMOVE_START_RE.search(_low(text)))


def asks_about_a_term(text: str) -> bool:
    """"what is the largest container?", "what's a state waste code": a question about an inventory term."""
    return bool(_TERM_QUESTION_RE.match(_low(text)))


_LOC_PREP = r"(?:in|at|on|by|behind|near|next to|outside|inside|under|beside|out back|upstairs|downstairs|over)"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}


@dataclass
class ItemRef:
    """Which saved material a request is about: by name words, by its number in the list, the last one, or all."""
    name: Optional[str] = None
    index: Optional[int] = None  # 1-based position in the list
    last: bool = False
    all: bool = False


def _ref_from(words: str) -> ItemRef:
    s = words.strip(" ,.")
    if re.search(r"\b(?:everything|all (?:of )?(?:them|the (?:chemicals|materials|items|entries))|the whole "
                 r"(?:list|inventory)|all chemicals|all materials)\b", s):
        return ItemRef(all=True)
    if re.fullmatch(r"(?:that|this) one|it|that|this", s):
        return ItemRef(last=True)
    if re.search(r"\b(?:last|latest|previous|most recent)\b(?: (?:one|chemical|material|item|entry))?", s) and \
            len(s.split()) <= 6 and not re.search(r"\bfrom last\b|last year", s):
        return ItemRef(last=True)
    m = re.search(r"\b(?:item|number|no\.?|line|#)\s*(\d{1,4})\b", s) or re.fullmatch(r"#?(\d{1,4})", s)
    if m:
        return ItemRef(index=int(m.group(1)))
    m = re.search(r"\bthe (" + "|".join(_ORDINALS) + r") (?:one|item|chemical|material|entry|line)\b", s)
    if m:
        return ItemRef(index=_ORDINALS[m.group(1)])
    return ItemRef(name=s or None)


_REMOVE_VERB_RE = re.compile(
    r"^(?:(?:ok|okay|please|pls|can you|could you|i want to|i'd like to|we need to|go ahead and)\s+)*"
    r"(?:remove|delete|del|take off|take out|get rid of|drop|erase|scratch|cross off|cross out|eliminate|"
    r"clear|discard|strike|kill)\s+(?P<rest>.+)$")
_REMOVE_ANYWHERE_RE = re.compile(r"\b(?:remove|delete|take off|get rid of|drop|erase|scratch|cross off)\s+"
                                 r"(?P<rest>(?!it\b|them\b|that\b|this\b).+)$")
_NOT_ANYMORE_RE = re.compile(
    r"\b(?:(?:don'?t|dont|do not|no longer|not|never|stopped)\s+(?:use|have|store|keep|carry|stock|using|storing|"
    r"keeping|include)|no more)\s+(?:the\s+|any\s+|our\s+)?(?P<rest>.+?)(?:\s+any ?more\b|\s+now\b|\s*[,.;]|\s+(?:we|i|so|"
    r"since|because)\b|$)")
_SHOULDNT_RE = re.compile(r"^(?:the\s+)?(?P<rest>.+?)\s+(?:shouldn'?t|should not|isn'?t|is not|doesn'?t|does not|"
                          r"was|is|are)\s+(?:be\s+)?(?:on|in|belong|ours|there|gone|a mistake|wrong)\b")
_TAKE_OFF_RE = re.compile(r"^(?:please\s+)?(?:take|get|put)\s+(?P<rest>.+?)\s+(?:off|out)\b")
_CUT_TAIL_RE = re.compile(r"\s+(?:from|off|out of)\s+(?:the|my|our|this)\s+(?:list|inventory|hmi|plan)\b.*$|"
                          r"\s+(?:off(?: the list| there)?|from (?:the |my )?list|entry|entries|please|"
                          r"any ?more|too|now)\b.*$|"
                          r"\s*[,.;!].*$|\s+(?:we|i|they|because|since|as|it'?s|its|that|which|so)\b.*$")


def parse_remove_request(text: str) -> ItemRef:
    """Which saved material "remove the acetone", "we don't use perc anymore, remove it", "take the co2 off the
    list", "delete the last one", "delete item 3" is about."""
    s = clean(text).replace("\u2019", "'")
    for pattern in (_REMOVE_VERB_RE, _TAKE_OFF_RE, _NOT_ANYMORE_RE, _SHOULDNT_RE, _REMOVE_ANYWHERE_RE):
        m = pattern.search(s)
        if m:
            rest = m.group("rest")
            if pattern is _REMOVE_VERB_RE and re.match(r"^(?:it|them|that|this|those|these)\b(?! (?:one|item|"
                                                       r"last|first))", rest):
                break  # "remove it": the name is elsewhere in the sentence
            ref = _ref_from(rest)
            if ref.name:
                ref.name = _CUT_TAIL_RE.sub("", ref.name).strip() or None
            if ref.name or ref.index or ref.last or ref.all:
                return ref
    ref = _ref_from(s)
    return ref if (ref.index or ref.last or ref.all) else ItemRef()


@dataclass
class ChangeRequest:
    """A change to a material: `target` (words naming it; None = the one being entered or not said), `field`
    (an InventoryItem column or "container"/"hazards"/"components"; None = guess from the value), `value` (as
    written; None = ask), `factor` ("double the motor oil")."""
    target: Optional[str] = None
    field: Optional[str] = None
    value: Optional[str] = None
    factor: Optional[float] = None


FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("average_daily_amount", r"average(?: daily)?(?: amount| quantity)?|avg(?: daily)?|typical amount"),
    ("largest_container", r"largest container(?: size)?|biggest container(?: size)?|container size|size of the "
                          r"(?:container|drum|tank|tote)|largest|biggest"),
    ("annual_waste_amount", r"annual(?: waste)?(?: amount)?|amount per year|yearly amount|per year"),
    ("maximum_daily_amount", r"max(?:imum)?(?: daily)?(?: amount| quantity)?|amount|quantity|qty|total amount|"
                             r"how much"),
    ("state_waste_code", r"(?:state )?waste code|ca waste code"),
    ("days_on_site", r"days(?: on site)?(?: per year)?"),
    ("location", r"location|where (?:it is|they are) (?:stored|kept)|storage location|where"),
    ("container", r"container(?: type)?s?|storage type|type of container|packaging"),
    ("pressure", r"(?:storage )?pressure"),
    ("temperature", r"(?:storage )?temperature|temp"),
    ("units", r"units?"),
    ("cas_number", r"cas(?: number| no| #)?"),
    ("physical_state", r"physical state|state"),
    ("components", r"components?|ingredients?|percentages?|composition"),
    ("hazards", r"hazards?(?: categories| classes| class)?"),
    ("common_name", r"name|common name"),
)
_FIELD_RE = [(f, re.compile(rf"\b(?:{p})\b")) for f, p in FIELD_WORDS]
_CHANGE_VERB_RE = re.compile(
    r"^(?P<verb>change|update|set|edit|fix|correct|modify|make|move|bump(?: (?:it )?up| (?:it )?down)?|lower|raise|"
    r"increase|decrease|reduce|put|adjust|switch|correct)\s+(?P<rest>.+)$")
_FACTORS = {"double": 2.0, "triple": 3.0, "halve": 0.5, "half": 0.5}


def field_in(text: str) -> Optional[str]:
    """The field a phrase names ("the motor oil amount" -> maximum_daily_amount), or None."""
    for f, rx in _FIELD_RE:
        if rx.search(text):
            return f
    return None


def _strip_field_words(text: str) -> str:
    s = text
    for _f, rx in _FIELD_RE:
        s = rx.sub(" ", s)
    s = re.sub(r"\b(?:of|for|on|in|the|'s|wrong|incorrect|is|are|entry|please|up|down)\b", " ", s)
    return re.sub(r"\s+", " ", s).strip(" ,.'")


def _clean_value(value: str) -> Optional[str]:
    v = value.strip(" ,.")
    prev = None
    while prev != v:
        prev = v
        v = re.sub(r"^(?:actually|really|now|stored|kept|located|supposed to be|should be|should say|it should be|"
                   r"it'?s|its|they'?re|theyre|they are|it is|make it|to be|just|only|all|set to|at|=|:)\s+", "", v)
        v = re.sub(r"^wrong\b\W*(?:it\s+)?(?:should\s+(?:be|say)\s+)?", "", v)
        v = re.sub(r"\s+(?:now|total|in total|actually|instead|please|thanks)$", "", v)
        v = re.sub(r",?\s*(?:please\s+)?(?:change|fix|update|correct|edit)\s+(?:that|it|this)$", "", v)
    v = v.strip(" ,.")
    return v or None


def parse_change_request(text: str) -> Optional[ChangeRequest]:
    """"change diesel to 500 gallons", "the motor oil is actually in the wash bay", "make the propane 2 tanks not 1",
    "edit the perc, max daily is 45 gallons", "wrong amount on the muriatic acid", "change the amount" -> what to
    change (None when the text is not a change request)."""
    s = clean(text).replace("\u2019", "'")
    s = re.sub(r"^(?:(?:actually|oops|oh|wait|sorry|hmm|ok|okay|so|and|also|no|please)\b[\s,]*)+", "", s)
    m = re.match(r"^(?P<f>double|triple|halve|half)\s+(?:the\s+)?(?P<t>.+?)(?:\s*[,.;].*|\s+(?:we|i)\b.*)?$", s)
    if m:
        return ChangeRequest(target=_strip_field_words(m.group("t")) or None, field="maximum_daily_amount",
                             factor=_FACTORS[m.group("f")])
    s = re.sub(r",?\s+(?:and\s+)?(?:not|instead of|rather than)\s+(?!(?:a |an |the )?(?:mixture|pure))[^,]*$", "", s)
    target_part: Optional[str] = None
    value: Optional[str] = None
    verb = _CHANGE_VERB_RE.match(s)
    if verb:
        rest = verb.group("rest")
        split = re.search(r"\s+(?:to|into)\s+|\s*,\s*|\s+(?:is|are|should be|should say)\s+", rest)
        if split:
            target_part, value = rest[:split.start()], rest[split.end():]
        else:
            loose = re.search(rf"\s(?=\d|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+\d|"
                              rf"{_LOC_PREP}\s)", rest)
            if loose:
                target_part, value = rest[:loose.start()], rest[loose.end():]
            else:
                target_part = rest
        if verb.group("verb") == "move" and value and not field_in(target_part):
            target_part += " location"
    else:
        m = re.match(rf"^we\s+(?:keep|store|have|put)\s+(?:the\s+)?(?P<t>.+?)\s+(?P<v>{_LOC_PREP}\s.+)$", s)
        if m:
            target_part, value = m.group("t"), m.group("v")
        else:
            m = re.match(r"^(?:the\s+)?(?P<t>.+?)\s+(?:is|are|was|were|should be|should say|needs to be|has to be|"
                         r"goes)\s+(?P<v>.+)$", s)
            if not m:
                m = re.match(r"^(?:the\s+)?(?P<t>wrong\s+.+)$", s)  # "wrong amount on the muriatic acid"
                if not m:
                    return None
                target_part, value = m.group("t"), None
            else:
                target_part, value = m.group("t"), m.group("v")
    field = field_in(target_part or "")
    if value:
        head = re.match(r"^(?P<f>[a-z ]{2,30}?)\s+(?:is|are|should be|=|:|to)\s+(?P<v>.+)$", value)
        if head and field_in(head.group("f")):
            field, value = field_in(head.group("f")), head.group("v")
        value = _clean_value(value)
        if value and re.fullmatch(r"(?:wrong|incorrect|off|not right|bad|a mistake|mistaken)", value):
            value = None
    target = _strip_field_words(target_part or "")
    target = re.sub(r"^(?:the|my|our|that|this)\s+", "", target).strip() or None
    return ChangeRequest(target=target, field=field, value=value)
