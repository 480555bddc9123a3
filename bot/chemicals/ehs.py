"""Extremely Hazardous Substances (40 CFR 355 Appendix A) for one library chemical, and gallons -> pounds.

- `ehs_status(chemical, percent, physical_form)`: is it an EHS as the filer holds it, with which Threshold
  Planning Quantity, and why in plain words. The listing's limits are applied: hydrogen chloride is listed
  only as a gas (hydrochloric/muriatic acid solutions are not EHS), hydrogen peroxide only above 52%, and the
  solids listed as "500/10,000" have the lower TPQ only as a fine powder (< 100 microns), molten or in
  solution. Ammonia, sulfuric and nitric acid, formaldehyde... have no concentration limit: in a solution
  the EHS's own weight (weight percent x weight) is what counts.
- `pounds_from_gallons(chemical, gallons, specific_gravity)`: EHS amounts are reported in pounds; this turns
  a volume into pounds with the filer's specific gravity, else the library's density (and says which).

`chemical` is a `bot.models.Chemical` row (or any object with the same attributes). Nothing here touches the
database; `bot/inventory/thresholds.py` takes the `tpq_lb` returned here.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

import yaml

LB_PER_GALLON_WATER = 8.345404  # pounds per US gallon per g/mL (3.785411784 L x 2.20462262 lb/kg)
_GAS, _LIQUID, _SOLID, _FINE = "gas", "liquid", "solid", "fine"
_FORMS = {
    "c": _GAS, "gas": _GAS, "anhydrous": _GAS, "compressed gas": _GAS, "liquefied gas": _GAS, "cylinder": _GAS,
    "b": _LIQUID, "liquid": _LIQUID,
    "a": _SOLID, "solid": _SOLID, "pellets": _SOLID, "granules": _SOLID, "granular": _SOLID, "tablets": _SOLID,
    "flakes": _SOLID, "blocks": _SOLID, "bricks": _SOLID,
    "powder": _FINE, "fine powder": _FINE, "dust": _FINE, "molten": _FINE, "solution": _FINE, "in solution": _FINE,
}


@dataclass(frozen=True)
class EhsStatus:
    is_ehs: Optional[bool]  # None = can't tell yet (the reason says what to ask)
    tpq_lb: Optional[float]  # the Threshold Planning Quantity that applies (None when not EHS / unknown)
    reason: str
    source: Optional[str] = None  # where the listing comes from
    qualifier: Optional[str] = None  # the listing's limit in words ("Conc. > 52%")
    tpq_alt_lb: Optional[float] = None  # the "10,000" of a "500/10,000" solid


class PoundsFromGallons(NamedTuple):
    pounds: float
    density_g_ml: float
    density_source: str


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _form(physical_form: Optional[str]) -> Optional[str]:
    if not physical_form:
        return None
    return _FORMS.get(" ".join(str(physical_form).lower().split()))


def _gas_only(chemical: Any) -> bool:
    return (getattr(chemical, "ehs_qualifier", None) or "").lower().startswith("gas only")


def ehs_status(chemical: Any, percent: Optional[float] = None, physical_form: Optional[str] = None) -> EhsStatus:
    """Whether `chemical`, at `percent` (weight % of the chemical in what the filer holds; None = pure or not
    known) and in `physical_form` ("gas", "liquid", "solid", "powder", "molten", "solution", or the CERS codes
    a/b/c; None = not known), is an Extremely Hazardous Substance, and its TPQ."""
    if chemical is None:
        return EhsStatus(None, None, "This material is not in the library, so I can't tell: section 15 of its "
                                     "Safety Data Sheet says whether it is an EPCRA section 302 Extremely "
                                     "Hazardous Substance.")
    name = getattr(chemical, "name", "This material")
    source = getattr(chemical, "ehs_source", None)
    qualifier = getattr(chemical, "ehs_qualifier", None)
    if not getattr(chemical, "ehs", False):
        parts = [c for c in (getattr(chemical, "components", None) or []) if getattr(c, "ehs", False)]
        if parts:
            names = ", ".join(c.name + (f" ({_fmt(c.percent)}%)" if c.percent is not None else "") for c in parts)
            return EhsStatus(False, None, f"{name} itself is not on the EHS list, but it contains {names}, which "
                                          "is: that component's own weight counts toward its Threshold Planning "
                                          "Quantity.", source)
        return EhsStatus(False, None, f"{name} is not on the list of Extremely Hazardous Substances "
                                      "(40 CFR 355 Appendix A).", source)

    tpq, alt = getattr(chemical, "tpq_lb", None), getattr(chemical, "tpq_alt_lb", None)
    form = _form(physical_form)
    min_percent = getattr(chemical, "ehs_min_percent", None)

    def status(ok: Optional[bool], why: str, tpq_value: Optional[float] = None) -> EhsStatus:
        return EhsStatus(ok, tpq_value if ok else None, why, source, qualifier, alt)

    if _gas_only(chemical):
        if form == _GAS and (percent is None or percent >= 100):
            return status(True, f"{name} as a gas (anhydrous) is an Extremely Hazardous Substance; its Threshold "
                                f"Planning Quantity is {_fmt(tpq)} lb.", tpq)
        if form in (_LIQUID, _FINE, _SOLID) or (percent is not None and percent < 100):
            return status(False, "Only the gas (anhydrous hydrogen chloride) is on the EHS list: a hydrochloric "
                                 "(muriatic) acid solution is not an Extremely Hazardous Substance.")
        return status(None, f"{name} is an Extremely Hazardous Substance only as a gas (anhydrous, in a cylinder); "
                            "hydrochloric (muriatic) acid, a liquid solution, is not. Is yours the gas or the acid "
                            "solution?")
    if min_percent is not None:
        if percent is None:
            return status(None, f"{name} is an Extremely Hazardous Substance only at a concentration above "
                                f"{_fmt(min_percent)}% ({qualifier or 'the listing says so'}). What concentration is "
                                "yours (the label or the Safety Data Sheet says)?")
        if percent > min_percent:
            return status(True, f"{name} at {_fmt(percent)}% is above {_fmt(min_percent)}%, so it is an Extremely "
                                f"Hazardous Substance; its Threshold Planning Quantity is {_fmt(tpq)} lb.", tpq)
        return status(False, f"{name} at {_fmt(percent)}% is not an Extremely Hazardous Substance: only "
                             f"concentrations above {_fmt(min_percent)}% are listed.")

    in_mix = (f" In a {_fmt(percent)}% solution or mixture only its own weight ({_fmt(percent)}% of the total) "
              "counts." if percent is not None and percent < 100 else "")
    if alt is not None and tpq is not None:
        if form == _FINE or (percent is not None and percent < 100):
            return status(True, f"{name} is an Extremely Hazardous Substance; as a fine powder, molten or in "
                                f"solution its Threshold Planning Quantity is {_fmt(tpq)} lb.{in_mix}", tpq)
        if form == _SOLID:
            return status(True, f"{name} is an Extremely Hazardous Substance; as a solid that is not a fine powder "
                                f"(under 100 microns), molten or in solution, its Threshold Planning Quantity is "
                                f"{_fmt(alt)} lb.", alt)
        return status(True, f"{name} is an Extremely Hazardous Substance with a Threshold Planning Quantity of "
                            f"{_fmt(tpq)} lb as a fine powder, molten or in solution, or {_fmt(alt)} lb otherwise. "
                            f"I use {_fmt(tpq)} lb unless you tell me it is a solid of another form.", tpq)
    return status(True, f"{name} is an Extremely Hazardous Substance; its Threshold Planning Quantity is "
                        f"{_fmt(tpq)} lb.{in_mix}" if tpq is not None else
                        f"{name} is an Extremely Hazardous Substance.{in_mix}", tpq)


def listed_ehs(chemical: Any, percent: Optional[float] = None, state: Optional[str] = None) -> bool:
    """Whether the library's EHS listing surely applies at this strength and form (CERS state code a/b/c or a form
    word): hydrogen peroxide only above 52%, hydrogen chloride only as the gas. Only a sure yes turns a line's or
    a component's EHS flag on; the filer may still mark it themselves."""
    return bool(getattr(chemical, "ehs", False)) and ehs_status(chemical, percent, state).is_ehs is True


