"""An EHS listing limited by concentration applies in the spreadsheet import too: a valid CERS file with 35%
hydrogen peroxide in gallons imports (not an EHS below 52%); in the chat's service, 70% in gallons is refused
with the reason."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.excel.service import import_inventory
from bot.models import Facility
from tests.unit.test_excel_inventory import row, workbook
from tests.unit.test_inventory_service import library, setup  # noqa: F401 - fixtures


def _peroxide(percent: float) -> dict:
    return row(CERSID=None, CommonName=f"Hydrogen peroxide {percent:g}%", CASNumber="7722-84-1", EHS="N",
               HMType="b", PhysicalState="b", MaximumDailyAmount=30, AverageDailyAmount=20, Units="a",
               LargestContainer=30, HC1PercentByWeight=percent, HC1Name="Hydrogen peroxide", HC1EHS="N",
               HC1CAS="7722-84-1", PFCodeHazardClass=None)


def test_35_percent_peroxide_in_gallons_imports(db: Session, setup: tuple[Actor, Facility]) -> None:  # noqa: F811
    actor, facility = setup
    data = _peroxide(35)
    data["CERSID"] = facility.cers_id
    result = import_inventory(db, actor, facility.id, workbook([data]), filename="inv.xlsx")
    assert result.errors == [] and result.imported == 1, result.errors


def test_the_service_applies_the_listing_at_the_lines_strength(db: Session, setup: tuple[Actor, Facility]) -> None:  # noqa: F811,E501
    """The chat's path (bot.inventory.service): 35% is saved in gallons, not EHS; 70% must be in pounds."""
    from bot.inventory import service
    from bot.inventory.service import InventoryValidationError

    actor, facility = setup

    def line(percent: float) -> dict:
        return {"common_name": f"Hydrogen peroxide {percent:g}%", "cas_number": "7722-84-1", "hm_type": "b",
                "physical_state": "b", "maximum_daily_amount": 30, "units": "a", "sc_plastic_drum": True,
                "components": [{"name": "Hydrogen peroxide", "percent": percent, "cas": "7722-84-1"}]}

    item = service.add_item(db, actor, facility.id, line(35))
    assert item.ehs is False and item.units == "a" and item.components[0].ehs is False
    try:
        service.add_item(db, actor, facility.id, line(70))
    except InventoryValidationError as exc:
        assert "pounds" in exc.message
    else:
        raise AssertionError("70% hydrogen peroxide in gallons was accepted")
