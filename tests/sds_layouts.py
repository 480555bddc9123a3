"""Safety Data Sheets written with reportlab in the layouts of several kinds of manufacturer, each with a running
header and footer on every page and sections that run over a page break, plus what reading each must give
(in the JSON format `python -m bot.sds.measure` reads). These are development layouts written for this
product, not copies of any manufacturer's sheet.

`python -m tests.sds_layouts DIR` writes NAME.pdf and NAME.json for every layout into DIR.
"""
from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_STYLES = getSampleStyleSheet()
BODY = _STYLES["BodyText"]
HEAD = _STYLES["Heading3"]
FILLER = ("Keep container tightly closed. Store in a cool, well-ventilated place away from heat and sources of "
          "ignition. Use only with adequate ventilation. ")


@dataclass(frozen=True)
class Layout:
    name: str
    build: Callable[[], bytes]
    expected: dict[str, Any]


def _doc(story: list[Any], header: str, footer: str) -> bytes:
    buffer = io.BytesIO()

    def on_page(c: pdfcanvas.Canvas, doc: Any) -> None:
        c.saveState()
        c.setFont("Helvetica", 8)
        c.drawString(0.75 * inch, 10.5 * inch, header)
        c.drawString(0.75 * inch, 0.5 * inch, footer)
        c.drawRightString(7.75 * inch, 0.5 * inch, f"Page {doc.page} of 3")
        c.restoreState()

    SimpleDocTemplate(buffer, pagesize=letter, topMargin=1.0 * inch, bottomMargin=0.9 * inch).build(
        story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _p(text: str, style: Any = BODY) -> Paragraph:
    return Paragraph(text, style)


def _table(rows: list[list[str]], boxed: bool = True, widths: list[float] | None = None) -> Table:
    t = Table(rows, colWidths=widths)
    style = [("FONT", (0, 0), (-1, -1), "Helvetica", 9), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if boxed:
        style += [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]
    t.setStyle(TableStyle(style))
    return t


def _filler(n: int) -> list[Any]:
    return [_p(FILLER * 3) for _ in range(n)]


def _tail(first: int, numbered: Callable[[int, str], str], last: int = 16) -> list[Any]:
    titles = {4: "First-aid measures", 5: "Fire-fighting measures", 6: "Accidental release measures",
              7: "Handling and storage", 8: "Exposure controls/personal protection", 10: "Stability and reactivity",
              11: "Toxicological information", 12: "Ecological information", 13: "Disposal considerations",
              14: "Transport information", 15: "Regulatory information", 16: "Other information"}
    out: list[Any] = []
    for n in range(first, last + 1):
        if n in titles:
            out += [_p(numbered(n, titles[n]), HEAD), *_filler(1)]
    return out


# ---- 1. a big chemical company: boxed two-column tables, "SECTION n. TITLE" ------------------------------------
def big_chemical() -> bytes:
    h = "BRIGHTSOL 200 INDUSTRIAL SOLVENT    Revision Date: 03/14/2024    SDS #: BS200-US"
    story = [
        _p("SAFETY DATA SHEET", _STYLES["Title"]),
        _p("SECTION 1. PRODUCT AND COMPANY IDENTIFICATION", HEAD),
        _table([["Product name", "BrightSol 200 Industrial Solvent"], ["Product code", "BS-200"],
                ["Manufacturer", "Pacific Coast Chemical Corp."], ["Address", "1200 Harbor Blvd, Long Beach CA"],
                ["Emergency telephone", "1-800-555-0199"]], widths=[2 * inch, 4 * inch]),
        _p("SECTION 2. HAZARDS IDENTIFICATION", HEAD),
        _table([["GHS Classification", "Flammable liquids Category 2"],
                ["", "Skin irritation Category 2"],
                ["", "Specific target organ toxicity - single exposure Category 3"],
                ["", "Aspiration hazard Category 1"]], widths=[2 * inch, 4 * inch]),
        _p("Signal word: Danger"),
        _p("Hazard statements: H225 Highly flammable liquid and vapor. H304 May be fatal if swallowed and enters "
           "airways. H315 Causes skin irritation. H336 May cause drowsiness or dizziness."),
        _p("Precautionary statements: P210 Keep away from heat. P332 + P313 If skin irritation occurs: Get medical "
           "advice. P337 If eye irritation persists: get medical attention."),
        *_filler(6),
        _p("SECTION 3. COMPOSITION/INFORMATION ON INGREDIENTS", HEAD),
        _table([["Chemical name", "CAS-No.", "Weight-%"],
                ["Toluene", "108-88-3", "30 - 60"],
                ["Acetone", "67-64-1", "10 - 30"],
                ["Xylene", "1330-20-7", "5 - 10"],
                ["Ethylbenzene", "100-41-4", "1 - 5"]]),
        *_filler(7),
        *_tail(4, lambda n, t: f"SECTION {n}. {t.upper()}", 8),
        _p("SECTION 9. PHYSICAL AND CHEMICAL PROPERTIES", HEAD),
        _table([["Physical state", "Liquid"], ["Appearance", "Clear, colorless"], ["Odor", "Aromatic"],
                ["Flash point", "4 °C (39 °F)"]], widths=[2 * inch, 4 * inch]),
        *_tail(10, lambda n, t: f"SECTION {n}. {t.upper()}"),
    ]
    return _doc(story, h, "Pacific Coast Chemical Corp.  BS200-US")


BIG_CHEMICAL = {
    "product_name": "BrightSol 200 Industrial Solvent",
    "components": [{"name": "Toluene", "cas": "108-88-3", "percent_high": 60},
                   {"name": "Acetone", "cas": "67-64-1", "percent_high": 30},
                   {"name": "Xylene", "cas": "1330-20-7", "percent_high": 10},
                   {"name": "Ethylbenzene", "cas": "100-41-4", "percent_high": 5}],
    "physical_state": "liquid", "cers_hazards": ["fire", "acute_health"],
}


# ---- 2. a lab supplier (Sigma-Aldrich/Merck style): "SECTION 3: Composition/information on ingredients" -----
def lab_supplier() -> bytes:
    h = "Sigmund Labware - Reagent Mix RM-7    Version 6.2    Revision Date 11.02.2023    Print Date 05.01.2024"
    story = [
        _p("SAFETY DATA SHEET", _STYLES["Title"]),
        _p("according to Regulation (EC) No. 1907/2006 and 29 CFR 1910.1200"),
        _p("SECTION 1: Identification of the substance/mixture and of the company/undertaking", HEAD),
        _p("1.1 Product identifiers"), _p("Product name : Reagent Mix RM-7"), _p("Product Number : RM7-500"),
        _p("1.3 Details of the supplier of the safety data sheet"), _p("Company : Sigmund Labware Inc."),
        _p("SECTION 2: Hazards identification", HEAD),
        _p("2.1 Classification of the substance or mixture"),
        _p("Flammable liquids (Category 2), H225"), _p("Acute toxicity, Oral (Category 3), H301"),
        _p("Specific target organ toxicity - single exposure (Category 1), Eyes, H370"),
        _p("2.2 Label elements"), _p("Precautionary statement(s)"), _p("P210 Keep away from heat, hot surfaces."),
        _p("P301 + P310 IF SWALLOWED: Immediately call a POISON CENTER."),
        _p("2.3 Other hazards - none"),
        *_filler(7),
        _p("SECTION 3: Composition/information on ingredients", HEAD),
        _p("3.2 Mixtures"),
        _table([["Component", "Classification", "Concentration"],
                ["Methanol\nCAS-No. 67-56-1\nEC-No. 200-659-6\nIndex-No. 603-001-00-X",
                 "Flam. Liq. 2; Acute Tox. 3;\nSTOT SE 1; H225, H301 +\nH311 + H331, H370", ">= 50 - < 70 %"],
                ["Ethanol\nCAS-No. 64-17-5\nEC-No. 200-578-6", "Flam. Liq. 2; Eye Irrit. 2;\nH225, H319",
                 ">= 20 - < 30 %"],
                ["Propan-2-ol\nCAS-No. 67-63-0\nEC-No. 200-661-7", "Flam. Liq. 2; Eye Irrit. 2;\nSTOT SE 3; H225, "
                 "H319, H336", ">= 5 - < 10 %"]], boxed=False),
        _p("For the full text of the H-Statements mentioned in this Section, see Section 16."),
        *_tail(4, lambda n, t: f"SECTION {n}: {t}", 8),
        _p("SECTION 9: Physical and chemical properties", HEAD),
        _p("9.1 Information on basic physical and chemical properties"),
        _p("a) Appearance Form: liquid Color: colorless"), _p("b) Odor alcohol-like"),
        _p("f) Initial boiling point and boiling range 64.7 °C"), _p("g) Flash point 9.7 °C - closed cup"),
        *_tail(10, lambda n, t: f"SECTION {n}: {t}"),
    ]
    return _doc(story, h, "Sigmund Labware - RM7-500 - www.example.com")


LAB_SUPPLIER = {
    "product_name": "Reagent Mix RM-7",
    "components": [{"name": "Methanol", "cas": "67-56-1", "percent_high": 70},
                   {"name": "Ethanol", "cas": "64-17-5", "percent_high": 30},
                   {"name": "Propan-2-ol", "cas": "67-63-0", "percent_high": 10}],
    "physical_state": "liquid", "cers_hazards": ["fire", "acute_health"],
}


# ---- 3. automotive / consumer aerosol: "Ingredient CAS Number % by Weight" ------------------------------------
def automotive_aerosol() -> bytes:
    h = "TurboKlean Brake Parts Cleaner (Aerosol)    SDS ID: TK-4411    Date of issue: 2023-08-01"
    story = [
        _p("Safety Data Sheet", _STYLES["Title"]),
        _p("1. IDENTIFICATION", HEAD),
        _p("Product identifier: TurboKlean Brake Parts Cleaner"), _p("Other means of identification: TK-4411"),
        _p("Recommended use: Automotive brake cleaning"),
        _p("Manufacturer: TurboKlean Automotive Products LLC, 55 Motorway Dr, Fresno CA 93706"),
        _p("2. HAZARD(S) IDENTIFICATION", HEAD),
        _p("Classification: Aerosols Category 1; Gases under pressure Compressed gas; Skin irritation Category 2; "
           "Eye irritation Category 2A; Specific target organ toxicity, single exposure Category 3 (narcotic "
           "effects); Aspiration hazard Category 1"),
        _p("Hazard statements: Extremely flammable aerosol. Contains gas under pressure; may explode if heated. "
           "Causes skin irritation. Causes serious eye irritation. May cause drowsiness or dizziness."),
        _p("Precautionary statements: If on skin: wash with plenty of water. Do not spray on an open flame."),
        *_filler(6),
        _p("3. COMPOSITION / INFORMATION ON INGREDIENTS", HEAD),
        _table([["Ingredient", "CAS Number", "% by Weight"],
                ["Acetone", "67-64-1", "30-40"],
                ["Heptane", "142-82-5", "20-30"],
                ["Toluene", "108-88-3", "10-<25"],
                ["Carbon dioxide", "124-38-9", "1-5"]], boxed=False),
        _p("The exact percentage (concentration) of composition has been withheld as a trade secret."),
        *_filler(6),
        *_tail(4, lambda n, t: f"{n}. {t.upper()}", 8),
        _p("9. PHYSICAL AND CHEMICAL PROPERTIES", HEAD),
        _p("Appearance: Aerosol. Liquefied gas. Colorless liquid in the can."),
        _p("Physical state: Gas (aerosol)"),
        _p("Flash point: -20 °C (-4 °F) (propellant)"),
        *_tail(10, lambda n, t: f"{n}. {t.upper()}"),
    ]
    return _doc(story, h, "TurboKlean Automotive Products LLC")


AUTOMOTIVE_AEROSOL = {
    "product_name": "TurboKlean Brake Parts Cleaner",
    "components": [{"name": "Acetone", "cas": "67-64-1", "percent_high": 40},
                   {"name": "Heptane", "cas": "142-82-5", "percent_high": 30},
                   {"name": "Toluene", "cas": "108-88-3", "percent_high": 25},
                   {"name": "Carbon dioxide", "cas": "124-38-9", "percent_high": 5}],
    "physical_state": "gas", "cers_hazards": ["fire", "pressure_release", "acute_health"],
}


# ---- 4. janitorial (Zep/Ecolab-like): ranges, a trade secret, "CAS No.:" forms ---------------------------------
def janitorial() -> bytes:
    h = "HEAVY DUTY DEGREASER CONCENTRATE - Product No. 2107"
    story = [
        _p("SAFETY DATA SHEET", _STYLES["Title"]),
        _p("Section 1 - Identification", HEAD),
        _p("Product name: Heavy Duty Degreaser Concentrate"), _p("Product use: Industrial cleaner"),
        _p("Supplier: Golden State Sanitation Supply Co."),
        _p("Section 2 - Hazards identification", HEAD),
        _p("GHS classification: Skin corrosion Category 1B; Serious eye damage Category 1; "
           "Corrosive to metals Category 1"),
        _p("Hazard statements: H290 May be corrosive to metals. H314 Causes severe skin burns and eye damage."),
        _p("Unknown acute toxicity: 12% of the mixture consists of ingredient(s) of unknown acute toxicity."),
        *_filler(8),
        _p("Section 3 - Composition/information on ingredients", HEAD),
        _table([["Hazardous components", "CAS No.", "Concentration"],
                ["2-Butoxyethanol", "CAS No.: 111-76-2", "10 - 30 %"],
                ["Sodium hydroxide", "CAS# 1310-73-2", "1 - 5 %"],
                ["Sodium metasilicate", "CAS No.: 6834-92-0", "< 1"],
                ["Surfactant blend", "Proprietary", "Trade secret"]], boxed=True),
        _p("* The specific chemical identity and/or exact percentage have been withheld as a trade secret."),
        *_filler(6),
        *_tail(4, lambda n, t: f"Section {n} - {t}", 8),
        _p("Section 9 - Physical and chemical properties", HEAD),
        _p("Appearance: Clear amber liquid"), _p("Odor: Mild"), _p("pH: 13.5"), _p("Flash point: > 93 °C"),
        *_tail(10, lambda n, t: f"Section {n} - {t}"),
    ]
    return _doc(story, h, "Golden State Sanitation Supply Co.   Issued 2022-06-30")


JANITORIAL = {
    "product_name": "Heavy Duty Degreaser Concentrate",
    "components": [{"name": "2-Butoxyethanol", "cas": "111-76-2", "percent_high": 30},
                   {"name": "Sodium hydroxide", "cas": "1310-73-2", "percent_high": 5},
                   {"name": "Sodium metasilicate", "cas": "6834-92-0", "percent_high": 1},
                   {"name": "Surfactant blend", "cas": None, "percent_high": None}],
    "physical_state": "liquid", "cers_hazards": ["reactive", "acute_health"],
}


# ---- 5. paint / coatings: many components, a table over a page break ------------------------------------------
def paint() -> bytes:
    h = "Product: SIERRA ENAMEL GLOSS WHITE 4400-01    Revision: 2024-01-09"
    rows = [["Chemical Name", "CAS-No.", "Weight-%"],
            ["Titanium dioxide", "13463-67-7", "10 - 30"],
            ["Stoddard solvent", "8052-41-3", "10 - 30"],
            ["Solvent naphtha (petroleum), light aromatic", "64742-95-6", "5 - 10"],
            ["Xylene", "1330-20-7", "1 - 5"],
            ["1,2,4-Trimethylbenzene", "95-63-6", "1 - 5"],
            ["Ethylbenzene", "100-41-4", "0.1 - 1"],
            ["Cobalt bis(2-ethylhexanoate)", "136-52-7", "0.1 - 0.25"]]
    story = [
        _p("SAFETY DATA SHEET", _STYLES["Title"]),
        _p("1. Identification", HEAD),
        _p("Product Name SIERRA ENAMEL GLOSS WHITE"), _p("Product Code 4400-01"),
        _p("Manufacturer Sierra Coatings Company"),
        _p("2. Hazard(s) identification", HEAD),
        _p("Classification"),
        _table([["Flammable liquids", "Category 3"], ["Carcinogenicity", "Category 2"],
                ["Reproductive toxicity", "Category 2"], ["Skin sensitization", "Category 1"],
                ["Specific target organ toxicity (repeated exposure)", "Category 1"]], boxed=False),
        _p("Hazard statements: H226 Flammable liquid and vapor. H317 May cause an allergic skin reaction. H351 "
           "Suspected of causing cancer. H361 Suspected of damaging fertility or the unborn child. H372 Causes "
           "damage to organs through prolonged or repeated exposure."),
        *_filler(8),
        _p("3. Composition/information on ingredients", HEAD),
        *_filler(2),
        _table(rows, boxed=True),
        *_filler(4),
        *_tail(4, lambda n, t: f"{n}. {t}", 8),
        _p("9. Physical and chemical properties", HEAD),
        _table([["Physical state", "Liquid"], ["Appearance", "Viscous"], ["Color", "White"],
                ["Flash point", "40 °C / 104 °F"]], boxed=False),
        *_tail(10, lambda n, t: f"{n}. {t}"),
    ]
    return _doc(story, h, "Sierra Coatings Company - Emergency 1-800-555-0100")


PAINT = {
    "product_name": "SIERRA ENAMEL GLOSS WHITE",
    "components": [{"name": "Titanium dioxide", "cas": "13463-67-7", "percent_high": 30},
                   {"name": "Stoddard solvent", "cas": "8052-41-3", "percent_high": 30},
                   {"name": "Solvent naphtha (petroleum), light aromatic", "cas": "64742-95-6", "percent_high": 10},
                   {"name": "Xylene", "cas": "1330-20-7", "percent_high": 5},
                   {"name": "1,2,4-Trimethylbenzene", "cas": "95-63-6", "percent_high": 5},
                   {"name": "Ethylbenzene", "cas": "100-41-4", "percent_high": 1},
                   {"name": "Cobalt bis(2-ethylhexanoate)", "cas": "136-52-7", "percent_high": 0.25}],
    "physical_state": "liquid", "cers_hazards": ["fire", "acute_health", "chronic_health"],
}


# ---- 6. an old ANSI 16-section MSDS: ingredients in section 2, hazards in section 3 -----------------------------
def old_msds() -> bytes:
    h = "MSDS: POOL SHOCK GRANULAR 65    MSDS No. 118    Date Prepared: 04/12/2011"
    story = [
        _p("MATERIAL SAFETY DATA SHEET", _STYLES["Title"]),
        _p("SECTION 1 - CHEMICAL PRODUCT AND COMPANY IDENTIFICATION", HEAD),
        _p("Product Name: Pool Shock Granular 65"), _p("Manufacturer: Blue Lagoon Pool Chemicals"),
        _p("SECTION 2 - COMPOSITION, INFORMATION ON INGREDIENTS", HEAD),
        _table([["Component", "CAS#", "Percent"],
                ["Calcium hypochlorite", "7778-54-3", "65-70"],
                ["Sodium chloride", "7647-14-5", "15-20"],
                ["Calcium hydroxide", "1305-62-0", "1-4"]], boxed=False),
        _p("SECTION 3 - HAZARDS IDENTIFICATION", HEAD),
        _p("EMERGENCY OVERVIEW: DANGER! STRONG OXIDIZER. Contact with other material may cause fire. "
           "Harmful if swallowed. Causes severe skin burns and eye damage."),
        _p("Classification: Oxidizing solids Category 2; Acute toxicity (oral) Category 4; Skin corrosion "
           "Category 1B"),
        *_filler(10),
        *_tail(4, lambda n, t: f"SECTION {n} - {t.upper()}", 8),
        _p("SECTION 9 - PHYSICAL AND CHEMICAL PROPERTIES", HEAD),
        _p("Physical State: Solid"), _p("Form: Granules"), _p("Odor: Chlorine"), _p("Flash Point: Not applicable"),
        *_tail(10, lambda n, t: f"SECTION {n} - {t.upper()}"),
    ]
    return _doc(story, h, "Blue Lagoon Pool Chemicals, Sacramento CA")


OLD_MSDS = {
    "product_name": "Pool Shock Granular 65",
    "components": [{"name": "Calcium hypochlorite", "cas": "7778-54-3", "percent_high": 70},
                   {"name": "Sodium chloride", "cas": "7647-14-5", "percent_high": 20},
                   {"name": "Calcium hydroxide", "cas": "1305-62-0", "percent_high": 4}],
    "physical_state": "solid", "cers_hazards": ["fire", "acute_health"],
}


# ---- 7. one substance: acetone, "3.1 Substances" ----------------------------------------------------------------
def acetone() -> bytes:
    h = "Acetone ACS Reagent    Version 5.0    Revision Date 2023-05-17"
    story = [
        _p("SAFETY DATA SHEET", _STYLES["Title"]),
        _p("SECTION 1: Identification", HEAD),
        _p("1.1 Product identifier"), _p("Product name : Acetone ACS Reagent"),
        _p("1.3 Details of the supplier of the safety data sheet"), _p("Company : Valley Scientific Supply"),
        _p("SECTION 2: Hazards identification", HEAD),
        _p("2.1 Classification of the substance or mixture"),
        _p("GHS Classification in accordance with 29 CFR 1910 (OSHA HCS)"),
        _p("Flammable liquids (Category 2), H225"), _p("Eye irritation (Category 2A), H319"),
        _p("Specific target organ toxicity - single exposure (Category 3), Central nervous system, H336"),
        *_filler(8),
        _p("SECTION 3: Composition/information on ingredients", HEAD),
        _p("3.1 Substances"), _p("Synonyms : Dimethyl ketone"), _p("Formula : C3H6O"),
        _p("Molecular weight : 58.08 g/mol"), _p("CAS-No. : 67-64-1"), _p("EC-No. : 200-662-2"),
        _p("Index-No. : 606-001-00-8"),
        *_filler(3),
        *_tail(4, lambda n, t: f"SECTION {n}: {t}", 8),
        _p("SECTION 9: Physical and chemical properties", HEAD),
        _p("a) Appearance Form: clear, liquid"), _p("Color: colorless"), _p("Flash point -17.0 °C - closed cup"),
        *_tail(10, lambda n, t: f"SECTION {n}: {t}"),
    ]
    return _doc(story, h, "Valley Scientific Supply")


ACETONE = {
    "product_name": "Acetone ACS Reagent",
    "components": [{"name": "Acetone ACS Reagent", "cas": "67-64-1", "percent_high": 100}],
    "physical_state": "liquid", "cers_hazards": ["fire", "acute_health"],
}


# ---- 8. a gas supplier: CAS and EC columns first, "n of N" footer, headings without punctuation ----------------
def gas_cylinder() -> bytes:
    h = "ArgoWeld 75/25 Shielding Gas"
    story = [
        _p("Safety Data Sheet", _STYLES["Title"]),
        _p("1 Identification", HEAD),
        _p("Product identifier: ArgoWeld 75/25 Shielding Gas"), _p("Supplier: Central Valley Welding Gases Inc."),
        _p("2 Hazard(s) identification", HEAD),
        _p("Classification: Gases under pressure - Compressed gas; Simple asphyxiant"),
        _p("Hazard statements: H280 Contains gas under pressure; may explode if heated. May displace oxygen and "
           "cause rapid suffocation."),
        _p("Carcinogenicity: not classified"),
        *_filler(8),
        _p("3 Composition/information on ingredients", HEAD),
        _table([["CAS No.", "EC No.", "Chemical name", "Concentration"],
                ["7440-37-1", "231-147-0", "Argon", "75 %"],
                ["124-38-9", "204-696-9", "Carbon dioxide", "25 %"]], boxed=True),
        *_filler(3),
        *_tail(4, lambda n, t: f"{n} {t}", 8),
        _p("9 Physical and chemical properties", HEAD),
        _p("Physical state: Gas"), _p("Color: Colorless"), _p("Flash point: Not applicable"),
        *_tail(10, lambda n, t: f"{n} {t}"),
    ]
    return _doc(story, h, "Central Valley Welding Gases Inc.")


GAS_CYLINDER = {
    "product_name": "ArgoWeld 75/25 Shielding Gas",
    "components": [{"name": "Argon", "cas": "7440-37-1", "percent_high": 75},
                   {"name": "Carbon dioxide", "cas": "124-38-9", "percent_high": 25}],
    "physical_state": "gas", "cers_hazards": ["pressure_release", "acute_health"],
}


# ---- 9. a lubricant that is not hazardous: a paste, "Not a hazardous substance or mixture" ----------------------
def grease() -> bytes:
    h = "MULTI-PURPOSE LITHIUM GREASE NLGI 2   |   SDS Revision 4   |   2024-02-20"
    story = [
        _p("SAFETY DATA SHEET", _STYLES["Title"]),
        _p("SECTION 1: IDENTIFICATION", HEAD),
        _p("Product Name: Multi-Purpose Lithium Grease NLGI 2"), _p("Manufacturer: Golden Bear Lubricants"),
        _p("SECTION 2: HAZARD(S) IDENTIFICATION", HEAD),
        _p("This product is not a hazardous substance or mixture according to 29 CFR 1910.1200."),
        _p("GHS label elements: none required."),
        *_filler(6),
        _p("SECTION 3: COMPOSITION/INFORMATION ON INGREDIENTS", HEAD),
        _table([["Ingredient", "CAS Number", "% by Weight"],
                ["Lubricating oils (petroleum), C20-50, hydrotreated neutral oil-based", "72623-87-1", "80 - 90"],
                ["Lithium 12-hydroxystearate", "7620-77-1", "5 - 10"],
                ["Zinc dialkyldithiophosphate", "68649-42-3", "< 2"]], boxed=False,
               widths=[3.6 * inch, 1.3 * inch, 1.1 * inch]),
        *_filler(5),
        *_tail(4, lambda n, t: f"SECTION {n}: {t.upper()}", 8),
        _p("SECTION 9: PHYSICAL AND CHEMICAL PROPERTIES", HEAD),
        _p("Appearance: Amber paste"), _p("Odor: Petroleum"), _p("Flash point: > 200 °C (COC, base oil)"),
        *_tail(10, lambda n, t: f"SECTION {n}: {t.upper()}"),
    ]
    return _doc(story, h, "Golden Bear Lubricants - Stockton CA")


GREASE = {
    "product_name": "Multi-Purpose Lithium Grease NLGI 2",
    "components": [{"name": "Lubricating oils (petroleum), C20-50, hydrotreated neutral oil-based", "cas": "72623-87-1",
                    "percent_high": 90},
                   {"name": "Lithium 12-hydroxystearate", "cas": "7620-77-1", "percent_high": 10},
                   {"name": "Zinc dialkyldithiophosphate", "cas": "68649-42-3", "percent_high": 2}],
    "physical_state": "solid", "cers_hazards": [],
}


# ---- 10. an OSHA Form 174 style MSDS: roman section numbers, no GHS classes ------------------------------------
def osha_174() -> bytes:
    h = "Material Safety Data Sheet - Muriatic Acid 31.45%"
    story = [
        _p("MATERIAL SAFETY DATA SHEET", _STYLES["Title"]),
        _p("May be used to comply with OSHA's Hazard Communication Standard, 29 CFR 1910.1200."),
        _p("Section I - Manufacturer's Information", HEAD),
        _p("Product Name: Muriatic Acid 31.45%"), _p("Manufacturer's Name: Sunset Pool and Spa Chemicals"),
        _p("Section II - Hazardous Ingredients/Identity Information", HEAD),
        _table([["Hazardous Components (Specific Chemical Identity; Common Name(s))", "CAS#", "%"],
                ["Hydrogen chloride", "7647-01-0", "31.45"],
                ["Water", "7732-18-5", "68.55"]], boxed=False),
        _p("Section III - Physical/Chemical Characteristics", HEAD),
        _p("Appearance and Odor: Clear to slightly yellow fuming liquid, pungent odor"),
        _p("Specific Gravity (H2O = 1): 1.16"),
        _p("Section IV - Fire and Explosion Hazard Data", HEAD), _p("Flash Point (Method Used): None"),
        *_filler(6),
        _p("Section V - Reactivity Data", HEAD), *_filler(2),
        _p("Section VI - Health Hazard Data", HEAD),
        _p("Causes severe skin burns and eye damage. Harmful if inhaled."),
        *_filler(3),
    ]
    return _doc(story, h, "Sunset Pool and Spa Chemicals")


OSHA_174 = {
    "product_name": "Muriatic Acid 31.45%",
    "components": [{"name": "Hydrogen chloride", "cas": "7647-01-0", "percent_high": 31.45},
                   {"name": "Water", "cas": "7732-18-5", "percent_high": 68.55}],
    "physical_state": "liquid", "cers_hazards": ["acute_health"],
}


# ---- a scan: a page with no text ---------------------------------------------------------------------------------
def scanned() -> bytes:
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=letter)
    for _ in range(2):
        c.setFillColor(colors.lightgrey)
        c.rect(0.75 * inch, 1 * inch, 7 * inch, 9 * inch, fill=1, stroke=1)
        for k in range(30):
            c.line(1 * inch, (1.5 + 0.28 * k) * inch, 7.5 * inch, (1.5 + 0.28 * k) * inch)
        c.showPage()
    c.save()
    return buffer.getvalue()


def not_an_sds() -> bytes:
    return _doc([_p("Valley Auto Repair - Site Map", HEAD), _p("North arrow, exits, storage area, gas shut-off."),
                 PageBreak(), Spacer(1, 12), _p("Legend and scale: 1 inch = 20 feet")], "Site map", "Valley Auto")


LAYOUTS: tuple[Layout, ...] = (
    Layout("big_chemical", big_chemical, BIG_CHEMICAL),
    Layout("lab_supplier", lab_supplier, LAB_SUPPLIER),
    Layout("automotive_aerosol", automotive_aerosol, AUTOMOTIVE_AEROSOL),
    Layout("janitorial", janitorial, JANITORIAL),
    Layout("paint", paint, PAINT),
    Layout("old_msds", old_msds, OLD_MSDS),
    Layout("acetone", acetone, ACETONE),
    Layout("gas_cylinder", gas_cylinder, GAS_CYLINDER),
    Layout("grease", grease, GREASE),
    Layout("osha_174", osha_174, OSHA_174),
)


def write(directory: Path) -> list[Path]:
    """NAME.pdf and NAME.json for every layout into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for layout in LAYOUTS:
        (directory / f"{layout.name}.pdf").write_bytes(layout.build())
        (directory / f"{layout.name}.json").write_text(json.dumps(layout.expected, indent=1))
        written.append(directory / f"{layout.name}.pdf")
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "var/sds_layouts")):
        print(path)
