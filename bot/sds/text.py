"""The text of an SDS PDF as lines, cut into its sections: pypdf's text per page, the running header and footer
dropped, and the sections found by their heading words (not their numbers, so an old 16-section MSDS with the
ingredients in section 2 reads the same as a GHS sheet). Text only: nothing here knows what a field means.
"""
from __future__ import annotations

import io
import re
from typing import Optional

SECTION_KEYS = ("identification", "hazards", "composition", "first_aid", "fire", "release", "handling", "exposure",
                "properties", "stability", "toxicology", "ecology", "disposal", "transport", "regulatory", "other")
# Heading words -> section, checked in order (composition before identification: "Composition / information
# on ingredients"; hazards before identification: "Hazards identification").
_HEADINGS: tuple[tuple[str, str], ...] = (
    ("composition", r"composition|ingredients?\b|hazardous components"),
    ("hazards", r"hazards? identification|hazard\(s\) identification|hazards? information|emergency overview|"
                r"health hazard data"),
    ("identification", r"identification|product and company|chemical product"),
    ("first_aid", r"first[- ]aid"),
    ("fire", r"fire[- ]?fighting|fire and explosion"),
    ("release", r"accidental release|spill"),
    ("handling", r"handling and storage|storage and handling|special precautions"),
    ("exposure", r"exposure controls|personal protection|control measures"),
    ("properties", r"physical(?: and |\s*/\s*|\s*&\s*)chemical|physical data|physical properties"),
    ("stability", r"stability|reactivity data"),
    ("toxicology", r"toxicolog"),
    ("ecology", r"ecolog"),
    ("disposal", r"disposal"),
    ("transport", r"transport"),
    ("regulatory", r"regulatory"),
    ("other", r"other information"),
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11,
          "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16}
_HEADING_RE = re.compile(
    r"^\s*(?:(?P<word>section|sect\.)\s*)?(?P<num>\d{1,2}|[ivx]{1,5})(?![\d.]\d)\s*[.:)]?\s*[-–—:.]?\s*"
    r"(?P<title>[A-Za-z(].{2,110})$", re.IGNORECASE)
_PAGE_RE = re.compile(r"\bpage\s*:?\s*\d+\s*(?:of|/)\s*\d+\b|^\s*\d+\s*(?:/|of)\s*\d+\s*$|^\s*page\s*\d+\s*$",
                      re.I)
EDGE = 3  # lines at the top and at the bottom of a page where a running header or footer can be


# ---- text ---------------------------------------------------------------------------------------------------------
def pdf_pages(data: bytes, mode: str = "plain") -> list[str]:
    """The text of each page ("" for a page without text). Raises whatever pypdf raises for a broken file: the
    caller checked the file with bot.documents.pdf_check first."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = []
    for page in reader.pages[:40]:
        try:
            text = page.extract_text(extraction_mode=mode) if mode == "layout" else page.extract_text()
        except Exception:  # a page whose text can't be read counts as a page without text
            text = ""
        pages.append(text or "")
    return pages


# Dashes of every kind read as "-" (a CAS number printed "64‑17‑5", a range "10–30"); no-break and odd spaces
# as spaces; soft hyphens dropped.
_CHARS = str.maketrans({**{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
                        **{c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u3000"}, "\u00ad": None,
                        "\u2264": "<=", "\u2265": ">="})


def clean_lines(pages: list[str]) -> list[str]:
    """All lines, without the running header and footer: "Page 2 of 8" anywhere, and on pages after the first any
    line printed on most pages (the product name, revision date, company line)."""
    split = [[" ".join(ln.translate(_CHARS).split()) for ln in p.splitlines()] for p in pages]
    split = [[ln for ln in p if ln] for p in split]
    counts: dict[str, int] = {}
    for p in split:
        for ln in set(p[:EDGE] + p[-EDGE:]):
            counts[ln] = counts.get(ln, 0) + 1
    repeated = {ln for ln, n in counts.items() if len(split) >= 2 and n >= max(2, (len(split) + 1) // 2)}
    out: list[str] = []
    for i, p in enumerate(split):
        for k, ln in enumerate(p):
            edge = k < EDGE or k >= len(p) - EDGE
            if _PAGE_RE.search(ln) and len(ln) < 120:
                ln = _PAGE_RE.sub(" ", ln).strip()
                if not ln or ln in repeated:
                    continue
            if i > 0 and edge and ln in repeated:
                continue
            out.append(ln)
    return out


def _heading(line: str) -> Optional[tuple[str, int]]:
    m = _HEADING_RE.match(line)
    if not m:
        return None
    raw = m.group("num").lower()
    num = int(raw) if raw.isdigit() else _ROMAN.get(raw)
    if num is None or not 1 <= num <= 16:
        return None
    title = m.group("title")
    if not m.group("word") and (len(title) > 100 or ":" in title[:-1] and not re.search(r"^\W*\w+\s*:", title)):
        return None
    if not m.group("word") and not raw.isdigit():
        return None  # roman numerals only after "Section"
    low = title.lower()
    for key, pattern in _HEADINGS:
        if re.search(pattern, low):
            if not m.group("word") and re.match(r"^\s*[a-z]", title):  # "3 drums of ..." is not a heading
                return None
            return key, num
    if m.group("word") and re.match(r"^\s*[A-Z]", title):  # "SECTION 4: Something unusual" still ends section 3
        return f"section_{num}", num
    return None


_BARE_SECTION_RE = re.compile(r"^\s*(?:section|sect\.)\s*(?:\d{1,2}|[ivx]{1,5})\s*[:.\-]?\s*$", re.I)


def split_sections(lines: list[str]) -> dict[str, list[str]]:
    """Section key -> its lines; "_head" holds what comes before the first heading. A heading is kept only if its
    number goes up (a table of contents or a "see section 8" line doesn't cut a section)."""
    sections: dict[str, list[str]] = {"_head": []}
    current = "_head"
    last = 0
    skip_next = False
    for i, ln in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        h = _heading(ln)
        if h is None and _BARE_SECTION_RE.match(ln) and i + 1 < len(lines):  # "SECTION 3" / "Composition ..."
            h = _heading(f"{ln.rstrip(' :.-')}: {lines[i + 1]}")
            skip_next = h is not None and h[1] > last and h[0] not in sections
        if h is not None and h[1] > last and h[0] not in sections:
            current, last = h[0], h[1]
            sections[current] = []
            continue
        sections[current].append(ln)
    return sections
