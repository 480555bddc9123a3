"""Inventory services: one material at a time into the Draft submittal, validated before any write, with the
library's EHS flags, audit rows, finding materials by the names people use, and the threshold messages."""
from __future__ import annotations

import functools
from typing import Any, Iterator

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.chemicals import build
from bot.chemicals import lookup as lookup_mod
from bot.errors import NotFound, PermissionDenied
from bot.inventory import service
from bot.inventory.service import InventoryValidationError
from bot.models import AuditEvent, Chemical, Facility, FacilityRole, InventoryComponent, InventoryItem, Submittal
from bot.timeutil import utcnow
from tests.unit.conftest import audit_rows
from tests.people import add_user

# A few pure substances as the ChEDL part of the library would have them (the full ~20,000 are not needed here).
_PURE = [
    ("67-64-1", "Acetone", "b", ["acetone", "propanone", "dimethyl ketone"]),
    ("7664-93-9", "Sulfuric acid", "b", ["sulfuric acid"]),
    ("108-88-3", "Toluene", "b", ["toluene"]),
    ("7782-50-5", "Chlorine", "c", ["chlorine"]),
    ("67-63-0", "Isopropyl alcohol", "b", ["2-propanol"]),
    ("1310-73-2", "Sodium hydroxide", "a", ["sodium hydroxide"]),
    ("7439-92-1", "Lead", "a", ["lead"]),
]


@functools.lru_cache(maxsize=None)
def _library_entries() -> tuple[build.Entry, ...]:
    """Built once per test run (reading the curated files takes half a second); `build.load` only reads them."""
    chedl = [build.Entry(key=f"cas:{cas}", name=name, source="chedl", cas=cas, physical_state=state,
                         synonyms=list(syn)) for cas, name, state, syn in _PURE]
    by_cas = {e.cas: e for e in chedl}
    return tuple(build.curated_entries(yaml.safe_load(build.CURATED_FILE.read_text()), by_cas) + chedl)


@pytest.fixture
def library(db: Session) -> Iterator[Session]:
    """The curated library (products, wastes, EHS list) plus a few pure substances, loaded the way the build does."""
    build.load(db.connection(), list(_library_entries()))
    db.commit()
    lookup_mod.reset_index()
    yield db
    lookup_mod.reset_index()


def chem(db: Session, key: str) -> Chemical:
    return db.execute(select(Chemical).where(Chemical.key == key)).scalar_one()


_user = add_user  # a user straight in the database (tests.people)


@pytest.fixture
def setup(library: Session) -> tuple[Actor, Facility]:
    db = library
    lead = _user(db, "lead@example.com")
    facility = Facility(cers_id="10000077", name="Fresno Auto Repair", street="1234 W Shaw Ave", street_number="1234",
                        city="Fresno", zip="93711", created_at=utcnow())
    db.add(facility)
    db.flush()
    db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return Actor(user_id=lead.id, channel="chat"), facility


def motor_oil(db: Session, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "common_name": "Motor oil (new)", "chemical_id": chem(db, "product:motor_oil").id, "physical_state": "liquid",
        "hm_type": "b", "units": "gallons", "maximum_daily_amount": 165, "average_daily_amount": 110,
        "largest_container": 55, "sc_steel_drum": True, "days_on_site": 365, "location": "Back shop",
        "pressure": "a", "temperature": "a",
        "components": [{"name": "Lubricating oils (petroleum), base oil", "percent": 95, "cas": "64742-65-0"}],
    }
    data.update(over)
    return data


