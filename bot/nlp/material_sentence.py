"""Read what a filer writes about the materials they store, before any chemical is looked up.

"we keep three 55-gallon drums of acetone in the back shop for cleaning parts" is split into roles: the
material words ("acetone"), the count (3), the size per container (55 gallons), the container (steel drum),
the place ("back shop") and the purpose ("cleaning parts"). Only the material words are later looked up in
the chemical library (`bot.chemicals.resolve`), so a place or a purpose that sounds like a chemical ("by the
welding bench", "for the forklifts", "on the counter") is never taken for the material.

A message that names several materials ("3 drums of motor oil and 2 totes of antifreeze", a pasted list) is
read as several mentions, one per material, none dropped.

Totals: count x size in the ways people say it ("4 x 5 gal", "three drums, 55 each", "a couple of 20 lb bags",
"half a drum of 55", "one and a half tons", "10 cases of 4 x 1 gal jugs"), converted to the CERS units
(gallons, pounds, cubic feet, tons) with pint. A total is left unknown (None) rather than guessed when the
sentence doesn't give it ("2 drums of hydraulic oil": the assistant asks the drum size).

Pure functions of the text: no database, no Rasa. Never raises on user text.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Optional

from bot.nlp.word_numbers import replace_number_words

logger = logging.getLogger(__name__)

# --- vocabulary ------------------------------------------------------------------------------------------

# unit word -> (pint unit, CERS unit family)
UNIT_WORDS: dict[str, tuple[str, str]] = {}
for _words, _pint, _cers in (
    (("gallon", "gallons", "gal", "gals", "gl", "gall", "gallns", "galons", "gallon's"), "gallon", "gallons"),
    (("liter", "liters", "litre", "litres", "l", "ltr", "ltrs", "lt", "lts", "litro", "litros"), "liter", "gallons"),
    (("ml", "mls", "milliliter", "milliliters", "millilitre", "millilitres"), "milliliter", "gallons"),
    (("quart", "quarts", "qt", "qts"), "quart", "gallons"),
    (("pint", "pints", "pt", "pts"), "pint", "gallons"),
    (("pound", "pounds", "lb", "lbs", "lb.", "lbs.", "#", "libras", "libra"), "pound", "pounds"),
    (("kilogram", "kilograms", "kg", "kgs", "kilo", "kilos"), "kilogram", "pounds"),
    (("ounce", "ounces", "oz", "ozs"), "ounce", "pounds"),
    (("gram", "grams", "g", "gm", "gms", "gr"), "gram", "pounds"),
    (("ton", "tons", "tonelada", "toneladas"), "short_ton", "tons"),
    (("tonne", "tonnes", "mt"), "metric_ton", "tons"),
    (("cf", "scf", "cuft", "ft3", "ft\u00b3", "cfs"), "cubic_foot", "cubic feet"),
    (("m3", "m\u00b3", "cbm"), "meter ** 3", "cubic feet"),
    (("galon", "galones"), "gallon", "gallons"),
    (("bbl", "bbls"), "oil_barrel", "gallons"),
):
    for _w in _words:
        UNIT_WORDS[_w] = (_pint, _cers)

# container word (singular) -> STORAGE_CONTAINER_COLUMNS attribute (None: a pack, no CERS type of its own)
CONTAINER_WORDS: dict[str, Optional[str]] = {
    "drum": "sc_steel_drum", "barrel": "sc_steel_drum", "keg": "sc_steel_drum",
    "tote": "sc_tote_bin", "ibc": "sc_tote_bin", "bin": "sc_tote_bin",
    "tank": "sc_above_ground_tank", "ast": "sc_above_ground_tank", "ust": "sc_under_ground_tank",
    "cylinder": "sc_cylinder", "cyl": "sc_cylinder", "dewar": "sc_cylinder", "bottle": "sc_plastic_bottle",
    "can": "sc_can", "pail": "sc_can", "bucket": "sc_can", "jerrycan": "sc_can", "aerosol": "sc_can",
    "bag": "sc_bag", "sack": "sc_bag", "supersack": "sc_bag", "tub": "sc_plastic_bottle",
    "box": "sc_box", "carton": "sc_box", "carboy": "sc_carboy", "jug": "sc_plastic_bottle",
    "jar": "sc_glass_bottle", "vial": "sc_glass_bottle", "silo": "sc_silo", "hopper": "sc_silo",
    "tanker": "sc_tank_wagon", "railcar": "sc_rail_car", "bote": "sc_can", "galon": None,
    "tambo": "sc_steel_drum", "tambor": "sc_steel_drum", "tanque": "sc_above_ground_tank", "cilindro": "sc_cylinder",
    "cubeta": "sc_can", "bolsa": "sc_bag", "saco": "sc_bag", "botella": "sc_plastic_bottle", "garrafa": "sc_plastic_bottle",
    "case": None, "pallet": None, "pack": None, "container": None, "unit": None, "package": None,
}
_IRREGULAR_PLURALS = {"boxes": "box", "cases": "case", "ibcs": "ibc", "asts": "ast", "usts": "ust", "bbls": "bbl",
                      "cyls": "cyl", "tambos": "tambo", "tambores": "tambor", "tanques": "tanque",
                      "cilindros": "cilindro", "cubetas": "cubeta", "bolsas": "bolsa", "sacos": "saco",
                      "botellas": "botella", "garrafas": "garrafa", "totes": "tote", "botes": "bote"}
# two-word containers: (modifier, container) -> attribute
CONTAINER_MODIFIERS: dict[tuple[str, str], str] = {
    ("plastic", "drum"): "sc_plastic_drum", ("poly", "drum"): "sc_plastic_drum", ("hdpe", "drum"): "sc_plastic_drum",
    ("plastic", "barrel"): "sc_plastic_drum", ("poly", "barrel"): "sc_plastic_drum",
    ("fiber", "drum"): "sc_fiber_drum", ("fibre", "drum"): "sc_fiber_drum", ("cardboard", "drum"): "sc_fiber_drum",
    ("steel", "drum"): "sc_steel_drum", ("metal", "drum"): "sc_steel_drum",
    ("glass", "bottle"): "sc_glass_bottle", ("glass", "jug"): "sc_glass_bottle", ("glass", "jar"): "sc_glass_bottle",
    ("underground", "tank"): "sc_under_ground_tank", ("buried", "tank"): "sc_under_ground_tank",
    ("aboveground", "tank"): "sc_above_ground_tank", ("indoor", "tank"): "sc_tank_inside_building",
    ("inside", "tank"): "sc_tank_inside_building", ("gas", "can"): "sc_can", ("safety", "can"): "sc_can",
    ("spray", "can"): "sc_can", ("aerosol", "can"): "sc_can", ("tank", "truck"): "sc_tank_wagon",
    ("rail", "car"): "sc_rail_car", ("tank", "car"): "sc_rail_car", ("super", "sack"): "sc_bag",
    ("bulk", "bag"): "sc_bag", ("gas", "bottle"): "sc_cylinder", ("spray", "bottle"): "sc_plastic_bottle",
    ("plastic", "bottle"): "sc_plastic_bottle", ("plastic", "jug"): "sc_plastic_bottle",
}
# containers whose size, said without a unit ("three drums, 55 each"), is in gallons / pounds
_LIQUID_CONTAINERS = {"drum", "barrel", "bbl", "keg", "tote", "ibc", "tank", "ast", "ust", "can", "pail", "bucket",
                      "jerrycan", "carboy", "jug", "bottle", "tambo", "tambor", "tanque", "cubeta", "garrafa", "tanker"}
_SOLID_CONTAINERS = {"bag", "sack", "supersack", "box", "carton"}
_PACKS = {"case", "pallet", "pack", "package"}

EACH_WORDS = {"each", "ea", "apiece", "per", "a-piece", "cada", "uno", "una"}
APPROX_WORDS = {"about", "approx", "approximately", "around", "roughly", "~", "ca", "circa", "estimated", "est",
                "maybe", "nearly", "almost", "probably", "abt", "aprox", "aproximadamente", "unos", "unas",
                "appx", "approximate", "like", "ish", "-ish"}
VAGUE_WORDS = {"some", "few", "several", "lots", "lot", "bunch", "many", "couple", "handful", "plenty", "varios",
               "algunos", "algunas", "unos", "unas", "various", "assorted", "misc", "miscellaneous"}
LOCATION_PREPS = {"in", "at", "on", "by", "near", "behind", "under", "underneath", "beneath", "inside", "outside",
                  "beside", "next", "along", "against", "out", "upstairs", "downstairs", "outdoors", "indoors",
                  "between", "within", "over", "above", "below", "en", "junto", "afuera", "dentro", "atras", "atrás",
                  "off"}
_BARE_LOCATIONS = {"outside", "inside", "upstairs", "downstairs", "outdoors", "indoors", "afuera", "dentro",
                   "onsite", "offsite"}
_NOT_PLACES = {"stock", "hand", "site", "total", "least", "most", "all", "once", "time", "use", "storage", "there",
               "it", "them", "question", "case", "addition", "bulk", "general", "order", "fact", "summer", "winter",
               "spring", "fall", "year", "month", "week", "day", "days", "season", "pounds", "gallons", "lbs", "form",
               "place", "process", "bulk", "addition", "total", "general"}
# "in water", "in solution": a state, not a place (only when it is the whole phrase)
_NOT_PLACE_PHRASES = {"water", "solution", "liquid", "solid", "gas", "powder", "pellets", "concentrate", "form",
                      "stock", "storage", "use", "bulk", "total", "pressure", "cylinders", "drums", "totes", "bags",
                      "tanks", "pails", "buckets", "cans", "jugs", "bottles", "boxes", "containers"}
ARTICLES = {"the", "a", "an", "our", "my", "their", "his", "her", "its", "this", "that", "these", "those", "el", "la",
            "los", "las", "un", "una", "nuestro", "nuestra", "some", "one", "another", "each"}
# words that are never part of a material's name
FILLER = {
    "we", "i", "they", "you", "he", "she", "us", "our", "ours", "me", "my", "keep", "kept", "keeps", "have", "has",
    "had", "having", "got", "get", "gets", "gotten", "store", "stored", "stores", "storing", "stock", "stocked",
    "use", "uses", "there", "there's", "theres", "here", "here's", "are", "is", "was", "were", "be", "been", "'s",
    "s", "of", "a", "an", "the", "and", "x", "each", "it", "its", "it's", "also", "plus", "total", "totally",
    "just", "only", "do", "does", "did", "'ve", "ve", "'re", "re", "'m", "m", "'ll", "ll", "'d", "on", "hand",
    "site", "onsite", "usually", "normally", "typically", "generally", "mostly", "always", "or", "so", "max",
    "maximum", "up", "to", "for", "full", "filled", "worth", "more", "less", "than", "at", "any", "time", "one",
    "ones", "like", "basically", "maybe", "probably", "roughly", "around", "approx", "approximately", "about",
    "yes", "yeah", "yep", "ok", "okay", "well", "um", "uh", "hmm", "oh", "so", "and", "then", "too", "as",
    "please", "pls", "thanks", "thank", "add", "adding", "enter", "put", "list", "new", "another", "next",
    "material", "materials", "chemical", "chemicals", "product", "products", "stuff", "thing", "things", "item",
    "items", "some", "of", "them", "these", "those", "that", "this", "which", "what", "all", "tenemos",
    "hay", "tengo", "de", "y", "con", "unos", "unas", "los", "las", "el", "la", "en", "lo", "que", "para",
    "around", "roughly", "let", "lets", "let's", "say", "said", "would", "will", "can", "could", "should",
    "might", "must", "need", "needs", "keeping", "holding", "holds", "hold", "contains", "containing", "sitting",
    "sits", "sit", "lying", "around", "inventory", "right", "now", "currently", "today", "still", "yet", "usual",
    "typical", "average", "most", "least", "at", "least", "nearly", "almost", "ish", "give", "take", "size",
    "sized", "capacity", "volume", "amount", "quantity", "qty", "count", "half", "full", "empty", "partially",
    "partly", "mostly", "filled", "containers", "container", "number", "no", "not", "don't", "dont",
    "we're", "it's", "that's", "there's", "i'm", "we've", "they're", "i've", "you're", "what's", "fine", "right",
    "sure", "guess", "think", "believe", "count", "counted", "anyway", "actually",
}
PRONOUNS = {"it", "them", "they", "these", "those", "this", "that", "one", "ones", "stuff", "thing", "things",
            "oh", "ah", "eh", "um", "uh", "hmm", "ok", "okay", "yes", "no", "yeah", "nah", "lol", "k"}
WASTE_WORDS = {"waste", "wastes", "used", "spent", "scrap", "contaminated", "dirty", "drained", "discarded",
               "expired", "rinsate", "sludge", "residue", "residues", "recovered", "leftover", "left-over",
               "obsolete", "unusable", "off-spec", "offspec", "residuos", "usado", "usada", "desecho", "desechos"}
# after "used", these words make it a verb ("used for cleaning"), not a waste
_USED_AS_VERB = {"for", "to", "in", "by", "as", "with", "on", "at", "daily", "weekly", "mostly", "mainly",
                 "only", "every", "when", "during"}
PURPOSE_LEADS = {"for", "para", "to"}
_PURPOSE_VERBS = {"run", "runs", "running", "power", "powers", "fuel", "fuels", "clean", "cleaning", "cleans",
                  "treat", "treating", "treats", "kill", "wash", "washing", "cut", "strip", "stripping", "top",
                  "fill", "refill", "disinfect", "sanitize", "sanitizing", "etch", "etching", "make", "mix",
                  "mixing", "dilute", "degrease", "degreasing", "weld", "welding", "spray", "spraying", "feed",
                  "heat", "heating", "cool", "cooling", "charge", "charging", "neutralize", "adjust", "lower",
                  "raise", "shock", "chlorinate", "chlorinating", "operate", "maintain", "service", "lubricate",
                  "paint", "painting", "coat", "coating", "develop", "print", "printing", "dye", "bleach",
                  "bleaching", "fumigate", "fertilize", "fertilizing", "grow", "water", "control"}
_USE_VERBS = {"used", "use", "uses", "using", "needed", "need", "goes", "go", "for"}
_CLAUSE_BREAK = {",", ";", ".", "(", ")", "and", "but", "which", "that", "who", "where", "when", "while", "because",
                 "since", "so", "we", "i", "they", "plus", "also", "&", "y", "pero", "-", "–", ":", "!", "?"}
_MATERIAL_STOP = {",", ";", ".", "(", ")", ":", "!", "?", "which", "that", "who", "where", "when", "while",
                  "because", "since", "but", "we", "i", "they", "each", "per", "stored", "kept", "sitting",
                  "located", "from", "to", "with", "que", "con", "para", "located", "being", "is", "are", "was",
                  "were", "&"}

# the last word of a place ("flammables cabinet", "barrel room", "fume hood 3")
PLACE_HEADS = frozenset({
    "room", "rooms", "area", "areas", "shop", "bay", "bays", "yard", "shed", "cabinet", "cabinets", "closet", "cage",
    "lab", "laboratory", "labs", "warehouse", "barn", "garage", "basement", "cellar", "building", "bldg", "dock",
    "station", "booth", "counter", "shelf", "shelves", "locker", "pad", "lot", "floor", "office", "kitchen",
    "storeroom", "stockroom", "plant", "house", "hall", "wing", "annex", "trailer", "conex", "tunnel", "pit",
    "vault", "mezzanine", "attic", "corner", "dock", "deck", "hangar", "greenhouse", "field", "orchard", "winery",
    "brewhouse", "darkroom", "suite", "zone", "bench", "sink", "hood", "compound", "enclosure", "canopy", "aisle",
    "rack", "racks", "bunker", "lobby", "entrance", "gate", "parking", "outbuilding", "crawlspace", "backroom",
    "breakroom", "stockroom", "mailroom", "workshop", "shops", "facility", "campus", "site", "bldg.", "room.",
    "garages", "maintenance", "storage", "side", "back", "front", "rear", "upstairs", "downstairs", "outside",
    "inside", "basements", "stall", "pen", "shelter", "farm", "tower", "roof", "rooftop", "patio", "porch",
    "kiosk", "island", "gallery", "studio", "clinic", "pharmacy", "morgue", "histology", "pathology", "cafeteria",
    "classroom", "gym", "pool", "deckhouse", "galley", "engine", "wheelhouse", "hold", "marina", "hangar",
})
_CONTAINER_ADJ = frozenset({"amber", "clear", "white", "blue", "black", "red", "plastic", "steel", "metal", "poly",
                            "hdpe", "glass", "small", "large", "big", "empty", "sealed", "closed", "open-head",
                            "tight-head", "lined", "coated", "dot", "un", "rated", "approved", "fiberglass",
                            "stainless", "galvanized", "original", "factory", "gallon", "litre", "liter", "quart"})
_SPANISH_NUMBERS = {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
                    "diez": 10, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30, "cuarenta": 40,
                    "cincuenta": 50, "cien": 100, "doscientos": 200, "quinientos": 500, "mil": 1000}
_NOT_BETWEEN = {"of", "in", "at", "on", "for", "and", "or", "by", "to", "each", "per", "total", "x", "de", "en"}
_QTY_WORDS = {"x", "of", "a", "an", "one", "single", "another", "each", "ea", "apiece", "per", "@", "times", "at",
              "total", "size", "sized", "de", "un", "una", "-", "piece", "pop", "couple", "few", "several", "some"}
_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_FRACTION_TOKEN_RE = re.compile(r"^(\d+)/(\d+)$")
_TOKEN_RE = re.compile(
    r"\d+[A-Za-z][A-Za-z0-9]*(?:[-/](?=[A-Za-z0-9])[A-Za-z0-9]+)*"  # 10W-30, 5w30
    r"|\d+(?:\.\d+)?(?:(?<=\d),(?=\d)\d+)*(?:[-/](?=[A-Za-z0-9])[A-Za-z0-9]+)*"  # numbers, 1,1,1-..., 2-propanol
    r"|[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f]*(?:(?:['\u2019]|[-./](?=[A-Za-z0-9]))[A-Za-z0-9\u00c0-\u024f]+)*"
    r"(?:\((?:i{1,3}|iv|vi{0,3}|ii|[IVX]{1,4})\))?"  # words, R-410A, CO2, copper(II)
    r"|[^\sA-Za-z0-9]")
_UNIT_ALT = ("gallons?|gals?|gal\\.?|gl|liters?|litres?|ltrs?|lts?|l|lbs?\\.?|pounds?|kgs?|kilos?|kilograms?|qts?|"
             "quarts?|pints?|pts?|oz|ounces?|ml|cf|scf|cuft|ft3|tons?|tonnes?|m3|galones|galon|litros?|libras?|"
             "g|grams?|gms?")
_GLUED_UNIT_RE = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)?|\d{{1,3}}(?:,\d{{3}})+)\s*-?\s*({_UNIT_ALT})(?![\w])",
                            re.IGNORECASE)
_TIMES_RE = re.compile(r"(?<=\d)\s*[x\u00d7*]\s*(?=\d)", re.IGNORECASE)
_PLURAL_S_RE = re.compile(r"^(\d+)'?s$")  # "55s" (drums)


@dataclass
class Mention:
    """What one material's words say. Unknown parts are None; totals are in `unit` (a CERS unit family)."""
    text: str  # the words of this mention (the whole message when it names one material)
    material_text: Optional[str] = None  # the material's words, as written ("Klean-Strip acetone")
    material_options: list[str] = field(default_factory=list)  # other spans that may be the material
    total: Optional[float] = None  # total in `unit`
    unit: Optional[str] = None  # gallons | pounds | cubic feet | tons
    written_total: Optional[float] = None  # total in the unit as written
    written_unit: Optional[str] = None  # the unit as written ("L", "lbs", "cu ft")
    count: Optional[float] = None  # number of containers
    size: Optional[float] = None  # per container, in `size_unit`
    size_unit: Optional[str] = None
    container_word: Optional[str] = None  # "drum", "tote", "cylinder" (singular, as written)
    container_code: Optional[str] = None  # STORAGE_CONTAINER_COLUMNS attribute
    location: Optional[str] = None  # "back shop"
    purpose: Optional[str] = None  # "cleaning parts"
    waste: bool = False  # "used oil", "spent solvent", "waste antifreeze"
    percent: Optional[float] = None  # a concentration said with the material ("35% hydrogen peroxide")
    solution: bool = False  # "solution", "aqueous", a concentration: stored as a liquid
    approximate: bool = False
    vague_amount: bool = False  # "some", "a few drums": the amount must be asked
    state_words: Optional[str] = None  # "liquid", "gas", "powder"... said by the filer: a, b or c
    pressure_words: Optional[str] = None  # "under pressure", "compressed" -> b
    bare_size: bool = False  # "2 x 55": count x size, unit not said (gallons for a liquid, pounds for a solid)
    clarification: Optional[str] = None  # words in parentheses after the name: "(phosphoric acid)"
    notes: list[str] = field(default_factory=list)

    @property
    def has_amount_words(self) -> bool:
        return self.total is not None or self.count is not None or self.size is not None or self.vague_amount


