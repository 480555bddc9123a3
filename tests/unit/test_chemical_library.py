"""The chemical library: ChEDL import, curated products, the EHS list, aliases and their sources, densities and
uses, build idempotency, lookup (CAS, name, alias, fuzzy)."""
from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.chemicals import build, lookup as lookup_mod
from bot.chemicals.lookup import lookup
from bot.chemicals.normalize import cas_checksum_ok, normalize_name, parse_cas
from bot.models import Chemical, ChemicalSynonym

# ChEDL compounds loaded in the DB tests (the full ~20,000 are loaded by the benchmark, not the suite).
_SUBSET = {"67-64-1", "67-63-0", "7664-93-9", "7647-01-0", "108-88-3", "64-17-5", "67-56-1", "7782-50-5",
           "7664-41-7", "74-86-2", "7727-37-9", "124-38-9", "1310-73-2", "71-43-2", "78-93-3", "127-18-4",
           "79-01-6", "7722-84-1", "1310-58-3", "116-06-3", "50-00-0"}


@pytest.fixture(scope="module")
def chedl() -> list[build.Entry]:
    return build.chedl_entries()


@pytest.fixture(scope="module")
def library_entries(chedl: list[build.Entry]) -> list[build.Entry]:
    """Built once per module (the curated files take half a second to read); `build.load` only reads them."""
    import copy

    subset = [copy.deepcopy(e) for e in chedl if e.cas in _SUBSET]
    by_cas = {e.cas: e for e in subset}
    return build.curated_entries(yaml.safe_load(build.CURATED_FILE.read_text()), by_cas) + subset


@pytest.fixture
def library(db: Session, library_entries: list[build.Entry]) -> Session:
    build.load(db.connection(), library_entries)
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


# --- the EHS list, aliases, densities, uses -------------------------------------------------------------------


def test_ehs_file_is_the_whole_list_with_valid_cas_numbers() -> None:
    rows = build.ehs_rows()
    assert len(rows) >= 340
    with_cas = [r for r in rows if r["cas"]]
    assert len(with_cas) >= 340 and len({r["cas"] for r in with_cas}) == len(with_cas)
    assert all(cas_checksum_ok(r["cas"]) for r in with_cas)
    assert all(r["tpq_lb"] and r["tpq_lb"] > 0 and r["source"] and r["checked"] for r in rows)
    assert all(r["tpq_alt_lb"] == 10000 for r in rows if r["tpq_alt_lb"] is not None)
    by_cas = {r["cas"]: r for r in with_cas}
    assert by_cas["7647-01-0"]["form_only"] == "gas" and by_cas["7722-84-1"]["min_percent"] == 52
    assert by_cas["7782-50-5"]["tpq_lb"] == 100 and by_cas["116-06-3"]["tpq_alt_lb"] == 10000
    assert by_cas["7664-41-7"]["min_percent"] is None  # ammonia: no concentration limit in the listing


def test_build_loads_the_whole_ehs_list(library: Session) -> None:
    db = library
    listed = db.execute(select(Chemical).where(Chemical.ehs.is_(True), Chemical.ehs_source.like("40 CFR 355%"),
                                               Chemical.kind == "pure")).scalars().all()
    assert len(listed) >= 340
    assert all(c.tpq_lb for c in listed)
    assert all(cas_checksum_ok(c.cas) for c in listed if c.cas)
    added = [c for c in listed if c.source == "ehs-list"]
    assert added and all(c.cas is None or c.key == f"cas:{c.cas}" for c in added)  # ChEDL's subset lacks them
    aldicarb = db.execute(select(Chemical).where(Chemical.key == "cas:116-06-3")).scalar_one()
    assert (aldicarb.name, aldicarb.tpq_lb, aldicarb.tpq_alt_lb) == ("Aldicarb", 100, 10000)
    hcl = db.execute(select(Chemical).where(Chemical.key == "cas:7647-01-0")).scalar_one()
    assert hcl.ehs is True and hcl.ehs_qualifier.startswith("gas only")
    h2o2 = db.execute(select(Chemical).where(Chemical.key == "cas:7722-84-1")).scalar_one()
    assert h2o2.ehs_min_percent == 52 and "52" in h2o2.ehs_qualifier
    names = dict(db.execute(select(ChemicalSynonym.synonym, ChemicalSynonym.source)
                            .where(ChemicalSynonym.chemical_id == hcl.id)).all())
    assert names["hydrogen chloride"].startswith("alias:")  # the listed name, also a documented alias
    nicotine = db.execute(select(Chemical).where(Chemical.key == "cas:54-11-5")).scalar_one()
    assert dict(db.execute(select(ChemicalSynonym.synonym, ChemicalSynonym.source)
                           .where(ChemicalSynonym.chemical_id == nicotine.id)).all())["nicotine"] == "ehs-list"


