"""The empty CERS Hazardous Materials Inventory upload template: the sheet with the column headers the import
reads (the same as an export), and a sheet of the code lists (the letters CERS takes, and what each means).

Offered wherever an upload is offered, and given for the export of an inventory that has no material yet.
Builds bytes only: no database, nothing about a facility.
"""
from __future__ import annotations

import io
from functools import lru_cache

import openpyxl
from openpyxl.styles import Font

from bot.config import get_settings
from bot.excel.template import (
    BY_HEADER,
    CODES,
    DOT_CLASSES,
    EXPORT_HEADERS,
    FIRE_CLASS_HEADERS,
    GHS_HEADERS,
    MAX_ITEMS_PER_FILE,
)

TEMPLATE_PATH = "/inventory/template.xlsx"
TEMPLATE_FILENAME = "CERS_HazMatInventory_template.xlsx"
INVENTORY_SHEET = "HazMatInventory"
CODES_SHEET = "Codes"


def template_url() -> str:
    """The absolute address of the empty template (for chat messages; pages link the path)."""
    return get_settings().web_base_url.rstrip("/") + TEMPLATE_PATH


def _code_rows() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for header, codes in CODES.items():
        rows += [(header, code, meaning) for code, meaning in codes.items()]
    yn = [h for h, c in BY_HEADER.items() if c.kind == "yn"] + list(GHS_HEADERS)
    rows += [("Yes/No columns (" + ", ".join(yn[:4]) + ", ...)", "Y", "Yes"),
             ("Yes/No columns", "N", "No (or leave empty)")]
    rows += [("DOTHazardClassificationID", dot, "DOT hazard class " + dot) for dot in DOT_CLASSES]
    rows.append((", ".join(FIRE_CLASS_HEADERS[:2]) + ", ...", "1 to 39",
                 "the fire code hazard class number"))
    rows.append(("StateWasteCode", "3 digits", "the California waste code, e.g. 221 (waste oil); Waste lines only"))
    rows.append(("CERSID", "8 digits", f"your facility's CERS ID on every row; at most {MAX_ITEMS_PER_FILE} "
                                      "materials a file"))
    return rows


@lru_cache(maxsize=1)
def template_bytes() -> bytes:
    """The empty template as .xlsx bytes (built once per process)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = INVENTORY_SHEET
    ws.append(EXPORT_HEADERS)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    codes = wb.create_sheet(CODES_SHEET)
    codes.append(["Column", "Code", "Meaning"])
    for cell in codes[1]:
        cell.font = bold
    for row in _code_rows():
        codes.append(list(row))
    codes.column_dimensions["A"].width = 48
    codes.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