# --- tokens ----------------------------------------------------------------------------------------------


@dataclass
class _Tok:
    text: str
    low: str
    start: int  # char offset in the prepared text
    kind: str = "word"  # word | num | unit | container | punct
    value: Optional[float] = None
    unit: Optional[tuple[str, str]] = None  # (pint unit, CERS family)
    code: Optional[str] = None  # container attribute
    base: Optional[str] = None  # container word, singular
    role: Optional[str] = None  # qty | container | location | purpose | material | filler


def _singular(word: str) -> str:
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def prepare(text: str) -> str:
    """Digits for number words, "55gal" -> "55 gal", "2x55" -> "2 x 55", "one and a half" -> "1.5"."""
    s = (text or "").replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ").replace("\u2019", "'")
    s = re.sub(r"\bone and a half\b", "1.5", s, flags=re.IGNORECASE)
    s = re.sub(r"\b(?:a|one) and a half\b", "1.5", s, flags=re.IGNORECASE)
    s = re.sub(r"\bhalf (?:a )?dozen\b", "6", s, flags=re.IGNORECASE)
    s = re.sub(r"\b(?:a\s+)?(?:pair)\s+of\b", "2", s, flags=re.IGNORECASE)
    s = re.sub(r"\ba\s+quarter(?:\s+of)?(?:\s+an?)?\b", "0.25", s, flags=re.IGNORECASE)
    s = re.sub(r"\bthree[- ]quarters?(?:\s+of)?(?:\s+an?)?\b", "0.75", s, flags=re.IGNORECASE)
    s = re.sub(r"\bmedia\b(?=\s+(?:tonelada|galon|libra|tambo|tambor|cubeta))", "0.5", s, flags=re.IGNORECASE)
    s = re.sub(r"\bpies\s+c[uú]bicos\b", "cubic feet", s, flags=re.IGNORECASE)
    s = re.sub(r"\b(?:medio|media)\b", "0.5", s, flags=re.IGNORECASE)
    s = re.sub(r"\b(" + "|".join(_SPANISH_NUMBERS) + r")\b(?=\s+\w)",
               lambda m: str(_SPANISH_NUMBERS[m.group(1).lower()]), s, flags=re.IGNORECASE)
    s = re.sub(r"\b(?:a\s+)?couple(?:\s+of)?\s+(?=(?:\d|quarts?|gallons?|gal|pints?|pounds?|lbs?|liters?|litres?|"
               r"drums?|totes?|cans?|pails?|buckets?|jugs?|bottles?|bags?|cylinders?|tanks?|boxes|cases?)\b)", "2 ",
               s, flags=re.IGNORECASE)
    s = replace_number_words(s)
    s = re.sub(r"\b(\d+(?:\.\d+)?)\s*k\b(?=\s*(?:gal|gallon|lb|pound|cf|cu|cubic|liter|litre))",
               lambda m: _fmt(float(m.group(1)) * 1000), s, flags=re.IGNORECASE)
    s = re.sub(r"\b(55|30|15|5)'?s\b", r"\1 gal drums", s)  # "four 55s"
    s = re.sub(r"\b(275|330|250)'?s\b", r"\1 gal totes", s)
    s = re.sub(r"\b(\d+)\s+and\s+(?:a\s+)?(?:half|0\.5)\b", lambda m: str(int(m.group(1)) + 0.5), s,
               flags=re.IGNORECASE)
    s = re.sub(r"\b(\d+)\s+(?:and\s+)?(\d)/(\d)\b",
               lambda m: _fmt(int(m.group(1)) + int(m.group(2)) / int(m.group(3))) if int(m.group(3)) else m.group(0), s)
    s = re.sub(r"\bhalf\b(?=\s+(?:of\s+)?(?:an?\s+|the\s+|that\s+|one\s+)?\d|\s+(?:an?\s+)?(?:drum|tote|tank|barrel|"
               r"bag|box|cylinder|can|pail|bucket|jug|gallon|pound|ton|load|pallet))", "0.5", s, flags=re.IGNORECASE)
    s = re.sub(r"\b0\.5\s+(?:an?|one)\s+", "0.5 ", s)
    s = _TIMES_RE.sub(" x ", s)
    s = re.sub(r"(?<![A-Za-z])[x\u00d7](?=\d)", "x ", s)  # "2.5L x6" -> "x 6"
    s = re.sub(r"(?<=[A-Za-z])\s+\(((?:I{1,3}|IV|VI{0,3})|(?:i{1,3}|iv|vi{0,3}))\)", r"(\1)", s)  # copper (II)
    s = _GLUED_UNIT_RE.sub(lambda m: f"{m.group(1)} {m.group(2)}", s)
    s = re.sub(r"(?<=\d)(?=(?:drums?|totes?|cyl|cylinders?|bags?|pails?|cans?|jugs?|tanks?)\b)", " ", s,
               flags=re.IGNORECASE)
    s = re.sub(r"\b(\d+)'s\b", r"\1", s)
    return s


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(round(value, 6))


