"""Starting a material from what the user said: "we keep three 55-gallon drums of motor oil in the back shop"
becomes a `Draft` with what the sentence and the chemical library tell (a library material, a waste stream, or
a new material from its Safety Data Sheet), or a "did you mean ...?" when the name is not exact.

Only builds the draft and says what was understood; it never writes the database and never asks the next
question (`asking.next_field` does).
"""
from __future__ import annotations

import re
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.chemicals.lookup import best, lookup
from bot.chemicals.normalize import normalize_name
from bot.dialogue import Turn
from bot.inventory.answers import (
    STATE_NAMES, UNIT_CODES, AnswerError, check_amount, components_text, fmt_amount, fmt_number,
    hazards_from_fire_classes, parse_unit, safe_parse_sentence, waste_code_hints,
)
from bot.inventory.conversation.amounts import fit_units_after_change
from bot.inventory.conversation.answering import display_name
from bot.inventory.conversation.asking import EXAMPLE
from bot.inventory.conversation.state import DidYouMean, Draft, InventoryState, Option
from bot.models import Chemical

FUZZY_OPTION_SCORE = 78.0

_COMMAND_PREFIX_RE = re.compile(r"^(?:(?:ok|okay|also|and|plus|then|next|another(?: one)?|one more|so|um|uh|"
                                r"please|pls|add|also add|please add|put down|put in|enter|include|new material|"
                                r"new chemical|we also|i also)[,:\s]+)+", re.IGNORECASE)
_TRAILING_FILLER_RE = re.compile(r"[\s,]+(?:please|pls|plz|thanks|thank you|thx|too|as well|also|for me)[.!]*$",
                                 re.IGNORECASE)
_WASTE_RE = re.compile(r"\b(?:waste|wastes|used|spent|scrap|contaminated|dirty|old|drained|discarded|expired|"
                       r"recovered|rinsate|sludge|residue)\b(?!\s+(?:for|in|to|by|on|as|with)\b)")


def strip_command(text: str) -> str:
    """"add disel pls" -> "disel"; "ok also we have sulfuric acid" -> "we have sulfuric acid"."""
    s = _COMMAND_PREFIX_RE.sub("", text).strip()
    prev = None
    while prev != s:
        prev = s
        s = _TRAILING_FILLER_RE.sub("", s).strip()
    return s or text


def start_material(db: Session, st: InventoryState, text: str, turn: Turn) -> None:
    """A new pending material from a sentence (or nothing, when no material is named or measured)."""
    parsed = safe_parse_sentence(strip_command(text), db)
    d = Draft()
    st.pending = d
    notes = _apply_sentence(d, parsed)
    name_text = (parsed.material_text or "").strip()
    if not name_text:
        if parsed.amount is None and not parsed.container_code:
            st.pending = None
            turn.say(f"I didn't catch which material that is. Tell me its name and, if you can, how much, the "
                     f"container and where it is, e.g. '{EXAMPLE}'.")
            return
        turn.say(" ".join(notes + ["Which material is that?"]))
        return
    resolve_name(db, st, d, name_text, parsed.chemical, parsed.chemical_score, turn, notes)


def answer_name(db: Session, st: InventoryState, d: Draft, text: str, turn: Turn) -> None:
    """The answer to "What is the material called?" when the sentence had an amount but no name."""
    name = re.sub(r"^(?:it'?s|it is|its called|it'?s called|called|the name is|name is)\s+", "", text.strip(),
                  flags=re.I)
    parsed = safe_parse_sentence(name, db)
    if not parsed.material_text or not re.search(r"[a-zA-Z]{2}", parsed.material_text):
        turn.say("I need the material's name here (like 'motor oil' or the product name on its label).")
        return
    resolve_name(db, st, d, parsed.material_text, parsed.chemical, parsed.chemical_score, turn)


def retry_name(db: Session, st: InventoryState, d: Draft, text: str, turn: Turn) -> None:
    """The user typed another name instead of picking one of the offered: look that one up."""
    parsed = safe_parse_sentence(strip_command(text), db)
    resolve_name(db, st, d, parsed.material_text or text, parsed.chemical, parsed.chemical_score, turn)


