"""Amount answers about a material (maximum, average, largest container, annual waste): "about 50 gallons",
"3 drums", "same as maximum", "20 kg", a bare "50" (then its unit is asked), and keeping all the amounts of a
material in one unit that fits its physical state and the EHS rule (pounds for an Extremely Hazardous
Substance).

Changes only the `Draft` it is given and returns what was understood, in words, or raises `AnswerError`;
it never writes the database and never decides which question comes next.
"""
from __future__ import annotations

import re

from bot.inventory.answers import (
    STATE_NAMES, UNIT_NAMES, UNITS_FOR_STATE, Amount, AnswerError, check_amount, convert_between, fmt_amount,
    fmt_number, parse_amount,
)
from bot.inventory.conversation.asking import AMOUNT_FIELDS, LABELS
from bot.inventory.conversation.state import Draft, UnitAwaited


def fit_unit(d: Draft, unit: str, value: float) -> tuple[str, float, str]:
    """The unit checked against the physical state and the EHS rule; tons become pounds for an EHS."""
    v = d.values
    name = d.name
    state = v.get("physical_state")
    if v.get("ehs") and unit != "c":
        if unit == "d":
            return "c", value * 2000, f"{fmt_amount(value, 'd')} = {fmt_amount(value * 2000, 'c')} (CERS needs " \
                                      "pounds for an Extremely Hazardous Substance)."
        raise AnswerError(f"{name} is an Extremely Hazardous Substance, and CERS needs its amounts in pounds. Please "
                          "give the weight in pounds (gallons x 8.34 x the specific gravity from the Safety Data Sheet "
                          "gives pounds).")
    if state in UNITS_FOR_STATE and unit not in UNITS_FOR_STATE[state]:
        allowed = " or ".join(UNIT_NAMES[u] for u in UNITS_FOR_STATE[state])
        raise AnswerError(f"{name} is a {STATE_NAMES[state]}, which is reported in {allowed}, not in "
                          f"{UNIT_NAMES[unit]}. Please give it in {allowed}.")
    return unit, value, ""


def fit_units_after_change(d: Draft) -> list[str]:
    """After the state or EHS flag changed: amounts in a unit that no longer fits are converted (tons -> pounds)
    or dropped to be asked again; returns what was done, in words."""
    v = d.values
    unit = v.get("units")
    if unit is None:
        return []
    try:
        new_unit, _value, note = fit_unit(d, unit, 1.0)
    except AnswerError as exc:
        for f in AMOUNT_FIELDS:
            v[f] = None
        v["units"] = None
        d.container_count = None
        return [exc.message.replace("Please give", "So I'll ask for the amounts again; please give")]
    if new_unit != unit:
        for f in AMOUNT_FIELDS:
            if v.get(f) is not None:
                v[f] = round(v[f] * 2000, 4)
        v["units"] = new_unit
        return ["I converted the amounts to pounds (CERS needs pounds for an Extremely Hazardous Substance)."]
    return []


# "drums" names a drum whatever its material: a generic word doesn't replace a plastic drum by a steel one
_FAMILY = {"sc_steel_drum": "drum", "sc_plastic_drum": "drum", "sc_fiber_drum": "drum", "sc_above_ground_tank": "tank",
           "sc_under_ground_tank": "tank", "sc_tank_inside_building": "tank", "sc_plastic_bottle": "bottle",
           "sc_glass_bottle": "bottle"}
_SAME_RE = re.compile(r"\bsame\b|\bequal\b|\bidentical\b|\bno difference\b|\bthe max(?:imum)?\b|^all of it$|"
                      r"\bone (?:tank|container|drum|tote|cylinder)\b|\ball in one\b")


