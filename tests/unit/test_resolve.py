"""Naming the material: a confident match only on strong evidence, otherwise up to three choices, never a
place or a common word taken for a chemical; and what would be stored from a whole sentence (totals in CERS
units, EHS in pounds, state from the filer's words). Sentences written for these tests."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy.orm import Session

from bot.chemicals import build, lookup
from bot.chemicals.resolve import resolve
from bot.inventory.understand import understand

# ChEDL compounds loaded for these tests (the whole library is ~20,000; loading it all is the benchmark's job).
_SUBSET = {
    "67-64-1", "67-63-0", "71-23-8", "7664-93-9", "7647-01-0", "108-88-3", "64-17-5", "67-56-1", "7782-50-5",
    "7664-41-7", "7727-37-9", "124-38-9", "1310-73-2", "1310-58-3", "78-93-3", "7722-84-1", "7697-37-2",
    "7722-64-7", "7440-09-7", "7440-23-5", "7440-50-8", "7758-98-7", "13071-79-9", "7440-37-1", "74-98-6",
    "127-18-4", "79-01-6", "50-00-0",
}


@pytest.fixture(scope="module")
def _entries() -> list[build.Entry]:
    entries = build.library_entries(include_chedl=True)
    return [e for e in entries if e.source != "chedl" or e.cas in _SUBSET]


@pytest.fixture
def library(db: Session, _entries: list[build.Entry]) -> Session:
    build.load(db.connection(), [copy.deepcopy(e) for e in _entries])
    db.commit()
    lookup.reset_index()
    yield db
    lookup.reset_index()


@pytest.mark.parametrize("words, cas", [
    ("acetone", "67-64-1"), ("IPA", "67-63-0"), ("2-propanol", "67-63-0"), ("MEK", "78-93-3"),
    ("H2SO4", "7664-93-9"), ("KOH", "1310-58-3"), ("67-64-1", "67-64-1"), ("Acetone, technical grade", "67-64-1"),
    ("Klean-Strip acetone", "67-64-1"), ("toluol", "108-88-3"), ("perc", "127-18-4"),
])
def test_confident_on_strong_evidence(library: Session, words: str, cas: str) -> None:
    r = resolve(library, words)
    assert r.confident and r.chemical is not None, (words, r)
    assert r.chemical.cas == cas


def test_a_longer_name_is_not_taken_for_a_shorter_one(library: Session) -> None:
    """"1-propanol" must not become isopropanol, nor "potassium permanganate" potassium."""
    assert resolve(library, "1-propanol").chemical.cas == "71-23-8"
    r = resolve(library, "sodium permanganate")  # not in this library: a question, never sodium
    assert not r.confident
    r = resolve(library, "potassium permanganate")
    assert r.confident and r.chemical.cas == "7722-64-7"


@pytest.mark.parametrize("words", ["counter", "welders", "them", "oh", "primer", "the back room"])
def test_common_words_are_never_a_material(library: Session, words: str) -> None:
    r = resolve(library, words)
    assert not r.confident


def test_one_slip_in_a_common_chemical_is_taken_a_doubtful_spelling_is_asked(library: Session) -> None:
    r = resolve(library, "acetnoe")  # two letters swapped
    assert r.confident and r.chemical.cas == "67-64-1"
    r = resolve(library, "methonal")  # as close to methanol as to methanal (formaldehyde): a question
    assert not r.confident
    assert "67-56-1" in [c.chemical.cas for c in r.choices]
    assert len(r.choices) <= 3


def test_a_different_english_word_is_not_a_slip(library: Session) -> None:
    """"spotting fluid" must not become "starting fluid": one word differs and it is a real word."""
    r = resolve(library, "spotting fluid")
    assert not (r.confident and "starting" in r.chemical.name.lower())


def test_a_generic_word_is_a_question_with_reasons(library: Session) -> None:
    r = resolve(library, "chlorine")
    assert not r.confident and r.choices
    assert all(c.why for c in r.choices)


def test_the_same_substance_under_two_names_is_one_choice(library: Session) -> None:
    r = resolve(library, "muriatic acid")
    keys = [c.chemical.cas or c.chemical.id for c in r.choices] if not r.confident else [r.chemical.id]
    assert len(keys) == len(set(keys))


def test_understand_a_sentence_totals_in_cers_units(library: Session) -> None:
    [u] = understand(library, "we keep three 55-gallon drums of acetone in the back shop")
    assert u.confident and u.cas == "67-64-1"
    assert (u.amount, u.units) == (165.0, "a")
    assert u.container_codes == ["sc_steel_drum"] and u.location == "Back shop"


def test_an_ehs_in_gallons_is_converted_to_pounds_with_its_density(library: Session) -> None:
    [u] = understand(library, "10 gallons of sulfuric acid")
    assert u.ehs is True
    assert u.units == "c"  # pounds
    assert 140 < (u.amount or 0) < 160  # 10 gal x 8.345 lb/gal x ~1.83
    assert "pounds" in (u.conversion or "")


def test_a_concentration_limit_decides_whether_it_is_an_ehs(library: Session) -> None:
    [u35] = understand(library, "35% hydrogen peroxide, 20 gallons")
    assert u35.ehs is False and u35.units == "a"
    [u60] = understand(library, "60% hydrogen peroxide, 20 gallons")
    assert u60.ehs is True and u60.units == "c"


def test_the_filers_words_decide_the_physical_state(library: Session) -> None:
    [beads] = understand(library, "caustic soda beads, 10 bags of 50 lb")
    assert beads.physical_state == "a" and (beads.amount, beads.units) == (500.0, "c")
    [solution] = understand(library, "25% sodium hydroxide solution 2 drums of 55 gal")
    assert solution.physical_state == "b"


def test_waste_words_make_a_waste_stream_of_the_named_chemical(library: Session) -> None:
    [u] = understand(library, "spent acetone 30 gallons in a drum")
    assert u.waste and u.hm_type == "c" and u.cas == "67-64-1"
    assert u.common_name == "Spent acetone"


def test_several_materials_become_several_lines(library: Session) -> None:
    found = understand(library, "2 drums of toluene and 4 cylinders of argon 300 cf each by the welder")
    assert [u.cas for u in found] == ["108-88-3", "7440-37-1"]
    assert found[1].amount == 1200 and found[1].units == "b"