def resolve_name(db: Session, st: InventoryState, d: Draft, name_text: str, chem: Optional[Chemical],
                 score: Optional[float], turn: Turn, notes: Optional[list[str]] = None) -> None:
    """Library material (exact), waste, "did you mean" (close spellings) or a new material from its SDS."""
    notes = notes or []
    d.typed = name_text
    if is_waste(name_text, chem):
        make_waste(db, d, name_text, chem, turn, notes)
        return
    if chem is not None and (score or 0) >= 100:
        exact = [m.chemical for m in lookup(db, name_text, limit=4) if m.score >= 100]
        if len({c.id for c in exact}) > 1:  # "sodium hydroxide": the 50% solution product or the pure solid?
            st.awaiting = DidYouMean(name_text, tuple(Option(c.id, c.name) for c in exact), exact=True)
            if notes:
                turn.say(" ".join(notes))
            return
        apply_library(db, d, chem, turn, notes)
        return
    options = [Option(m.chemical.id, m.chemical.name)
               for m in lookup(db, name_text, limit=4) if m.score >= FUZZY_OPTION_SCORE]
    if chem is not None and all(o.id != chem.id for o in options):
        options.insert(0, Option(chem.id, chem.name))
    if options:
        st.awaiting = DidYouMean(name_text, tuple(options[:4]))
        if notes:
            turn.say(" ".join(notes))
        return
    make_new(d, name_text, turn, notes)


def is_waste(name_text: str, chem: Optional[Chemical]) -> bool:
    if chem is not None and (chem.notes or "").startswith("A waste"):
        return True
    return bool(_WASTE_RE.search(name_text.lower()))


def other_material(db: Session, pending: Draft, text: str) -> bool:
    """Does `text` describe another material than the pending one (a library chemical or an amount + a name)?"""
    parsed = safe_parse_sentence(strip_command(text), db)
    if not parsed.material_text:
        return False
    if parsed.chemical is not None:
        return parsed.chemical.id != pending.values.get("chemical_id")
    return parsed.amount is not None and normalize_name(parsed.material_text) != normalize_name(pending.name)


def _apply_sentence(d: Draft, parsed: Any) -> list[str]:
    """Amount, unit, container, count, size and location from the first sentence; what was understood, in words."""
    v = d.values
    said: list[str] = []
    if parsed.container_code:
        d.set_containers([parsed.container_code])
    if parsed.container_count:
        d.container_count = float(parsed.container_count)
    if parsed.amount is not None and parsed.unit:
        unit = UNIT_CODES[parsed.unit]
        try:
            check_amount(parsed.amount, unit, "amount")
        except AnswerError as exc:
            said.append(exc.message)
        else:
            v["maximum_daily_amount"], v["units"] = round(parsed.amount, 4), unit
            d.container_count = None
            if parsed.container_count and parsed.container_size and parsed.container_count != 1:
                said.append(f"{fmt_number(parsed.container_count)} x {fmt_amount(parsed.container_size, unit)} = "
                            f"{fmt_amount(parsed.amount, unit)}.")
            elif parsed.unit_text and parse_unit(parsed.unit_text) != unit and parsed.amount_as_written is not None:
                said.append(f"{fmt_number(parsed.amount_as_written)} {parsed.unit_text} = "
                            f"{fmt_amount(parsed.amount, unit)}.")
            if parsed.approximate:
                said.append(f"I'll put {fmt_amount(parsed.amount, unit)} as the maximum (an estimate is fine).")
    if parsed.container_size and parsed.container_size_unit:
        size_unit = UNIT_CODES[parsed.container_size_unit]
        if v.get("units") in (None, size_unit):
            v["largest_container"] = round(parsed.container_size, 4)
            v["units"] = size_unit
    if parsed.location:
        v["location"] = display_name(parsed.location)[:140]
    return said


