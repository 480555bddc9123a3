"""Is this upload a PDF CERS and an inspector can open? Checked by content, never by the file's name.

`check_pdf(data, max_bytes)` returns the page count and the text it could read, or raises `PdfRejected` (a
ValidationError) whose message says in plain words what is wrong with the file and how to fix it. It never
writes anything: the caller stores the file only after this passed.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from bot.errors import ValidationError

log = logging.getLogger(__name__)

TEXT_PAGES = 40  # pages whose text is read for the advice (a site map or a plan is rarely longer)
TEXT_CHARS = 200_000  # text kept for the advice

# First bytes of files people pick by mistake, to say what the file really is.
_KINDS = (
    (b"\xff\xd8\xff", "a picture (JPEG)"),
    (b"\x89PNG\r\n\x1a\n", "a picture (PNG)"),
    (b"GIF87a", "a picture (GIF)"),
    (b"GIF89a", "a picture (GIF)"),
    (b"II*\x00", "a picture (TIFF)"),
    (b"MM\x00*", "a picture (TIFF)"),
    (b"BM", "a picture (BMP)"),
    (b"PK\x03\x04", "a Word, Excel or zip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Excel file (.doc/.xls)"),
    (b"{\\rtf", "a text document (RTF)"),
)

SAVE_AS_PDF = ("Open it in the program that made it and choose Print → “Save as PDF” (or “Microsoft Print to PDF”), "
               "then upload the PDF.")


class PdfRejected(ValidationError):
    """The file can't be accepted as a PDF; `.message` says why and how to fix it. Nothing was stored.
    `.reason`: empty | too_big | not_pdf | damaged | encrypted | no_pages."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, field="file")
        self.reason = reason


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    size_bytes: int
    text: str  # the text of the first TEXT_PAGES pages ("" for a scan or a drawing saved as a picture)


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def _what_it_is(head: bytes) -> str | None:
    for magic, kind in _KINDS:
        if head.startswith(magic):
            return kind
    if head[:1] in (b"<",) and b"html" in head[:200].lower():
        return "a web page (HTML)"
    return None


def too_big_message(max_bytes: int, filename: str = "", size: int | None = None) -> str:
    shown = f"“{filename}”" if filename else "This file"
    how_big = f"is {_mb(size)}" if size is not None else f"is larger than {_mb(max_bytes)}"
    return (f"{shown} {how_big}; CERS takes files up to {_mb(max_bytes)}. Make it smaller: save it again with "
            "“Reduce file size” or a lower picture quality, or scan in black and white at 150-200 dpi, then upload "
            "it again.")


def check_pdf(data: bytes, max_bytes: int, filename: str = "") -> PdfInfo:
    """PdfInfo for a PDF that opens, is not encrypted, has a page and is within `max_bytes`; PdfRejected else."""
    shown = f"“{filename}”" if filename else "This file"
    size = len(data)
    if size == 0:
        raise PdfRejected(f"{shown} is empty (0 bytes): nothing was uploaded. Choose the file again; if it is "
                          "still empty, save the document as a PDF again and upload the new file.", "empty")
    if size > max_bytes:
        raise PdfRejected(too_big_message(max_bytes, filename, size), "too_big")
    if not data.startswith(b"%PDF-"):
        kind = _what_it_is(data[:512])
        if kind:
            raise PdfRejected(f"{shown} is {kind}, not a PDF, even if its name ends in .pdf. CERS checks what a "
                              f"file really is and would refuse it. {SAVE_AS_PDF}", "not_pdf")
        raise PdfRejected(f"{shown} is not a PDF (it does not start like one), even if its name ends in .pdf. "
                          f"{SAVE_AS_PDF}", "not_pdf")
    from pypdf import PdfReader  # imported here: only uploads need it

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception:  # pypdf raises many kinds of errors for broken files
        raise PdfRejected(f"{shown} is a damaged PDF: it can't be opened (it may have been cut off while "
                          "downloading or copying). Save or export it again as a PDF from the program that made "
                          "it, and upload the new file.", "damaged") from None
    if encrypted:
        raise PdfRejected(f"{shown} is protected with a password (encrypted), so CERS and your inspector can't "
                          "open it. Save a copy without the password - in your PDF program remove the security, "
                          "or print it to a new PDF - and upload that copy.", "encrypted")
    try:
        pages = len(reader.pages)
    except Exception:
        pages = -1
    if pages < 0:
        raise PdfRejected(f"{shown} is a damaged PDF: its pages can't be read. Save or export it again as a PDF "
                          "from the program that made it, and upload the new file.", "damaged")
    if pages == 0:
        raise PdfRejected(f"{shown} has no pages. Save the document as a PDF again (check that it is not blank) "
                          "and upload the new file.", "no_pages")
    return PdfInfo(pages=pages, size_bytes=size, text=_text(reader, pages))


def _text(reader: object, pages: int) -> str:
    """The text pypdf can read from the first pages; "" when there is none or it can't be read (advice only)."""
    parts: list[str] = []
    total = 0
    for index in range(min(pages, TEXT_PAGES)):
        try:
            text = reader.pages[index].extract_text() or ""  # type: ignore[attr-defined]
        except Exception:  # a page whose text can't be read is only less advice
            log.debug("text of page %d not readable", index + 1)
            continue
        parts.append(text)
        total += len(text)
        if total >= TEXT_CHARS:
            break
    return "\n".join(parts)[:TEXT_CHARS]
