"""Reporting thresholds (cers-facts.md section 4): does a material have to be in the business plan?

Rules used (HSC 25507 and the CUPA exemption pages cited in cers-facts.md):
- base: at any one time >= 55 gallons, >= 500 pounds (a ton is 2,000 lb), >= 200 cubic feet of gas at STP;
- EHS: its Threshold Planning Quantity or 500 lb, whichever is less, amounts in pounds;
- carbon dioxide and simple asphyxiants (nitrogen, argon, helium, ...): 1,000 cubic feet;
- lubricating oil: reportable only above 55 gallons of one type or above 275 gallons of all types together
  (used oil is NOT lubricating oil);
- propane: a special threshold exists but could not be confirmed, so above the base threshold the answer is
  "check with your CUPA" (reportable=None), never an invented number.
The same material in several locations is added up (one Material per line; lines with the same `key` are
one material). Local CUPA rules may differ: every reason says what it is based on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

GALLONS, CUBIC_FEET, POUNDS, TONS = "a", "b", "c", "d"
UNIT_LABELS = {GALLONS: "gallons", CUBIC_FEET: "cubic feet", POUNDS: "pounds", TONS: "tons"}
STATE_LABELS = {"a": "solid", "b": "liquid", "c": "gas"}
BASE_GALLONS, BASE_POUNDS, BASE_CUBIC_FEET = 55.0, 500.0, 200.0
ASPHYXIANT_CUBIC_FEET = 1000.0
LUBE_ONE_TYPE_GALLONS, LUBE_TOTAL_GALLONS = 55.0, 275.0
# CAS numbers of carbon dioxide and the simple asphyxiants named in cers-facts.md (N2, He, Ar, Ne, Kr, Xe).
CO2_CAS = "124-38-9"
ASPHYXIANT_CAS = {"7727-37-9", "7440-59-7", "7440-37-1", "7440-01-9", "7439-90-9", "7440-63-3"}


@dataclass(frozen=True)
class Material:
    """One inventory line as the threshold rules see it. `key` groups the lines of the same material."""

    name: str
    physical_state: str  # a / b / c
    units: str  # a gallons / b cubic feet / c pounds / d tons
    max_amount: float
    key: Optional[str] = None
    ehs: bool = False
    tpq_lb: Optional[float] = None
    threshold_rule: Optional[str] = None  # lube_oil | co2 | asphyxiant | propane (library Chemical.threshold_rule)
    cas: Optional[str] = None
    is_waste: bool = False


@dataclass(frozen=True)
class Decision:
    reportable: Optional[bool]  # None = cannot tell (the reason says what to do)
    reason: str
    threshold: Optional[float] = None
    threshold_units: Optional[str] = None  # a/b/c/d
    total: Optional[float] = None  # the material's total compared with the threshold


@dataclass
class FacilityResult:
    decisions: dict[str, Decision]  # by material key
    totals_by_state: dict[str, dict[str, float]] = field(default_factory=dict)  # state -> units -> amount
    lube_oil_gallons: float = 0.0

    @property
    def must_file(self) -> Optional[bool]:
        """True when any material is reportable; None when none is but one is undecided."""
        values = [d.reportable for d in self.decisions.values()]
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def rule_for(material: Material) -> Optional[str]:
    if material.threshold_rule:
        return material.threshold_rule
    if material.cas == CO2_CAS:
        return "co2"
    if material.cas in ASPHYXIANT_CAS:
        return "asphyxiant"
    return None


def _key(m: Material) -> str:
    return m.key or (f"cas:{m.cas}" if m.cas else f"name:{' '.join(m.name.lower().split())}")


def _total(lines: list[Material]) -> tuple[float, str, Optional[str]]:
    """Sum of the lines in one unit (tons counted as pounds); a message when units can't be added."""
    units = {GALLONS if l.units == GALLONS else POUNDS if l.units in (POUNDS, TONS) else l.units for l in lines}
    if len(units) > 1:
        labels = " and ".join(sorted(UNIT_LABELS[u] for u in units))
        return 0.0, "", f"it is listed in {labels}; please use one unit for all its locations so they can be added up"
    unit = units.pop()
    total = sum(l.max_amount * (2000.0 if l.units == TONS else 1.0) for l in lines)
    return total, unit, None