def _number(text: str) -> Optional[float]:
    t = text.replace(",", "") if _NUMBER_RE.match(text) else text
    if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", t):
        try:
            value = float(t)
        except ValueError:
            return None
        return value if value < 1e12 else None
    m = _FRACTION_TOKEN_RE.match(text)
    if m and int(m.group(2)) and int(m.group(1)) < int(m.group(2)):
        return int(m.group(1)) / int(m.group(2))
    return None


def _tokens(prepared: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(prepared):
        text = m.group(0)
        low = text.lower().rstrip(".") if text not in (".",) else text
        tok = _Tok(text=text, low=low, start=m.start())
        value = _number(text)
        if value is not None:
            tok.kind, tok.value = "num", value
        elif low in UNIT_WORDS and low not in ("l", "g", "gr", "mt", "#", "pt", "gl", "lt"):
            tok.kind, tok.unit = "unit", UNIT_WORDS[low]
        elif low in ("l", "g", "gr", "mt", "#", "pt", "gl", "lt"):
            tok.unit = UNIT_WORDS[low]  # a unit only right after a number (decided in _tag)
        elif not text[0].isalnum() and len(text) == 1:
            tok.kind = "punct"
        if tok.kind == "word":
            base = _singular(low)
            if base in CONTAINER_WORDS:
                tok.kind, tok.base, tok.code = "container", base, CONTAINER_WORDS[base]
        toks.append(tok)
    # a unit abbreviation that is also a word counts only after a number: "5 L", "20 g"
    for i, t in enumerate(toks):
        if t.kind == "word" and t.unit is not None:
            if i > 0 and toks[i - 1].kind == "num":
                t.kind = "unit"
            else:
                t.unit = None
    # "cubic feet", "cu ft", "cubic meters", "fl oz", "short tons"
    merged: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        nxt2 = toks[i + 2] if i + 2 < len(toks) else None
        if t.low in ("cubic", "cu") and nxt is not None:
            j = i + 1
            if nxt.low == "." and nxt2 is not None:
                j = i + 2
            word = toks[j].low
            if word in ("feet", "foot", "ft", "ft.", "fts"):
                merged.append(_Tok(t.text + " " + toks[j].text, "cubic feet", t.start, "unit",
                                   unit=("cubic_foot", "cubic feet")))
                i = j + 1
                continue
            if word in ("meter", "meters", "metre", "metres", "m"):
                merged.append(_Tok(t.text + " " + toks[j].text, "cubic meters", t.start, "unit",
                                   unit=("meter ** 3", "cubic feet")))
                i = j + 1
                continue
        if t.low in ("fl", "fluid") and nxt is not None and nxt.low in ("oz", "ounce", "ounces"):
            merged.append(_Tok(t.text + " " + nxt.text, "fl oz", t.start, "unit", unit=("fluid_ounce", "gallons")))
            i += 2
            continue
        if t.low in ("short", "metric") and nxt is not None and nxt.low in ("ton", "tons"):
            pint = "metric_ton" if t.low == "metric" else "short_ton"
            merged.append(_Tok(t.text + " " + nxt.text, t.low + " tons", t.start, "unit", unit=(pint, "tons")))
            i += 2
            continue
        if t.low == "oz" and i > 0 and merged and merged[-1].kind == "num":
            pass
        merged.append(t)
        i += 1
    # two-word containers ("poly drum", "gas can", "above ground tank", "tank truck")
    for i, t in enumerate(merged):
        if t.kind == "container" and i > 0:
            mod = merged[i - 1].low.replace("-", "")
            if (mod, t.base) in CONTAINER_MODIFIERS:
                t.code = CONTAINER_MODIFIERS[(mod, t.base or "")]
                merged[i - 1].role = "container_mod"
            elif mod == "ground" and i > 1 and merged[i - 2].low in ("above", "under", "below"):
                t.code = "sc_above_ground_tank" if merged[i - 2].low == "above" else "sc_under_ground_tank"
                merged[i - 1].role = merged[i - 2].role = "container_mod"
        if t.low in ("truck", "car") and i > 0 and merged[i - 1].low in ("tank", "rail"):
            merged[i - 1].role = "container_mod"
            t.kind, t.base, t.code = "container", t.low, ("sc_tank_wagon" if t.low == "truck" else "sc_rail_car")
    # a container word that names a place: "barrel room", "tank farm", "drum storage area", "tote yard"
    for i, t in enumerate(merged):
        if t.kind == "container" and i + 1 < len(merged) and (
                merged[i + 1].low in PLACE_HEADS - {"back", "front", "side", "rear", "outside", "inside", "storage"}
                or merged[i + 1].low == "farm"
                or (merged[i + 1].low == "storage" and i + 2 < len(merged) and merged[i + 2].low in PLACE_HEADS)) \
                and not (i > 0 and merged[i - 1].kind in ("num", "unit")):
            t.kind, t.base, t.code = "word", None, None
    # "a 10,000 gallon underground gasoline tank", "UST": the tank is underground wherever the word is
    if any(t.low in ("underground", "buried", "ust", "usts", "subterranean") for t in merged):
        for t in merged:
            if t.kind == "container" and t.base == "tank":
                t.code = "sc_under_ground_tank"
            if t.low in ("underground", "buried", "subterranean"):
                t.role = "container_mod"
    # "gas" as in "gas can"/"gas cylinder" is a container modifier; "can" is a container only after a number,
    # an article or an adjective, never as the verb ("we can store")
    for i, t in enumerate(merged):
        if t.kind == "container" and t.base == "can":
            prev = merged[i - 1].low if i > 0 else ""
            nxt_low = merged[i + 1].low if i + 1 < len(merged) else ""
            if t.low == "can" and not (merged[i - 1].kind in ("num", "unit") if i > 0 else False) and prev not in (
                    "a", "an", "one", "the", "gas", "safety", "spray", "aerosol", "gallon", "gal", "paint", "jerry",
                    "each", "per", "every", "oil", "fuel", "metal", "steel", "5", "quart", "full", "empty") and \
                    nxt_low != "of":
                t.kind, t.base, t.code = "word", None, None
        if t.kind == "container" and t.base == "bin" and not (i > 0 and merged[i - 1].kind in ("num", "unit")):
            t.kind, t.base, t.code = "word", None, None  # "bin 4" / "the parts bin" is a place
        if t.kind == "container" and t.base in ("unit", "container", "package") and not (
                i > 0 and merged[i - 1].kind in ("num", "unit")):
            t.kind, t.base, t.code = "word", None, None
    return merged


# --- quantity groups -------------------------------------------------------------------------------------


@dataclass
class _Group:
    start: int
    end: int  # token span [start, end)
    count: Optional[float] = None
    size: Optional[float] = None
    unit_tok: Optional[_Tok] = None
    container: Optional[_Tok] = None
    each: bool = False
    is_total: bool = False
    packs: list[float] = field(default_factory=list)
    count_before: bool = False  # "2 cylinders 244 cf": per container or in all? (decided by the container)
    connector: bool = False  # "x", "of", "(" between the count and the measure: per container
    bare: bool = False  # "2 x 55": no unit, no container


def _quantity_groups(toks: list[_Tok]) -> list[_Group]:
    """Amount expressions: a measure (number + unit) with the counts that multiply it and the container it fills,
    or a count of containers without a measure ("3 drums")."""
    groups: list[_Group] = []
    used = [False] * len(toks)
    n = len(toks)
    # measures first
    for i, t in enumerate(toks):
        if t.kind != "unit" or i == 0 or toks[i - 1].kind != "num" or used[i]:
            continue
        g = _Group(start=i - 1, end=i + 1, size=toks[i - 1].value, unit_tok=t)
        # "1.5" may have been split as "1 1/2": already merged in prepare()
        j = i + 1
        if j < n and toks[j].low in EACH_WORDS and toks[j].low != "per":
            g.each, g.end = True, j + 1
        elif j < n and toks[j].low == "per" and j + 1 < n and toks[j + 1].kind == "container":
            g.each, g.end = True, j + 2
            g.container = toks[j + 1]
        elif j < n and toks[j].low in ("total", "in") and toks[j].low == "total":
            g.is_total, g.end = True, j + 1
        elif j + 1 < n and toks[j].low == "a" and toks[j + 1].low in ("piece", "pop"):
            g.each, g.end = True, j + 2
        # "each is 244 cubic feet", "each at 125 cf", "each 275 gallons": per container
        for back in range(max(0, g.start - 3), g.start):
            if toks[back].low in ("each", "apiece", "cada"):
                g.each = True
        if g.end < n and toks[g.end].low in ("ones", "one", "size", "sizes", "models"):
            g.each, g.end = True, g.end + 1  # "they're the 20 pound ones"
        # a container right after the measure: "55 gal drums", "20 lb bags", "1 gal jugs"
        k = g.end
        adjectives = 0
        while k < n and (toks[k].role == "container_mod" or toks[k].low in ("-", "size", "sized") or (
                toks[k].kind == "word" and adjectives < 2 and toks[k].low not in _NOT_BETWEEN and k + 1 < n and (
                    toks[k + 1].kind == "container" or toks[k + 1].role == "container_mod" or (
                        adjectives == 0 and k + 2 < n and toks[k + 2].kind == "container")))):
            adjectives += toks[k].kind == "word" and toks[k].role != "container_mod"
            if toks[k].low in _CONTAINER_ADJ:
                toks[k].role = "container_mod"
            k += 1
        if not g.container and k < n and toks[k].kind == "container":
            g.container, g.end = toks[k], k + 1
            if g.end < n and toks[g.end].low in EACH_WORDS and toks[g.end].low != "per":
                g.each, g.end = True, g.end + 1
        elif not g.container and g.end < n and toks[g.end].low == "glass":
            g.container = _Tok("glass", "glass", toks[g.end].start, "container", base="bottle",
                               code="sc_glass_bottle")  # "4 x 4 L glass"
            toks[g.end].role = "container"
            g.end += 1
        # a count after the containers: "50 lb sacks, a dozen", "1 gal jugs (6)"
        if g.container is not None and g.container.low != g.container.base and g.count is None:
            k = g.end
            while k < n and (toks[k].low in (",", "(", "-", ":", "x", "×") or toks[k].low in APPROX_WORDS):
                k += 1
            if k < n and toks[k].kind == "num" and not (k + 1 < n and toks[k + 1].kind in ("unit", "container")) \
                    and not (k + 1 < n and toks[k + 1].low in ("%", "percent")):
                g.count, g.end = toks[k].value, k + 1
                if g.end < n and toks[g.end].low == ")":
                    g.end += 1
        # multipliers to the left: "3 x 55 gal", "three 55-gallon", "a couple of 20 lb", "10 cases of 4 x 1 gal"
        k = g.start - 1
        while k >= 0:
            tk = toks[k]
            if tk.low in ("x", "×", "*", "of", "@", "-", "de", "times", "(") and k > 0:
                if tk.low != "-":
                    g.connector = True
                k -= 1
                continue
            if tk.kind == "container" and tk.base in _PACKS and k > 0 and toks[k - 1].kind == "num":
                g.packs.append(toks[k - 1].value or 1.0)
                g.start = k - 1
                k -= 2
                continue
            if tk.kind == "container" and k > 0 and toks[k - 1].kind == "num" and not used[k - 1] and \
                    g.count is not None and g.connector:
                # "8 boxes of 6 x 1 qt bottles": the outer containers multiply too
                g.packs.append(toks[k - 1].value or 1.0)
                g.start = k - 1
                k -= 2
                continue
            if tk.kind == "container" and tk.base not in _PACKS and g.container is None and k > 0 and \
                    toks[k - 1].kind == "num" and not used[k - 1] and g.count is None:
                # "10 bags x 25 kg", "6 jugs (1 gal)", "2 cylinders 244 cf": a count of containers, then the measure
                g.count, g.container, g.start = toks[k - 1].value, tk, k - 1
                g.count_before = True
                k -= 2
                continue
            if tk.low == ")" and k >= 2 and toks[k - 1].kind == "num" and toks[k - 2].low == "(" and g.count is None:
                g.count, g.start = toks[k - 1].value, k - 2
                k -= 3
                continue
            if tk.kind == "num" and not used[k]:
                if g.count is None:
                    g.count = tk.value
                else:
                    g.packs.append(tk.value or 1.0)
                g.start = k
                k -= 1
                continue
            if tk.low in ("a", "an", "one", "single", "un", "una") and g.count is None and g.container is not None \
                    and not _name_letter(toks, k, 0):
                g.count = 1.0
                g.start = k
                # "3/4 of a 55 gal drum": a fraction before "of a"
                if k >= 2 and toks[k - 1].low == "of" and toks[k - 2].kind == "num" and not used[k - 2]:
                    g.count, g.start = toks[k - 2].value, k - 2
            break
        # "x 3", "times 3" to the right
        if g.end + 1 < n and toks[g.end].low in ("x", "×", "*", "times") and toks[g.end + 1].kind == "num":
            if g.count is None:
                g.count = toks[g.end + 1].value
            g.end += 2
        for x in range(g.start, g.end):
            used[x] = True
        groups.append(g)
    # counts of containers without a measure: "3 drums", "a tote", "two 55s"
    for i, t in enumerate(toks):
        if t.kind != "container" or used[i] or t.base in _PACKS and not (i + 1 < n and toks[i + 1].low == "of"):
            continue
        g = _Group(start=i, end=i + 1, container=t)
        k = i - 1
        while k >= 0 and (toks[k].role == "container_mod" or toks[k].low in ("-",)):
            k -= 1
        # "three 55 drums": a bare size between the count and the container
        if k >= 1 and toks[k].kind == "num" and toks[k - 1].kind == "num" and not used[k] and not used[k - 1]:
            g.count, g.size, g.start = toks[k - 1].value, toks[k].value, k - 1
        elif k >= 0 and toks[k].kind == "num" and not used[k]:
            g.count, g.start = toks[k].value, k
            if k >= 2 and toks[k - 1].low in ("x", "×", "of") and toks[k - 2].kind == "num" and not used[k - 2]:
                g.packs.append(toks[k - 2].value or 1.0)
                g.start = k - 2
        elif k >= 0 and toks[k].low in ("a", "an", "one", "single", "un", "una", "another"):
            g.count, g.start = 1.0, k
        elif k >= 1 and toks[k].kind == "word" and toks[k - 1].kind == "num" and toks[k].low not in ARTICLES \
                and not used[k - 1] and toks[k].low not in ("of", "in", "at", "on", "and", "for", "x"):
            # "3 oxygen cylinders", "two acetylene cylinders": a count before the material's word
            g.count, g.start = toks[k - 1].value, k - 1
        elif k >= 2 and toks[k].kind == "word" and toks[k - 1].kind == "word" and toks[k - 2].kind == "num" and \
                not used[k - 2] and toks[k].low not in ARTICLES | {"of", "in", "at", "on", "and", "for"} and \
                toks[k - 1].low not in {"of", "in", "at", "on", "and", "for"}:
            g.count, g.start = toks[k - 2].value, k - 2
        elif k >= 0 and toks[k].low in VAGUE_WORDS:
            g.start = k
        # "three drums, 55 each" / "drums of 55" / "3 drums (55 gallons each)" / "drums at 55 gal" / "1 drum 55" /
        # "4 drums x 55" / "a tote, 275"
        j = i + 1
        j1 = j
        while j1 < n and toks[j1].low in ("of", "at", "@", "x", "×", ",", "(", "-", "de"):
            j1 += 1
        bare = j1 < n and toks[j1].kind == "num" and not used[j1] and (
            j1 + 1 >= n or (toks[j1 + 1].kind not in ("unit", "container") and toks[j1 + 1].low not in (
                "%", "percent", "x", "×")))
        if bare and g.count is not None and g.size is None and t.base in _LIQUID_CONTAINERS | _SOLID_CONTAINERS and \
                (j1 - j <= 2) and (toks[j1].value or 0) >= 1:
            g.size, g.end = toks[j1].value, j1 + 1
            if g.end < n and toks[g.end].low in EACH_WORDS:
                g.each, g.end = True, g.end + 1
            if g.end < n and toks[g.end].low == ")":
                g.end += 1
        elif j + 1 < n and toks[j].low in ("of", "at", "@") and toks[j + 1].kind == "num" and not used[j + 1] and \
                (j + 2 >= n or toks[j + 2].kind != "unit"):
            if g.size is None:
                g.size = toks[j + 1].value
                g.end = j + 2
        else:
            j2 = j
            while j2 < n and toks[j2].low in (",", "(", "-", ":", "at", "@"):
                j2 += 1
            if j2 + 1 < n and toks[j2].kind == "num" and toks[j2 + 1].low in EACH_WORDS and not used[j2]:
                g.size, g.end, g.each = toks[j2].value, j2 + 2, True
        for x in range(g.start, g.end):
            used[x] = True
        groups.append(g)
    # "hydraulic oil 2 x 55": a count and a size without a unit (the material's state decides gallons or pounds)
    for i in range(n - 2):
        if toks[i].kind == "num" and toks[i + 1].low in ("x", "×", "*") and toks[i + 2].kind == "num" and \
                not used[i] and not used[i + 2] and not (i + 3 < n and toks[i + 3].kind in ("unit", "container")) \
                and not (i + 3 < n and toks[i + 3].low in ("%", "percent")) and (toks[i + 2].value or 0) >= 1:
            g = _Group(start=i, end=i + 3, count=toks[i].value, size=toks[i + 2].value)
            g.bare = True
            for x in range(i, i + 3):
                used[x] = True
            groups.append(g)
    # "three drums of acetone, 55 each": a bare number + "each" later in the clause is the size
    for g in groups:
        if g.unit_tok is None and g.container is not None and g.size is None:
            for j in range(g.end, min(n, g.end + 12)):
                if toks[j].kind == "container" or toks[j].low in (";", "."):
                    break
                if toks[j].kind == "num" and not used[j] and j + 1 < n and toks[j + 1].low in EACH_WORDS:
                    g.size, g.each = toks[j].value, True
                    used[j] = used[j + 1] = True
                    toks[j].role = toks[j + 1].role = "qty"
                    break
    # measures that say "each" with a count of containers elsewhere: "6 cylinders of argon, 300 cf each"
    for g in groups:
        if g.unit_tok is not None and g.each and g.count is None:
            counted = [h for h in groups if h is not g and h.unit_tok is None and h.count is not None]
            before = [h for h in counted if h.start < g.start and not any(
                toks[x].low in (";", ".", "and", "also", "plus") for x in range(h.end, g.start))]
            nearest = max(before, key=lambda h: h.start) if before else None
            if nearest is not None:
                g.count = nearest.count
                if g.container is None:
                    g.container = nearest.container
                nearest.count = None
                nearest.container = None
    # "3 drums of 55 gallons": a count of containers followed by "of" + a measure
    for g in groups:
        if g.unit_tok is None and g.count is not None and g.container is not None and g.size is None:
            j = g.end
            if j < n and toks[j].low in ("of", "at", "@", ","):
                for h in groups:
                    if h.unit_tok is not None and h.start == j + 1 and h.count is None:
                        h.count, h.container = g.count, g.container
                        g.count = None
                        g.container = None
                        break
    return [g for g in groups if g.unit_tok is not None or g.count is not None or g.container is not None or
            g.size is not None]


# --- places, purposes, material words -------------------------------------------------------------------


def _mark_location(toks: list[_Tok], start: int, end: int) -> Optional[tuple[int, int, int]]:
    """The first place phrase in [start, end): (phrase start, phrase end, start without "in the")."""
    i = start
    while i < end:
        t = toks[i]
        w = t.low
        if w not in LOCATION_PREPS or t.role is not None:
            i += 1
            continue
        j = i + 1
        if w == "next" and j < end and toks[j].low == "to":
            j += 1
        elif w == "junto" and j < end and toks[j].low == "a":
            j += 1
        elif w == "out" and not (j < end and toks[j].low in ("back", "front", "behind", "side", "by", "in", "at",
                                                               "near", "on", "past", "there", "here", "west",
                                                               "east", "north", "south", "yonder", "beyond")):
            i += 1
            continue
        elif w == "off" and not (j < end and toks[j].low in ("the",)):
            i += 1
            continue
        if w in _BARE_LOCATIONS and (j >= end or toks[j].low in (",", ".", "and", ";", "for", "y", "by", "in",
                                                                   "near", "next", "behind", "on")):
            if j >= end or toks[j].low in (",", ".", "and", ";", "for", "y"):
                return i, j, i
        k = j
        while k < end and toks[k].low in ARTICLES:
            k += 1
        phrase_end = k
        while phrase_end < end and toks[phrase_end].kind == "word" and toks[phrase_end].low not in _CLAUSE_BREAK:
            phrase_end += 1
        if k >= end or toks[k].kind in ("num", "container", "unit") or toks[k].low in _NOT_PLACES or \
                toks[k].low in PURPOSE_LEADS or toks[k].kind == "punct" or toks[k].role is not None or \
                (phrase_end - k == 1 and toks[k].low in _NOT_PLACE_PHRASES):
            # "in drums", "in 5 gal pails", "on hand", "in stock", "at 55 gallons"
            if w in _BARE_LOCATIONS and w not in ("in", "on", "at", "by"):
                return i, j, i
            i += 1
            continue
        e = k
        while e < end and toks[e].low not in _CLAUSE_BREAK and toks[e].kind not in ("num",) and \
                toks[e].low not in ("for", "para", "used", "to") and not (
                toks[e].kind == "container" and e > k and toks[e - 1].low in ("in", "a", "an")):
            if toks[e].kind == "unit":
                break
            e += 1
        # "fume hood 3", "building 4", "bay 2"
        if e < end and e > k and toks[e].kind == "num" and toks[e - 1].low in PLACE_HEADS | {"unit", "tank", "line"} \
                and not (e + 1 < end and toks[e + 1].kind in ("unit", "container")):
            e += 1
        # "next to the drums of used oil": a place may contain a container word, but not start with one
        if e <= k:
            i += 1
            continue
        stripped = i
        if w in ("in", "at", "on", "inside", "en", "within") or (w == "inside" and e > j):
            stripped = j
            while stripped < e and toks[stripped].low in ARTICLES:
                stripped += 1
        return i, e, stripped
    return None


def _mark_purpose(toks: list[_Tok], start: int, end: int) -> Optional[tuple[int, int, int]]:
    """"for the forklifts", "used for welding", "to run the generator", "that we use to clean parts"."""
    i = start
    while i < end:
        w = toks[i].low
        lead: Optional[int] = None
        if w in ("for", "para") and toks[i].role is None:
            nxt = toks[i + 1].low if i + 1 < end else ""
            if nxt and nxt not in ("about", "approx", "now", "sure", "example", "instance", "the", "a", "an") or \
                    nxt in ("the", "a", "an") and i + 2 < end and toks[i + 2].kind == "word":
                lead = i
        elif w in ("used", "use", "uses", "using") and i + 1 < end and toks[i + 1].low in ("for", "to", "in", "as"):
            lead = i
        elif w == "to" and i + 1 < end and toks[i + 1].low in _PURPOSE_VERBS:
            lead = i
        if lead is None:
            i += 1
            continue
        j = lead + 1
        while j < end and toks[j].low in ("for", "to", "in", "as", "the", "our", "a", "an"):
            j += 1
        e = j
        while e < end and toks[e].low not in _CLAUSE_BREAK and toks[e].kind not in ("num", "unit") and \
                toks[e].low not in LOCATION_PREPS - {"on", "off"}:
            e += 1
        if e > j:
            return lead, e, j
        i += 1
    return None


def _content(t: _Tok) -> bool:
    return t.kind in ("word",) and t.role is None and t.low not in FILLER and t.low not in APPROX_WORDS and \
        t.low not in VAGUE_WORDS and t.low not in PRONOUNS and t.low not in LOCATION_PREPS


def _material_spans(toks: list[_Tok], start: int, end: int) -> list[tuple[int, int]]:
    """Runs of words that may name the material, best first: after "of", next to the amount, the longest."""
    spans: list[tuple[int, int]] = []
    # the noun phrase after "of" / "de"
    for i in range(start, end):
        if toks[i].low not in ("of", "de", "del") or toks[i].role is not None:
            continue
        before = toks[i - 1] if i > start else None
        if before is not None and before.kind == "word" and before.role is None and _content(before) and \
                before.low not in VAGUE_WORDS and before.low not in ("lot", "bunch", "pallet", "pallets", "load",
                                                                     "loads", "supply", "stock", "type", "kind"):
            continue  # "oil of vitriol", "tincture of iodine": "of" inside the name
        j = i + 1
        while j < end and (toks[j].low in ARTICLES or toks[j].low in ("some", "our", "pure")):
            j += 1
        k = j
        while k < end and toks[k].role is None and toks[k].low not in _MATERIAL_STOP and toks[k].kind in (
                "word", "num") and not (toks[k].kind == "num" and k + 1 < end and toks[k + 1].kind in ("unit",)):
            if toks[k].kind == "num" and not (k + 1 < end and toks[k + 1].low in ("%",)) and not re.search(
                    r"[a-z]", toks[k].low):
                break
            k += 1
        if k > j:
            spans.append((j, k))
    # every run of content words (numbers inside names like "10w-30" are words already)
    run: list[int] = []
    runs: list[tuple[int, int]] = []
    for i in range(start, end):
        t = toks[i]
        of_inside = t.low in ("of", "de") and run and i + 1 < end and _content(toks[i + 1]) and \
            toks[i - 1].role is None and _content(toks[i - 1])
        joined_ok = t.kind == "word" and t.role is None and t.low not in _MATERIAL_STOP and (t.low not in (
            "of", "de", "x") or of_inside) and t.low not in LOCATION_PREPS
        if joined_ok and not (not run and not _content(t)):
            run.append(i)
        else:
            if run:
                runs.append((run[0], run[-1] + 1))
            run = []
            if joined_ok and _content(t):
                run.append(i)
    if run:
        runs.append((run[0], run[-1] + 1))
    trimmed: list[tuple[int, int]] = []
    for a, b in runs:
        while a < b and not _content(toks[a]):
            a += 1
        while b > a and not _content(toks[b - 1]) and not _name_letter(toks, b - 1, a):
            b -= 1
        if b > a:
            trimmed.append((a, b))
    def distance(ab: tuple[int, int]) -> int:
        near = [i for i in range(start, end) if toks[i].role in ("qty", "container") or toks[i].kind in (
            "container", "num", "unit")]
        if not near:
            return 0
        return min(min(abs(i - ab[0]), abs(i - (ab[1] - 1))) for i in near)

    trimmed.sort(key=lambda ab: (distance(ab) > 2, ab[0]))
    for s in trimmed:
        if s not in spans:
            spans.append(s)
    return spans


def _name_letter(toks: list[_Tok], i: int, a: int) -> bool:
    """A capital letter that ends a name: "Jet A", "Part B", "Vitamin E"."""
    t = toks[i]
    return len(t.text) == 1 and t.text.isupper() and i > a and toks[i - 1].kind == "word" and _content(toks[i - 1])


def _join(toks: list[_Tok], a: int, b: int) -> str:
    out = ""
    for i in range(a, b):
        t = toks[i]
        if i > a and not (t.text in ("%",) or toks[i - 1].text in ("(",) or t.text in (")",)):
            out += " "
        out += t.text
    return out.strip(" ,.;:-")


# --- one mention -----------------------------------------------------------------------------------------


_STATE_PATTERNS = (
    (re.compile(r"\b(?:liquid|liquids|solution|soln|aqueous|dissolved|liquefied|liquified|fluid|wet)\b", re.I), "b"),
    (re.compile(r"\b(?:powder|powdered|granular|granules|pellets?|tablets?|tabs|flakes?|crystals?|solid|solids|"
                r"dry|prills?|briquettes?|bars?|ingots?|chunks?|dust)\b", re.I), "a"),
    (re.compile(r"\b(?:gas|gases|gaseous|compressed|vapou?r)\b", re.I), "c"),
)
_PRESSURE_RE = re.compile(r"\b(?:under pressure|pressuri[sz]ed|compressed|high pressure|above ambient pressure)\b",
                          re.I)
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent|pct)")


