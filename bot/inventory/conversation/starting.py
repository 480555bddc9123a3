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

from bot.chemicals.lookup import best
from bot.chemicals.normalize import normalize_name
from bot.dialogue import Turn
from bot.inventory.answers import (
    STATE_NAMES, AnswerError, check_amount, components_text, fmt_amount, fmt_number, hazards_from_fire_classes,
    waste_code_hints,
)
from bot.inventory.understand import Understood, understand, understand_mention
from bot.nlp.material_sentence import Mention, read_mention
from bot.inventory.conversation.amounts import fit_units_after_change
from bot.inventory.conversation.answering import display_name
from bot.inventory.conversation.asking import EXAMPLE
from bot.inventory.conversation.state import DidYouMean, Draft, InventoryState, Option
from bot.models import Chemical


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
    """New pending material(s) from what the filer wrote: the first becomes the material being entered, the
    others wait in the queue (each said back, none dropped)."""
    found = understand(db, strip_command(text))
    if not found:
        st.pending = None
        turn.say(f"I didn't catch which material that is. Tell me its name and, if you can, how much, the "
                 f"container and where it is, e.g. '{EXAMPLE}'.")
        return
    first, rest = found[0], found[1:]
    if rest:
        st.queue.extend(u.mention.text for u in rest)
        names = [u.common_name or u.mention.material_text or "another material" for u in rest]
        turn.say(f"You named {len(found)} materials. Let's take {first.common_name or 'the first'} first; "
                 f"{_and(names)} {'comes' if len(names) == 1 else 'come'} right after.")
    start_understood(db, st, first, turn)


def start_understood(db: Session, st: InventoryState, u: Understood, turn: Turn) -> None:
    """The pending material from one understood mention: a library chemical (confident), a choice among a few
    (did you mean...?), a waste stream, or a new material from its Safety Data Sheet."""
    d = Draft()
    st.pending = d
    notes = _apply_understood(d, u)
    name_text = (u.mention.material_text or "").strip()
    if not name_text:
        if u.amount is None and not u.container_codes:
            st.pending = None
            turn.say(f"I didn't catch which material that is. Tell me its name and, if you can, how much, the "
                     f"container and where it is, e.g. '{EXAMPLE}'.")
            return
        turn.say(" ".join(notes + ["Which material is that?"]))
        return
    d.typed = name_text
    if u.waste:
        make_waste(db, d, name_text, u.chemical, turn, notes)
        return
    if u.confident and u.chemical is not None:
        apply_library(db, d, u.chemical, turn, notes, u)
        return
    if u.choices:
        st.awaiting = DidYouMean(name_text, tuple(Option(c.chemical.id, c.chemical.name, c.why) for c in u.choices))
        if notes:
            turn.say(" ".join(notes))
        return
    make_new(d, name_text, turn, notes)


def answer_name(db: Session, st: InventoryState, d: Draft, text: str, turn: Turn) -> None:
    """The answer to "What is the material called?" when the sentence had an amount but no name."""
    name = re.sub(r"^(?:it'?s|it is|its called|it'?s called|called|the name is|name is)\s+", "", text.strip(),
                  flags=re.I)
    if not re.search(r"[a-zA-Z]{2}", name):
        turn.say("I need the material's name here (like 'motor oil' or the product name on its label).")
        return
    resolve_name(db, st, d, name, turn)


def retry_name(db: Session, st: InventoryState, d: Draft, text: str, turn: Turn) -> None:
    """The user typed another name instead of picking one of the offered: look that one up."""
    resolve_name(db, st, d, strip_command(text), turn)


def resolve_name(db: Session, st: InventoryState, d: Draft, name_text: str, turn: Turn,
                 notes: Optional[list[str]] = None) -> None:
    """Name the open material from the words typed for it (amounts already known stay)."""
    notes = notes or []
    mention = read_mention(name_text)
    words = mention.material_text or name_text
    u = understand_mention(db, mention if mention.material_text else Mention(text=name_text, material_text=words))
    d.typed = words
    if u.waste or is_waste(words, u.chemical):
        make_waste(db, d, words, u.chemical, turn, notes)
    elif u.confident and u.chemical is not None:
        apply_library(db, d, u.chemical, turn, notes, u)
    elif u.choices:
        st.awaiting = DidYouMean(words, tuple(Option(c.chemical.id, c.chemical.name, c.why) for c in u.choices))
        if notes:
            turn.say(" ".join(notes))
    else:
        make_new(d, words, turn, notes)


def is_waste(name_text: str, chem: Optional[Chemical]) -> bool:
    if chem is not None and (chem.notes or "").startswith("A waste"):
        return True
    return bool(_WASTE_RE.search(name_text.lower()))


