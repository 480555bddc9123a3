"""Reading the answer to the field being asked about a material (the one being entered, or a copy of a saved
one being changed): `answer()` applies it to the `Draft` and returns what was understood, in words, or raises
`AnswerError` saying what to type instead.

Changes only the `Draft` it is given: it never writes the database (the chemical library is only read, to
name a CAS number) and never decides which question comes next.
"""
from __future__ import annotations

import re
from typing import Optional

from sqlalchemy.orm import Session

from bot.chemicals.lookup import best
from bot.chemicals.normalize import parse_cas
from bot.dialogue import Turn
from bot.inventory.answers import (
    CONTAINER_LABELS, HAZARD_FIELDS, HAZARD_LABELS, PRESSURE_NAMES, STATE_NAMES, TEMPERATURE_NAMES, UNIT_NAMES,
    WASTE_CODES, Amount, AnswerError, components_text, convert_between, fmt_amount, fmt_number, parse_amount,
    parse_components, parse_containers, parse_days, parse_hazards, parse_hm_type_answer, parse_physical_state,
    parse_pressure, parse_state_waste_code, parse_temperature, parse_unit,
)
from bot.inventory.conversation.amounts import amount_answer, fit_unit, fit_units_after_change
from bot.inventory.conversation.asking import AMOUNT_FIELDS, LABELS, OPTIONAL_FIELDS
from bot.inventory.conversation.state import Draft
from bot.replies import is_skip_or_unknown


def display_name(text: str) -> str:
    """"  back shop." -> "Back shop": single spaces, no edge punctuation, first letter upper case."""
    s = " ".join(text.split()).strip(" ,.")
    return s[:1].upper() + s[1:] if s else s


def answer_pending(db: Session, d: Draft, field: str, text: str, turn: Turn) -> None:
    """The reply to the question about `field` of the material being entered: applied, or why not."""
    try:
        messages = answer(db, d, field, text)
    except AnswerError as exc:
        turn.say(exc.message)
        return
    if d.ask == field:
        d.ask = None
    if messages:
        turn.say(" ".join(messages))