def _mention(toks: list[_Tok], a: int, b: int, prepared: str, groups: list[_Group]) -> Mention:
    text = prepared[toks[a].start:(toks[b - 1].start + len(toks[b - 1].text))] if b > a else ""
    m = Mention(text=text)
    low_text = text.lower()
    # roles of the amount groups
    mine = [g for g in groups if a <= g.start < b]
    for g in mine:
        for i in range(g.start, g.end):
            t = toks[i]
            # "3 oxygen cylinders": the words between the count and the container stay the material's
            if t.kind != "word" or t.role == "container_mod" or t.low in _QTY_WORDS:
                t.role = "qty" if t.role != "container_mod" else "container"
    _apply_groups(m, mine, toks)
    for i in range(a, b):
        if toks[i].kind == "container" and toks[i].role is None:
            toks[i].role = "container"
            if m.container_code is None and toks[i].code:
                m.container_code, m.container_word = toks[i].code, toks[i].base
        if toks[i].role == "container_mod":
            toks[i].role = "container"
        if toks[i].low in APPROX_WORDS and toks[i].low != "like" or toks[i].low == "like" and i + 1 < b and \
                toks[i + 1].kind == "num":
            m.approximate = True
    if re.search(r"\bor so\b|\bgive or take\b|\bish\b|~", low_text):
        m.approximate = True
    # place and purpose
    purpose = _mark_purpose(toks, a, b)
    if purpose is not None:
        ps, pe, pstart = purpose
        for i in range(ps, pe):
            toks[i].role = "purpose"
        m.purpose = _join(toks, pstart, pe) or None
    loc = _mark_location(toks, a, b)
    if loc is not None:
        ls, le, lstart = loc
        for i in range(ls, le):
            if toks[i].role is None:
                toks[i].role = "location"
        m.location = _join(toks, lstart, le) or None
    elif m.location is None:
        _list_style_location(m, toks, a, b)
    # concentration
    pm = _PERCENT_RE.search(low_text)
    if pm:
        value = float(pm.group(1))
        if 0 < value <= 100:
            m.percent = value
            m.solution = value < 100
    for pattern, code in _STATE_PATTERNS:
        if pattern.search(low_text):
            m.state_words = code
            break
    if m.state_words == "b" and re.search(r"\b(?:solution|soln|aqueous|dissolved)\b", low_text):
        m.solution = True
    if _PRESSURE_RE.search(low_text):
        m.pressure_words = "b"
    # waste
    for i in range(a, b):
        w = toks[i].low
        if w in WASTE_WORDS and toks[i].role in (None, "material"):
            if w == "used" and (i + 1 < b and toks[i + 1].low in _USED_AS_VERB or i > a and toks[i - 1].low in (
                    "we", "i", "they", "is", "are", "was", "be", "being", "get", "gets", "that", "which", "it's")):
                toks[i].role = "filler"
                continue
            m.waste = True
    # material words
    spans = _material_spans(toks, a, b)
    texts: list[str] = []
    for s, e in spans:
        words = _join(toks, s, e)
        if words and words.lower() not in PRONOUNS and words not in texts:
            texts.append(words)
    if texts:
        m.material_text = texts[0]
        m.material_options = texts[1:]
    # "acid cleaner (phosphoric acid)", "GreenEarth (the D5 siloxane)": the filer's own clarification
    for i in range(a, b):
        if toks[i].low == "(":
            j = i + 1
            while j < b and toks[j].low != ")":
                j += 1
            inner = [k for k in range(i + 1, j) if _content(toks[k]) or toks[k].kind == "word" and toks[k].role is None]
            if inner and all(toks[k].kind == "word" for k in range(i + 1, j)):
                m.clarification = _join(toks, inner[0], inner[-1] + 1)
            break
    if m.count is not None and m.count == 0:
        m.count = None
    return m