def other_material(db: Session, pending: Draft, text: str, needs_amount: bool = False) -> bool:
    """Does `text` describe another material than the pending one (a library chemical, or an amount + a name)?
    With `needs_amount`, only a sentence with an amount counts (a bare name may be an answer)."""
    found = understand(db, strip_command(text))
    if not found:
        return False
    u = found[0]
    if needs_amount and u.amount is None and not u.mention.count:
        return False
    if u.chemical is not None:
        return u.chemical.id != pending.values.get("chemical_id")
    words = u.mention.material_text
    return bool(words) and u.amount is not None and normalize_name(words) != normalize_name(pending.name)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _apply_understood(d: Draft, u: Understood) -> list[str]:
    """Amount, unit, container, count, size and location from the sentence; what was read, in words."""
    v = d.values
    said: list[str] = []
    if u.container_codes:
        d.set_containers(list(u.container_codes))
    if u.count and u.amount is None:
        d.container_count = float(u.count)
    if u.amount is not None and u.units:
        try:
            check_amount(u.amount, u.units, "amount")
        except AnswerError as exc:
            said.append(exc.message)
        else:
            v["maximum_daily_amount"], v["units"] = round(u.amount, 4), u.units
            if u.conversion:
                said.append(u.conversion[:1].upper() + u.conversion[1:] + ".")
            if u.mention.approximate:
                said.append(f"I'll put {fmt_amount(u.amount, u.units)} as the maximum (an estimate is fine).")
    if u.largest_container is not None and v.get("units"):
        v["largest_container"] = round(u.largest_container, 4)
    if u.location:
        v["location"] = display_name(u.location)[:140]
    if u.pressure:
        v["pressure"] = u.pressure
    if u.temperature:
        v["temperature"] = u.temperature
    if u.physical_state and u.state_reason != "the library":
        d.state_said = u.physical_state  # the filer's words or unit: applied over the library's state
        v["physical_state"] = u.physical_state
    d.percent = u.percent
    d.notes = list(said) + list(u.notes)
    return said + list(u.notes)


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


def apply_library(db: Session, d: Draft, chem: Chemical, turn: Turn, notes: list[str],
                  u: Optional[Understood] = None) -> None:
    """The draft is this library material: what the library knows is filled in and said. The filer's own words
    win over the library: the state they said ("75% solution", "beads", gallons), the strength (a pure
    chemical at 35% is a mixture with that component), whether the listing makes it an EHS at that strength."""
    v = d.values
    d.kind = "library"
    v["chemical_id"] = chem.id
    v["common_name"] = chem.name
    state = d.state_said or chem.physical_state
    if state:
        v["physical_state"] = state
    cas = chem.cas or (u.cas if u is not None else None)
    if cas:
        v["cas_number"] = cas
    comps = library_components(chem)
    percent = d.percent
    v["hm_type"] = "b" if chem.kind == "mixture" or (chem.kind != "pure" and comps) else "a"
    if chem.kind == "pure" and percent is not None and 0 < percent < 100:
        v["hm_type"] = "b"  # "35% hydrogen peroxide": a solution, its one hazardous component at that strength
        comps = [{"name": chem.name, "percent": percent, "cas": chem.cas,
                  "ehs": bool(u.ehs) if u is not None and u.ehs is not None else bool(chem.ehs)}]
    if v["hm_type"] == "a" and chem.kind == "pure":
        v["chemical_name"] = chem.name
    d.components = comps if v["hm_type"] == "b" else []
    v["ehs"] = bool(u.ehs) if u is not None and u.ehs is not None else bool(chem.ehs)
    for i, code in enumerate((chem.fire_classes or [])[:8], start=1):
        v[f"fire_class_{i}"] = int(code)
    for f, val in hazards_from_fire_classes(chem.fire_classes or [], chem.physical_state).items():
        v[f] = val
    known = [STATE_NAMES[chem.physical_state]] if chem.physical_state else []
    known.append("a mixture" if v["hm_type"] == "b" else "a pure chemical")
    if chem.cas:
        known.append(f"CAS {chem.cas}")
    if v["ehs"]:
        tpq = u.tpq_lb if u is not None and u.tpq_lb is not None else chem.tpq_lb
        known.append(f"an Extremely Hazardous Substance (TPQ {fmt_number(tpq)} lb)" if tpq
                     else "an Extremely Hazardous Substance")
    elif chem.ehs and u is not None and u.ehs is False and u.ehs_reason:
        known.append("not an Extremely Hazardous Substance at this strength")
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
