"""`read_sds(pdf_bytes)`: what a Safety Data Sheet says about the fields of a new inventory material.

The text comes from pypdf (a scan has none: `has_text` False and nothing else is guessed). Running headers and
footers are dropped, the text is cut into sections by their heading words (not their numbers, so the old
16-section MSDS with hazards in section 3 and ingredients in section 2 reads the same), and each section is read
by a small function: the product name (section 1), the components (section 3), the hazard classes (section 2),
the physical state and flash point (section 9).

Never a silent wrong value: a CAS number whose check digit fails, or a percent that can't be read, is left
empty and said in `notes`, for the filer to give. Nothing here writes anything.
"""
from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from bot.chemicals.normalize import cas_checksum_ok
from bot.sds import hazards as ghs

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
    r"(?P<title>[A-Za-z(].{2,90})$", re.IGNORECASE)
_PAGE_RE = re.compile(r"\bpage\s*:?\s*\d+\s*(?:of|/)\s*\d+\b|^\s*\d+\s*(?:/|of)\s*\d+\s*$|^\s*page\s*\d+\s*$",
                      re.I)
EDGE = 3  # lines at the top and at the bottom of a page where a running header or footer can be
CAS_SHAPE = r"(?<![\d-])(\d{2,7})\s?-\s?(\d{2})\s?-\s?(\d)(?![\d-])"
_CAS_RE = re.compile(CAS_SHAPE)
_CAS_LABEL_RE = re.compile(r"\b(?:CAS(?:[- ]?(?:No|Number|Nr|RN|Reg(?:istry)?\.?(?: No)?)\.?)?\s*[:#.]?\s*|CAS#\s*)",
                           re.I)
UNNAMED = "Unnamed ingredient"
_SECRET_RE = re.compile(r"\btrade secret\b|\bproprietary\b|\bconfidential\b|\bwithheld\b|\bnot disclosed\b", re.I)
_NUM = r"(\d{1,3}(?:[.,]\d+)?)"
_CMP = r"(?:[<>≤≥]\s*=?|=<|=>|less than|greater than|up to)?"
_RANGE_PCT = re.compile(rf"({_CMP})\s*{_NUM}\s*%?\s*(?:-|–|—|to)\s*({_CMP})\s*{_NUM}\s*(?:%|percent)", re.I)
_SINGLE_PCT = re.compile(rf"({_CMP})\s*{_NUM}\s*(?:%|percent)", re.I)
_RANGE_BARE = re.compile(rf"(?<![\w.,-])({_CMP})\s*{_NUM}\s*(?:-|–|—|to)\s*({_CMP})\s*{_NUM}(?![\w.%-])", re.I)
_CMP_BARE = re.compile(rf"(?<![\w.])([<>≤≥]\s*=?|=<|=>)\s*{_NUM}(?![\w.-])")
_BARE = re.compile(rf"(?<![\w.,/-]){_NUM}(?![\w.,/%-])")


@dataclass(frozen=True)
class SdsComponent:
    name: str
    cas: Optional[str]
    percent_low: Optional[float]
    percent_high: Optional[float]
    trade_secret: bool = False


@dataclass
class SdsReading:
    has_text: bool
    is_sds: bool = False  # section headings of an SDS were found
    product_name: Optional[str] = None
    manufacturer: Optional[str] = None
    components: list[SdsComponent] = field(default_factory=list)
    substance: bool = False  # "3.1 Substances": a pure chemical
    physical_state: Optional[str] = None  # "solid" | "liquid" | "gas"
    state_words: Optional[str] = None  # what section 9 said ("Aerosol", "Paste")
    aerosol: bool = False
    ghs_classes: list[str] = field(default_factory=list)  # "Flammable liquids Category 2"
    cers_hazards: list[str] = field(default_factory=list)  # fhc_fire, ... (bot.inventory.answers.HAZARD_FIELDS)
    ghs_hazards: list[str] = field(default_factory=list)  # FHCPhysicalFlammable, ... (newer CERS columns)
    flash_point: Optional[str] = None
    hazards_known: bool = False  # hazard classes were found, or the sheet says it is not hazardous
    notes: list[str] = field(default_factory=list)  # problems in plain words, for the filer

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SdsReading":
        d = dict(d)
        d["components"] = [SdsComponent(**c) for c in d.get("components") or []]
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})


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
    if not m.group("word") and (len(title) > 70 or ":" in title[:-1] and not re.search(r"^\W*\w+\s*:", title)):
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


