"""Read a CERS HMI upload workbook the way CERS reads it (cers-facts.md 1.1): the FIRST sheet; the header row
is the row whose first cell is "CERSID"; columns matched by name, not order; every template column present;
rows with blank CERSID and CommonName skipped. Values are validated into InventoryItem attributes.

Bounded for any input: the header is looked for in the first rows only, only the header's columns are read,
at most `safety.MAX_IMPORT_ROWS` materials (a file with more is refused, saying so), reading stops after a long
run of empty rows, and the sheet's XML is scanned in chunks, never loaded whole. A text cell that starts like a
formula ("=HYPERLINK(...)", "@SUM", "+cmd|...") is refused, so it can never come back out as a live formula."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, Optional

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

from bot.excel.safety import MAX_IMPORT_ROWS, ExcelFileError, check_workbook_bytes
from bot.excel.template import (
    BY_HEADER, CODE_WORDS, CODES, DOT_CLASSES, GHS_ALIASES, GHS_HEADERS, HEADERS, MAX_COMPONENTS,
)
from bot.models import STORAGE_CONTAINER_COLUMNS

MAX_AMOUNT = 1e9  # more than a billion gallons/pounds/cubic feet in one place is a typing mistake
_NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_MERGE_RE = re.compile(rb'<mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_FORMULA_TAG_RE = re.compile(rb"<f[ >]")
HEADER_SEARCH_ROWS = 100  # the header row ("CERSID" in column A) is among the first rows
MAX_BLANK_RUN = 1000  # this many empty rows in a row end the sheet (formatting often reaches row 1,048,576)
_CHUNK = 1024 * 1024
_YES = {"y", "yes", "true", "1", "x"}
_NO = {"n", "no", "false", "0"}


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number
    column: str  # the template header ("" for the whole row)
    reason: str


@dataclass
class ParsedRow:
    row: int
    cers_id: str
    values: dict[str, Any]  # InventoryItem attributes
    components: list[dict[str, Any]] = field(default_factory=list)  # position, percent, name, ehs, cas


@dataclass
class ParsedSheet:
    rows: list[ParsedRow]
    errors: list[RowError]
    header_row: int
    skipped_blank: int
    error_rows: set[int] = field(default_factory=set)


def _sheet_path(wb: Any) -> Optional[str]:
    return getattr(wb.worksheets[0], "_worksheet_path", None)


def _scan_sheet_xml(wb: Any, header_row: int) -> bool:
    """Read the first sheet's XML in chunks: ExcelFileError for merged cells in the inventory rows; True when
    it has formulas. Never holds more than two chunks."""
    path = _sheet_path(wb)
    if not path:
        return False
    has_formula = False
    tail = b""
    with wb._archive.open(path) as handle:  # noqa: SLF001 - openpyxl keeps the zip open in read-only mode
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            window = tail + chunk
            for ref in _MERGE_RE.findall(window):
                _check_merge(ref.decode(), header_row)
            has_formula = has_formula or bool(_FORMULA_TAG_RE.search(window))
            tail = window[-256:]
    return has_formula


def _check_merge(text: str, header_row: int) -> None:
    _, _, _, max_row = range_boundaries(text if ":" in text else f"{text}:{text}")
    if max_row is not None and max_row >= header_row:
        raise ExcelFileError(
            f"The sheet has merged cells ({text}) in the inventory rows. Each material needs its own row with one "
            "value per cell: select the sheet, choose Merge & Center > Unmerge Cells, fill in the cells and upload "
            "again.", field="file")


def _text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = " ".join(str(value).split())
    return s or None


def read_workbook(data: bytes, filename: str = "") -> ParsedSheet:
    """Parse and validate the first sheet. ExcelFileError for file-level problems; row problems in `.errors`."""
    check_workbook_bytes(data, filename)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise ExcelFileError("I couldn't open this workbook: it seems damaged. Please save it again in Excel as .xlsx "
                             "and upload the new file.", field="file") from None
    try:
        if not wb.worksheets:
            raise ExcelFileError("The workbook has no worksheet.", field="file")
        ws = wb.worksheets[0]
        header_row, header = 0, None
        for number, values in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            if values and _text(values[0]) == "CERSID":
                header_row, header = number, values
                break
        if header is None:
            raise ExcelFileError(
                "I couldn't find the header row: in the CERS inventory template it is the row whose first cell (column A) "
                "is “CERSID”, among the first rows of the sheet. Please use the CERS Hazardous Materials Inventory upload "
                "template, or put its column headings back, on the first sheet.", field="file")
        has_formulas = _scan_sheet_xml(wb, header_row)
        positions: dict[str, int] = {}
        for i, h in enumerate(header):
            name = _text(h)
            if name:
                positions.setdefault(GHS_ALIASES.get(name, name), i)
        missing = [h for h in HEADERS if h not in positions]
        if missing:
            shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
            raise ExcelFileError(
                f"Columns in the uploaded worksheet do not match the CERS template: missing {shown}. Headings must be "
                "spelled exactly as in the template (no spaces); the order does not matter. Please download the "
                "inventory upload template and copy your data into it.", field="file")
        width = max(positions.values()) + 1  # columns right of the last heading are never read
        formula_cells = _formula_cells(data, header_row, width) if has_formulas else {}
        rows = ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
        return _parse_rows(rows, positions, header_row, formula_cells)
    finally:
        wb.close()


def _formula_cells(data: bytes, header_row: int, width: int) -> dict[tuple[int, int], str]:
    """(row, column index) -> formula text, for the cells below the header that hold a formula (as many rows
    as `_parse_rows` may read, the header's columns only)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        out: dict[tuple[int, int], str] = {}
        last = header_row + MAX_IMPORT_ROWS + MAX_BLANK_RUN
        rows = wb.worksheets[0].iter_rows(min_row=header_row + 1, max_row=last, max_col=width, values_only=True)
        for number, values in enumerate(rows, start=header_row + 1):
            for i, v in enumerate(values):
                if isinstance(v, str) and v.startswith("="):
                    out[(number, i)] = v[:200]
        return out
    finally:
        wb.close()


def _parse_rows(rows: Any, positions: dict[str, int], header_row: int,
                formulas: dict[tuple[int, int], str]) -> ParsedSheet:
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    skipped = 0
    ghs_positions = [(h, positions[h]) for h in GHS_HEADERS if h in positions]
    formulas_by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, i), formula in formulas.items():
        formulas_by_row.setdefault(r, []).append((i, formula))
    materials = blank_run = 0
    for number, values in enumerate(rows, start=header_row + 1):
        def cell(header: str, _values: tuple = values) -> Any:
            i = positions[header]
            return _values[i] if i < len(_values) else None

        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            skipped += 1
            continue
        blank_run = 0
        materials += 1
        if materials > MAX_IMPORT_ROWS:
            raise ExcelFileError(
                f"The sheet has more than {MAX_IMPORT_ROWS:,} materials; I read at most {MAX_IMPORT_ROWS:,} from one "
                "file. Split it into several files and upload them one after the other with Append.", field="file")
        row_errors: list[RowError] = []
        for i, formula in formulas_by_row.get(number, ()):
            if i >= len(values) or values[i] is None:
                header = next((h for h, p in positions.items() if p == i), get_column_letter(i + 1))
                row_errors.append(RowError(number, header, f"has a formula ({formula[:40]}) with no saved result: "
                                           "open the file in Excel, let it calculate, save, and upload again (or type "
                                           "the value instead of the formula)"))
        cers_id = _text(cell("CERSID"))
        common = _text(cell("CommonName"))
        if not cers_id and not common:
            if not row_errors:
                skipped += 1
                continue
        item, components = _validate(number, cell, row_errors)
        if ghs_positions:
            item["ghs_hazards"] = [h for h, i in ghs_positions
                                   if i < len(values) and _yn(values[i]) is True] or None
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed.append(ParsedRow(number, cers_id or "", item, components))
    return ParsedSheet(parsed, errors, header_row, skipped, {e.row for e in errors})


