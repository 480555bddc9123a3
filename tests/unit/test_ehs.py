"""EHS status of library chemicals (the listing's limits), gallons to pounds with the library's densities, and
the TPQ the reporting thresholds get from a chemical. Every chemical here is a row the build wrote."""
from __future__ import annotations

import functools
from typing import Iterator

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.chemicals import build
from bot.chemicals import lookup as lookup_mod
from bot.chemicals.ehs import LB_PER_GALLON_WATER, effective_tpq, ehs_status, pounds_from_gallons
from bot.inventory.thresholds import Material, check_material
from bot.models import Chemical

_SUBSET = {"7664-93-9", "7647-01-0", "7722-84-1", "7664-41-7", "7782-50-5", "116-06-3", "108-95-2", "67-64-1",
           "1310-73-2", "50-00-0", "7697-37-2"}


@functools.lru_cache(maxsize=None)
def _library_entries() -> tuple[build.Entry, ...]:
    """Built once per test run (reading ChEDL and the curated files takes seconds); `build.load` only reads them."""
    subset = [e for e in build.chedl_entries() if e.cas in _SUBSET]
    return tuple(build.curated_entries(yaml.safe_load(build.CURATED_FILE.read_text()), {e.cas: e for e in subset})
                 + subset)


@pytest.fixture
def library(db: Session) -> Iterator[Session]:
    build.load(db.connection(), list(_library_entries()))
    db.commit()
    lookup_mod.reset_index()
    yield db
    lookup_mod.reset_index()


def chem(db: Session, key: str) -> Chemical:
    return db.execute(select(Chemical).where(Chemical.key == key)).scalar_one()


def test_hydrogen_peroxide_is_ehs_only_above_52_percent(library: Session) -> None:
    h2o2 = chem(library, "cas:7722-84-1")
    for percent in (3, 35, 50, 52):
        status = ehs_status(h2o2, percent)
        assert status.is_ehs is False and status.tpq_lb is None and "52%" in status.reason
    sixty = ehs_status(h2o2, 60)
    assert sixty.is_ehs is True and sixty.tpq_lb == 1000 and sixty.source.startswith("40 CFR 355")
    unknown = ehs_status(h2o2)
    assert unknown.is_ehs is None and "concentration" in unknown.reason
    assert ehs_status(chem(library, "product:hydrogen_peroxide_35")).is_ehs is False
    assert ehs_status(chem(library, "product:hydrogen_peroxide_70"), 70).is_ehs is True


def test_hydrochloric_acid_solution_is_not_ehs_but_the_gas_is(library: Session) -> None:
    hcl = chem(library, "cas:7647-01-0")
    gas = ehs_status(hcl, physical_form="gas")
    assert gas.is_ehs is True and gas.tpq_lb == 500
    assert ehs_status(hcl, physical_form="c").is_ehs is True
    for form in ("liquid", "b", "solution"):
        assert ehs_status(hcl, physical_form=form).is_ehs is False
    assert ehs_status(hcl, percent=31.45).is_ehs is False
    assert ehs_status(hcl).is_ehs is None  # ask: the gas or the acid?
    muriatic = ehs_status(chem(library, "product:muriatic_acid"))
    assert muriatic.is_ehs is False and "not on the" in muriatic.reason


def test_ammonia_sulfuric_nitric_formaldehyde_count_by_their_own_weight(library: Session) -> None:
    for key, tpq in (("cas:7664-41-7", 500), ("cas:7664-93-9", 1000), ("cas:7697-37-2", 1000), ("cas:50-00-0", 500)):
        status = ehs_status(chem(library, key), percent=29)
        assert status.is_ehs is True and status.tpq_lb == tpq and "own weight" in status.reason
    aqua = ehs_status(chem(library, "product:aqua_ammonia_29"))
    assert aqua.is_ehs is False and "Ammonia (29%)" in aqua.reason
    battery = ehs_status(chem(library, "product:lead_acid_battery"))
    assert battery.is_ehs is False and "Sulfuric acid" in battery.reason
    assert ehs_status(chem(library, "product:anhydrous_ammonia")).tpq_lb == 500


