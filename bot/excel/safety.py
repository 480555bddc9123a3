"""Checks on an uploaded file BEFORE openpyxl reads it: size, real format (not the name), zip bomb."""
from __future__ import annotations

import io
import zipfile

from bot.errors import ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024  # uploads above this are refused before parsing
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # all members of the xlsx together
MAX_MEMBER_RATIO = 200  # uncompressed/compressed, for members above 1 MB
MAX_MEMBERS = 5000
# Parts openpyxl reads whole into memory (shared strings, styles, the workbook...): each at most this much.
# Worksheets are streamed, so only the total limit applies to them.
MAX_LOADED_PART_BYTES = 40 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000  # materials read from one file (CERS itself takes 500 a file)
LIMITS_TEXT = (f"I accept one .xlsx file of up to {MAX_FILE_BYTES // 1024 // 1024} MB with at most "
               f"{MAX_IMPORT_ROWS:,} materials (CERS itself takes 500 per upload file).")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
HOW_TO_SAVE = "In Excel choose File > Save As and pick “Excel Workbook (.xlsx)”, then upload that file."


class ExcelFileError(ValidationError):
    """The file cannot be read as a CERS inventory workbook; `.message` says why and how to fix it."""


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ExcelFileError(
            f"The file is {size / 1024 / 1024:.0f} MB; I accept inventory files up to "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. An inventory of even 10,000 materials is far smaller: please check "
            "you picked the right file, or remove pictures and extra sheets from it.", field="file")
    if size == 0:
        raise ExcelFileError("The file is empty. Please upload the inventory workbook (.xlsx).", field="file")


def check_workbook_bytes(data: bytes, filename: str = "") -> None:
    """ExcelFileError unless `data` is a plausible, safe .xlsx (zip) workbook."""
    check_size(len(data))
    name = filename.lower()
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_INFO in data[:2_000_000] or b"EncryptedPackage" in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise ExcelFileError(
                "This workbook is password-protected, so I can't read it. Open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, clear it), save and upload it again.",
                field="file")
        raise ExcelFileError(
            "This is an old-format Excel file (.xls). CERS and I only read .xlsx workbooks. " + HOW_TO_SAVE, field="file")
    if not data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        looks_text = head and all(b >= 9 for b in head if b not in (0x0a, 0x0d)) and b"\x00" not in head
        if looks_text and (b"," in head or b";" in head or b"\t" in head):
            raise ExcelFileError(
                f"“{filename or 'This file'}” is a CSV (text) file, not an Excel workbook, even if its name ends in "
                ".xlsx. Open it in Excel and save it as an Excel Workbook (.xlsx), then upload that file.", field="file")
        raise ExcelFileError(f"“{filename or 'This file'}” is not an Excel .xlsx workbook. " + HOW_TO_SAVE, field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ExcelFileError("The workbook is damaged (it isn't a complete .xlsx file). Please save it again in Excel "
                             "and upload the new file.", field="file") from None
    if len(members) > MAX_MEMBERS:
        raise ExcelFileError("The workbook has an unusual structure (too many parts), so I won't open it. "
                             + HOW_TO_SAVE, field="file")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        loaded_whole = not info.filename.startswith("xl/worksheets/")
        if total > MAX_UNCOMPRESSED_BYTES or (info.file_size > 1_000_000 and ratio > MAX_MEMBER_RATIO) or (
                loaded_whole and info.file_size > MAX_LOADED_PART_BYTES):
            raise ExcelFileError(
                "The workbook expands to far more data than an inventory can hold (it looks like a 'zip bomb'), so "
                "I refused to open it. Please upload the inventory saved directly from Excel.", field="file")
    names = {i.filename for i in members}
    if "xl/workbook.xml" not in names:
        kind = "a Word document" if "word/document.xml" in names else "a PowerPoint file" if "ppt/presentation.xml" in names else "not an Excel workbook"
        raise ExcelFileError(f"“{filename or 'This file'}” is {kind}. Please upload the inventory workbook (.xlsx).",
                             field="file")
    if name.endswith(".xlsm"):
        pass  # macro-enabled workbooks read fine; macros are never run
