"""Reading roles in inventory sentences before any lookup: material words, totals in CERS units, containers,
places, purposes, several materials in one message. Sentences written for these tests, not taken from any
evaluation set."""
from __future__ import annotations

import pytest

from bot.nlp.material_sentence import read_mention, read_mentions


@pytest.mark.parametrize("text, total, unit", [
    ("five 55-gallon drums of coolant", 275, "gallons"),
    ("coolant, 6 x 5 gal", 30, "gallons"),
    ("two drums of solvent, 30 gal each", 60, "gallons"),
    ("three drums of solvent 55 apiece", 165, "gallons"),
    ("a couple of 40 lb sacks of salt", 80, "pounds"),
    ("half a 55 gal drum of degreaser", 27.5, "gallons"),
    ("one and a half tons of gypsum", 1.5, "tons"),
    ("8 boxes of 6 x 1 quart bottles of polish", 12, "gallons"),
    ("nine cylinders of helium at 220 cf each", 1980, "cubic feet"),
    ("300 litres of glycol", 79.25, "gallons"),
    ("40 kg of soda ash", 88.18, "pounds"),
    ("12 pints of stain", 1.5, "gallons"),
    ("3 cubic metres of nitrogen", 105.94, "cubic feet"),
    ("a 1,000 gallon tank of diesel", 1000, "gallons"),
    ("2 cylinders 330 cf of argon", 660, "cubic feet"),
    ("4 drums 200 gallons of resin", 200, "gallons"),
    ("6 bags x 25 kg of lime", 330.69, "pounds"),
    ("resin 3 totes 275", 825, "gallons"),
    ("tenemos tres tambores de 55 galones de diesel", 165, "gallons"),
    ("3/4 of a 330 gal tote of bleach", 247.5, "gallons"),
])
def test_totals_multiply_count_and_size_in_cers_units(text: str, total: float, unit: str) -> None:
    m = read_mention(text)
    assert m.total == pytest.approx(total, rel=0.01), (text, m)
    assert m.unit == unit


@pytest.mark.parametrize("text", ["two drums of hydraulic oil", "some totes of bleach", "a few cans of paint"])
def test_no_total_is_guessed_without_a_size(text: str) -> None:
    m = read_mention(text)
    assert m.total is None
    assert m.container_code is not None


@pytest.mark.parametrize("text, material, place", [
    ("acetone 5 gal by the welding bench", "acetone", "by the welding bench"),
    ("xylene on the counter, 2 gallons", "xylene", "counter"),
    ("diesel 300 gal for the forklifts in the yard", "diesel", "yard"),
    ("toluene 4 L x 3 glass bottles, solvent room", "toluene", "solvent room"),
    ("muriatic acid 10 gal next to the pool pump", "muriatic acid", "next to the pool pump"),
])
def test_places_and_purposes_are_not_the_material(text: str, material: str, place: str) -> None:
    m = read_mention(text)
    assert m.material_text and m.material_text.lower() == material
    assert m.location and place in m.location.lower()


def test_a_purpose_is_kept_apart() -> None:
    m = read_mention("propane 40 lb cylinders x 3 for the forklifts")
    assert m.material_text == "propane" and m.purpose == "forklifts"


@pytest.mark.parametrize("text, code", [
    ("10 gal of ink in 1 gal cans", "sc_can"),
    ("two 55 gal poly drums of acid", "sc_plastic_drum"),
    ("a 500 gallon underground tank of gasoline", "sc_under_ground_tank"),
    ("4 x 4 L amber glass bottles of methanol", "sc_glass_bottle"),
    ("fertilizer 20 bags of 50 lb", "sc_bag"),
])
def test_containers_map_to_cers_columns(text: str, code: str) -> None:
    assert read_mention(text).container_code == code


def test_several_materials_in_one_message_are_all_read() -> None:
    found = read_mentions("2 drums of brake fluid and 3 totes of windshield washer fluid; also 40 lb of grease")
    assert [m.material_text for m in found] == ["brake fluid", "windshield washer fluid", "grease"]
    assert [m.count for m in found[:2]] == [2, 3]


def test_a_shared_place_said_last_applies_to_every_material() -> None:
    found = read_mentions("3 drums of coolant and a drum of gear oil in the service bay")
    assert [m.location for m in found] == ["service bay", "service bay"]


def test_compound_words_stay_together() -> None:
    for text, name in (("2-propanol 4 L", "2-propanol"), ("10W-40 oil 2 drums", "10W-40 oil"),
                       ("R-404A 3 cylinders", "R-404A"), ("iron(III) chloride 5 kg", "iron(III) chloride"),
                       ("oil of wintergreen 1 gal", "oil of wintergreen")):
        assert read_mention(text).material_text == name


def test_waste_words_make_a_waste_but_not_the_verb_used() -> None:
    assert read_mention("spent solvent 30 gal").waste
    assert read_mention("used antifreeze 2 drums").waste
    assert not read_mention("acetone 5 gal used for cleaning parts").waste


def test_concentration_and_state_words_are_kept() -> None:
    m = read_mention("35% hydrogen peroxide solution, 15 gallons")
    assert m.percent == 35 and m.solution and m.material_text == "hydrogen peroxide solution"


def test_nonsense_never_raises() -> None:
    for text in ("", "   ", "???", "x x x 5 5 5", "\u0000\ud800", "1/0 of a drum", "9" * 400):
        read_mentions(text)