# ---- section 1 ----------------------------------------------------------------------------------------------------
_NAME_LABELS = (r"product name", r"trade name", r"product identifier", r"material name", r"commercial product name",
                r"product(?: code and)? name", r"identification of the substance(?:/mixture)?", r"product",
                r"chemical name", r"name")
_MAKER_LABELS = (r"manufacturer'?s name", r"manufacturer(?:\s*/\s*supplier)?", r"manufactured by", r"company name", r"company", r"supplier",
                 r"distributor", r"distributed by")


def _labelled(lines: list[str], labels: tuple[str, ...]) -> Optional[str]:
    for label in labels:
        for i, ln in enumerate(lines):
            m = re.match(rf"^(?:\d\.\d\.?\s*|[a-z]\)\s*)?(?:{label})(?:\(s\))?(?![A-Za-z])\s*[:.\-]?\s*(.*)$", ln, re.I)
            if not m:
                continue
            value = re.sub(r"(?i)^name\s*:\s*", "", m.group(1).strip(" :.-"))
            if not value and i + 1 < len(lines):
                value = lines[i + 1].strip()
            if value and value[0].isalnum() and not re.match(r"(?i)^(?:code|number|no\.?|use|type|form)\b", value):
                return value[:200]
    return None


def read_identification(sections: dict[str, list[str]]) -> tuple[Optional[str], Optional[str]]:
    lines = sections.get("identification") or sections.get("section_1") or sections.get("_head") or []
    name = _labelled(lines, _NAME_LABELS) or _labelled(sections.get("_head", []), _NAME_LABELS[:5])
    maker = _labelled(lines, _MAKER_LABELS)
    if name:
        name = re.split(r"\s{2,}|\s+(?:revision|version|date|sds\s*(?:#|no|number)|msds\s*(?:#|no|number)|product "
                        r"(?:code|number|no\.?)|item (?:code|number|no\.?)|catalog|part (?:number|no\.?)|sku|"
                        r"recommended use|synonyms?|cas)\b", name, flags=re.I)[0].strip(" :;,")
    if maker:
        maker = re.split(r"\s{2,}|,\s*\d|\s+\d{2,}", maker)[0].strip(" ,")
    return name or None, maker or None


# ---- section 3 ----------------------------------------------------------------------------------------------------
_HEADER_ROW_RE = re.compile(
    r"^(?:\d\.\d{1,2}\.?\s+[A-Za-z].*|(?:chemical|common|component|ingredient|hazardous|substance|material)s?\b.*"
    r"(?:name|cas|%|weight|concentration)|cas\b.*|.*\bweight\s*[-%]|.*%\s*\(?(?:by )?w(?:eigh)?t|"
    r"(?:substances?|mixtures?|composition|components?|ingredients?|concentration|weight|percent|classification|"
    r"(?:chemical |common |component |ingredient )?names?|cas(?: no\.?| number| #)?|ec no\.?|%(?: by weight)?)\s*:?\s*$|"
    r"(?:ec|index|reach|einecs)[- ]?(?:no|number|registration)\b.*|.*\bregistration number\b.*|"
    r"synonyms?\b.*|formula\b.*|molecular\b.*|(?:the )?(?:exact|specific) (?:percentage|chemical identity).*|"
    r"\*.*|note\b.*|footnote.*|for the full text.*|full text of.*|.*\bclassification\b.*|"
    r"information on ingredients.*|.*regulation \(ec\).*)$", re.I)
_EC_RE = re.compile(r"(?<![\d-])\d{3}-\d{3}-\d(?![\d-])|(?<![\d-])\d{3}-\d{3}-\d{2}-[\dX](?![\d-])")
_CLASSIF_RE = re.compile(
    r"\bH\d{3}[A-Za-z]*\b|\bEUH\d{3}\b|\b(?:category|cat\.)\s*\d[A-C]?\b|\bAquatic (?:Acute|Chronic) \d\b|"
    r"\bWater-react\. \d\b|"
    r"(?:[A-Z][a-z]+\.\s?){1,3}(?:[A-Z][a-z]+\.?\s)?\d[A-C]?\b|\bSTOT (?:SE|RE) \d\b|\bM-factor.*", re.U)