def test_solids_with_two_tpqs(library: Session) -> None:
    aldicarb = chem(library, "cas:116-06-3")
    assert ehs_status(aldicarb, physical_form="powder").tpq_lb == 100
    assert ehs_status(aldicarb, physical_form="solution").tpq_lb == 100
    assert ehs_status(aldicarb, physical_form="molten").tpq_lb == 100
    pellets = ehs_status(aldicarb, physical_form="pellets")
    assert pellets.tpq_lb == 10000 and "100 microns" in pellets.reason
    unknown = ehs_status(aldicarb)
    assert unknown.is_ehs is True and unknown.tpq_lb == 100 and unknown.tpq_alt_lb == 10000
    phenol = chem(library, "cas:108-95-2")
    assert (phenol.tpq_lb, phenol.tpq_alt_lb) == (500, 10000)


def test_not_listed_and_unknown(library: Session) -> None:
    acetone = ehs_status(chem(library, "cas:67-64-1"))
    assert acetone.is_ehs is False and "not on the list" in acetone.reason
    assert ehs_status(None).is_ehs is None


def test_gallons_of_sulfuric_acid_to_pounds_use_its_density(library: Session) -> None:
    acid = chem(library, "cas:7664-93-9")
    assert acid.density_g_ml == pytest.approx(1.83, abs=0.01)
    result = pounds_from_gallons(acid, 10)
    assert result is not None
    pounds, density, where = result
    assert pounds == pytest.approx(10 * acid.density_g_ml * LB_PER_GALLON_WATER, abs=0.01)
    assert 150 < pounds < 155 and density == acid.density_g_ml and "ChEDL" in where
    concentrated = pounds_from_gallons(chem(library, "product:sulfuric_acid_93"), 55)
    assert concentrated.pounds == pytest.approx(55 * 1.84 * LB_PER_GALLON_WATER, abs=0.01)
    assert "Safety Data Sheet" in concentrated.density_source
    given = pounds_from_gallons(acid, 10, specific_gravity=1.5)
    assert given.density_g_ml == 1.5 and given.density_source == "the specific gravity you gave"
    assert pounds_from_gallons(chem(library, "cas:1310-73-2"), 5) is None  # a solid: no density known


def test_thresholds_get_the_tpq_from_the_chemical(library: Session) -> None:
    chlorine = chem(library, "cas:7782-50-5")
    decision = check_material(Material("Chlorine", "c", "c", 150, ehs=True, tpq_lb=effective_tpq(chlorine)))
    assert decision.reportable is True and decision.threshold == 100
    aldicarb = chem(library, "cas:116-06-3")
    powder = check_material(Material("Aldicarb", "a", "c", 150, ehs=True,
                                     tpq_lb=effective_tpq(aldicarb, physical_form="powder")))
    assert powder.reportable is True and powder.threshold == 100
    granules = check_material(Material("Aldicarb", "a", "c", 150, ehs=True,
                                       tpq_lb=effective_tpq(aldicarb, physical_form="granules")))
    assert granules.reportable is False and granules.threshold == 500  # 10,000 lb TPQ: 500 lb applies
    gallons = pounds_from_gallons(chem(library, "cas:7664-93-9"), 30)
    acid = check_material(Material("Sulfuric acid", "b", "c", gallons.pounds, ehs=True,
                                   tpq_lb=effective_tpq(chem(library, "cas:7664-93-9"))))
    assert acid.reportable is False and acid.threshold == 500  # 30 gal ~ 458 lb


def test_a_component_is_ehs_only_where_its_listing_applies_at_its_percent(library: Session) -> None:
    """Components typed by the filer or read from an SDS get their EHS flag from the same listing check as a line:
    hydrogen chloride in a cleaner's acid solution and 8% hydrogen peroxide are not EHS; 60% peroxide and
    formaldehyde are; a flag the filer set stays."""
    from bot.inventory.answers import fill_component_library_data

    comps = [{"name": "Hydrogen chloride", "cas": "7647-01-0", "percent": 20.0, "ehs": False},
             {"name": "Hydrogen peroxide", "cas": "7722-84-1", "percent": 8.0, "ehs": False},
             {"name": "Hydrogen peroxide", "cas": "7722-84-1", "percent": 60.0, "ehs": False},
             {"name": "Formaldehyde", "cas": "50-00-0", "percent": 5.0, "ehs": False},
             {"name": "Acetone", "cas": "67-64-1", "percent": 30.0, "ehs": True}]
    fill_component_library_data(library, comps)
    assert [c["ehs"] for c in comps] == [False, False, True, True, True]