def answer(db: Session, d: Draft, field: str, text: str) -> list[str]:
    """Apply the answer `text` for `field` to the material `d` (pending or a copy of a saved one); what was
    understood, in words. AnswerError when it can't be used."""
    v = d.values
    low = text.lower().strip()
    if field == "unit_for":
        uf = d.unit_for
        assert uf is not None
        try:
            again: Optional[Amount] = parse_amount(text)
        except AnswerError:
            again = None
        if again is not None and again.value is not None and again.unit:  # a whole new amount ("400 gallons")
            d.unit_for = None
            return answer(db, d, uf.field, text)
        unit = parse_unit(low)
        if unit is None:
            raise AnswerError(f"Is that {fmt_number(uf.value)} gallons, pounds, cubic feet or tons?")
        d.unit_for = None
        approx = "about " if uf.approximate else ""
        return answer(db, d, uf.field, f"{approx}{uf.value} {UNIT_NAMES[unit]}")
    if field == "hazards":
        try:
            chosen = parse_hazards(text)
        except AnswerError:
            if is_skip_or_unknown(text):
                d.skipped.append(field)
                return ["OK, no hazard categories for now (your CUPA may ask for them)."]
            raise
        v.update(chosen)
        picked = [HAZARD_LABELS[h] for h in HAZARD_FIELDS if chosen[h]]
        return [f"Hazard categories: {', '.join(picked) if picked else 'none'}."]
    if is_skip_or_unknown(text) and field not in ("components",):
        if field in OPTIONAL_FIELDS:
            d.skipped.append(field)
            return [f"OK, I'll leave the {LABELS[field]} blank."]
        raise AnswerError(required_reason(d, field))
    if field in AMOUNT_FIELDS:
        return amount_answer(d, field, text)
    if field == "common_name":
        value = re.sub(r"^(?:it'?s|it is|its called|it'?s called|called|the name is|name is)\s+", "", text.strip(),
                       flags=re.I)
        if not value:
            raise AnswerError("What is the material called?")
        v["common_name"] = display_name(value)[:500]
        return [f"Name: {v['common_name']}."]
    if field == "physical_state":
        v["physical_state"] = parse_physical_state(text)
        return [f"{STATE_NAMES[v['physical_state']].capitalize()}.", *fit_units_after_change(d)]
    if field == "cas_number":
        return _cas_answer(db, d, text)
    if field == "is_mixture":
        v["hm_type"] = parse_hm_type_answer(text)
        if v["hm_type"] == "a":
            d.components = []
            return ["A single chemical."]
        return ["A mixture."]
    if field == "components":
        return _components_answer(db, d, text)
    if field == "state_waste_code":
        code = parse_state_waste_code(text)
        v["state_waste_code"] = code
        return [f"State waste code {code}" + (f" ({WASTE_CODES[code]})." if code in WASTE_CODES else ".")]
    if field in ("container", "container_amount"):
        return _container_answer(d, field, text)
    if field == "other_container":
        value = text.strip()[:30]
        v["sc_other"], v["other_container"] = True, value
        return [f"Stored in: {value}."]
    if field == "days_on_site":
        if re.search(r"\b(?:drums?|totes?|tanks?|cans?|bags?|cylinders?|gallons?|pounds?|lbs?)\b", low):
            raise AnswerError("How many days a year is it on site? Give a number of days from 1 to 365, or say "
                              "'all year'.")
        v["days_on_site"] = parse_days(text)
        return [f"Days on site: {v['days_on_site']}."]
    if field == "location":
        value = re.sub(r"^(?:it'?s|its|they'?re|theyre|it is|they are|we keep (?:it|them)|kept|stored|located|"
                       r"it'?s kept|it'?s stored)\s+", "", text.strip(), flags=re.I)
        value = re.sub(r"^(?:in|at|inside)\s+", "", value, flags=re.I)
        value = re.sub(r"^(?:the|our|a|an)\s+", "", value, flags=re.I).strip(" .")
        if not value:
            raise AnswerError("Where is it kept? Give the building, room or area.")
        if len(value) > 140:
            raise AnswerError("CERS keeps at most 140 characters for the location: please say it shorter.")
        v["location"] = display_name(value)
        return [f"Location: {v['location']}."]
    if field == "pressure":
        v["pressure"] = parse_pressure(text)
        return [f"Pressure: {PRESSURE_NAMES[v['pressure']]}."]
    if field == "temperature":
        v["temperature"] = parse_temperature(text)
        return [f"Temperature: {TEMPERATURE_NAMES[v['temperature']]}."]
    if field == "units":
        return _units_answer(d, low)
    raise AnswerError(f"I can't change the {LABELS.get(field, field)} here.")


def _cas_answer(db: Session, d: Draft, text: str) -> list[str]:
    v = d.values
    cas = parse_cas(text) or parse_cas(re.sub(r"[^\d\-]", "", text))
    if cas is None:
        if re.search(r"\d+-\d+-\d", text):
            raise AnswerError("That CAS number doesn't check out (the last digit is a check digit). Please copy it "
                              "again from section 3 of the Safety Data Sheet, or say 'none'.")
        raise AnswerError("A CAS number looks like 67-64-1 (section 3 of the Safety Data Sheet). Type it, or say "
                          "'none'.")
    v["cas_number"] = cas
    msgs = [f"CAS {cas}."]
    match = best(db, cas)
    if match is not None:
        msgs.append(f"The chemical library knows {cas} as {match.chemical.name}.")
        if match.chemical.ehs and not v.get("ehs"):
            v["ehs"] = True
            msgs.append("It is an Extremely Hazardous Substance, so CERS needs its amounts in pounds.")
            msgs += fit_units_after_change(d)
    return msgs