def amount_answer(d: Draft, field: str, text: str) -> list[str]:
    """Apply an amount answer for `field` (one of AMOUNT_FIELDS); what was understood, in words."""
    v = d.values
    units = v.get("units")
    name = d.name
    label = LABELS[field]
    low = text.lower()
    if field in ("average_daily_amount", "largest_container") and _SAME_RE.search(low) and not re.search(r"\d", low):
        mx = v.get("maximum_daily_amount")
        if mx is None:
            raise AnswerError("Let's have the maximum daily amount first.")
        v[field] = mx
        return [f"{label.capitalize()}: {fmt_amount(mx, units)}."]
    a = parse_amount(text, unit=units)
    msgs: list[str] = []
    if a.value is None and a.count is not None:
        if field != "maximum_daily_amount":
            raise AnswerError(f"Please give the {label} as an amount, for example '55 gallons'.")
        code = a.container_code
        if code and not v.get(code) and not any(_FAMILY.get(c) == _FAMILY.get(code) for c in d.containers()
                                                if _FAMILY.get(code)):
            d.set_containers([code])
            v["largest_container"] = None  # the size of the old container type doesn't apply
        size = v.get("largest_container")
        if size and units:
            value = round(a.count * size, 4)
            msgs.append(f"{fmt_number(a.count)} x {fmt_amount(size, units)} = {fmt_amount(value, units)}.")
            a = Amount(value, units, a.approximate, "", a.count, code)
        else:
            d.container_count = a.count
            v["maximum_daily_amount"] = None
            return []
    value, unit = a.value, a.unit
    assert value is not None
    if unit is None:
        if units is None:
            d.unit_for = UnitAwaited(field, value, a.approximate)
            return []
        unit = units
    if units and unit != units:
        converted = convert_between(value, unit, units)
        if converted is not None:
            msgs.append(f"{fmt_amount(value, unit)} = {fmt_amount(converted, units)}.")
            value, unit = converted, units
        elif field == "maximum_daily_amount":
            others = [f for f in AMOUNT_FIELDS if f != field and v.get(f) is not None]
            if others:
                msgs.append(f"The amounts are now in {UNIT_NAMES[unit]}, so I cleared the "
                            + " and ".join(LABELS[f] for f in others) + " (they were in "
                            f"{UNIT_NAMES[units]}).")
                for f in others:
                    v[f] = None
        else:
            raise AnswerError(f"The other amounts of {name} are in {UNIT_NAMES[units]}; please give this one in "
                              f"{UNIT_NAMES[units]} too (I can't convert {UNIT_NAMES[unit]} to {UNIT_NAMES[units]} "
                              "without the material's density).")
    unit, value, note = fit_unit(d, unit, value)
    if note:
        msgs.append(note)
    check_amount(value, unit, label, allow_zero=field in ("average_daily_amount", "annual_waste_amount"))
    mx = v.get("maximum_daily_amount")
    if field == "average_daily_amount" and mx is not None and value > mx:
        raise AnswerError(f"The average ({fmt_amount(value, unit)}) can't be more than the maximum "
                          f"({fmt_amount(mx, unit)}). Give the usual amount on a typical day, or change the maximum.")
    if field == "largest_container" and mx is not None and value > mx and not d.container_count:
        raise AnswerError(f"The largest container ({fmt_amount(value, unit)}) can't be bigger than the maximum amount "
                          f"on site ({fmt_amount(mx, unit)}). Give the size of one container, or change the maximum.")
    if a.note:
        msgs.insert(0, a.note + ".")
    if a.approximate:
        msgs.append(f"I'll put {fmt_amount(value, unit)} (an estimate is fine: CERS asks for your best estimate).")
    v[field] = round(value, 4)
    if v.get("units") != unit:
        v["units"] = unit
    if field == "maximum_daily_amount":
        d.container_count = None
        if a.container_code and not d.containers():
            d.set_containers([a.container_code])
        if a.container_size and v.get("largest_container") is None:
            v["largest_container"] = round(a.container_size, 4)
        avg = v.get("average_daily_amount")
        if avg is not None and avg > value:
            v["average_daily_amount"] = v[field]
            msgs.append(f"The average was more than the new maximum, so I set it to {fmt_amount(value, unit)} too.")
    if not msgs:
        msgs.append(f"{label.capitalize()}: {fmt_amount(v[field], unit)}.")
    if field == "largest_container" and d.container_count and v.get("maximum_daily_amount") is None:
        count = d.container_count
        d.container_count = None
        total = round(count * value, 4)
        check_amount(total, unit, "maximum daily amount")
        v["maximum_daily_amount"] = total
        msgs.append(f"So the maximum is {fmt_number(count)} x {fmt_amount(value, unit)} = {fmt_amount(total, unit)}.")
    return msgs