def _percent(text: str, bare: bool = True) -> tuple[Optional[float], Optional[float], bool]:
    """(low, high, found) of the first percent in `text`: "10 - 30", "10-<25", ">= 60 - < 80 %", "< 1", "30 - 60
    %", "100". Classification codes ("Flam. Liq. 2", "H225") are removed first so they are not read as one."""
    t = _CLASSIF_RE.sub(" ", _EC_RE.sub(" ", _CAS_RE.sub(" ", text)))
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    for rx in (_RANGE_PCT, _RANGE_BARE):
        for m in rx.finditer(t):
            low, high = float(m.group(2)), float(m.group(4))
            if 0 <= low < high <= 100:
                return low, high, True
    for rx in (_SINGLE_PCT, _CMP_BARE):
        for m in rx.finditer(t):
            x = float(m.group(2))
            cmp = m.group(1).replace(" ", "").lower()
            if x > 100:
                continue
            if cmp.startswith((">", "≥", "=>", "greater")):
                return x, 100.0, True
            if cmp.startswith(("<", "≤", "=<", "less", "up")):
                return None, x, True
            return x, x, True
    for m in _BARE.finditer(t if bare else ""):
        if 0 < float(m.group(1)) <= 100:
            x = float(m.group(1))
            return x, x, True
    return None, None, False


def _name_part(text: str) -> str:
    text = _CAS_LABEL_RE.sub(" ", text)
    text = re.sub(r"(?i)\b(?:ec|einecs|index|reach)[- ]?(?:no\.?|number|registration(?: no\.?)?)\s*:?\s*[\d-]+[\dX]?",
                  " ", text)
    text = _EC_RE.sub(" ", text)
    text = re.split(r"\s(?:[<>≤≥]\s*=?\s*)?\d{1,3}(?:\.\d+)?\s*(?:%|$|[-–]\s*[<>≤≥=]*\s*\d)", " " + text)[0]
    text = re.sub(r"\(\s*\)", " ", text)
    return " ".join(text.replace("|", " ").split()).strip(" :;,.-*(")


def _lead_name(ln: str) -> str:
    """"Methanol Flam. Liq. 2; Acute Tox. 3; >= 50 - < 70 %" -> "Methanol": a name cell followed on its line by
    the classification and the percent cells."""
    if _HEADER_ROW_RE.match(ln) or _CAS_RE.search(ln):
        return ""
    head = re.split(r"\bH\d{3}|;|(?:[A-Z][a-z]+\.\s?){1,3}\d|\bSTOT\b|\bAquatic\b|[<>≤≥]|\s\d{1,3}(?:\.\d+)?\s*(?:%|[-–])",
                    ln)[0]
    name = _name_part(head)
    return name if re.search(r"[A-Za-z]{3,}", name) and len(name.split()) <= 8 else ""


def _is_name_line(ln: str) -> bool:
    if _HEADER_ROW_RE.match(ln) or _CAS_RE.search(ln):
        return False
    if re.search(r"\bH\d{3}\b|;|\bcategory\b", ln, re.I):
        return False
    return bool(re.search(r"[A-Za-z]{3,}", ln)) and len(ln) <= 120 and not _percent(ln)[2]


def _secret_row(ln: str, prev: Optional[str]) -> bool:
    """"Surfactant blend  Proprietary  Trade secret": a table row whose CAS (or percent) is withheld, not a
    sentence about trade secrets."""
    m = _SECRET_RE.search(ln)
    if not m or _HEADER_ROW_RE.match(ln) or len(ln.split()) > 9 or ln.rstrip().endswith("."):
        return False
    if _secret_name(ln):
        return True
    return m.start() == 0 and len(ln.split()) <= 3 and prev is not None and _is_name_line(prev)


_PLACEHOLDER_RE = re.compile(r"\b(?:not assigned|not available|n/a|none|mixture|various|unknown|not applicable)\b",
                             re.I)


