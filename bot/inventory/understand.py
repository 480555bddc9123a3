"""From what a filer wrote to the inventory lines it describes: the chemical, the total in CERS units, the
physical state, the containers and the place — and what is still uncertain.

`understand(db, text)` reads the message (`bot.nlp.material_sentence`), looks each material up
(`bot.chemicals.resolve`), and returns one `Understood` per material. The inventory conversation starts its
drafts from these, and `python -m bot.nlp.evaluate --inventory` scores exactly what they say, so the figures
are the product's behaviour, not a model of it.

Rules applied here (each from cers-facts.md):
- the library's physical state is a hint: what the filer said wins ("75% phosphoric acid solution" is a
  liquid, "caustic soda beads" a solid), then the unit and container they used (gallons: liquid unless the
  library knows a gas stored liquefied; cubic feet: gas; bags: solid);
- units: liquids in gallons (or the pounds the filer gave), solids in pounds (tons converted), gases in cubic
  feet, a liquefied gas (propane, CO2, ammonia, chlorine) keeps the filer's gallons or pounds;
- an Extremely Hazardous Substance is reported in pounds: gallons are converted with the material's density
  and the conversion is shown for the filer to confirm; a listing limited by concentration (hydrogen
  peroxide > 52%) applies only when the material meets it;
- words that say waste ("used", "spent", "waste") make a waste stream.
Nothing is written to the database here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.chemicals.resolve import Choice, Resolution, resolve
from bot.models import Chemical
from bot.nlp.material_sentence import Mention, read_mentions
from bot.nlp.units import gallons_to_pounds

UNIT_CODES = {"gallons": "a", "cubic feet": "b", "pounds": "c", "tons": "d"}
UNIT_NAMES = {v: k for k, v in UNIT_CODES.items()}
# liquefied gases: stored as a liquid under pressure, reported in the unit the filer used
_LIQUEFIED_HINTS = ("propane", "butane", "lpg", "liquefied", "carbon dioxide", "co2", "ammonia", "chlorine",
                    "refrigerant", "r-", "freon", "nitrous", "sulfur dioxide", "mapp", "propylene")
_CRYOGENIC_HINTS = ("liquid nitrogen", "liquid oxygen", "liquid argon", "lox", "ln2", "dewar", "cryogenic",
                    "liquid co2", "liquid carbon dioxide")


@dataclass
class Understood:
    """One inventory line as the assistant would start it."""
    mention: Mention
    resolution: Resolution
    common_name: Optional[str] = None
    chemical: Optional[Chemical] = None  # the library entry when confident
    cas: Optional[str] = None
    physical_state: Optional[str] = None  # a solid, b liquid, c gas
    state_reason: str = ""
    hm_type: Optional[str] = None  # a pure, b mixture, c waste
    amount: Optional[float] = None  # maximum daily amount in `units`
    units: Optional[str] = None  # CERS code a/b/c/d
    conversion: Optional[str] = None  # "20 gal x 1.45 g/mL = 242 lb (EHS are reported in pounds)"
    container_codes: list[str] = field(default_factory=list)
    largest_container: Optional[float] = None
    count: Optional[float] = None
    location: Optional[str] = None
    ehs: Optional[bool] = None
    ehs_reason: Optional[str] = None
    tpq_lb: Optional[float] = None
    percent: Optional[float] = None
    waste: bool = False
    pressure: Optional[str] = None  # a/b/c when the words say it
    temperature: Optional[str] = None
    notes: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return self.resolution.confident

    @property
    def choices(self) -> list[Choice]:
        return self.resolution.choices


def understand(db: Session, text: str) -> list[Understood]:
    """One `Understood` per material named in `text` (empty when none)."""
    return [understand_mention(db, m) for m in read_mentions(text)]


_WASTE_WORDS_RE = re.compile(r"\b(?:waste|wastes|used|spent|scrap|contaminated|dirty|drained|discarded|expired|"
                             r"rinsate|leftover|left-over|obsolete|off-spec|recovered|usado|usada|desecho)\b", re.I)


def understand_mention(db: Session, mention: Mention, resolution: Optional[Resolution] = None) -> Understood:
    words = _material_words(mention)
    res = resolution if resolution is not None else resolve(db, words, _other_words(mention))
    if not res.confident and res.choices and mention.percent is not None:
        # "caustic 50%": of the choices, the one sold at that strength
        at = [c for c in res.choices if re.search(rf"(?<![\d.]){mention.percent:g}\s*%", c.chemical.name or "")
              and (c.chemical.cas or _single_component_cas(c.chemical))]
        if len(at) == 1:
            res = Resolution(words=res.words, confident=True, chemical=at[0].chemical, matched=res.matched,
                             how="choice-by-strength")
    if resolution is None and mention.clarification:
        clarified = resolve(db, mention.clarification)
        if clarified.confident and clarified.how in ("cas", "name", "formula"):
            res = clarified  # "acid cleaner (phosphoric acid)": the filer named the chemical
    u = Understood(mention=mention, resolution=res, percent=mention.percent, waste=mention.waste)
    chem = res.chemical if res.confident else None
    if chem is not None and (chem.notes or "").lower().startswith("a waste"):
        u.waste = True
    elif mention.waste and words:
        # "spent MEK", "waste perc": a waste stream of a chemical the library knows
        base_words = " ".join(_WASTE_WORDS_RE.sub(" ", words).split())
        base = resolve(db, base_words) if base_words and base_words != words else res
        if base.confident and base.chemical is not None:
            u.resolution = res = base
            chem = base.chemical
    chem = _concentration_entry(db, chem, mention)
    u.chemical = chem
    if chem is not None:
        u.common_name = _display(mention.material_text) if u.waste and not (
            chem.notes or "").lower().startswith("a waste") else chem.name
        u.cas = chem.cas or _single_component_cas(chem)
    else:
        u.common_name = _display(mention.material_text)
    if u.waste:
        u.hm_type = "c"
    elif chem is not None:
        u.hm_type = "b" if (chem.kind == "mixture" or (mention.percent is not None and mention.percent < 100)) else (
            "a" if chem.kind == "pure" else "b" if chem.components else "a")
    _state(u, mention, chem)
    _amount(u, mention, chem)
    u.container_codes = [mention.container_code] if mention.container_code else []
    if mention.container_code is None and mention.container_word is None and u.physical_state == "c" and chem:
        pass
    per_container = mention.size if mention.size is not None else (u.amount if mention.count in (None, 1) else None)
    if "sc_above_ground_tank" in u.container_codes and u.physical_state == "c" and u.units in ("c", "b") and (
            per_container is None or per_container <= 420) and "bulk" not in mention.text.lower():
        u.container_codes = ["sc_cylinder"]  # "a 20 lb propane tank", "CO2 tank 50 lbs": a cylinder
    if u.physical_state == "c" and u.container_codes == ["sc_plastic_bottle"]:
        u.container_codes = ["sc_cylinder"]  # "argon bottles"
    if mention.size is not None and mention.size_unit and u.units and UNIT_CODES.get(mention.size_unit) == u.units:
        u.largest_container = mention.size
    elif u.amount is not None and mention.count == 1:
        u.largest_container = u.amount
    u.count = mention.count
    u.location = _display(mention.location)[:140] if mention.location else None
    if mention.pressure_words:
        u.pressure = mention.pressure_words
    text = mention.text.lower()
    if any(h in text for h in _CRYOGENIC_HINTS):
        u.temperature = "d"
    return u


def _concentration_entry(db: Session, chem: Optional[Chemical], m: Mention) -> Optional[Chemical]:
    """"hydrogen peroxide 70%": the library's entry at the filer's strength (a curated 70% solution), else the
    chemical itself (its EHS listing then applies to the filer's percent) — never a 50% product."""
    if chem is None or m.percent is None:
        return chem
    cas = chem.cas or _single_component_cas(chem)
    if cas is None:
        return chem
    from sqlalchemy import select

    from bot.models import ChemicalComponent

    same = list(db.execute(select(Chemical).where(Chemical.cas == cas)).scalars())
    same += list(db.execute(select(Chemical).join(ChemicalComponent, ChemicalComponent.chemical_id == Chemical.id)
                            .where(ChemicalComponent.cas == cas, Chemical.source == "curated")).scalars())
    for entry in same:
        found = re.search(r"(\d+(?:\.\d+)?)\s*%", entry.name or "")
        if found and abs(float(found.group(1)) - m.percent) < 0.5 and (entry.cas == cas or
                                                                       _single_component_cas(entry) == cas):
            return entry
    pure = [e for e in same if e.source == "chedl"] or [e for e in same if e.kind == "pure"]
    return pure[0] if pure else chem


def _material_words(m: Mention) -> Optional[str]:
    return m.material_text


def _other_words(m: Mention) -> list[str]:
    return list(m.material_options)


def _display(text: Optional[str]) -> Optional[str]:
    if not text:
        return None
    s = " ".join(text.split()).strip(" ,.;")
    return s[:1].upper() + s[1:] if s else None


def _single_component_cas(chem: Chemical) -> Optional[str]:
    try:
        comps = [c for c in (chem.components or []) if c.cas and c.cas != "7732-18-5"]
    except Exception:  # noqa: BLE001
        return None
    return comps[0].cas if len(comps) == 1 else None


def _liquefied_gas(u: Understood, chem: Optional[Chemical]) -> bool:
    name = " ".join(filter(None, [(chem.name if chem else ""), u.mention.material_text or ""])).lower()
    return any(h in name for h in _LIQUEFIED_HINTS)


def _state(u: Understood, m: Mention, chem: Optional[Chemical]) -> None:
    library = chem.physical_state if chem is not None else None
    unit = m.unit
    word = m.container_word or ""
    if m.state_words:
        u.physical_state, u.state_reason = m.state_words, "your words"
    elif m.solution or (m.percent is not None and m.percent < 100 and library in ("a", "c")):
        u.physical_state, u.state_reason = "b", "a solution is a liquid"
    elif library == "c":
        u.physical_state, u.state_reason = "c", "the library"
    elif unit == "gallons":
        u.physical_state, u.state_reason = "b", "you gave it in gallons"
    elif unit == "cubic feet" or word in ("cylinder", "cyl", "dewar") and library is None:
        u.physical_state, u.state_reason = "c", "you gave it in cubic feet" if unit == "cubic feet" else "a cylinder"
    elif library is not None:
        u.physical_state, u.state_reason = library, "the library"
    elif word in ("bag", "sack", "supersack", "box", "carton"):
        u.physical_state, u.state_reason = "a", "it is in bags/boxes"
    elif word in ("drum", "tote", "tank", "can", "pail", "bucket", "jug", "bottle", "carboy", "ast", "ust"):
        u.physical_state, u.state_reason = "b", "it is in a liquid container"
    # a gas measured in gallons is a liquefied gas (propane tank): it stays a gas with the gallons given


_OUNCE_UNITS = {"oz", "ozs", "ounce", "ounces"}
_LIQUID_WORDS = {"bottle", "can", "jug", "aerosol", "carboy", "drum", "pail", "bucket", "tote", "tank"}


def _amount(u: Understood, m: Mention, chem: Optional[Chemical]) -> None:
    if m.bare_size and m.count is not None and m.size is not None and m.total is None:
        # "hydraulic oil 2 x 55": gallons for a liquid, pounds for a solid
        family = {"b": "gallons", "a": "pounds"}.get(u.physical_state or "")
        if family is None:
            return
        m.total, m.unit, m.size_unit = round(m.count * m.size, 6), family, family
        m.written_total, m.written_unit = m.total, family
    if m.total is None or m.unit is None:
        return
    total, unit = m.total, m.unit
    written = (m.written_unit or "").lower().rstrip(".")
    if written in _OUNCE_UNITS and unit == "pounds" and (u.physical_state == "b" or (m.container_word or "") in
                                                          _LIQUID_WORDS):
        # ounces of a liquid are fluid ounces: 128 to the gallon
        factor = (m.written_total or 0) / 128.0
        total, unit = round(factor, 6), "gallons"
        u.conversion = f"{_n(m.written_total)} fl oz = {_n(total)} gallons"
        if m.size is not None and m.count:
            m.size, m.size_unit = round(total / m.count, 6), "gallons"
    if unit == "cubic feet" and u.physical_state == "b":
        gallons = round(total * 7.48051948, 4)  # a liquid measured in cubic feet or cubic metres: gallons
        u.conversion = f"{_n(m.written_total)} {m.written_unit} = {_n(gallons)} gallons"
        total, unit = gallons, "gallons"
        if m.size is not None and m.count:
            m.size, m.size_unit = round(gallons / m.count, 6), "gallons"
    if unit == "tons":
        total, unit = total * 2000.0, "pounds"
        u.conversion = f"{_n(m.total)} tons = {_n(total)} pounds"
    elif m.written_unit and m.written_total is not None and _unit_word(m.written_unit) != unit:
        u.conversion = f"{_n(m.written_total)} {m.written_unit} = {_n(total)} {unit}"
    if m.count and m.size and m.count != 1:
        u.conversion = f"{_n(m.count)} x {_n(m.size)} {m.size_unit} = {_n(m.total)} {m.unit}" + (
            f" = {_n(total)} {unit}" if unit != m.unit else "")
    state = u.physical_state
    if state == "c" and unit == "gallons" and not _liquefied_gas(u, chem) and u.temperature != "d":
        pass  # a compressed gas given in gallons: kept, the card shows it and the filer may change it
    # EHS: pounds
    status = _ehs(u, chem)
    if status is not None and status.is_ehs and unit == "gallons":
        pounds = _pounds(chem, total, m.percent)
        if pounds is not None:
            lb, how = pounds
            u.conversion = f"{_n(total)} gallons x {how} = {_n(lb)} pounds (an Extremely Hazardous Substance is " \
                           "reported in pounds)"
            total, unit = lb, "pounds"
        else:
            u.notes.append("It is an Extremely Hazardous Substance, which CERS wants in pounds: I need its "
                           "specific gravity (Safety Data Sheet section 9) to convert the gallons.")
    u.amount, u.units = round(total, 4), UNIT_CODES[unit]


def _ehs(u: Understood, chem: Optional[Chemical]) -> Any:
    if chem is None:
        return None
    try:
        from bot.chemicals.ehs import ehs_status

        form = {"a": "solid", "b": "liquid", "c": "gas"}.get(u.physical_state or "")
        if u.mention.solution:
            form = "solution"
        status = ehs_status(chem, u.mention.percent, form)
    except Exception:  # noqa: BLE001 - the EHS data may not be loaded (older library): use the flag
        u.ehs, u.tpq_lb = bool(chem.ehs), chem.tpq_lb
        return None
    u.ehs, u.ehs_reason, u.tpq_lb = status.is_ehs, status.reason, status.tpq_lb
    return status


def _pounds(chem: Optional[Chemical], gallons: float, percent: Optional[float]) -> Optional[tuple[float, str]]:
    if chem is None:
        return None
    try:
        from bot.chemicals.ehs import pounds_from_gallons

        got = pounds_from_gallons(chem, gallons, None)
    except Exception:  # noqa: BLE001
        got = None
    if got is not None:
        return round(got.pounds, 2), f"{got.density_g_ml:g} g/mL"
    density = getattr(chem, "density_g_ml", None)
    if density:
        return gallons_to_pounds(gallons, density), f"{density:g} g/mL"
    return None


def _unit_word(unit_text: str) -> str:
    from bot.nlp.material_sentence import UNIT_WORDS

    key = unit_text.lower().rstrip(".")
    if key in UNIT_WORDS:
        return UNIT_WORDS[key][1]
    if key.startswith("cubic f") or key.startswith("cu"):
        return "cubic feet"
    return key


def _n(x: Optional[float]) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def prediction(u: Understood) -> dict[str, Any]:
    """What the product would store from this line, in the evaluation's prediction format."""
    unit = UNIT_NAMES.get(u.units or "")
    amount = u.amount
    if unit == "tons" and amount is not None:
        amount, unit = amount * 2000.0, "pounds"
    from bot.models import STORAGE_CONTAINER_COLUMNS

    container = STORAGE_CONTAINER_COLUMNS.get(u.container_codes[0]) if u.container_codes else None
    return {
        "text": u.mention.text,
        "material": u.common_name if (u.confident or u.chemical is None) else None,
        "cas": u.cas if u.confident else None,
        "amount": amount,
        "unit": unit,
        "container": container,
        "location": u.location,
        "waste": u.waste,
        "confident": bool(u.confident),
        "candidates": [{"material": c.chemical.name, "cas": c.chemical.cas or _single_component_cas(c.chemical)}
                       for c in u.choices],
    }