def effective_tpq(chemical: Any, percent: Optional[float] = None, physical_form: Optional[str] = None) -> Optional[float]:
    """The TPQ that applies (for `bot.inventory.thresholds.Material.tpq_lb`); None when not an EHS or unknown."""
    return ehs_status(chemical, percent, physical_form).tpq_lb


@functools.lru_cache(maxsize=1)
def _product_density_sources() -> dict[str, str]:
    from bot.chemicals.build import CURATED_FILE

    data = yaml.safe_load(CURATED_FILE.read_text(encoding="utf-8")) or {}
    return {f"product:{p['key']}": str(p["sg_source"]) for p in data.get("products", []) if p.get("sg_source")}


def density_source(chemical: Any) -> str:
    """Where the library's density of `chemical` comes from, in words."""
    key = getattr(chemical, "key", "") or ""
    if key.startswith("product:"):
        src = _product_density_sources().get(key)
        return f"typical specific gravity from a Safety Data Sheet ({src})" if src else \
            "typical specific gravity of the product type"
    gas = getattr(chemical, "physical_state", None) == "c"
    return ("liquid density near 20 C from the chemicals package's (ChEDL) data"
            + (", as a liquefied gas under its own pressure" if gas else ""))


def pounds_from_gallons(chemical: Any, gallons: float, specific_gravity: Optional[float] = None) -> Optional[PoundsFromGallons]:
    """(pounds, density in g/mL, where the density comes from) for `gallons` of `chemical`; None when no density
    is known (then ask the filer for the weight, or the specific gravity on the Safety Data Sheet)."""
    if specific_gravity is not None and specific_gravity > 0:
        density, where = float(specific_gravity), "the specific gravity you gave"
    else:
        density = getattr(chemical, "density_g_ml", None) if chemical is not None else None
        if not density:
            return None
        where = density_source(chemical)
    return PoundsFromGallons(round(gallons * density * LB_PER_GALLON_WATER, 2), density, where)