def _container_answer(d: Draft, field: str, text: str) -> list[str]:
    """The containers (and, for "container_amount", a size or count said with them: "2 totes")."""
    v = d.values
    codes, other = parse_containers(text, v.get("physical_state"))
    changed = set(codes) != set(d.containers())
    d.set_containers(codes, other)
    msgs = ["Stored in: " + ", ".join(other if c == "sc_other" and other else CONTAINER_LABELS[c].lower()
                                      for c in codes) + "."]
    a: Optional[Amount] = None
    try:
        a = parse_amount(text, unit=v.get("units"))
    except AnswerError:
        a = None
    if a is not None and a.container_size is not None and a.unit:
        unit, size, _note = fit_unit(d, a.unit, a.container_size)
        if v.get("units") in (None, unit):
            if field == "container_amount" or v.get("largest_container") is None:
                v["largest_container"], v["units"] = round(size, 4), unit
                msgs.append(f"Largest container: {fmt_amount(size, unit)}.")
            if field == "container_amount" and (changed or (a.count or 1) != 1
                                                or v.get("maximum_daily_amount") is None):
                v["maximum_daily_amount"] = round(a.value or size, 4)
                msgs.append(f"Maximum: {fmt_amount(v['maximum_daily_amount'], unit)}.")
    elif a is not None and a.count and a.value is None and field == "container_amount":
        msgs += amount_answer(d, "maximum_daily_amount", text)
    elif changed and field == "container_amount":
        v["largest_container"] = None
    return msgs


def _units_answer(d: Draft, low: str) -> list[str]:
    v = d.values
    unit = parse_unit(low)
    if unit is None:
        raise AnswerError("Which unit: gallons, pounds, cubic feet or tons?")
    unit, _value, note = fit_unit(d, unit, 1.0)
    old = v.get("units")
    v["units"] = unit
    msgs = [f"Units: {UNIT_NAMES[unit]}."]
    if old and old != unit:
        for f in AMOUNT_FIELDS:
            if v.get(f) is not None:
                converted = convert_between(v[f], old, unit)
                v[f] = None if converted is None else round(converted, 4)
        if v.get("maximum_daily_amount") is None:
            msgs.append("Please give the amounts again in that unit.")
    return msgs


def _components_answer(db: Session, d: Draft, text: str) -> list[str]:
    v = d.values
    name = d.name
    low = text.lower().strip(" .!")
    none = is_skip_or_unknown(low) or bool(re.fullmatch(r"(?:none|no|nope|nothing|n/a|no hazardous components?|"
                                                        r"there are none|i don'?t know|don'?t know|no idea)", low))
    if v.get("hm_type") == "b" and re.search(r"\b(?:not a mixture|single (?:chemical|substance)|pure)\b", low):
        v["hm_type"] = "a"
        d.components = []
        return ["OK, a single chemical then."]
    if none:
        if v.get("hm_type") == "c":
            raise AnswerError(f"I can't leave them out: {name} is a waste, and CERS inspectors reject waste lines "
                              "without their hazardous components. Your hauler's waste profile or a lab analysis "
                              "lists them; you can also use the Safety Data Sheet of the product the waste came from. "
                              "Or say 'cancel' and add this waste later.")
        raise AnswerError(f"A mixture needs its hazardous components to be reported (SDS section 3). If {name} is "
                          "really a single chemical, say 'not a mixture'.")
    comps = parse_components(text, db)
    d.components = comps
    msgs = [f"Components: {components_text(comps)}."]
    ehs = [c["name"] for c in comps if c.get("ehs")]
    if ehs:
        msgs.append(f"{', '.join(ehs)} {'is an' if len(ehs) == 1 else 'are'} Extremely Hazardous "
                    f"Substance{'s' if len(ehs) != 1 else ''}: its amount counts toward a lower threshold.")
    return msgs


def required_reason(d: Draft, field: str) -> str:
    """Why a required field can't be skipped."""
    name = d.name
    if field == "state_waste_code":
        return (f"I can't skip that: a waste needs its state waste code. It is on the hazardous waste manifest or "
                f"your hauler's waste profile (e.g. 221 for waste oil). Or say 'cancel' and add {name} later.")
    if field == "annual_waste_amount":
        return "I need at least an estimate of how much of this waste you generate in a year."
    if field == "container":
        return "CERS needs at least one storage container type (drum, tote, tank, cylinder, bag...)."
    if field == "maximum_daily_amount":
        return "CERS requires the maximum daily amount; an estimate is fine (e.g. 'about 50 gallons')."
    return f"CERS requires the {LABELS.get(field, field)}, so I can't skip it."