def count(db: Session, model: type) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_add_item_writes_the_row_its_components_and_one_audit_row(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    item = service.add_item(db, actor, facility.id, motor_oil(db))
    db.commit()
    db.expire_all()
    row = db.execute(select(InventoryItem)).scalar_one()
    assert row.id == item.id and row.common_name == "Motor oil (new)"
    assert (row.physical_state, row.units, row.hm_type, row.pressure, row.temperature) == ("b", "a", "b", "a", "a")
    assert (row.maximum_daily_amount, row.average_daily_amount, row.largest_container) == (165, 110, 55)
    assert row.sc_steel_drum is True and row.sc_tote_bin is False and row.days_on_site == 365 and row.ehs is False
    assert [(c.position, c.name, c.percent, c.cas, c.ehs) for c in row.components] == [
        (1, "Lubricating oils (petroleum), base oil", 95, "64742-65-0", False)]
    draft = db.get(Submittal, row.submittal_id)
    assert draft.facility_id == facility.id and draft.status == "Draft" and row.position == 1
    (event,) = audit_rows(db, "inventory.add")
    assert event.entity_id == str(row.id) and event.actor_user_id == actor.user_id
    assert event.details["common_name"] == "Motor oil (new)" and event.details["maximum_daily_amount"] == 165
    assert len(audit_rows(db, "submittal.create")) == 1
    second = service.add_item(db, actor, facility.id, motor_oil(db, location="Lube bay"))
    assert second.position == 2 and second.submittal_id == draft.id  # the same Draft, next position


def test_everything_is_checked_before_anything_is_written(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    bad = {"common_name": "", "physical_state": "solid", "hm_type": "a", "units": "gallons",
           "maximum_daily_amount": -5, "average_daily_amount": 10, "largest_container": 0, "days_on_site": 400}
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, bad)
    fields = {p.field for p in caught.value.problems}
    assert {"common_name", "units", "maximum_daily_amount", "largest_container", "days_on_site", "container"} <= fields
    message = caught.value.message
    assert "solid is reported in pounds or tons" in message and "more than 0" in message
    assert "1 to 365" in message and "storage container" in message
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, motor_oil(db, average_daily_amount=200, largest_container=300))
    assert "average daily amount (200 gallons) is more than the maximum (165 gallons)" in caught.value.message
    assert "largest container (300 gallons) is bigger" in caught.value.message
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, motor_oil(db, maximum_daily_amount=5e12))
    assert "far too much" in caught.value.message
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, motor_oil(db, maximum_daily_amount="lots"))
    assert "not a number" in caught.value.message
    assert count(db, InventoryItem) == 0 and count(db, Submittal) == 0 and audit_rows(db, "inventory.add") == []


def test_mixture_components_must_add_up_to_at_most_100(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    data = {"common_name": "Floor stripper", "physical_state": "b", "hm_type": "b", "units": "a",
            "maximum_daily_amount": 40, "sc_plastic_drum": True,
            "components": [{"name": "2-Butoxyethanol", "percent": 60}, {"name": "Monoethanolamine", "percent": 50}]}
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, data)
    assert "add up to 110%" in caught.value.message and count(db, InventoryItem) == 0
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, {**data, "components": []})
    assert "a mixture needs its hazardous components" in caught.value.message
    data["components"][0]["percent"] = 30
    item = service.add_item(db, actor, facility.id, data)
    db.commit()
    assert [(c.name, c.percent) for c in item.components] == [("2-Butoxyethanol", 30), ("Monoethanolamine", 50)]


def test_more_than_five_components_keep_the_rest_as_text(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    comps = [{"name": f"Ingredient {n}", "percent": 10} for n in range(1, 8)]
    item = service.add_item(db, actor, facility.id, {"common_name": "Cleaner", "physical_state": "b", "hm_type": "b",
                                                     "units": "a", "maximum_daily_amount": 60, "sc_can": True,
                                                     "components": comps})
    assert [c.position for c in item.components] == [1, 2, 3, 4, 5]
    assert item.additional_components == "Ingredient 6 10%, Ingredient 7 10%"


def test_waste_needs_every_component_a_state_waste_code_and_an_annual_amount(
        db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    waste = {"common_name": "Waste oil", "physical_state": "b", "hm_type": "c", "units": "a",
             "maximum_daily_amount": 250, "sc_above_ground_tank": True}
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, waste)
    assert {p.field for p in caught.value.problems} == {"components", "state_waste_code", "annual_waste_amount"}
    assert "CERS inspectors reject waste lines without them" in caught.value.message
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, {**waste, "state_waste_code": "22", "annual_waste_amount": 600,
                                                  "components": [{"name": "Used oil"}]})
    assert "percent by weight is missing for Used oil" in caught.value.message
    assert "“22” is not a California state waste code" in caught.value.message
    item = service.add_item(db, actor, facility.id, {**waste, "state_waste_code": "221", "annual_waste_amount": 600,
                                                     "components": [{"name": "Used oil", "percent": 97},
                                                                    {"name": "Lead", "percent": 0.5}]})
    db.commit()
    row = db.get(InventoryItem, item.id)
    assert (row.hm_type, row.state_waste_code, row.annual_waste_amount, row.chemical_id) == ("c", "221", 600, None)
    assert [c.cas for c in row.components] == [None, None] and count(db, InventoryComponent) == 2