def test_solutions_are_not_ehs_when_the_listing_says_so(library: Session) -> None:
    db = library

    def product(key: str) -> Chemical:
        return db.execute(select(Chemical).where(Chemical.key == f"product:{key}")).scalar_one()

    muriatic = product("muriatic_acid")
    assert muriatic.ehs is False and [c.ehs for c in muriatic.components] == [False]  # HCl in a liquid acid
    assert product("toilet_bowl_cleaner").components[0].ehs is False
    assert product("hydrogen_peroxide_35").ehs is False and product("hydrogen_peroxide_50").ehs is False
    assert product("hydrogen_peroxide_70").ehs is True and product("hydrogen_peroxide_70").tpq_lb == 1000
    aqua = product("aqua_ammonia_29")
    assert aqua.ehs is False and aqua.components[0].ehs is True  # the NH3 in it counts by its own weight
    assert product("anhydrous_ammonia").ehs is True and product("anhydrous_ammonia").tpq_lb == 500
    assert product("sulfuric_acid_93").ehs is True and product("formalin").ehs is True
    assert {c.name: c.ehs for c in product("peracetic_acid_15").components} == {
        "Hydrogen peroxide": False, "Acetic acid": False, "Peracetic acid": True}


def test_old_short_ehs_list_is_gone_from_the_curated_file() -> None:
    data = yaml.safe_load(build.CURATED_FILE.read_text())
    assert "ehs" not in data


def test_products_have_uses_source_and_liquid_density() -> None:
    products = yaml.safe_load(build.CURATED_FILE.read_text())["products"]
    assert len(products) >= 120
    for p in products:
        assert p.get("uses") and len(p["uses"]) <= 200 and p.get("source"), p["key"]
        if p.get("specific_gravity"):
            assert 0.3 < p["specific_gravity"] < 3 and p.get("sg_source"), p["key"]
    liquids = [p for p in products if p.get("physical_state") == "b"]
    assert sum(1 for p in liquids if p.get("specific_gravity")) == len(liquids)


def test_aliases_all_have_a_source_and_valid_targets() -> None:
    aliases = build.load_aliases()
    assert len({normalize_name(a["name"]) for a in aliases}) >= 800
    assert all(a["source"] and a["targets"] for a in aliases)
    products = {f"product:{p['key']}" for p in yaml.safe_load(build.CURATED_FILE.read_text())["products"]}
    for a in aliases:
        for key in a["targets"]:
            assert key in products or (key.startswith("cas:") and cas_checksum_ok(key[4:])), (a["name"], key)
    ambiguous = {normalize_name(a["name"]) for a in aliases if a["ambiguous"]}
    assert {"chlorine", "peroxide", "acid", "caustic", "freon", "ammonia", "alcohol"} <= ambiguous
    assert all(len(a["targets"]) >= 2 for a in aliases if a["ambiguous"])


def test_every_alias_target_is_in_the_full_library() -> None:
    keys = {e.key for e in build.library_entries()}
    missing = {t for a in build.load_aliases() for t in a["targets"] if t not in keys}
    assert not missing


def test_alias_rows_carry_their_source(library: Session) -> None:
    db = library
    rows = db.execute(select(ChemicalSynonym.synonym, ChemicalSynonym.source, Chemical.key)
                      .join(Chemical, Chemical.id == ChemicalSynonym.chemical_id)).all()
    assert all(r.source for r in rows)
    assert {r.source.split(":")[0] for r in rows} <= {"chedl", "curated", "ehs-list", "alias"}
    by_name: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        by_name.setdefault(r.synonym, set()).add((r.key, r.source))
    assert ("cas:78-93-3", "alias:NIOSH Pocket Guide") in by_name["mek"]
    assert any(k == "product:glyphosate_herbicide" and s.startswith("alias:manufacturer SDS: Roundup")
               for k, s in by_name["roundup"])
    # an ambiguous name is attached to every candidate, marked, and nowhere as a plain synonym
    chlorine = by_name["chlorine"]
    assert {"cas:7782-50-5", "product:sodium_hypochlorite", "product:calcium_hypochlorite"} <= {k for k, _ in chlorine}
    assert all(s.startswith(build.AMBIGUOUS_PREFIX) for _, s in chlorine)
    assert all(s.startswith(build.AMBIGUOUS_PREFIX) for _, s in by_name["peroxide"])
    assert len({k for k, _ in by_name["freon"]}) >= 4