def _placeholder_row(ln: str) -> bool:
    """"Petroleum distillates  Mixture  30 - 50 %": a row whose CAS cell holds no number."""
    m = _PLACEHOLDER_RE.search(ln)
    if not m or _HEADER_ROW_RE.match(ln) or len(ln.split()) > 9 or ln.rstrip().endswith("."):
        return False
    return bool(re.search(r"[A-Za-z]{3,}", _name_part(ln[:m.start()]))) and _percent(ln[m.end():], bare=True)[2]


def _secret_name(ln: str) -> str:
    """The name in a row whose CAS or percent is withheld: "Surfactant blend Proprietary Trade secret" ->
    "Surfactant blend"; "Proprietary surfactant Trade Secret 1-5" -> "Proprietary surfactant"."""
    text = re.sub(r"(?i)\b(?:trade secret|confidential|withheld|not disclosed)\b\*?", " ", ln)
    text = re.sub(r"(?i)\bproprietary\b\*?(?=\s*(?:$|[<>≤≥\d*]))", " ", text)
    name = _name_part(text)
    return name if re.search(r"[A-Za-z]{3,}", name) else ""


def read_components(lines: list[str], product: Optional[str], notes: list[str]) -> tuple[list[SdsComponent], bool]:
    """The components of section 3 and whether it describes a single substance."""
    substance = any(re.match(r"(?i)^(?:3\.1\s*)?substances?\s*:?\s*$|^3\.1\b.*substance", ln) for ln in lines) and \
        not any(re.match(r"(?i)^(?:3\.2\s*)?mixtures?\s*:?\s*$|^3\.2\b.*mixture", ln) for ln in lines)
    anchors: list[int] = []
    for i, ln in enumerate(lines):
        if _CAS_RE.search(ln) or _secret_row(ln, lines[i - 1] if i and (i - 1) not in anchors else None) or \
                _placeholder_row(ln):
            anchors.append(i)
    names: dict[int, tuple[str, int]] = {}  # anchor -> (name, first line of its record)
    taken = set(anchors)
    for a in anchors:
        ln = lines[a]
        m = _CAS_RE.search(ln)
        placeholder = _PLACEHOLDER_RE.search(ln) if not m and not _SECRET_RE.search(ln) else None
        name = _name_part(ln[:m.start()]) if m else (_name_part(ln[:placeholder.start()]) if placeholder
                                                     else _secret_name(ln))
        if m and not name and not _HEADER_ROW_RE.match(ln):  # "67-64-1  Acetone  30 - 40": the CAS column first
            after_name = _name_part(ln[m.end():])
            name = after_name if re.search(r"[A-Za-z]{3,}", after_name) else ""
        start = a
        prev = a - 1
        labelled = re.match(r"(?i)^(?:chemical |component |ingredient |substance )?name\s*:\s*(.+)$",
                            lines[prev]) if prev >= 0 and not name else None
        if labelled and prev not in taken:  # "Chemical name: Toluene" / "CAS number: 108-88-3" / "Concentration: ..."
            name, start = labelled.group(1).strip(), prev
            taken.add(prev)
        elif prev >= 0 and prev not in taken and _is_name_line(lines[prev]):
            if not name:
                name, start = _name_part(lines[prev]) or lines[prev], prev
                taken.add(prev)
            elif name[:1].islower() or lines[prev].rstrip().endswith((",", "(", "-")):
                name, start = f"{lines[prev]} {name}", prev  # a name wrapped in its table cell
                taken.add(prev)
        elif prev >= 0 and prev not in taken and not name and _lead_name(lines[prev]):
            name, start = _lead_name(lines[prev]), prev
            taken.add(prev)
        if not name and not substance:  # "7440-37-1 / 231-147-0 / Argon / 75 %": the name after the CAS, in a cell
            nxt = next((j for j in range(a + 1, min(a + 4, len(lines)))
                        if j not in taken and not _CAS_RE.search(lines[j]) and _is_name_line(lines[j])
                        and len(lines[j].split()) <= 10 and not lines[j].endswith(".")), None)
            if nxt is not None and all(not _CAS_RE.search(lines[j]) for j in range(a + 1, nxt)):
                name = _name_part(lines[nxt]) or lines[nxt]
                taken.add(nxt)
        if not name and _SECRET_RE.search(ln):
            name = "Trade secret ingredient"
        names[a] = (name, start)
    out: list[SdsComponent] = []
    for k, a in enumerate(anchors):
        name, start = names[a]
        end = names[anchors[k + 1]][1] if k + 1 < len(anchors) else len(lines)
        ln = lines[a]
        m = _CAS_RE.search(ln)
        placeholder = _PLACEHOLDER_RE.search(ln) if not m and not _SECRET_RE.search(ln) else None
        after = ln[m.end():] if m else (ln[placeholder.end():] if placeholder else ln)
        low, high, found = _percent(after)
        region = [r for r in lines[a + 1:end] if not _HEADER_ROW_RE.match(r) or re.search(r"%", r)]
        for r in region:
            if found:
                break
            low, high, found = _percent(r)
        if not found and m:  # "Toluene 30-60 108-88-3": the percent column before the CAS
            low, high, found = _percent(ln[:m.start()], bare=False)
        if not found and start < a:  # the name's own line: "Methanol Flam. Liq. 2; ... >= 50 - < 70 %"
            low, high, found = _percent(" ".join(lines[start:a]), bare=False)
        own = [ln, *(r for r in lines[a + 1:end] if not _HEADER_ROW_RE.match(r))]
        secret = bool(_SECRET_RE.search(" ".join(own)) or re.search(r"\*\s*$", ln))
        cas: Optional[str] = None
        shown = name or (product if substance else None) or "an ingredient"
        if m:
            raw = f"{int(m.group(1))}-{m.group(2)}-{m.group(3)}"
            if cas_checksum_ok(raw):
                cas = raw
            else:
                notes.append(f"The CAS number {raw} printed for {shown} fails its check digit, so I left it out: "
                             "please check it on the SDS.")
        if not found and substance and len(anchors) == 1:
            low, high, found = 100.0, 100.0, True
        if not found:
            why = "it is withheld as a trade secret" if secret else "I couldn't read it"
            notes.append(f"The percent of {shown} is not filled in ({why}): please give it.")
        if not name and substance and product:
            name = product
        out.append(SdsComponent(name=name or UNNAMED, cas=cas, percent_low=low,
                                percent_high=high, trade_secret=secret))
    return _merged(out), substance


