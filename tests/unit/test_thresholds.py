"""Reporting thresholds: base, EHS/TPQ, CO2 and asphyxiants, lubricating oil, propane, same material added up."""
from __future__ import annotations

from bot.inventory.thresholds import Material, check_facility, check_material


def test_base_thresholds_by_unit() -> None:
    assert check_material(Material("Acetone", "b", "a", 55)).reportable is True
    assert check_material(Material("Acetone", "b", "a", 54.9)).reportable is False
    assert check_material(Material("Sand blast media", "a", "c", 499)).reportable is False
    assert check_material(Material("Caustic soda", "a", "d", 0.25)).reportable is True  # 500 lb
    assert check_material(Material("Hydrogen", "c", "b", 200)).reportable is True
    assert "below the 55 gallons" in check_material(Material("Acetone", "b", "a", 10)).reason


def test_ehs_at_tpq_or_500_lb() -> None:
    chlorine = check_material(Material("Chlorine", "c", "c", 150, ehs=True, tpq_lb=100))
    assert chlorine.reportable is True and chlorine.threshold == 100 and "100 lb" in chlorine.reason
    acid = check_material(Material("Sulfuric acid", "b", "c", 600, ehs=True, tpq_lb=1000))
    assert acid.reportable is True and acid.threshold == 500  # TPQ 1,000 > 500: 500 applies
    in_gallons = check_material(Material("Sulfuric acid", "b", "a", 10, ehs=True, tpq_lb=1000))
    assert in_gallons.reportable is None and "pounds" in in_gallons.reason


def test_co2_and_asphyxiants_1000_cubic_feet() -> None:
    assert check_material(Material("CO2", "c", "b", 600, cas="124-38-9")).reportable is False
    assert check_material(Material("Argon", "c", "b", 999, threshold_rule="asphyxiant")).reportable is False
    assert check_material(Material("Nitrogen", "c", "b", 1000, cas="7727-37-9")).reportable is True
    assert check_material(Material("Oxygen", "c", "b", 300, cas="7782-44-7")).reportable is True


def test_lubricating_oil_one_type_and_total() -> None:
    assert check_material(Material("Motor oil", "b", "a", 55, threshold_rule="lube_oil")).reportable is False
    result = check_facility([
        Material("Motor oil", "b", "a", 50, key="m", threshold_rule="lube_oil"),
        Material("Hydraulic oil", "b", "a", 50, key="h", threshold_rule="lube_oil"),
        Material("Gear oil", "b", "a", 50, key="g", threshold_rule="lube_oil"),
    ])
    assert result.must_file is False and result.lube_oil_gallons == 150
    result = check_facility([
        Material("Motor oil", "b", "a", 150, key="m", threshold_rule="lube_oil"),
        Material("Hydraulic oil", "b", "a", 130, key="h", threshold_rule="lube_oil"),
    ])
    assert result.decisions["h"].reportable is True and "275" in result.decisions["h"].reason


def test_propane_is_never_given_an_invented_threshold() -> None:
    big = check_material(Material("Propane", "c", "a", 300, threshold_rule="propane"))
    assert big.reportable is None and "CUPA" in big.reason
    assert check_material(Material("Propane", "c", "a", 20, threshold_rule="propane")).reportable is False


def test_same_material_in_two_locations_is_added_up() -> None:
    result = check_facility([Material("Acetone", "b", "a", 30, cas="67-64-1"), Material("Acetone", "b", "a", 30, cas="67-64-1"),
                             Material("Paint", "b", "a", 5)])
    assert result.decisions["cas:67-64-1"].reportable is True and "2 locations" in result.decisions["cas:67-64-1"].reason
    assert result.totals_by_state == {"liquid": {"gallons": 65.0}}
    mixed = check_facility([Material("Acid", "b", "a", 30, key="x"), Material("Acid", "b", "c", 30, key="x")])
    assert mixed.decisions["x"].reportable is None and "one unit" in mixed.decisions["x"].reason