def test_ehs_flag_comes_from_the_library_and_needs_pounds(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    acid = chem(db, "cas:7664-93-9")
    data = {"common_name": "Sulfuric acid", "chemical_id": acid.id, "physical_state": "b", "hm_type": "a",
            "units": "a", "maximum_daily_amount": 35, "sc_plastic_drum": True, "ehs": False}
    with pytest.raises(InventoryValidationError) as caught:
        service.add_item(db, actor, facility.id, data)
    assert "Extremely Hazardous Substance" in caught.value.message and "pounds" in caught.value.message
    item = service.add_item(db, actor, facility.id, {**data, "units": "c", "maximum_daily_amount": 600})
    assert item.ehs is True and item.cas_number == "7664-93-9"
    # no library link, but a CAS the library knows as EHS; components flagged by CAS or name
    by_cas = service.add_item(db, actor, facility.id, {"common_name": "Pool gas", "cas_number": "7782-50-5",
                                                       "physical_state": "c", "hm_type": "a", "units": "c",
                                                       "maximum_daily_amount": 150, "sc_cylinder": True})
    assert by_cas.ehs is True and by_cas.chemical_id is None
    battery = service.add_item(db, actor, facility.id, {
        "common_name": "Forklift batteries", "physical_state": "a", "hm_type": "b", "units": "c",
        "maximum_daily_amount": 2000, "sc_other": True, "other_container": "battery racks",
        "components": [{"name": "Lead", "percent": 70}, {"name": "Sulfuric acid", "percent": 20}]})
    assert [(c.name, c.ehs, c.cas) for c in battery.components] == [("Lead", False, None),
                                                                    ("Sulfuric acid", True, None)]
    assert battery.ehs is False  # the mixture itself is not on the EHS list; its component is


def test_update_checks_the_whole_material_and_records_what_changed(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    item = service.add_item(db, actor, facility.id, motor_oil(db))
    db.commit()
    with pytest.raises(InventoryValidationError) as caught:
        service.update_item(db, actor, facility.id, item.id, {"maximum_daily_amount": 100})
    assert "average daily amount (110 gallons) is more than the maximum (100 gallons)" in caught.value.message
    db.rollback()
    db.expire_all()
    assert db.get(InventoryItem, item.id).maximum_daily_amount == 165
    service.update_item(db, actor, facility.id, item.id, {"maximum_daily_amount": 500, "location": "Wash bay",
                                                          "components": [{"name": "Base oil", "percent": 90}]})
    db.commit()
    db.expire_all()
    row = db.get(InventoryItem, item.id)
    assert (row.maximum_daily_amount, row.location) == (500, "Wash bay")
    assert [(c.name, c.percent) for c in row.components] == [("Base oil", 90)]
    (event,) = audit_rows(db, "inventory.update")
    assert event.details["changes"]["maximum_daily_amount"] == [165, 500]
    assert event.details["changes"]["location"] == ["Back shop", "Wash bay"]
    assert "components" in event.details["changes"]
    service.update_item(db, actor, facility.id, item.id, {"location": "Wash bay"})  # no change: no audit row
    assert len(audit_rows(db, "inventory.update")) == 1


def test_remove_and_items_of_another_facility(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    item = service.add_item(db, actor, facility.id, motor_oil(db))
    other = Facility(cers_id="10000078", name="Other", street="1 Elm St", street_number="1", city="Fresno",
                     zip="93711", created_at=utcnow())
    db.add(other)
    db.flush()
    db.add(FacilityRole(user_id=actor.user_id, facility_id=other.id, role="lead", granted_at=utcnow()))
    db.commit()
    with pytest.raises(NotFound):
        service.remove_item(db, actor, other.id, item.id)
    with pytest.raises(NotFound):
        service.update_item(db, actor, other.id, item.id, {"location": "x"})
    assert service.remove_item(db, actor, facility.id, item.id) == "Motor oil (new)"
    db.commit()
    assert count(db, InventoryItem) == 0 and count(db, InventoryComponent) == 0
    (event,) = audit_rows(db, "inventory.remove")
    assert event.entity_id == str(item.id) and event.details["common_name"] == "Motor oil (new)"
    assert service.list_items(db, actor, other.id) == []


def test_find_items_by_the_names_people_use(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    acetone = service.add_item(db, actor, facility.id, {
        "common_name": "Acetone", "chemical_id": chem(db, "cas:67-64-1").id, "physical_state": "b", "hm_type": "a",
        "units": "a", "maximum_daily_amount": 20, "sc_can": True})
    diesel = service.add_item(db, actor, facility.id, {
        "common_name": "Diesel fuel", "chemical_id": chem(db, "product:diesel").id, "physical_state": "b",
        "hm_type": "b", "units": "a", "maximum_daily_amount": 500, "sc_above_ground_tank": True,
        "components": [{"name": "Naphthalene", "percent": 1}]})
    antifreeze = service.add_item(db, actor, facility.id, {
        "common_name": "Antifreeze (ethylene glycol)", "chemical_id": chem(db, "product:antifreeze").id,
        "physical_state": "b", "hm_type": "b", "units": "a", "maximum_daily_amount": 110, "sc_steel_drum": True,
        "components": [{"name": "Ethylene glycol", "percent": 95}]})
    db.commit()

    def ids(text: str) -> list[int]:
        return [i.id for i in service.find_items(db, actor, facility.id, text)]

    assert ids("the acetone") == [acetone.id]
    assert ids("disel") == [diesel.id]  # misspelled
    assert ids("the coolant") == [antifreeze.id]  # a library synonym of the item's chemical
    assert ids("67-64-1") == [acetone.id]
    assert ids("DIESEL FUEL") == [diesel.id]
    assert ids("propane") == []
    mentioned = service.mentioned_items(db, actor, facility.id, "we got rid of the ast so the diesel is gone")
    assert [i.id for i in mentioned] == [diesel.id]


def _add(db: Session, actor: Actor, facility: Facility, name: str, key: str, amount: float, units: str = "a",
         **over: Any) -> InventoryItem:
    c = chem(db, key)
    data = {"common_name": name, "chemical_id": c.id, "physical_state": c.physical_state or "b",
            "hm_type": "a", "units": units, "maximum_daily_amount": amount, "sc_steel_drum": True}
    data.update(over)
    return service.add_item(db, actor, facility.id, data)


def test_threshold_messages(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    first = _add(db, actor, facility, "Acetone", "cas:67-64-1", 30, location="Paint room")
    text = service.threshold_message(db, actor, facility.id, first)
    assert "below the 55 gallons reporting threshold" in text
    second = _add(db, actor, facility, "Acetone", "cas:67-64-1", 30, location="Lab")
    text = service.threshold_message(db, actor, facility.id, second)
    assert "On its own 30 gallons of Acetone is below the reporting threshold" in text
    assert "1 other location" in text and "60 gallons" in text and "must be reported" in text

    oils = [_add(db, actor, facility, n, k, a, hm_type="b", components=[{"name": "Base oil", "percent": 95}])
            for n, k, a in (("Motor oil", "product:motor_oil", 50), ("Hydraulic oil", "product:hydraulic_oil", 130),
                            ("Gear oil", "product:gear_oil", 100))]
    text = service.threshold_message(db, actor, facility.id, oils[0])
    assert "counted with the rest of your facility" in text and "280 gallons, more than 275" in text

    chlorine = _add(db, actor, facility, "Chlorine", "cas:7782-50-5", 150, units="c", sc_steel_drum=False,
                    sc_cylinder=True)
    text = service.threshold_message(db, actor, facility.id, chlorine)
    assert "Threshold Planning Quantity of 100 lb" in text and "must be reported" in text

    propane = _add(db, actor, facility, "Propane (LPG)", "product:propane", 500, sc_steel_drum=False,
                   sc_above_ground_tank=True)
    assert "check with your CUPA" in service.threshold_message(db, actor, facility.id, propane)

    battery = _add(db, actor, facility, "Lead-acid batteries", "product:lead_acid_battery", 2000, units="c",
                   hm_type="b", components=[{"name": "Lead", "percent": 70, "cas": "7439-92-1"},
                                            {"name": "Sulfuric acid", "percent": 20, "cas": "7664-93-9"}])
    text = service.threshold_message(db, actor, facility.id, battery)
    assert "about 400 lb of it" in text and "threshold is 500 lb" in text and "below that" in text


def test_a_user_without_a_role_is_refused(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    item = service.add_item(db, actor, facility.id, motor_oil(db))
    stranger = Actor(user_id=_user(db, "stranger@example.com").id, channel="chat")
    db.commit()
    for call in (lambda: service.add_item(db, stranger, facility.id, motor_oil(db)),
                 lambda: service.update_item(db, stranger, facility.id, item.id, {"location": "x"}),
                 lambda: service.remove_item(db, stranger, facility.id, item.id),
                 lambda: service.list_items(db, stranger, facility.id),
                 lambda: service.find_items(db, stranger, facility.id, "oil"),
                 lambda: service.threshold_message(db, stranger, facility.id, item)):
        with pytest.raises(PermissionDenied):
            call()
    assert count(db, InventoryItem) == 1
    assert db.execute(select(func.count(AuditEvent.id)).where(AuditEvent.actor_user_id == stranger.user_id)
                      ).scalar_one() == 0
