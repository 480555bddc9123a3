"""Inventory sentence understanding: amounts, units (pint), containers, counts x sizes, place, library match."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.chemicals import build, lookup as lookup_mod
from bot.nlp.evaluate_inventory import DEFAULT_DATA, evaluate, load
from bot.nlp.inventory_sentence import parse_inventory_sentence as parse
from bot.nlp.word_numbers import replace_number_words, words_to_number


def test_drums_of_a_stated_size_are_multiplied() -> None:
    p = parse("We keep three 55-gallon drums of motor oil in the back shop")
    assert p.material_text == "motor oil"
    assert (p.amount, p.unit) == (165, "gallons")
    assert (p.container_type, p.container_code, p.container_count) == ("drum", "sc_steel_drum", 3)
    assert (p.container_size, p.container_size_unit) == (55, "gallons")
    assert p.location == "back shop" and p.location_text == "in the back shop"
    assert p.approximate is False


def test_cylinders_of_a_stated_size() -> None:
    p = parse("four 300 cubic foot cylinders of argon")
    assert (p.material_text, p.amount, p.unit, p.container_code, p.container_count) == (
        "argon", 1200, "cubic feet", "sc_cylinder", 4)


def test_size_after_the_container_with_each() -> None:
    p = parse("6 propane cylinders, 33 lb each, for the forklifts")
    assert (p.material_text, p.amount, p.unit, p.container_size) == ("propane", 198, "pounds", 33)
    assert p.location is None


def test_metric_and_small_units_convert_with_pint() -> None:
    assert parse("200 liters of isopropyl alcohol").amount == pytest.approx(52.834, rel=1e-3)
    p = parse("roughly 15 kilograms of potassium hydroxide")
    assert (p.unit, p.unit_text, p.approximate) == ("pounds", "kilograms", True)
    assert p.amount == pytest.approx(33.069, rel=1e-3)
    assert parse("12 quarts of motor oil").amount == pytest.approx(3.0)
    assert parse("4 pints of muriatic acid").amount == pytest.approx(0.5)
    assert parse("8 oz of mercury").amount == pytest.approx(0.5)
    assert (parse("2 tons of road salt").amount, parse("2 tons of road salt").unit) == (2, "tons")


def test_written_out_numbers() -> None:
    assert words_to_number("fifty-five") == 55
    assert words_to_number("two hundred and fifty") == 250
    assert words_to_number("a dozen") == 12
    assert words_to_number("two five") is None
    assert replace_number_words("two five-gallon pails") == "2 5-gallon pails"
    assert replace_number_words("half a drum") == "0.5 drum"
    assert replace_number_words("2 1/2 gallons") == "2.5 gallons"
    p = parse("a dozen 1 gallon cans of paint thinner in the paint booth")
    assert (p.amount, p.container_code, p.location) == (12, "sc_can", "paint booth")


def test_no_size_means_no_amount_but_the_count_is_kept() -> None:
    p = parse("we got like 2 totes of antifreeze")
    assert (p.material_text, p.amount, p.container_code, p.container_count) == ("antifreeze", None, "sc_tote_bin", 2)


def test_cases_of_jugs_do_not_invent_a_total() -> None:
    p = parse("6 cases of bleach 1 gal jugs")
    assert p.material_text == "bleach" and p.amount is None
    assert p.container_code == "sc_plastic_bottle"


def test_propane_tank_out_back() -> None:
    p = parse("a 500 gal propane tank out back")
    assert (p.material_text, p.amount, p.unit, p.container_code, p.container_count, p.location) == (
        "propane", 500, "gallons", "sc_above_ground_tank", 1, "out back")


def test_small_tank_in_pounds_is_a_cylinder_and_underground_tank() -> None:
    assert parse("a 20 lb propane tank for the bbq").container_code == "sc_cylinder"
    assert parse("there's a 10,000 gallon underground gasoline tank").container_code == "sc_under_ground_tank"
    assert parse("there's a 10,000 gallon underground gasoline tank").amount == 10000


def test_container_kinds_map_to_cers_columns() -> None:
    assert parse("2 poly drums of hydrochloric acid").container_code == "sc_plastic_drum"
    assert parse("3 fiber drums of calcium chloride").container_code == "sc_fiber_drum"
    assert parse("12 glass bottles of sulfuric acid").container_code == "sc_glass_bottle"
    assert parse("a carboy of nitric acid").container_code == "sc_carboy"
    assert parse("9 boxes of welding rods").container_code == "sc_box"
    assert parse("20 bags of cement").container_code == "sc_bag"
    assert parse("some paint you can smell").container_code is None


def test_approximate_words() -> None:
    assert parse("around 40 lbs of pool chlorine tabs").approximate is True
    assert parse("~50 gallons of hydraulic oil").approximate is True
    assert parse("approx. 3000 lbs of sodium bicarbonate").approximate is True
    assert parse("40 lbs of pool chlorine tabs").approximate is False


def test_locations() -> None:
    assert parse("one 275 gallon tote of used oil outside by the dumpsters").location == "outside by the dumpsters"
    assert parse("5 gallons of acetone under the sink").location == "under the sink"
    assert parse("80 gallons of gasoline in cans in the shed").location == "shed"
    assert parse("2000 gallons of liquid nitrogen in the dewar outside").location == "outside"
    assert parse("Motor oil, 110 gal, lube room").location == "lube room"


def test_material_without_of() -> None:
    assert parse("Diesel 500 gallons").material_text == "Diesel"
    assert parse("3 oxygen cylinders 250 cu ft each in the welding area").amount == 750
    assert parse("hydrogen peroxide").amount is None


def test_empty_and_nonsense_do_not_crash() -> None:
    assert parse("").material_text is None
    p = parse("hello there")
    assert p.amount is None and p.container_code is None


@pytest.fixture
def small_library(db: Session) -> Session:
    entries = [
        build.Entry(key="product:motor-oil", name="Motor oil", source="curated", kind="product",
                    physical_state="b", synonyms=["motor oil", "engine oil"]),
        build.Entry(key="product:diesel", name="Diesel fuel", source="curated", kind="product",
                    physical_state="b", synonyms=["diesel", "diesel fuel"]),
        build.Entry(key="cas:7440-37-1", name="Argon", cas="7440-37-1", source="chedl", physical_state="c"),
        build.Entry(key="cas:67-64-1", name="Acetone", cas="67-64-1", source="chedl", physical_state="b"),
    ]
    build.load(db.connection(), entries)
    db.commit()
    lookup_mod.reset_index()
    yield db
    lookup_mod.reset_index()


def test_library_names_the_material(small_library: Session) -> None:
    p = parse("2 55gal drums motor oil shop", db=small_library)
    assert p.material_text == "motor oil" and p.chemical is not None and p.chemical.name == "Motor oil"
    p = parse("100 gal of disel in the fuel tank", db=small_library)
    assert p.chemical is not None and p.chemical.name == "Diesel fuel"  # fuzzy spelling
    p = parse("we have 3 argon bottles in the weld shop", db=small_library)
    assert p.chemical is not None and p.chemical.cas == "7440-37-1"
    assert p.container_code == "sc_cylinder"  # a gas in "bottles" is in cylinders
    p = parse("5 gallons of floor wax", db=small_library)
    assert p.material_text == "floor wax" and p.chemical is None


def test_heldout_accuracy_floor() -> None:
    """Measured 2026-11-25 on 157 sentences: material 99.4%, amount+unit 100%, container 99.4%, location 100%."""
    assert len(load(DEFAULT_DATA)) >= 150
    accuracy, _ = evaluate()
    assert accuracy["material"] >= 0.92
    assert accuracy["amount+unit"] >= 0.92
    assert accuracy["container"] >= 0.92
    assert accuracy["location"] >= 0.92


def test_blind_set_accuracy_floor() -> None:
    """Written after tuning, measured once: material 90%, amount+unit 97.5%, container 100%, location 100%."""
    from bot.config import REPO_ROOT

    accuracy, _ = evaluate(REPO_ROOT / "tests" / "nlp" / "blind_inventory_sentences.yml")
    assert accuracy["material"] >= 0.85
    assert accuracy["amount+unit"] >= 0.90
    assert accuracy["container"] >= 0.90
    assert accuracy["location"] >= 0.90


def test_odd_numbers_are_not_amounts() -> None:
    assert parse("nan gal of oil").amount is None
    assert parse("1e400 gallons of oil").amount is None
    assert parse("lead-acid batteries 5,000 lbs").material_text == "lead-acid batteries"