def formula_like(text: Optional[str]) -> bool:
    """True for text that spreadsheet programs would run as a formula: it starts with "=", "@", or "+"/"-"
    followed by more than a plain number ("-5" and a lone "-" are fine)."""
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and len(text) > 1 and not _NUMBER_RE.match(text)


def _refuse_formula(text: Optional[str]) -> Optional[str]:
    if formula_like(text):
        raise ValueError(f"starts with “{text[0]}”, which spreadsheet programs run as a formula (it could open a link "
                         f"or start a program): remove the “{text[0]}” at the start, or write the value in words")
    return text


def _yn(value: Any) -> Optional[bool]:
    s = _text(value)
    if s is None:
        return None
    low = s.lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise ValueError(f"“{s}” is not Y or N")


def _number(value: Any, header: str) -> Optional[float]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{value}” is not a number")
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        s = str(value).strip()
        if not _NUMBER_RE.match(s) or s in ("+", "-", "."):
            raise ValueError(f"“{s}” is not a number: type only the number (for example 50), without words or units")
        x = float(s.replace(",", ""))
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("is not a number")
    if x < 0:
        raise ValueError(f"{_show(x)} is negative; amounts must be 0 or more")
    if x > MAX_AMOUNT:
        raise ValueError(f"{_show(x)} is far too large to be right; check the amount and the Units column")
    return x


def _show(x: float) -> str:
    return f"{x:,.0f}" if x.is_integer() else f"{x:,}"