def decide(lines: list[Material], lube_total_gallons: float = 0.0) -> Decision:
    """The decision for one material (all its lines); `lube_total_gallons` = all lubricating oils together."""
    first = lines[0]
    name = first.name
    total, unit, problem = _total(lines)
    if problem:
        return Decision(None, f"I can't add up {name}: {problem}.")
    amount = f"{_fmt(total)} {UNIT_LABELS[unit]}"
    where = f" (in {len(lines)} locations together)" if len(lines) > 1 else ""
    rule = rule_for(first)

    if first.ehs:
        limit = min(first.tpq_lb, BASE_POUNDS) if first.tpq_lb else BASE_POUNDS
        basis = (f"its Threshold Planning Quantity of {_fmt(first.tpq_lb)} lb" if first.tpq_lb and first.tpq_lb < BASE_POUNDS
                 else "500 lb")
        if unit != POUNDS:
            return Decision(None, f"{name} is an Extremely Hazardous Substance: CERS needs its amount in pounds "
                                  f"(you gave {amount}). Please give the weight in pounds.", limit, POUNDS)
        ok = total >= limit
        return Decision(ok, f"{name} is an Extremely Hazardous Substance; the threshold is {basis} (TPQ or 500 lb, "
                            f"whichever is less). You have {amount}{where}: "
                            + ("it must be reported." if ok else "below the threshold, so it need not be reported "
                               "unless your CUPA asks for it."), limit, POUNDS, total)

    if rule == "lube_oil" and unit == GALLONS:
        over_one = total > LUBE_ONE_TYPE_GALLONS
        over_all = lube_total_gallons > LUBE_TOTAL_GALLONS
        ok = over_one or over_all
        why = (f"more than 55 gallons of this one type ({amount}{where})" if over_one else
               f"all lubricating oils together are {_fmt(lube_total_gallons)} gallons, more than 275" if over_all else
               f"{amount}{where} is not more than 55 gallons of one type, and all lubricating oils together are "
               f"{_fmt(lube_total_gallons)} gallons, not more than 275")
        return Decision(ok, f"{name} is lubricating oil: it is reported only above 55 gallons of one type or 275 "
                            f"gallons of all types together. Here {why}, so it "
                            + ("must be reported." if ok else "need not be reported."), LUBE_ONE_TYPE_GALLONS, GALLONS, total)

    if rule in ("co2", "asphyxiant") and unit == CUBIC_FEET:
        kind = "Carbon dioxide" if rule == "co2" else f"{name} is a simple asphyxiant; simple asphyxiants"
        ok = total >= ASPHYXIANT_CUBIC_FEET
        return Decision(ok, f"{kind} {'has' if rule == 'co2' else 'have'} a special threshold of 1,000 cubic feet. "
                            f"You have {amount}{where}: " + ("it must be reported." if ok else "below 1,000 cubic feet, "
                            "so it need not be reported."), ASPHYXIANT_CUBIC_FEET, CUBIC_FEET, total)

    limit = {GALLONS: BASE_GALLONS, POUNDS: BASE_POUNDS, CUBIC_FEET: BASE_CUBIC_FEET}[unit]
    base = f"{_fmt(limit)} {UNIT_LABELS[unit]}"
    if total < limit:
        return Decision(False, f"{amount} of {name}{where} is below the {base} reporting threshold, so it need not be "
                               "reported (it may still be listed if you want, or if your CUPA asks).", limit, unit, total)
    if rule == "propane":
        return Decision(None, f"{amount} of propane{where} is at or above the general {base} threshold. California has a "
                              "special rule for propane (for example, propane used only to heat employee work areas), "
                              "but I could not confirm its current limit: please check with your CUPA whether you "
                              "must report it.", limit, unit, total)
    return Decision(True, f"{amount} of {name}{where} is at or above the {base} reporting threshold: it must be "
                          "reported.", limit, unit, total)


def check_material(material: Material) -> Decision:
    """Decision for one material on its own (lubricating oil: its own amount counts as the total)."""
    lube = material.max_amount if rule_for(material) == "lube_oil" and material.units == GALLONS else 0.0
    return decide([material], lube)


def check_facility(materials: Iterable[Material]) -> FacilityResult:
    """Decisions for every material of a facility (same-material lines added up) and totals by state."""
    groups: dict[str, list[Material]] = {}
    totals: dict[str, dict[str, float]] = {}
    lube = 0.0
    for m in materials:
        groups.setdefault(_key(m), []).append(m)
        state = STATE_LABELS.get(m.physical_state, m.physical_state)
        amount, unit = (m.max_amount * 2000.0, POUNDS) if m.units == TONS else (m.max_amount, m.units)
        per_unit = totals.setdefault(state, {})
        per_unit[UNIT_LABELS.get(unit, unit)] = per_unit.get(UNIT_LABELS.get(unit, unit), 0.0) + amount
        if rule_for(m) == "lube_oil" and m.units == GALLONS:
            lube += m.max_amount
    decisions = {key: decide(lines, lube) for key, lines in groups.items()}
    return FacilityResult(decisions, totals, lube)