def _merged(comps: list[SdsComponent]) -> list[SdsComponent]:
    """One component per CAS number (a table row and a footnote naming the same CAS are one ingredient)."""
    seen: dict[str, int] = {}
    out: list[SdsComponent] = []
    for c in comps:
        if c.cas and c.cas in seen:
            kept = out[seen[c.cas]]
            if kept.percent_high is None and c.percent_high is not None:
                out[seen[c.cas]] = SdsComponent(kept.name, kept.cas, c.percent_low, c.percent_high, kept.trade_secret)
            continue
        if c.cas:
            seen[c.cas] = len(out)
        out.append(c)
    return out


# ---- section 9 ----------------------------------------------------------------------------------------------------
# Physical state words -> CERS state. CERS has only solid, liquid and gas (cers-facts.md: PhysicalState a/b/c),
# judged as stored. A paste, putty, grease or wax does not flow out of its container: solid (reported in
# pounds). A gel usually pours or pumps: liquid. An aerosol can holds its contents under pressure: gas (the
# filer may change it; the pressure-release hazard comes from section 2).
STATE_WORDS: tuple[tuple[str, str], ...] = (
    (r"aerosol", "gas"), (r"compressed gas|liquefied gas|liquified gas|gas(?:eous)?\b|vapou?r\b(?! pressure)", "gas"),
    (r"liquid|solution|emulsion|suspension|oily|gel\b|syrup|viscous", "liquid"),
    (r"solid|powder|granul|crystal|pellet|tablet|flake|paste|putty|grease|wax|bead|prill|dust|briquette", "solid"),
)
_STATE_LABELS = (r"physical state", r"physical form", r"state", r"form", r"appearance(?:\s*/\s*form|\s+and\s+odou?r)?",
                 r"appearance\s*form")


def _state_of(words: str) -> Optional[str]:
    low = words.lower()
    best: Optional[tuple[int, str]] = None
    for pattern, state in STATE_WORDS:
        m = re.search(rf"\b(?:{pattern})", low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), state)
    return best[1] if best else None