def _list_style_location(m: Mention, toks: list[_Tok], a: int, b: int) -> None:
    """"toluene - 30 gallons - flammable cabinet", "Motor oil, 110 gal, lube room": the last part is the place."""
    parts: list[tuple[int, int]] = []
    s = a
    for i in range(a, b + 1):
        if i == b or toks[i].low in (",", "-", ";", "|", "/") and toks[i].kind == "punct":
            if i > s:
                parts.append((s, i))
            s = i + 1
    if len(parts) < 2:
        return
    ls, le = parts[-1]
    while le > ls and toks[le - 1].kind == "num" and le - 1 > ls:
        le -= 1  # "fume hood 3"
    head = toks[le - 1].low if le > ls else ""
    if len(parts) == 2 and head not in PLACE_HEADS:
        return
    if any(toks[i].kind in ("unit",) or toks[i].kind == "num" or toks[i].role for i in range(ls, le)):
        return
    if any(toks[i].kind == "container" for i in range(ls, le)) and head not in PLACE_HEADS:
        return
    le = parts[-1][1]
    if toks[ls].low in FILLER and toks[ls].low not in ("the",):
        return
    for i in range(ls, le):
        toks[i].role = "location"
    start = ls
    while start < le and toks[start].low in ARTICLES:
        start += 1
    m.location = _join(toks, start, le) or None