def _validate(number: int, cell: Any, errors: list[RowError]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    item: dict[str, Any] = {}

    def err(header: str, reason: str) -> None:
        errors.append(RowError(number, header, reason))

    for header, col in BY_HEADER.items():
        if col.attr is None:
            continue
        raw = cell(header)
        try:
            value: Any
            if col.kind == "text":
                value = _refuse_formula(_text(raw))
                if value and col.max_len and len(value) > col.max_len:
                    raise ValueError(f"is {len(value)} characters long; CERS allows at most {col.max_len}")
            elif col.kind == "yn":
                value = _yn(raw)
            elif col.kind == "code":
                s = _text(raw)
                value = None
                if s is not None:
                    low = s.lower()
                    value = low if low in CODES[header] else CODE_WORDS[header].get(low)
                    if value is None:
                        allowed = ", ".join(f"{k} ({v})" for k, v in CODES[header].items())
                        extra = " Convert liters to gallons (1 gallon = 3.785 L) and kilograms to pounds (1 kg = 2.205 lb)." \
                            if header == "Units" else ""
                        raise ValueError(f"“{s}” is not allowed; use {allowed}.{extra}")
            elif col.kind == "number":
                value = _number(raw, header)
            elif col.kind == "int":
                x = _number(raw, header)
                if x is not None and (not x.is_integer() or x > 365):
                    raise ValueError(f"“{_text(raw)}” must be a whole number of days from 0 to 365")
                value = None if x is None else int(x)
            elif col.kind == "fire":
                x = _number(raw, header)
                if x is not None and (not x.is_integer() or not 1 <= x <= 39):
                    raise ValueError(f"“{_text(raw)}” is not a fire code hazard class (a number from 1 to 39)")
                value = None if x is None else int(x)
            elif col.kind == "waste":
                value = _text(raw)
                if value is not None and not re.fullmatch(r"\d{3}", value):
                    raise ValueError(f"“{value}” is not a California state waste code (3 digits, like 221)")
            elif col.kind == "dot":
                value = _text(raw)
                if value is not None and value not in DOT_CLASSES:
                    raise ValueError(f"“{value}” is not a DOT hazard class ({', '.join(DOT_CLASSES)})")
            else:  # pragma: no cover - every kind is handled above
                value = raw
        except ValueError as exc:
            err(header, str(exc))
            continue
        if value is None and col.required:
            err(header, "is required and empty")
        if col.attr.startswith("sc_"):
            value = bool(value)
        item[col.attr] = value

    cers = _text(cell("CERSID"))
    if not cers:
        errors.append(RowError(number, "CERSID", "CERSID must be specified"))
    if not any(item.get(a) for a in STORAGE_CONTAINER_COLUMNS):
        err("SCOther", "at least one storage container column (SCAboveGroundTank ... SCOther) must be Y")
    avg, mx = item.get("average_daily_amount"), item.get("maximum_daily_amount")
    if avg is not None and mx is not None and avg > mx:
        err("AverageDailyAmount", f"the average daily amount ({_show(avg)}) is more than the maximum ({_show(mx)})")
    if item.get("ehs") and item.get("units") not in (None, "c"):
        err("Units", "an Extremely Hazardous Substance (EHS = Y) must be reported in pounds (Units c)")

    components: list[dict[str, Any]] = []
    for n in range(1, MAX_COMPONENTS + 1):
        try:
            percent = _number(cell(f"HC{n}PercentByWeight"), f"HC{n}PercentByWeight")
            if percent is not None and not 0.01 <= percent <= 100:
                raise ValueError(f"{_show(percent)} must be between 0.01 and 100.00 (percent by weight)")
        except ValueError as exc:
            err(f"HC{n}PercentByWeight", str(exc))
            continue
        name, cas = _text(cell(f"HC{n}Name")), _text(cell(f"HC{n}CAS"))
        formulas = [(h, v) for h, v in ((f"HC{n}Name", name), (f"HC{n}CAS", cas)) if formula_like(v)]
        for header, value in formulas:
            try:
                _refuse_formula(value)
            except ValueError as exc:
                err(header, str(exc))
        if formulas:
            continue
        try:
            ehs = _yn(cell(f"HC{n}EHS"))
        except ValueError as exc:
            err(f"HC{n}EHS", str(exc))
            continue
        for header, value, limit in ((f"HC{n}Name", name, 500), (f"HC{n}CAS", cas, 15)):
            if value and len(value) > limit:
                err(header, f"is {len(value)} characters long; CERS allows at most {limit}")
        if percent is None and name is None and cas is None and ehs is None:
            continue
        if name is None:
            err(f"HC{n}Name", f"component {n} has a percentage, EHS flag or CAS but no name")
        components.append({"position": n, "percent": None if percent is None else round(percent, 2),
                           "name": name, "ehs": ehs, "cas": cas})
    return item, components