def read_properties(lines: list[str]) -> tuple[Optional[str], Optional[str], bool, Optional[str]]:
    """(state, the words it came from, aerosol, flash point) from section 9."""
    state = words = None
    for label in _STATE_LABELS:
        for i, ln in enumerate(lines):
            m = re.match(rf"^(?:[a-z]\)\s*|\d\.\d\s*)?(?:{label})\b\s*[:.\-]?\s*(.*)$", ln, re.I)
            if not m:
                continue
            value = m.group(1) or (lines[i + 1] if i + 1 < len(lines) else "")
            found = _state_of(value)
            if found:
                state, words = found, value.strip()[:80]
                break
        if state:
            break
    joined = " ".join(lines)
    aerosol = bool(re.search(r"\baerosol", joined, re.I))
    labelled_aerosol = any(re.match(rf"^(?:[a-z]\)\s*|\d\.\d\s*)?(?:{'|'.join(_STATE_LABELS)})\b.*\baerosol", ln, re.I)
                           for ln in lines)
    if aerosol and (state is None or labelled_aerosol):
        state = "gas"  # an aerosol can: a gas under pressure (see STATE_WORDS)
    flash = None
    m = re.search(r"(?i)flash\s*point\s*(?:\([^)]*\))?\s*(?:[:.]|-(?!\s*\d))?\s*([^\n]{1,60}?)(?=\s{2,}|$|\s(?:method|auto|lower|"
                  r"upper|evaporation|flammab))", "\n".join(lines), re.M)
    if m and re.search(r"\d|not applicable|none|n/?a", m.group(1), re.I):
        flash = m.group(1).strip(" :.")
    return state, words, aerosol, flash


# ---- section 2 ----------------------------------------------------------------------------------------------------
_PRECAUTION_RE = re.compile(
    r"\bP\d{3}\b|\bif\b[^.:]{0,40}\b(?:occurs|persists|concerned)\b|"
    r"\bif (?:swallowed|inhaled|on skin|in eyes|exposed)\s*(?:\(|:|or\b)|"
    r"unknown (?:acute )?toxicity|^\s*(?:wear|avoid|keep|store|wash|do not|get medical|call|dispose|take|use|rinse|"
    r"remove|ground|obtain|contaminated|immediately|in case)\b|"
    r"\bnot (?:classified|applicable|listed|identified|considered|determined|available)\b|\bno data\b|\bnone known\b",
    re.I)
_NOT_HAZARDOUS_RE = re.compile(
    r"not (?:a )?hazardous (?:substance|mixture|chemical|product)|not classified as (?:a )?hazardous|"
    r"not (?:considered )?hazardous (?:according|under|by)|no (?:ghs )?classification|not classified\.?$|"
    r"does not meet the criteria for classification|not regulated as a hazardous|non-hazardous", re.I)
# The SARA 311/312 (the older federal, and CERS) categories that many US sheets print in section 15: read only
# when section 2 gives no GHS class (an old MSDS).
_SARA = ((ghs.FIRE, r"fire hazard|flammable \(gases, aerosols, liquids, or solids\)"),
         (ghs.PRESSURE, r"sudden release of pressure|pressure hazard"),
         (ghs.REACTIVE, r"reactive hazard|reactivity hazard"),
         (ghs.ACUTE, r"acute (?:health )?hazard|immediate \(acute\)(?: health)?(?: hazard)?"),
         (ghs.CHRONIC, r"chronic (?:health )?hazard|delayed \(chronic\)(?: health)?(?: hazard)?"))


def read_sara(lines: list[str]) -> list[str]:
    """CERS hazard fields from "SARA 311/312 Hazard categories: Fire hazard, Acute health hazard" (a category
    followed by "No" is not taken)."""
    text = " ".join(lines)
    if not re.search(r"(?i)311\s*/\s*312|hazard categor", text):
        return []
    found = []
    for f, pattern in _SARA:
        m = re.search(rf"(?i)\b(?:{pattern})\b\s*[:\-]?\s*(yes|no|x)?\b", text)
        if m and (m.group(1) or "yes").lower() != "no":
            found.append(f)
    return found