def _apply_groups(m: Mention, groups: list[_Group], toks: list[_Tok]) -> None:
    from bot.nlp.units import to_cers

    measured = [g for g in groups if g.unit_tok is not None]
    counted = [g for g in groups if g.unit_tok is None]
    vague = any(t.low in VAGUE_WORDS for g in groups for t in toks[max(0, g.start - 1):g.end])
    # the container
    for g in measured + counted:
        if g.container is not None and g.container.code:
            m.container_code, m.container_word = g.container.code, g.container.base
            break
    else:
        for g in measured + counted:
            if g.container is not None:
                m.container_word = g.container.base
                break
    if m.container_code is None:
        inner = [t for g in groups for t in toks[g.start:g.end] if t.kind == "container" and t.code]
        if inner:
            m.container_code, m.container_word = inner[0].code, inner[0].base
    total_group = next((g for g in measured if g.is_total), None)
    main = total_group or (measured[0] if measured else None)
    if main is not None:
        assert main.unit_tok is not None and main.unit_tok.unit is not None
        size = main.size or 0.0
        converted, family = to_cers(size, main.unit_tok.unit)
        if converted is None:
            m.notes.append(f"I don't know the unit “{main.unit_tok.text}”.")
            return
        count = main.count
        plural = main.container is not None and main.container.low != main.container.base
        if main.count_before and not main.each and not main.is_total and not main.connector and \
                not _per_container(main, size):
            count = None  # "3 drums 165 gallons": the total
            main.container = main.container if main.container is None else main.container
            m.count = main.count
            m.total, m.unit = converted, family
            m.written_total, m.written_unit = size, main.unit_tok.text
            if main.count:
                m.size, m.size_unit = round(converted / main.count, 6), family
            return
        if main.is_total or (count is None and main.container is None):
            m.total, m.unit = converted, family
            m.written_total, m.written_unit = size, main.unit_tok.text
        elif count is not None:
            factor = count
            for p in main.packs:
                factor *= p
            m.count, m.size, m.size_unit = factor, converted, family
            m.total, m.unit = round(factor * converted, 6), family
            m.written_total, m.written_unit = round(factor * size, 6), main.unit_tok.text
        elif main.container is not None and not plural and not main.each and not vague:
            m.count, m.size, m.size_unit = 1.0, converted, family  # "a 500 gal tank" / "55 gal drum of ..."
            m.total, m.unit = converted, family
            m.written_total, m.written_unit = size, main.unit_tok.text
        else:
            m.size, m.size_unit = converted, family  # "55 gal drums of ..." without a count: ask how many
            # a count elsewhere ("in 3 of them")?
            other = next((g for g in counted if g.count is not None), None)
            if other is not None:
                m.count = other.count
                m.total, m.unit = round((other.count or 0) * converted, 6), family
                m.written_total, m.written_unit = round((other.count or 0) * size, 6), main.unit_tok.text
        # a container count said elsewhere with the total ("165 gallons in 3 drums")
        if m.count is None:
            other = next((g for g in counted if g.count is not None), None)
            if other is not None:
                m.count = other.count
                if m.total is not None and other.count:
                    m.size, m.size_unit = round(m.total / other.count, 6), family
        # a total said in several measures ("250 gal in a 300 gal tank"): the largest is the container's size
        for extra in measured:
            if extra is main or extra.unit_tok is None or extra.unit_tok.unit is None:
                continue
            ev, ef = to_cers(extra.size or 0.0, extra.unit_tok.unit)
            if ev is not None and ef == family and extra.container is not None and m.size is None:
                m.size, m.size_unit = ev, ef
    else:
        g = next((g for g in counted if g.count is not None or g.size is not None), None)
        if g is not None:
            factor = g.count
            if factor is not None:
                for p in g.packs:
                    factor *= p
            m.count = factor
            if g.bare and g.size is not None:
                m.size, m.size_unit = g.size, None  # the unit is decided with the material's state
                m.bare_size = True
            if g.size is not None and g.container is not None:
                base = g.container.base or ""
                family = "gallons" if base in _LIQUID_CONTAINERS else "pounds" if base in _SOLID_CONTAINERS else None
                if family is not None:
                    m.size, m.size_unit = g.size, family
                    if factor is not None:
                        m.total, m.unit = round(factor * g.size, 6), family
                        m.written_total, m.written_unit = m.total, family
    if vague and m.total is None:
        m.vague_amount = True
    if m.total is not None and m.total <= 0:
        m.total = None


