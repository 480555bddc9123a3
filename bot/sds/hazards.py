"""GHS hazard classes: how section 2 of an SDS names them (class words with a category, the short EU codes such
as "Flam. Liq. 2", the hazard statements' H-codes and their usual English), and which CERS hazard categories
each one sets.

The CERS inventory keeps the five older federal hazard categories (FHCFire, FHCReactive, FHCPressureRelease,
FHCAcuteHealth, FHCChronicHealth: cers-facts.md 1.3) and, since 2018, the GHS-based categories of the newer
template (FHCPhysicalFlammable ... FHCHealthHazardNotOtherwiseClassified). The mapping to the five older ones
follows their definitions in 40 CFR 370.2 as written before 2017 (fire: flammable, combustible, oxidizer,
pyrophoric; sudden release of pressure: compressed gases, aerosols; reactive: unstable, water-reactive,
explosive, organic peroxides; immediate (acute) health: toxic, corrosive, irritant, sensitizer, effects right
away; delayed (chronic) health: carcinogen, mutagen, reproductive, long-term organ damage). Where a GHS class has
no obvious older home the choice is written beside it. Wording only, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

FIRE, REACTIVE, PRESSURE, ACUTE, CHRONIC = ("fhc_fire", "fhc_reactive", "fhc_pressure_release", "fhc_acute_health",
                                            "fhc_chronic_health")
CERS_HAZARD_WORDS = {FIRE: "fire", REACTIVE: "reactive", PRESSURE: "pressure_release", ACUTE: "acute_health",
                     CHRONIC: "chronic_health"}


@dataclass(frozen=True)
class GhsClass:
    name: str  # "Flammable liquids"
    cers: tuple[str, ...]  # the older CERS categories it sets (HAZARD_FIELDS names)
    ghs_header: str  # the newer CERS column it sets (bot.excel.template.GHS_HEADERS)
    words: str  # regex for the class named in words ("flammable liquids?")
    short: str  # regex for the EU short code ("Flam\\. Liq\\.")


CLASSES: tuple[GhsClass, ...] = (
    GhsClass("Explosives", (REACTIVE,), "FHCPhysicalExplosive", r"explosives?|unstable explosives?", r"Expl\.|Unst\. Expl\."),
    GhsClass("Flammable gases", (FIRE, PRESSURE), "FHCPhysicalFlammable", r"flammable gas(?:es)?", r"Flam\. Gas"),
    GhsClass("Aerosols", (FIRE, PRESSURE), "FHCPhysicalFlammable", r"(?:flammable )?aerosols?", r"Aerosol"),
    GhsClass("Oxidizing gases", (FIRE, PRESSURE), "FHCPhysicalOxidizer", r"oxidi[sz]ing gas(?:es)?", r"Ox\. Gas"),
    GhsClass("Gases under pressure", (PRESSURE,), "FHCPhysicalGasUnderPressure",
             r"gas(?:es)? under pressure|compressed gas|liquefied gas|refrigerated liquefied gas|dissolved gas",
             r"Press\. Gas"),
    GhsClass("Flammable liquids", (FIRE,), "FHCPhysicalFlammable", r"flammable liquids?", r"Flam\. Liq\."),
    GhsClass("Flammable solids", (FIRE,), "FHCPhysicalFlammable", r"flammable solids?", r"Flam\. Sol\."),
    GhsClass("Self-reactive substances", (REACTIVE,), "FHCPhysicalSelfReactive",
             r"self-reactive (?:substances|mixtures|substances and mixtures)", r"Self-react\."),
    GhsClass("Pyrophoric liquids", (FIRE,), "FHCPhysicalPyrophoric", r"pyrophoric liquids?", r"Pyr\. Liq\."),
    GhsClass("Pyrophoric solids", (FIRE,), "FHCPhysicalPyrophoric", r"pyrophoric solids?", r"Pyr\. Sol\."),
    GhsClass("Self-heating substances", (FIRE,), "FHCPhysicalSelfHeating",
             r"self-heating (?:substances|mixtures|substances and mixtures)", r"Self-heat\."),
    GhsClass("Substances which in contact with water emit flammable gases", (FIRE, REACTIVE),
             "FHCPhysicalContactWaterEmitsFlammableGas",
             r"(?:substances|mixtures)[\w ,]* which,? in contact with water,? emit flammable gas(?:es)?",
             r"Water-react\."),
    GhsClass("Oxidizing liquids", (FIRE,), "FHCPhysicalOxidizer", r"oxidi[sz]ing liquids?", r"Ox\. Liq\."),
    GhsClass("Oxidizing solids", (FIRE,), "FHCPhysicalOxidizer", r"oxidi[sz]ing solids?", r"Ox\. Sol\."),
    GhsClass("Organic peroxides", (FIRE, REACTIVE), "FHCPhysicalOrganicPeroxide", r"organic peroxides?", r"Org\. Perox\."),
    # Metal corrosion is a physical hazard with no older health meaning: counted as reactive (a judgement).
    GhsClass("Corrosive to metals", (REACTIVE,), "FHCPhysicalCorrosiveToMetal",
             r"corrosive to metals?|substances? (?:or mixtures? )?corrosive to metals?", r"Met\. Corr\."),
    GhsClass("Combustible dust", (FIRE,), "FHCPhysicalCombustibleDust", r"combustible dust", r"Comb\. Dust"),
    GhsClass("Acute toxicity", (ACUTE,), "FHCHealthAcuteToxicity",
             r"acute toxicity(?:\s*[-,(]?\s*(?:oral|dermal|inhalation)\)?)?", r"Acute Tox\."),
    GhsClass("Skin corrosion/irritation", (ACUTE,), "FHCHealthSkinCorrosionIrritation",
             r"skin corrosion(?:\s*/\s*irritation)?|skin irritation|skin corrosive", r"Skin Corr\.|Skin Irrit\."),
    GhsClass("Serious eye damage/eye irritation", (ACUTE,), "FHCHealthSeriousEyeDamageEyeIrritation",
             r"serious eye damage(?:\s*/\s*eye irritation)?|eye irritation|eye damage", r"Eye Dam\.|Eye Irrit\."),
    GhsClass("Respiratory sensitization", (ACUTE,), "FHCHealthRespiratorySkinSensitization",
             r"respiratory sensiti[sz]ation|respiratory sensiti[sz]er", r"Resp\. Sens\."),
    GhsClass("Skin sensitization", (ACUTE,), "FHCHealthRespiratorySkinSensitization",
             r"skin sensiti[sz]ation|skin sensiti[sz]er", r"Skin Sens\."),
    GhsClass("Germ cell mutagenicity", (CHRONIC,), "FHCHealthGermCellMutagenicity",
             r"germ cell mutagenicity|mutagenicity", r"Muta\."),
    GhsClass("Carcinogenicity", (CHRONIC,), "FHCHealthCarcinogenicity", r"carcinogenicity", r"Carc\."),
    GhsClass("Reproductive toxicity", (CHRONIC,), "FHCHealthReproductiveToxicity", r"reproductive toxicity",
             r"Repr\."),
    GhsClass("Specific target organ toxicity (single exposure)", (ACUTE,), "FHCHealthSpecificTargetOrganToxicity",
             r"specific target organ toxicity\s*[-,(]?\s*single exposure\)?|stot[ -]se", r"STOT SE"),
    GhsClass("Specific target organ toxicity (repeated exposure)", (CHRONIC,), "FHCHealthSpecificTargetOrganToxicity",
             r"specific target organ toxicity\s*[-,(]?\s*repeated exposure\)?|stot[ -]re", r"STOT RE"),
    GhsClass("Aspiration hazard", (ACUTE,), "FHCHealthAspirationHazard", r"aspiration hazard|aspiration toxicity",
             r"Asp\. Tox\."),
    # A simple asphyxiant harms right away (no older category fits better).
    GhsClass("Simple asphyxiant", (ACUTE,), "FHCHealthSimpleAsphyxiant", r"simple asphyxiants?", r"Simple Asph\."),
)
BY_NAME = {c.name: c for c in CLASSES}

# Hazard statements: code -> (class, category). H227 is the US "combustible liquid" (Flammable liquids 4).
H_CODES: dict[str, tuple[str, Optional[str]]] = {
    **{f"H20{i}": ("Explosives", None) for i in range(6)},
    "H220": ("Flammable gases", "1"), "H221": ("Flammable gases", "2"), "H222": ("Aerosols", "1"),
    "H223": ("Aerosols", "2"), "H229": ("Aerosols", None), "H224": ("Flammable liquids", "1"),
    "H225": ("Flammable liquids", "2"), "H226": ("Flammable liquids", "3"), "H227": ("Flammable liquids", "4"),
    "H228": ("Flammable solids", None), "H230": ("Flammable gases", None), "H231": ("Flammable gases", None),
    "H240": ("Self-reactive substances", None), "H241": ("Self-reactive substances", None),
    "H242": ("Organic peroxides", None), "H250": ("Pyrophoric solids", "1"), "H251": ("Self-heating substances", "1"),
    "H252": ("Self-heating substances", "2"),
    "H260": ("Substances which in contact with water emit flammable gases", "1"),
    "H261": ("Substances which in contact with water emit flammable gases", "2"),
    "H270": ("Oxidizing gases", "1"), "H271": ("Oxidizing liquids", "1"), "H272": ("Oxidizing liquids", "2"),
    "H280": ("Gases under pressure", None), "H281": ("Gases under pressure", None),
    "H290": ("Corrosive to metals", "1"),
    "H300": ("Acute toxicity", "2"), "H301": ("Acute toxicity", "3"), "H302": ("Acute toxicity", "4"),
    "H310": ("Acute toxicity", "1"), "H311": ("Acute toxicity", "3"), "H312": ("Acute toxicity", "4"),
    "H330": ("Acute toxicity", "2"), "H331": ("Acute toxicity", "3"), "H332": ("Acute toxicity", "4"),
    "H304": ("Aspiration hazard", "1"), "H305": ("Aspiration hazard", "2"),
    "H314": ("Skin corrosion/irritation", "1"), "H315": ("Skin corrosion/irritation", "2"),
    "H316": ("Skin corrosion/irritation", "3"), "H317": ("Skin sensitization", "1"),
    "H318": ("Serious eye damage/eye irritation", "1"), "H319": ("Serious eye damage/eye irritation", "2A"),
    "H320": ("Serious eye damage/eye irritation", "2B"), "H334": ("Respiratory sensitization", "1"),
    "H335": ("Specific target organ toxicity (single exposure)", "3"),
    "H336": ("Specific target organ toxicity (single exposure)", "3"),
    "H340": ("Germ cell mutagenicity", "1"), "H341": ("Germ cell mutagenicity", "2"),
    "H350": ("Carcinogenicity", "1"), "H351": ("Carcinogenicity", "2"),
    "H360": ("Reproductive toxicity", "1"), "H361": ("Reproductive toxicity", "2"),
    "H362": ("Reproductive toxicity", None),
    "H370": ("Specific target organ toxicity (single exposure)", "1"),
    "H371": ("Specific target organ toxicity (single exposure)", "2"),
    "H372": ("Specific target organ toxicity (repeated exposure)", "1"),
    "H373": ("Specific target organ toxicity (repeated exposure)", "2"),
}

# The hazard statements' usual English, for SDSs (and old MSDSs) that print the words without the codes.
PHRASES: tuple[tuple[str, str, Optional[str]], ...] = (
    (r"extremely flammable liquid and vapou?r", "Flammable liquids", "1"),
    (r"highly flammable liquid and vapou?r", "Flammable liquids", "2"),
    (r"(?<!highly )(?<!extremely )flammable liquid and vapou?r|flammable liquid\b", "Flammable liquids", "3"),
    (r"combustible liquid", "Flammable liquids", "4"),
    (r"extremely flammable aerosol", "Aerosols", "1"),
    (r"(?<!extremely )flammable aerosol", "Aerosols", "2"),
    (r"pressuri[sz]ed container:? may burst", "Aerosols", None),
    (r"extremely flammable gas", "Flammable gases", "1"),
    (r"contains gas under pressure|contains refrigerated gas", "Gases under pressure", None),
    (r"flammable solid", "Flammable solids", None),
    (r"may intensify fire|may cause fire or explosion", "Oxidizing liquids", None),
    (r"may be corrosive to metals", "Corrosive to metals", "1"),
    (r"fatal if (?:swallowed(?! and enters)|inhaled)|fatal in contact with skin", "Acute toxicity", "2"),
    (r"toxic if (?:swallowed|inhaled)|toxic in contact with skin", "Acute toxicity", "3"),
    (r"harmful if (?:swallowed|inhaled)|harmful in contact with skin", "Acute toxicity", "4"),
    (r"may be fatal if swallowed and enters airways", "Aspiration hazard", "1"),
    (r"causes severe skin burns", "Skin corrosion/irritation", "1"),
    (r"causes skin irritation", "Skin corrosion/irritation", "2"),
    (r"may cause an allergic skin reaction", "Skin sensitization", "1"),
    (r"causes serious eye damage", "Serious eye damage/eye irritation", "1"),
    (r"causes (?:serious )?eye irritation", "Serious eye damage/eye irritation", "2A"),
    (r"may cause allergy or asthma symptoms", "Respiratory sensitization", "1"),
    (r"may cause respiratory irritation|may cause drowsiness or dizziness",
     "Specific target organ toxicity (single exposure)", "3"),
    (r"may cause genetic defects", "Germ cell mutagenicity", "1"),
    (r"suspected of causing genetic defects", "Germ cell mutagenicity", "2"),
    (r"may cause cancer", "Carcinogenicity", "1"),
    (r"suspected of causing cancer", "Carcinogenicity", "2"),
    (r"may damage fertility|may damage the unborn child", "Reproductive toxicity", "1"),
    (r"suspected of damaging fertility|suspected of damaging the unborn child", "Reproductive toxicity", "2"),
    (r"causes damage to organs through prolonged", "Specific target organ toxicity (repeated exposure)", "1"),
    (r"may cause damage to organs through prolonged", "Specific target organ toxicity (repeated exposure)", "2"),
    (r"may displace oxygen and cause rapid suffocation", "Simple asphyxiant", None),
)

# The words an old MSDS's emergency overview or signal-word line prints in capitals ("DANGER! CORROSIVE. CAUSES
# BURNS."): read only on such lines, so "keep away from flammable materials" never counts.
OVERVIEW_WORDS: tuple[tuple[str, str, Optional[str]], ...] = (
    (r"(?<!non)(?<!non-)(?<!not )\b(?:extremely |highly )?flammable\b(?! (?:gas|solid|aerosol))",
     "Flammable liquids", None),
    (r"\bflammable gas\b", "Flammable gases", None),
    (r"\bcorrosive\b(?! to metals)|\bcauses (?:severe )?(?:skin )?burns\b", "Skin corrosion/irritation", "1"),
    (r"\b(?:strong )?oxidi[sz]er\b|\boxidi[sz]ing\b", "Oxidizing liquids", None),
    (r"\bpoison\b|\btoxic\b", "Acute toxicity", None),
    (r"\birritant\b|\bcauses (?:skin|eye|respiratory) irritation\b|\birritating\b", "Skin corrosion/irritation", "2"),
    (r"\bcarcinogen\b|\bcancer hazard\b", "Carcinogenicity", None),
    (r"\bsensiti[sz]er\b", "Skin sensitization", None),
    (r"\bcompressed gas\b|\bcontents under pressure\b", "Gases under pressure", None),
)
_OVERVIEW_LINE_RE = re.compile(r"\b(?:DANGER|WARNING|CAUTION)\b|emergency overview|signal word", re.I)

_CATEGORY = r"(?:\s*[-,:(]?\s*(?:category|cat\.?)\s*(\d[A-C]?))"


def classes_in(text: str) -> dict[str, Optional[str]]:
    """GHS class name -> category ("2", "1B", or None when not given) for every class `text` names in words,
    short codes, H-codes or hazard-statement English."""
    found: dict[str, Optional[str]] = {}

    def add(name: str, cat: Optional[str]) -> None:
        if found.get(name) is None:
            found[name] = cat

    for cls in CLASSES:
        for m in re.finditer(rf"\b(?:{cls.words})(?!\w){_CATEGORY}?", text, re.IGNORECASE):
            if cls.name in ("Aerosols",) and not m.group(1) and "flammable" not in m.group(0).lower():
                continue  # "aerosol" alone is a form, not a class
            if cls.name == "Explosives" and not m.group(1):
                continue  # "explosive limits" in any SDS
            add(cls.name, m.group(1))
        for m in re.finditer(rf"(?<![\w.])(?:{cls.short})\s*(\d[A-C]?)?", text):
            add(cls.name, m.group(1))
    for code in re.findall(r"\bH(\d{3})", text):
        hit = H_CODES.get(f"H{code}")
        if hit:
            add(*hit)
    for pattern, name, cat in PHRASES:
        if re.search(pattern, text, re.IGNORECASE):
            add(name, cat)
    return found


def overview_classes(lines: list[str]) -> dict[str, Optional[str]]:
    """GHS classes from an old MSDS's capitalised warnings (lines with DANGER / WARNING / CAUTION or an emergency
    overview): used only when section 2 names no class otherwise."""
    found: dict[str, Optional[str]] = {}
    for ln in lines:
        if not (_OVERVIEW_LINE_RE.search(ln) or (ln.isupper() and len(ln) > 12)):
            continue
        for pattern, name, cat in OVERVIEW_WORDS:
            if re.search(pattern, ln, re.IGNORECASE) and found.get(name) is None:
                found[name] = cat
    return found


def class_label(name: str, category: Optional[str]) -> str:
    return f"{name} Category {category}" if category else name


def cers_hazards(class_names: list[str]) -> list[str]:
    """The older CERS hazard fields (fhc_fire ...) these GHS classes set, in the template's order."""
    hit = {f for n in class_names if n in BY_NAME for f in BY_NAME[n].cers}
    return [f for f in (FIRE, REACTIVE, PRESSURE, ACUTE, CHRONIC) if f in hit]


def ghs_headers(class_names: list[str]) -> list[str]:
    """The newer CERS GHS columns these classes set."""
    return list(dict.fromkeys(BY_NAME[n].ghs_header for n in class_names if n in BY_NAME))