@pytest.mark.parametrize("text, expected_key", [
    ("MEK", "cas:78-93-3"),
    ("pool shock", "product:calcium_hypochlorite"),
    ("cal hypo", "product:calcium_hypochlorite"),
    ("muriatic", "product:muriatic_acid"),
    ("Muriatic acid 31.45%", "product:muriatic_acid"),
    ("UAN 32", "product:uan_32"),
    ("Roundup", "product:glyphosate_herbicide"),
    ("PERC", "cas:127-18-4"),
    ("TCE", "cas:79-01-6"),
    ("caustic soda", "cas:1310-73-2"),
    ("lye", "cas:1310-73-2"),
    ("caustic potash", "cas:1310-58-3"),
    ("battery acid", "product:sulfuric_acid_battery_electrolyte"),
    ("anhydrous", "product:anhydrous_ammonia"),
    ("C25", "product:argon_co2"),
    ("nitrous", "product:nitrous_oxide"),
    ("formalin", "product:formalin"),
    ("Star San", "product:acid_sanitizer"),
    ("bondo", "product:body_filler"),
    ("WD-40", "product:penetrating_oil"),
    ("liquid chlorine", "product:sodium_hypochlorite"),
    ("chlorine gas", "cas:7782-50-5"),
    ("hydrogen chloride", "cas:7647-01-0"),
])
def test_aliases_resolve_by_exact_name(library: Session, text: str, expected_key: str) -> None:
    matches = lookup(library, text)
    assert matches and matches[0].score == 100, [(m.chemical.key, m.score) for m in matches]
    assert matches[0].chemical.key == expected_key, [(m.chemical.key, m.score, m.matched_on) for m in matches]


def test_an_ambiguous_name_finds_every_candidate(library: Session) -> None:
    keys = [m.chemical.key for m in lookup(library, "chlorine", limit=10) if m.score == 100]
    assert {"cas:7782-50-5", "product:sodium_hypochlorite", "product:calcium_hypochlorite", "product:trichlor"} <= set(keys)
    peroxide = {m.chemical.key for m in lookup(library, "hydrogen peroxide 35%", limit=10) if m.score == 100}
    assert {"product:hydrogen_peroxide_35", "product:hydrogen_peroxide_3", "cas:7722-84-1"} <= peroxide


def test_chedl_synonyms_keep_abbreviations_and_drop_registry_numbers(chedl: list[build.Entry]) -> None:
    by_cas = {e.cas: e for e in chedl}
    mek = by_cas["78-93-3"].synonyms
    assert "mek" in mek and "methyl ethyl ketone" in mek and len(mek) <= build.MAX_SYNONYMS
    junk = re.compile(r"\b(?:nsc|ai3|ccris|hsdb|einecs|unii|caswell|un)[ -]?\d|\[(?:french|german|dutch)\]|^\d+-\d\d-\d$")
    bad = [(e.cas, s) for e in chedl for s in e.synonyms if junk.search(s)]
    assert not bad[:10]
    assert all(e.synonym_rows() and all(src == "chedl" for _, src in e.synonym_rows()) for e in chedl[:500])
    assert not any(re.fullmatch(r"dsstox_cid_\d+", e.name.lower()) for e in chedl)


def test_liquid_densities_near_20_c(chedl: list[build.Entry]) -> None:
    by_cas = {e.cas: e for e in chedl}
    assert by_cas["67-64-1"].density_g_ml == pytest.approx(0.791, abs=0.005)  # acetone
    assert by_cas["7664-93-9"].density_g_ml == pytest.approx(1.83, abs=0.01)  # sulfuric acid
    assert by_cas["108-88-3"].density_g_ml == pytest.approx(0.867, abs=0.005)  # toluene
    assert by_cas["7732-18-5"].density_g_ml == pytest.approx(0.998, abs=0.003)  # water
    assert by_cas["1310-73-2"].density_g_ml is None  # a solid: no liquid density
    liquids = [e for e in chedl if e.physical_state == "b"]
    with_density = [e for e in liquids if e.density_g_ml]
    assert len(with_density) > 1500 and all(0.3 <= e.density_g_ml <= 25 for e in with_density)


def test_uses_are_short_and_reach_the_library(library: Session) -> None:
    uses = build.load_uses()
    assert len(uses) >= 300 and all(len(v) <= 200 and cas_checksum_ok(k) for k, v in uses.items())
    acetone = library.execute(select(Chemical).where(Chemical.key == "cas:67-64-1")).scalar_one()
    assert "nail polish remover" in acetone.uses
    diesel = library.execute(select(Chemical).where(Chemical.key == "product:diesel")).scalar_one()
    assert diesel.uses and diesel.density_g_ml == pytest.approx(0.85)