_STANDARD_SIZES = {
    "drum": {55, 30, 15, 20, 5, 16, 85}, "barrel": {55, 30, 42}, "tote": {275, 330, 250, 350, 300},
    "ibc": {275, 330}, "pail": {5, 1, 2, 2.5, 3, 6}, "bucket": {5, 1, 2, 2.5, 3}, "can": {1, 2, 5, 2.5, 0.25},
    "jug": {1, 2.5, 0.5, 4, 5}, "bottle": {1, 4, 2.5, 0.5, 0.25}, "carboy": {5, 6, 15, 20}, "bag": {50, 25, 40, 55,
    80, 100, 20, 10, 2000}, "sack": {50, 25, 40, 55, 80, 100}, "box": {5, 10, 25, 50}, "keg": {15.5, 5, 7.75},
}


def _per_container(g: _Group, size: float) -> bool:
    """After "2 cylinders", "244 cf" is each cylinder's size; after "3 drums", "55 gal" is too, "165 gal" the total."""
    base = g.container.base if g.container is not None else ""
    if base in ("cylinder", "cyl", "dewar") or (g.unit_tok is not None and g.unit_tok.unit is not None
                                                and g.unit_tok.unit[1] == "cubic feet"):
        return True
    return size in _STANDARD_SIZES.get(base or "", set())


