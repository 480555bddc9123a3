"""`read_sds(pdf_bytes)`: what a Safety Data Sheet says about the fields of a new inventory material.

The text comes from pypdf (a scan has none: `has_text` False and nothing else is guessed). Running headers and
footers are dropped, the text is cut into sections by their heading words (not their numbers, so the old
16-section MSDS with hazards in section 3 and ingredients in section 2 reads the same), and each section is read
by a small function: the product name (section 1, here), the components (section 3, `bot.sds.components`), the
hazard classes (section 2, here, with the table in `bot.sds.hazards`), the physical state and flash point
(section 9, here). The text and the sections come from `bot.sds.text`.

Never a silent wrong value: a CAS number whose check digit fails, or a percent that can't be read, is left
empty and said in `notes`, for the filer to give. Nothing here writes anything.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from bot.sds import hazards as ghs
from bot.sds.components import UNNAMED, SdsComponent, percent_of, read_components
from bot.sds.text import clean_lines, pdf_pages, split_sections

__all__ = ["SdsComponent", "SdsReading", "clean_lines", "pdf_pages", "percent_of", "read_components", "read_sds",
           "read_text", "split_sections"]


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