def not_hazardous(lines: list[str]) -> bool:
    """Section 2 says the product is not classified as hazardous."""
    return any(_NOT_HAZARDOUS_RE.search(ln) for ln in lines)


def read_hazards(lines: list[str]) -> dict[str, Optional[str]]:
    kept: list[str] = []
    skipping = False
    for ln in lines:
        low = ln.lower()
        if re.match(r"^(?:2\.\d\s*)?precautionary statements?", low):
            skipping = True
            continue
        if skipping and re.match(r"^(?:2\.\d\s*)?(?:other hazards|hazards not otherwise|supplemental|"
                                 r"hnoc|unknown)", low):
            skipping = False
        if skipping or _PRECAUTION_RE.search(ln):
            continue
        kept.append(ln)
    return ghs.classes_in(" ".join(kept)) or ghs.overview_classes(kept)


# ---- the whole sheet ----------------------------------------------------------------------------------------------
def read_text(pages: list[str]) -> SdsReading:
    """An SdsReading from the pages' text (the tests and the measure call this with the text of their PDFs)."""
    if not any(len(p.strip()) >= 20 for p in pages):
        return SdsReading(has_text=False, notes=[
            "This PDF has no text I can read (it looks like a scan or a picture), so I can't fill anything from it. "
            "Let's answer the questions instead."])
    lines = clean_lines(pages)
    sections = split_sections(lines)
    reading = SdsReading(has_text=True)
    reading.is_sds = "composition" in sections or "hazards" in sections
    if not reading.is_sds:
        reading.notes.append("This PDF doesn't look like a Safety Data Sheet: I found none of its sections "
                             "(hazards identification, composition). Let's answer the questions instead.")
        return reading
    reading.product_name, reading.manufacturer = read_identification(sections)
    if not reading.product_name:
        reading.notes.append("I couldn't find the product name in section 1.")
    comps, reading.substance = read_components(sections.get("composition", []), reading.product_name, reading.notes)
    reading.components = comps
    if not comps:
        reading.notes.append("I couldn't read the ingredients of section 3.")
    state, reading.state_words, reading.aerosol, reading.flash_point = read_properties(sections.get("properties", []))
    reading.physical_state = state
    if state is None:
        reading.notes.append("I couldn't find the physical state in section 9.")
    found = read_hazards(sections.get("hazards", []))
    if reading.aerosol and not any(n in found for n in ("Aerosols", "Gases under pressure")):
        found["Aerosols"] = None  # an aerosol can is a container under pressure whatever section 2 prints
    reading.ghs_classes = [ghs.class_label(n, c) for n, c in found.items()]
    reading.cers_hazards = ghs.cers_hazards(list(found))
    reading.ghs_hazards = ghs.ghs_headers(list(found))
    if not found:
        reading.cers_hazards = read_sara(sections.get("regulatory", []))
        reading.hazards_known = bool(reading.cers_hazards) or not_hazardous(sections.get("hazards", []))
        if not reading.hazards_known:
            reading.notes.append("I couldn't find the hazard classes in section 2.")
    else:
        reading.hazards_known = True
    return reading


def _score(r: SdsReading) -> int:
    return (bool(r.product_name) + bool(r.physical_state) + bool(r.ghs_classes) + 2 * len(r.components)
            + sum(c.cas is not None and c.percent_high is not None for c in r.components) - len(r.notes)
            - 3 * sum(c.name == UNNAMED for c in r.components))


def read_sds(pdf_bytes: bytes) -> SdsReading:
    """Read an SDS PDF (already checked by bot.documents.pdf_check): the plain text, and pypdf's layout text when
    it reads more (tables whose columns come out better kept in place)."""
    try:
        plain = read_text(pdf_pages(pdf_bytes))
    except Exception:  # pypdf's many errors on odd files: the filer answers the questions instead
        return SdsReading(has_text=False, notes=[
            "I couldn't read the text of this PDF, so I can't fill anything from it. Let's answer the questions "
            "instead."])
    if not plain.has_text:
        return plain
    try:
        layout = read_text(pdf_pages(pdf_bytes, "layout"))
    except Exception:  # the layout mode is a second opinion only
        return plain
    return layout if _score(layout) > _score(plain) else plain