# --- several materials in one message -------------------------------------------------------------------


def _clauses(toks: list[_Tok], groups: list[_Group]) -> list[tuple[int, int]]:
    """Token ranges, one per material: sentences and list items, split at "and" / "," / "also" only where both
    sides have words of their own and an amount or a container (so "oil and water separator sludge" stays one)."""
    n = len(toks)
    hard: list[int] = [0]
    for i, t in enumerate(toks):
        if t.low in (";", "\n", "|") or (t.low in (".", "!") and i + 1 < n and not (
                toks[i - 1].kind == "num" and toks[i + 1].kind == "num")):
            hard.append(i + 1)
    hard.append(n)
    ranges: list[tuple[int, int]] = []
    for a, b in zip(hard, hard[1:]):
        if b > a:
            ranges.extend(_split_soft(toks, a, b, groups))
    return [(a, b) for a, b in ranges if any(_content(toks[i]) or toks[i].kind in ("num", "container")
                                               for i in range(a, b))]


def _split_soft(toks: list[_Tok], a: int, b: int, groups: list[_Group]) -> list[tuple[int, int]]:
    cuts: list[int] = []
    for i in range(a + 1, b - 1):
        t = toks[i]
        if t.low not in ("and", ",", "also", "plus", "&", "y", "then", "another") or any(
                g.start <= i < g.end for g in groups):
            continue
        left_start = cuts[-1] + 1 if cuts else a
        right_end = _next_cut(toks, i, b)
        left = _has_material_part(toks, left_start, i, groups)
        right = _has_material_part(toks, i + 1, right_end, groups)
        # "floral preservative 5 gal and propane for the van": a new name after "and", amount or not
        if left and not right and t.low in ("and", "plus", "&", "y", "also") and _starts_with_name(toks, i + 1,
                                                                                                  right_end):
            right = True
        if left and right:
            cuts.append(i)
    if not cuts:
        return [(a, b)]
    out: list[tuple[int, int]] = []
    s = a
    for c in cuts:
        out.append((s, c))
        s = c + 1
    out.append((s, b))
    return out


def _starts_with_name(toks: list[_Tok], a: int, b: int) -> bool:
    """Words that may name another material right after "and" (not a place, a purpose or an amount word)."""
    j = a
    while j < b and toks[j].low in ARTICLES | {"some", "also", "then"}:
        j += 1
    return j < b and _content(toks[j]) and toks[j].low not in PURPOSE_LEADS and toks[j].low not in (
        "other", "others", "more", "stuff", "everything", "all", "rest", "same")


def _next_cut(toks: list[_Tok], i: int, b: int) -> int:
    for j in range(i + 1, b):
        if toks[j].low in ("and", ",", "also", "plus", "&", "y"):
            return j
    return b


def _has_material_part(toks: list[_Tok], a: int, b: int, groups: list[_Group]) -> bool:
    has_amount = any(a <= g.start < b for g in groups) or any(toks[i].kind == "container" for i in range(a, b))
    words = [toks[i] for i in range(a, b) if _content(toks[i]) and toks[i].low not in LOCATION_PREPS]
    return has_amount and bool(words)


# --- entry points ----------------------------------------------------------------------------------------


_LABEL_RE = re.compile(r"^\s*([A-Za-z][A-Za-z '&/-]{1,40}):\s+(?=\S)")


def read_mentions(text: str) -> list[Mention]:
    """One Mention per material the message names (usually one). Never raises on user text."""
    try:
        label = _LABEL_RE.match(text or "")
        if label and len(label.group(1).split()) <= 5:
            text = text[label.end():]  # "bus yard: DEF 2 totes": a heading, not a material
        prepared = prepare(text or "")
        toks = _tokens(prepared)
        if not toks:
            return []
        groups = _quantity_groups(toks)
        ranges = _clauses(toks, groups)
        mentions = [_mention(toks, a, b, prepared, groups) for a, b in ranges]
        out = [m for m in mentions if m.material_text or m.has_amount_words or m.container_code]
        # "3 drums of motor oil and a drum of ATF in the lube bay": the place said last is everyone's
        if len(out) > 1 and out[-1].location and not any(m.location for m in out[:-1]):
            for m in out[:-1]:
                m.location = out[-1].location
        if len(out) > 1:
            # a clause without material words of its own belongs to the one before ("..., 55 gal each")
            merged: list[Mention] = []
            for m in out:
                if merged and not m.material_text:
                    _fill_from(merged[-1], m)
                else:
                    merged.append(m)
            out = merged
        return out
    except Exception:  # noqa: BLE001 - user text must never crash the conversation
        logger.exception("reading an inventory sentence failed: %r", text)
        return []


def read_mention(text: str) -> Mention:
    """The first material the message names (an empty Mention when none)."""
    found = read_mentions(text)
    return found[0] if found else Mention(text=text or "")


def _fill_from(m: Mention, extra: Mention) -> None:
    for name in ("total", "unit", "written_total", "written_unit", "count", "size", "size_unit", "container_word",
                 "container_code", "location", "purpose", "percent", "state_words", "pressure_words"):
        if getattr(m, name) is None and getattr(extra, name) is not None:
            setattr(m, name, getattr(extra, name))
    m.approximate = m.approximate or extra.approximate
    m.waste = m.waste or extra.waste
    m.text = f"{m.text} {extra.text}".strip()
