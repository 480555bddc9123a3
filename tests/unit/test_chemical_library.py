"""The chemical library: ChEDL import, curated products, EHS, build idempotency, lookup (CAS, name, fuzzy)."""
from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.chemicals import build, lookup as lookup_mod
from bot.chemicals.lookup import lookup
from bot.chemicals.normalize import normalize_name, parse_cas
from bot.models import Chemical, ChemicalComponent, ChemicalSynonym

# ChEDL compounds loaded in the DB tests (the full ~20,000 are loaded by the benchmark, not the suite).
_SUBSET = {"67-64-1", "67-63-0", "7664-93-9", "7647-01-0", "108-88-3", "64-17-5", "67-56-1", "7782-50-5",
           "7664-41-7", "74-86-2", "7727-37-9", "124-38-9", "1310-73-2", "71-43-2", "78-93-3"}


@pytest.fixture(scope="module")
def chedl() -> list[build.Entry]:
    return build.chedl_entries()


@pytest.fixture
def library(db: Session, chedl: list[build.Entry]) -> Session:
    import copy

    subset = [copy.deepcopy(e) for e in chedl if e.cas in _SUBSET]
    by_cas = {e.cas: e for e in subset}
    curated = build.curated_entries(yaml.safe_load(build.CURATED_FILE.read_text()), by_cas)
    build.load(db.connection(), curated + subset)
    db.commit()
    lookup_mod.reset_index()
    yield db
    lookup_mod.reset_index()


def test_chedl_subset_has_real_compounds_with_state(chedl: list[build.Entry]) -> None:
    by_cas = {e.cas: e for e in chedl}
    assert 15_000 < len(chedl) < 40_000
    assert by_cas["67-64-1"].name == "Acetone" and by_cas["67-64-1"].physical_state == "b"
    assert by_cas["7782-50-5"].physical_state == "c"  # chlorine: gas at 20 C
    assert by_cas["1310-73-2"].physical_state == "a"  # sodium hydroxide: solid
    assert by_cas["67-64-1"].formula == "C3H6O"
    assert all(parse_cas(e.cas) == e.cas for e in chedl[:2000])


def test_state_from_transition_points() -> None:
    assert build.state_at_room_temperature(273.15, 373.15) == "b"
    assert build.state_at_room_temperature(400.0, None) == "a"
    assert build.state_at_room_temperature(None, 250.0) == "c"
    assert build.state_at_room_temperature(250.0, None) is None


def test_normalize_and_cas() -> None:
    assert normalize_name("Sulphuric Acid 98%") == "sulfuric acid"
    assert normalize_name("Sodium hypochlorite solution (12.5% w/w)") == "sodium hypochlorite"
    assert parse_cas("67-64-1") == "67-64-1"
    assert parse_cas("67-64-2") is None  # wrong check digit
    assert parse_cas("CAS# 7664-93-9") == "7664-93-9"


def test_build_marks_ehs_and_curated_components(library: Session) -> None:
    db = library
    acid = db.execute(select(Chemical).where(Chemical.key == "cas:7664-93-9")).scalar_one()
    assert acid.ehs is True and acid.tpq_lb == 1000
    chlorine = db.execute(select(Chemical).where(Chemical.cas == "7782-50-5")).scalar_one()
    assert chlorine.tpq_lb == 100
    battery = db.execute(select(Chemical).where(Chemical.key == "product:lead_acid_battery")).scalar_one()
    comps = {c.cas: c for c in battery.components}
    assert comps["7664-93-9"].ehs is True and comps["7439-92-1"].percent == 70
    assert battery.physical_state == "a"
    oil = db.execute(select(Chemical).where(Chemical.key == "product:motor_oil")).scalar_one()
    assert oil.threshold_rule == "lube_oil"


def test_build_is_idempotent(db: Session, chedl: list[build.Entry]) -> None:
    import copy

    def entries() -> list[build.Entry]:
        subset = [copy.deepcopy(e) for e in chedl if e.cas in _SUBSET]
        return build.curated_entries(yaml.safe_load(build.CURATED_FILE.read_text()), {e.cas: e for e in subset}) + subset

    first = build.load(db.connection(), entries())
    db.commit()
    ids = dict(db.execute(select(Chemical.key, Chemical.id)).all())
    synonyms = db.execute(select(func.count(ChemicalSynonym.id))).scalar_one()
    second = build.load(db.connection(), entries())
    db.commit()
    assert first["inserted"] == len(ids) > 60 and synonyms > 300
    assert second == {"inserted": 0, "updated": 0, "deleted": 0, "synonyms_written": 0, "total": len(ids)}
    assert dict(db.execute(select(Chemical.key, Chemical.id)).all()) == ids
    assert db.execute(select(func.count(ChemicalSynonym.id))).scalar_one() == synonyms
    # a product dropped from the sources is removed; a changed one is updated in place
    changed = entries()
    changed = [e for e in changed if e.key != "product:butane"]
    next(e for e in changed if e.key == "product:diesel").notes = "changed"
    third = build.load(db.connection(), changed)
    db.commit()
    assert third["deleted"] == 1 and third["updated"] == 1
    assert db.execute(select(Chemical.notes).where(Chemical.id == ids["product:diesel"])).scalar_one() == "changed"


@pytest.mark.parametrize("text, expected_key, how", [
    ("67-64-1", "cas:67-64-1", "cas"),
    ("acetone", "cas:67-64-1", "name"),
    ("acetylene", "product:acetylene", "synonym"),
    ("isopropyl", "cas:67-63-0", "synonym"),
    ("Sulfuric acid 98%", "cas:7664-93-9", "name"),
    ("disel", "product:diesel", "fuzzy"),
    ("tolune", "cas:108-88-3", "fuzzy"),
    ("pool chlorine", "product:sodium_hypochlorite", "synonym"),
    ("car batteries", "product:lead_acid_battery", "synonym"),
    ("Mineral Spirts", "product:paint_thinner", "fuzzy"),
    ("MEK", "cas:78-93-3", "synonym"),
])
def test_lookup(library: Session, text: str, expected_key: str | None, how: str | None) -> None:
    matches = lookup(library, text)
    if expected_key is None:
        assert all(m.chemical.key != "cas:78-93-3" or m.score < 100 for m in matches)
        return
    assert matches, f"nothing found for {text!r}"
    assert matches[0].chemical.key == expected_key, [(m.chemical.key, m.score) for m in matches]
    assert matches[0].matched_on == how
    assert (matches[0].score == 100) == (how in ("cas", "name", "synonym"))


def test_lookup_nonsense_finds_nothing(library: Session) -> None:
    assert lookup(library, "qqqzzzxx") == []
    assert lookup(library, "") == []
