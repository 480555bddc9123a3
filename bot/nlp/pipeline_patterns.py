"""Entity-ruler patterns of the project's spaCy pipeline: materials, quantities, containers, cities.

Everything here is built offline from the repository (the curated chemical YAML, the `chemicals` package's
identifier tables, the ZIP-code city list); nothing reads the database, which is not ready when the pipeline
is built. The ruler prefers the longest span, so "lead acid batteries" beats "lead", "propane" + "tank" are
two entities because "propane tank" is not a material pattern, and a longer pattern with the label SKIP
(never listed in Rasa's SpacyEntityExtractor `dimensions`) hides a word in a context where it is not an
entity: "can" in "we can", "lead" in "lead user", "box" in "PO box", a city-named material in an address
("rd, boron ca"), a city name that is a street ("kings canyon rd") and a material naming a place ("battery
room", "paint booth"). The ruler cannot look at context without putting it in the span, so a word in such a
context gets no entity at all rather than another label.

Material names are what people write, not everything the library knows (fuzzy matching and the long ChEDL
synonyms are the library lookup's job):
- curated products: names (without the parenthesised remark) and every synonym, as written in the YAML;
- the EHS list: names, and the alternative name in parentheses ("hydrogen fluoride");
- the extra work names of ChEDL substances (the YAML's `synonyms:` section);
- ChEDL substances of the library (those with a measured melting or boiling point) whose common name is
  1 to 3 plain words of letters (no locants, digits, brackets or commas), 4 to 30 characters: "acetone",
  "ammonium nitrate", "heptanoyl chloride". One-word names of 4 letters or fewer are mostly acronyms
  ("caps", "mops", "taps") and are left out except real substances (zinc, lead, urea...);
- a few cheap spelling variants: hyphen/space/joined forms of curated names, "sulph-" and "aluminium", and a
  short list of common misspellings.
ChEDL synonyms are left out: their one-word ones include brand names that are everyday words ("confirm",
"progress", "marshal", "tell"), and their two-word ones (~4,700) would add about a second to every load.
Names worth having from them ("soda ash") belong in the curated YAML's `synonyms:` section.
Everyday words that are also library names (water, stop, release, gold, silver...) are never tagged alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

MATERIAL = "material"
QUANTITY = "quantity"
CONTAINER = "container"
CITY = "city"
SKIP = "not_entity"  # hides a word in context; must never be one of Rasa's dimensions

# ---------------------------------------------------------------------------------------------- quantities
# Unit words (lower case) as people type them; multi-word units are added as token sequences below. Left out
# on purpose: "mt" and "pt" ("4500 mt diablo blvd", "pt reyes"), "#" ("#2 diesel"), "ft" (a length).
UNIT_WORDS = (
    "gallon", "gallons", "gal", "gals", "gl", "galon", "galons", "gallns",
    "liter", "liters", "litre", "litres", "l", "ltr", "ltrs", "lt",
    "ml", "milliliter", "milliliters", "millilitre", "millilitres",
    "quart", "quarts", "qt", "qts", "pint", "pints",
    "pound", "pounds", "lb", "lbs", "ibs",
    "kilogram", "kilograms", "kg", "kgs", "kilo", "kilos",
    "ounce", "ounces", "oz", "ozs", "gram", "grams", "gm", "gms", "g",
    "ton", "tons", "tonne", "tonnes",
    "cf", "scf", "cuft", "ft3", "ft³", "m3", "m³",
)
# Full words that read as an amount after "a" / "half a": "a gallon", "half a ton".
_FULL_UNITS = ("gallon", "liter", "litre", "quart", "pint", "pound", "ton", "tonne", "kilo", "kilogram", "ounce")
_UNIT_PHRASES: tuple[list[dict[str, Any]], ...] = (
    [{"LOWER": {"IN": ["cu", "cu.", "cubic"]}}, {"ORTH": ".", "OP": "?"}, {"LOWER": {"IN": ["ft", "feet", "foot"]}}],
    [{"LOWER": {"IN": ["cu.ft", "cu.ft."]}}],
    [{"LOWER": "cubic"}, {"LOWER": {"IN": ["meter", "meters", "metre", "metres", "yard", "yards", "yd", "yds"]}}],
    [{"LOWER": {"IN": ["fl", "fl."]}}, {"ORTH": ".", "OP": "?"}, {"LOWER": {"IN": ["oz", "ounce", "ounces"]}}],
    [{"LOWER": {"IN": ["short", "metric"]}}, {"LOWER": {"IN": ["ton", "tons"]}}],
    [{"LOWER": {"IN": ["standard"]}}, {"LOWER": "cubic"}, {"LOWER": {"IN": ["feet", "foot"]}}],
)
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fourty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ("hundred", "thousand", "million")
NUMBER_WORDS = (*_ONES, *_TENS, *_SCALES, "dozen")
_DIGITS = {"TEXT": {"REGEX": r"^~?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$"}}
_FRACTION = {"TEXT": {"REGEX": r"^\d+/\d+$"}, "OP": "?"}
# Glued to a number ("55gal", "500lbs", "300cf", "20L", "2x55"): split by the tokenizer (see tokenizer_rules).
GLUED_UNITS = ("gallons", "gallon", "gals", "gal", "lbs", "cuft", "scf", "cf", "kgs", "ltrs", "ltr", "liters",
               "liter", "litres", "litre", "l", "qts", "qt", "tons", "ton", "ml", "ft3")

# ---------------------------------------------------------------------------------------------- containers
CONTAINER_WORDS = (
    "drum", "drums", "barrel", "barrels", "bbl", "bbls", "tote", "totes", "ibc", "ibcs", "tank", "tanks", "ast",
    "asts", "ust", "usts", "cylinder", "cylinders", "cyl", "cyls", "dewar", "dewars", "can", "cans", "pail",
    "pails", "bucket", "buckets", "bag", "bags", "sack", "sacks", "supersack", "supersacks", "box", "boxes",
    "carboy", "carboys", "bottle", "bottles", "jug", "jugs", "jar", "jars", "silo", "silos", "canister",
    "canisters",
)
# Words before a container word that are part of the container ("steel drum", "aerosol cans", "super sack").
_CONTAINER_MODIFIERS = {
    ("drum", "drums"): ("plastic", "poly", "hdpe", "steel", "metal", "fiber", "fibre", "open-head", "closed-head"),
    ("bottle", "bottles"): ("glass", "plastic", "poly", "gas"),
    ("jug", "jugs", "pail", "pails", "bucket", "buckets", "carboy", "carboys"): ("plastic", "poly"),
    ("can", "cans"): ("gas", "fuel", "safety", "aerosol", "spray", "jerry", "metal", "steel", "plastic", "oil"),
    ("cylinder", "cylinders"): ("gas", "compressed gas", "high pressure", "high-pressure"),
    ("tank", "tanks"): ("above ground", "above-ground", "aboveground", "underground", "under ground",
                        "under-ground", "storage", "above ground storage", "aboveground storage",
                        "underground storage", "day", "fuel", "poly", "plastic", "steel", "portable",
                        "double walled", "double-walled"),
    ("sack", "sacks"): ("super",),
    ("bag", "bags"): ("bulk", "super"),
    ("tote", "totes"): ("poly", "plastic", "caged"),
}

# ---------------------------------------------------------------------------------------------- blockers
_PRONOUNS = ("i", "we", "you", "u", "they", "he", "she", "it", "who", "that", "which", "what", "how", "where",
             "someone", "anyone", "somebody", "anybody", "nobody", "inspector", "cupa", "county")
_AFTER_VERB_CAN = (
    "i", "we", "you", "u", "they", "he", "she", "it", "someone", "anyone", "somebody", "not", "be", "do", "help",
    "get", "go", "see", "use", "store", "keep", "have", "file", "find", "make", "add", "take", "tell", "give",
    "show", "send", "start", "change", "fix", "update", "log", "sign", "register", "report", "call", "email",
    "only", "also", "just", "still", "never", "probably", "please", "barely", "hold", "put", "upload", "enter",
)
_STREET_SUFFIXES = ("st", "st.", "street", "ave", "ave.", "av", "avenue", "rd", "rd.", "road", "blvd", "blvd.",
                    "boulevard", "dr", "dr.", "drive", "way", "ln", "lane", "hwy", "highway", "ct", "court", "pl",
                    "place", "pkwy", "parkway", "cir", "circle", "ter", "terrace", "trl", "trail", "hwy.")

# ---------------------------------------------------------------------------------------------- materials
# Library names that are everyday words in this chat (or street names), never tagged on their own.
MATERIAL_STOPLIST = frozenset({"water", "stop", "release", "india", "trim", "caps", "taps", "mops", "gold", "silver"})
# Real substances among the one-word ChEDL names of 4 letters or fewer (the rest are mostly acronyms).
SHORT_NAMES_KEPT = frozenset({"iron", "lead", "lime", "neon", "urea", "zinc", "talc", "alum", "borax", "mcpa"})
# Cheap misspellings of what small businesses store most: variant -> the name it means.
MISSPELLINGS = {
    "disel": "diesel", "deisel": "diesel", "desiel": "diesel", "diesal": "diesel", "gasolene": "gasoline",
    "gasolin": "gasoline", "anti freeze": "antifreeze", "antifreez": "antifreeze", "anitfreeze": "antifreeze",
    "acetelyne": "acetylene", "acetylyne": "acetylene", "acetyline": "acetylene", "acetylne": "acetylene",
    "acetelene": "acetylene", "hydralic oil": "hydraulic oil", "hydrolic oil": "hydraulic oil",
    "hydrualic oil": "hydraulic oil", "hydralic fluid": "hydraulic fluid", "hydrolic fluid": "hydraulic fluid",
    "muratic acid": "muriatic acid", "muriatic": "muriatic acid", "clorine": "chlorine", "chlorene": "chlorine",
    "amonia": "ammonia", "ammonnia": "ammonia", "isopropyl alchohol": "isopropyl alcohol",
    "rubbing alchohol": "rubbing alcohol", "keroseen": "kerosene", "propain": "propane", "nitrogin": "nitrogen",
    "oxigen": "oxygen", "accetone": "acetone", "acetome": "acetone", "tolulene": "toluene", "zylene": "xylene",
    "sulfuric": "sulfuric acid", "hydrocloric acid": "hydrochloric acid",
    "mineral spirts": "mineral spirits", "paint thiner": "paint thinner", "laquer thinner": "lacquer thinner",
    "transmision fluid": "transmission fluid", "brake fluids": "brake fluid", "motor oils": "motor oil",
}
_PLAIN_NAME = re.compile(r"^[a-z]+(?: [a-z]+){0,2}$")
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*")


@dataclass
class MaterialNames:
    """Lower-case surface name -> library key ("product:diesel", "cas:67-64-1"), and where each came from."""
    names: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, key: str, source: str) -> None:
        name = " ".join(name.lower().split())
        if not name or name in self.names or name in MATERIAL_STOPLIST:
            return
        self.names[name] = key
        self.sources[name] = source

    def drop(self, name: str) -> None:
        self.names.pop(name, None)
        self.sources.pop(name, None)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for source in self.sources.values():
            out[source] = out.get(source, 0) + 1
        return out


def _base_and_remark(name: str) -> tuple[str, Optional[str]]:
    """"Motor oil (new)" -> ("motor oil", "new")."""
    remark = _PAREN.search(name)
    return _PAREN.sub(" ", name).strip(), (remark.group(1).strip() if remark else None)


def _variants(name: str) -> list[str]:
    """Cheap spelling variants: "anti-freeze" -> "anti freeze", "antifreeze"; sulfur -> sulphur; aluminium."""
    forms = [name]
    if re.search(r"[a-z0-9]-[a-z0-9]", name):
        forms += [name.replace("-", " "), name.replace("-", "")]
    for american, british in (("sulf", "sulph"), ("aluminum", "aluminium")):
        forms += [f.replace(american, british) for f in forms if american in f]
    return forms[1:]


def material_names(curated: dict[str, Any], chedl: Iterable[Any]) -> MaterialNames:
    """Names to tag as `material`, from the curated YAML (already parsed) and the ChEDL entries of the library
    (`bot.chemicals.build.chedl_entries()`: objects with .cas and .name). Curated names come first and win."""
    found = MaterialNames()
    containers = set(CONTAINER_WORDS)
    blocked = set(UNIT_WORDS) | set(NUMBER_WORDS) | containers

    def add(name: str, key: str, source: str) -> None:
        name = name.lower().strip()
        if name not in blocked and len(name) >= 2:
            found.add(name, key, source)

    products = curated.get("products") or []
    for product in products:  # names and synonyms first, the variants after (real names win)
        key = f"product:{product['key']}"
        for synonym in product.get("synonyms") or []:
            if "(" not in str(synonym):  # "gas (fuel)": the remark says the bare word is too vague
                add(str(synonym), key, "curated product synonyms")
        base, _remark = _base_and_remark(str(product["name"]))
        for part in base.split(" / "):
            add(part, key, "curated product names")
    for ehs in curated.get("ehs") or []:
        key = f"cas:{ehs['cas']}"
        base, remark = _base_and_remark(str(ehs["name"]))
        add(base, key, "EHS names")
        if remark and _PLAIN_NAME.match(remark.lower()):
            add(remark, key, "EHS names")
    for cas, synonyms in (curated.get("synonyms") or {}).items():
        for synonym in synonyms:
            add(str(synonym), f"cas:{cas}", "curated synonyms")
    for entry in chedl:
        name = str(entry.name).lower()
        if not (_PLAIN_NAME.match(name) and 4 <= len(name) <= 30):
            continue
        if " " not in name and len(name) <= 4 and name not in SHORT_NAMES_KEPT:
            continue
        add(name, f"cas:{entry.cas}", "ChEDL common names")
    for name in list(found.names):
        words = name.split()
        # "propane tank", "co2 cylinder", "oxygen dewar": a material and a container, not one material
        if len(words) > 1 and words[-1] in containers and " ".join(words[:-1]) in found.names:
            found.drop(name)
    for name, key in list(found.names.items()):
        for variant in _variants(name):
            add(variant, key, "spelling variants")
    for wrong, right in MISSPELLINGS.items():
        if right in found.names:
            add(wrong, found.names[right], "spelling variants")
    return found


def material_patterns(names: MaterialNames) -> list[dict[str, Any]]:
    """Phrase patterns (the ruler matches them on LOWER: case does not matter)."""
    return [{"label": MATERIAL, "pattern": name, "id": key} for name, key in names.names.items()]


def _word_numbers() -> list[list[dict[str, Any]]]:
    """Written-out numbers as token sequences that make ONE number: "fifty-five", "two hundred and fifty",
    "two thousand five hundred", "a hundred". "six one" is two numbers (a count, then a size: "six one gallon
    jugs"), so no pattern joins them."""
    ones, tens = {"LOWER": {"IN": list(_ONES)}}, {"LOWER": {"IN": list(_TENS)}}
    scale = {"LOWER": {"IN": list(_SCALES)}}
    small = [[ones], [tens], [tens, {"ORTH": "-", "OP": "?"}, ones]]
    tails: list[list[dict[str, Any]]] = [[], *([{"LOWER": "and", "OP": "?"}, *s] for s in small)]
    out = [*small]
    for a in small:
        for tail in tails:
            out.append([*a, scale, *tail])  # two hundred (and fifty)
            for b in small:
                out.append([*a, scale, *b, scale, *tail])  # two thousand five hundred (and fifty)
    for tail in tails:
        out.append([{"LOWER": {"IN": ["a", "an"]}}, scale, *tail])  # a hundred (and fifty)
    return out


def quantity_patterns() -> list[dict[str, Any]]:
    """Amount + unit: "55 gallons", "55-gallon", "1,200 lb", "200 cu ft", "ten gallons", "a hundred pounds"."""
    units: list[list[dict[str, Any]]] = [[{"LOWER": {"IN": list(UNIT_WORDS)}}], *(list(p) for p in _UNIT_PHRASES)]
    full_units = [[{"LOWER": {"IN": [u for w in _FULL_UNITS for u in (w, w + "s")]}}],
                  [{"LOWER": "cubic"}, {"LOWER": {"IN": ["foot", "feet"]}}]]
    hyphen = {"ORTH": "-", "OP": "?"}
    numbers: list[list[dict[str, Any]]] = [
        [_DIGITS, _FRACTION, {"LOWER": {"IN": list(_SCALES)}, "OP": "?"}],  # 55, 2 1/2, 1.5 million
        [{"TEXT": {"REGEX": r"^\d+/\d+$"}}],  # 1/2 gallon
        [_DIGITS, {"LOWER": {"IN": ["-", "to", "–"]}}, _DIGITS],  # 50-60 gallons, 50 to 60 gallons
        *_word_numbers(),
    ]
    out = []
    for number in numbers:
        for unit in units:
            out.append({"label": QUANTITY, "pattern": [*number, hyphen, *unit]})
    for unit in full_units:
        out.append({"label": QUANTITY, "pattern": [{"LOWER": {"IN": ["a", "an"]}}, *unit]})  # a gallon
        out.append({"label": QUANTITY, "pattern": [{"LOWER": "half"}, {"LOWER": {"IN": ["a", "an"]}, "OP": "?"},
                                                   *unit]})  # half a ton, half gallon
    return out


def container_patterns() -> list[dict[str, Any]]:
    """Container words, with the modifiers that make them a CERS container type ("poly drum", "above ground
    tank", "super sacks")."""
    out: list[dict[str, Any]] = [{"label": CONTAINER, "pattern": [{"LOWER": {"IN": list(CONTAINER_WORDS)}}]}]
    out.append({"label": CONTAINER, "pattern": [{"LOWER": "tote"}, {"LOWER": {"IN": ["bin", "bins"]}}]})
    for heads, modifiers in _CONTAINER_MODIFIERS.items():
        for modifier in modifiers:
            tokens = [{"LOWER": t} for t in re.findall(r"[a-z]+|-", modifier)]
            out.append({"label": CONTAINER, "pattern": [*tokens, {"LOWER": {"IN": list(heads)}}]})
    return out


# After a one-word material, these make a place ("battery room", "paint booth", "propane cage"), not a material.
_PLACE_NOUNS = ("room", "rooms", "shop", "booth", "booths", "cage", "cages", "cabinet", "cabinets", "closet",
                "shed", "house", "bay", "bays", "area", "locker", "lockers", "yard", "building", "dock", "vault")


def blocker_patterns(ambiguous_cities: Iterable[list[str]], cities: Iterable[list[str]] = (),
                     one_word_materials: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Longer spans labelled SKIP that hide a word where it is not an entity (see the module docstring):
    the verb "can", "lead user", "PO box", a city-named material in an address, a city name that is a street
    ("kings canyon rd", "fresno st") and a one-word material naming a place ("battery room")."""
    out: list[dict[str, Any]] = [
        {"label": SKIP, "pattern": [{"LOWER": {"IN": list(_PRONOUNS)}}, {"LOWER": "can"}]},
        {"label": SKIP, "pattern": [{"LOWER": "can"}, {"LOWER": {"IN": list(_AFTER_VERB_CAN)}}]},
        {"label": SKIP, "pattern": [{"LOWER": "lead"}, {"LOWER": {"IN": [
            "user", "users", "person", "contact", "role", "agency", "inspector", "time"]}}]},
        {"label": SKIP, "pattern": [{"LOWER": {"IN": ["the", "a", "as", "our", "new"]}}, {"LOWER": "lead"}]},
        {"label": SKIP, "pattern": [{"LOWER": {"IN": ["po", "p.o", "p.o.", "pob"]}}, {"ORTH": ".", "OP": "?"},
                                    {"LOWER": "box"}]},
        {"label": SKIP, "pattern": [{"LOWER": "p"}, {"ORTH": ".", "OP": "?"}, {"LOWER": "o"},
                                    {"ORTH": ".", "OP": "?"}, {"LOWER": "box"}]},
        {"label": SKIP, "pattern": [{"LOWER": {"IN": ["check", "text", "tick", "mail", "search", "chat"]}},
                                    {"LOWER": {"IN": ["the", "a", "that", "this"]}, "OP": "?"}, {"LOWER": "box"}]},
    ]
    comma = {"ORTH": ",", "OP": "?"}
    after = [[{"LOWER": {"IN": ["ca", "ca.", "calif", "california"]}}], [{"TEXT": {"REGEX": r"^9\d{4}$"}}]]
    for tokens in ambiguous_cities:
        city = [{"LOWER": t} for t in tokens]
        out.append({"label": SKIP, "pattern": [{"LOWER": {"IN": list(_STREET_SUFFIXES)}}, comma, *city]})
        out.append({"label": SKIP, "pattern": [{"LOWER": {"IN": ["in", "at", "near"]}}, *city]})
        for tail in after:
            out.append({"label": SKIP, "pattern": [*city, comma, *tail]})
    # One pattern per city length, each position the set of words seen there: a few patterns, not thousands.
    by_length: dict[int, list[set[str]]] = {}
    for tokens in cities:
        slots = by_length.setdefault(len(tokens), [set() for _ in tokens])
        for slot, token in zip(slots, tokens):
            slot.add(token)
    suffix = {"LOWER": {"IN": [s for s in _STREET_SUFFIXES if s not in ("way", "place", "court", "circle")]}}
    for length in sorted(by_length):
        words = [{"LOWER": {"IN": sorted(slot)}} for slot in by_length[length]]
        out.append({"label": SKIP, "pattern": [*words, suffix]})
    singles = sorted(set(one_word_materials))
    if singles:
        out.append({"label": SKIP, "pattern": [{"LOWER": {"IN": singles}}, {"LOWER": {"IN": list(_PLACE_NOUNS)}}]})
    return out


def tokenizer_rules(nlp: Any) -> None:
    """Split a unit glued to its number ("55gal", "500lbs", "20L", "300cf"), "2x55" and "~55", so that the
    patterns see number and unit as tokens. The rules are saved with the pipeline (no code needed to load)."""
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    defaults = nlp.Defaults
    glued = "|".join(sorted(GLUED_UNITS, key=len, reverse=True))
    suffixes = [rf"(?<=[0-9])(?i:{glued})", *defaults.suffixes]
    infixes = [r"(?<=[0-9])[xX×](?=[0-9])", *defaults.infixes]
    prefixes = ["~", *defaults.prefixes]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search


def city_patterns(nlp: Any, cities: list[str], skip: set[str]) -> list[dict[str, Any]]:
    """Case-insensitive token patterns; id = canonical name. Cities in `skip` (also material names) are left
    to the material patterns and the address blockers."""
    out = []
    for name in cities:
        tokens = [t.text.lower() for t in nlp.make_doc(name)]
        if " ".join(tokens) in skip:
            continue
        out.append({"label": CITY, "pattern": [{"LOWER": t} for t in tokens], "id": name})
    return out