def library_components(chem: Chemical) -> list[dict[str, Any]]:
    """The library's components of a product, without the product itself listed at 100%."""
    own = normalize_name(chem.name)
    bare = re.sub(r"\s*\(.*?\)", "", own).strip()  # "used oil (waste)" -> "used oil"
    out = []
    for c in chem.components:
        cname = normalize_name(c.name)
        whole = c.percent is None or c.percent >= 100
        if whole and ((chem.cas and c.cas == chem.cas) or cname in (own, bare)):
            continue  # the product itself at 100%, not an ingredient
        out.append({"name": c.name, "percent": c.percent, "cas": c.cas, "ehs": bool(c.ehs)})
    return out


def apply_library(db: Session, d: Draft, chem: Chemical, turn: Turn, notes: list[str]) -> None:
    """The draft is this library material: what the library knows is filled in and said."""
    v = d.values
    d.kind = "library"
    v["chemical_id"] = chem.id
    v["common_name"] = chem.name
    if chem.physical_state:
        v["physical_state"] = chem.physical_state
    if chem.cas:
        v["cas_number"] = chem.cas
    comps = library_components(chem)
    v["hm_type"] = "b" if chem.kind == "mixture" or (chem.kind != "pure" and comps) else "a"
    if v["hm_type"] == "a" and chem.kind == "pure":
        v["chemical_name"] = chem.name
    d.components = comps if v["hm_type"] == "b" else []
    v["ehs"] = bool(chem.ehs)
    for i, code in enumerate((chem.fire_classes or [])[:8], start=1):
        v[f"fire_class_{i}"] = int(code)
    for f, val in hazards_from_fire_classes(chem.fire_classes or [], chem.physical_state).items():
        v[f] = val
    known = [STATE_NAMES[chem.physical_state]] if chem.physical_state else []
    known.append("a mixture" if v["hm_type"] == "b" else "a pure chemical")
    if chem.cas:
        known.append(f"CAS {chem.cas}")
    if chem.ehs:
        known.append(f"an Extremely Hazardous Substance (TPQ {fmt_number(chem.tpq_lb)} lb)" if chem.tpq_lb
                     else "an Extremely Hazardous Substance")
    msg = f"Found {chem.name} in the chemical library: " + ", ".join(known) + "."
    if d.components:
        msg += f" Typical components: {components_text(d.components)} (your SDS wins if it differs)."
    if chem.notes:
        msg += f" Note: {chem.notes}"
    turn.say(" ".join([msg, *notes, *fit_units_after_change(d)]))


def make_new(d: Draft, name_text: str, turn: Turn, notes: list[str]) -> None:
    """The draft is a material not in the library, to be described from its Safety Data Sheet."""
    d.kind = "new"
    d.values["common_name"] = display_name(name_text)[:500]
    d.values["ehs"] = False
    turn.say(" ".join([f"“{d.values['common_name']}” is not in the chemical library, so let's add it from its "
                       "Safety Data Sheet (SDS). (If that's not a material, say 'cancel'.)", *notes]))


def make_waste(db: Session, d: Draft, name_text: str, chem: Optional[Chemical], turn: Turn,
               notes: list[str]) -> None:
    """A waste stream: always a new material (no library link) with all its hazardous components, a state waste
    code and an annual amount; the library's entry for the waste or the product it came from suggests the
    physical state, typical components and waste codes."""
    v = d.values
    d.kind = "waste"
    v["common_name"] = display_name(name_text)[:500]
    v["hm_type"] = "c"
    v["ehs"] = False
    base = chem
    if base is None or not (base.notes or "").startswith("A waste"):
        stripped = _WASTE_RE.sub(" ", name_text.lower()).strip()
        match = best(db, stripped) if len(stripped) >= 3 else None
        base = match.chemical if match else chem
    if base is not None:
        if base.physical_state:
            v["physical_state"] = base.physical_state
        suggested = [c for c in library_components(base) if c.get("percent") is not None]
        if suggested:
            d.suggested_components = suggested
    d.waste_codes = waste_code_hints(name_text, base.notes if base is not None else None)
    turn.say(" ".join([f"{v['common_name']} is a waste stream, so I'll add it as a waste: CERS needs every "
                       "hazardous component in it, its California state waste code, and how much you generate a "
                       "year.", *notes, *fit_units_after_change(d)]))
