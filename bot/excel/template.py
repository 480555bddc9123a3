"""The CERS Hazardous Materials Inventory upload template: its column headers and how each maps to
`InventoryItem` / `InventoryComponent` (cers-facts.md 1.2 and 1.3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.models import STORAGE_CONTAINER_COLUMNS

MAX_ITEMS_PER_FILE = 500  # CERS's limit for one upload file
MAX_COMPONENTS = 5
FIRE_CLASS_HEADERS = (
    "PFCodeHazardClass", "SFCodeHazardClass", "TFCodeHazardClass", "FFCodeHazardClass",
    "FifthFireCodeHazardClass", "SixthFireCodeHazardClass", "SeventhFireCodeHazardClass", "EighthFireCodeHazardClass",
)

CODES = {
    "HMType": {"a": "Pure", "b": "Mixture", "c": "Waste"},
    "PhysicalState": {"a": "Solid", "b": "Liquid", "c": "Gas"},
    "Units": {"a": "Gallons", "b": "Cubic Feet", "c": "Pounds", "d": "Tons"},
    "StoragePressure": {"a": "Ambient", "b": "Above Ambient", "c": "Below Ambient"},
    "StorageTemperature": {"a": "Ambient", "b": "Above Ambient", "c": "Below Ambient", "d": "Cryogenic"},
}
# Words some filers type instead of the code letter (accepted, stored as the code).
CODE_WORDS = {
    "HMType": {"pure": "a", "mixture": "b", "waste": "c"},
    "PhysicalState": {"solid": "a", "liquid": "b", "gas": "c"},
    "Units": {"gallons": "a", "gallon": "a", "gal": "a", "cubic feet": "b", "cubic foot": "b", "cu ft": "b",
              "ft3": "b", "pounds": "c", "pound": "c", "lb": "c", "lbs": "c", "tons": "d", "ton": "d"},
    "StoragePressure": {"ambient": "a", "above ambient": "b", "below ambient": "c"},
    "StorageTemperature": {"ambient": "a", "above ambient": "b", "below ambient": "c", "cryogenic": "d"},
}
DOT_CLASSES = ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3", "5.1",
               "5.2", "6.1", "6.2", "7", "8", "9")


@dataclass(frozen=True)
class Column:
    header: str
    attr: Optional[str]  # InventoryItem attribute (None: CERSID, handled apart)
    kind: str  # text | yn | code | number | int | fire | waste | dot
    max_len: Optional[int] = None
    required: bool = False  # minimally required per row (cers-facts.md 1.3)


def _core_columns() -> list[Column]:
    cols = [
        Column("CERSID", None, "text", 9, True),
        Column("ChemicalLocation", "location", "text", 140),
        Column("CLConfidential", "location_confidential", "yn"),
        Column("MapNumber", "map_number", "text", 15),
        Column("GridNumber", "grid_number", "text", 15),
        Column("ChemicalName", "chemical_name", "text", 500),
        Column("TradeSecret", "trade_secret", "yn"),
        Column("CommonName", "common_name", "text", 500, True),
        Column("EHS", "ehs", "yn", required=True),
        Column("CASNumber", "cas_number", "text", 15),
    ]
    cols += [Column(h, f"fire_class_{i}", "fire") for i, h in enumerate(FIRE_CLASS_HEADERS, start=1)]
    cols += [
        Column("HMType", "hm_type", "code"),
        Column("RadioActive", "radioactive", "yn"),
        Column("Curies", "curies", "number"),
        Column("PhysicalState", "physical_state", "code", required=True),
        Column("LargestContainer", "largest_container", "number"),
        Column("FHCFire", "fhc_fire", "yn"),
        Column("FHCReactive", "fhc_reactive", "yn"),
        Column("FHCPressureRelease", "fhc_pressure_release", "yn"),
        Column("FHCAcuteHealth", "fhc_acute_health", "yn"),
        Column("FHCChronicHealth", "fhc_chronic_health", "yn"),
        Column("AverageDailyAmount", "average_daily_amount", "number"),
        Column("MaximumDailyAmount", "maximum_daily_amount", "number", required=True),
        Column("AnnualWasteAmount", "annual_waste_amount", "number"),
        Column("StateWasteCode", "state_waste_code", "waste"),
        Column("Units", "units", "code", required=True),
        Column("DaysOnSite", "days_on_site", "int"),
    ]
    cols += [Column(h, attr, "yn") for attr, h in STORAGE_CONTAINER_COLUMNS.items()]
    cols += [
        Column("OtherStorageContainer", "other_container", "text", 30),
        Column("StoragePressure", "pressure", "code"),
        Column("StorageTemperature", "temperature", "code"),
    ]
    for n in range(1, MAX_COMPONENTS + 1):
        cols += [
            Column(f"HC{n}PercentByWeight", None, "percent"),
            Column(f"HC{n}Name", None, "text", 500),
            Column(f"HC{n}EHS", None, "yn"),
            Column(f"HC{n}CAS", None, "text", 15),
        ]
    cols += [
        Column("ChemicalDescriptionComment", "comments", "text", 1000),
        Column("AdditionalMixtureComponents", "additional_components", "text", 2000),
        Column("CCLID", "ccl_id", "text", 50),
        Column("USEPASRSNumber", "epa_srs_number", "text", 50),
        Column("DOTHazardClassificationID", "dot_hazard_class", "dot"),
    ]
    return cols


COLUMNS: list[Column] = _core_columns()
HEADERS: list[str] = [c.header for c in COLUMNS]  # the 80 columns CERS requires, in its order
BY_HEADER: dict[str, Column] = {c.header: c for c in COLUMNS}

# GHS hazard category columns of newer CERS versions (XSD names; optional: read when present, always written).
GHS_HEADERS: tuple[str, ...] = (
    "FHCPhysicalFlammable", "FHCPhysicalGasUnderPressure", "FHCPhysicalExplosive", "FHCPhysicalSelfHeating",
    "FHCPhysicalPyrophoric", "FHCPhysicalOxidizer", "FHCPhysicalOrganicPeroxide", "FHCPhysicalSelfReactive",
    "FHCPhysicalPyrophoricGas", "FHCPhysicalCorrosiveToMetal", "FHCPhysicalContactWaterEmitsFlammableGas",
    "FHCPhysicalCombustibleDust", "FHCPhysicalHazardNotOtherwiseClassified", "FHCHealthCarcinogenicity",
    "FHCHealthAcuteToxicity", "FHCHealthReproductiveToxicity", "FHCHealthSkinCorrosionIrritation",
    "FHCHealthRespiratorySkinSensitization", "FHCHealthSeriousEyeDamageEyeIrritation",
    "FHCHealthSpecificTargetOrganToxicity", "FHCHealthAspirationHazard", "FHCHealthGermCellMutagenicity",
    "FHCHealthSimpleAsphyxiant", "FHCHealthHazardNotOtherwiseClassified",
)
# Abbreviated spellings seen in third-party exports (cers-facts.md 1.2 notes) -> the XSD name.
GHS_ALIASES = {
    "FHCPhysContWaterEmitsFlamGas": "FHCPhysicalContactWaterEmitsFlammableGas",
    "FHCPhysHazardNotClassified": "FHCPhysicalHazardNotOtherwiseClassified",
    "FHCHealthSkinCorrIrritation": "FHCHealthSkinCorrosionIrritation",
    "FHCHealthRespiratorySkinSens": "FHCHealthRespiratorySkinSensitization",
    "FHCHealthSeriousEyeDmgEyeIrr": "FHCHealthSeriousEyeDamageEyeIrritation",
    "FHCHealthSpecTargetOrganTox": "FHCHealthSpecificTargetOrganToxicity",
    "FHCHealthHazNotClassified": "FHCHealthHazardNotOtherwiseClassified",
}
EXPORT_HEADERS: list[str] = HEADERS[:28] + list(GHS_HEADERS) + HEADERS[28:]
