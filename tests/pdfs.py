"""PDFs made in the tests with pypdf (no other PDF library is installed): blank pages, pages with text in a
standard font, an encrypted one, a damaged one."""
from __future__ import annotations

import io
from typing import Iterable

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    return _bytes(writer)


def text_pdf(*pages: Iterable[str]) -> bytes:
    """One page per argument, each a list of lines written in Helvetica (pypdf can read them back)."""
    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
        body = " T* ".join(f"({_escape(line)}) Tj" for line in lines)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 11 Tf 14 TL 72 720 Td {body} ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    return _bytes(writer)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password="open-sesame", owner_password="owner-secret", algorithm="RC4-128")
    return _bytes(writer)


def damaged_pdf() -> bytes:
    """Starts like a PDF but holds no readable document (a download cut off after its first bytes)."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nend"


SITE_MAP_LINES = [
    "Valley Auto Repair - Site Map",
    "North arrow: N (up)",
    "W Shaw Ave (cross street: N Blackstone Ave)",
    "Main entrance and rear exit doors",
    "Hazardous materials storage area: drums of motor oil, flammable cabinet",
    "Gas shut-off valve and main electrical panel",
    "Fire extinguisher, fire hydrant at curb",
    "Evacuation assembly area: front parking lot",
    "Legend and scale: 1 inch = 20 feet",
]
