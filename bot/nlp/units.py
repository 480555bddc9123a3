"""Amounts in CERS units: litres, quarts, kilograms, grams, tons, cubic metres... to gallons, pounds, cubic feet
or tons (pint), and gallons of a liquid to pounds with its density.

Never raises on user input: an amount pint can't convert is "not understood" (None).
"""
from __future__ import annotations

import threading
from typing import Any, Optional

GALLON_L = 3.785411784
POUND_KG = 0.45359237
_TARGET = {"gallons": "gallon", "cubic feet": "cubic_foot", "pounds": "pound", "tons": "short_ton"}
_LOCK = threading.Lock()
_UREG: Any = None


def _ureg() -> Any:
    global _UREG
    if _UREG is None:
        with _LOCK:
            if _UREG is None:
                import pint

                _UREG = pint.UnitRegistry()
    return _UREG


def to_cers(value: float, unit: tuple[str, str]) -> tuple[Optional[float], Optional[str]]:
    """(value in its CERS unit, that unit) for `value` in (pint unit, CERS family); (None, None) if unknown."""
    pint_unit, family = unit
    target = _TARGET.get(family)
    if target is None:
        return None, None
    if pint_unit == target:
        return round(float(value), 6), family
    try:
        converted = (float(value) * _ureg()(pint_unit)).to(target).magnitude
    except Exception:  # noqa: BLE001 - an odd unit is "not understood", never a crash on user text
        return None, None
    return round(float(converted), 6), family


def gallons_to_pounds(gallons: float, density_g_ml: float) -> float:
    """Pounds of `gallons` of a liquid of `density_g_ml` (g/mL = kg/L)."""
    return round(gallons * GALLON_L * density_g_ml / POUND_KG, 4)


def pounds_to_tons(pounds: float) -> float:
    return pounds / 2000.0
