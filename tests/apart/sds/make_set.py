"""Write the sealed SDS measurement set: tests/apart/sds/pdfs/<stem>.pdf + <stem>.json.

Run from the repository root:
    PYTHONPATH=. .venv/bin/python tests/apart/sds/make_set.py

Written apart from the SDS reader (its code was never read); see README.md. Deterministic: the same
reportlab version writes the same files (invariant=1, fixed dates).
"""
import json
import os
import re
import sys

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, LongTable, PageTemplate,
                                Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle, XPreformatted)
from reportlab import rl_config

rl_config.invariant = 1  # reproducible PDFs (no creation timestamps / random ids)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from products import PRODUCTS, SUP  # noqa: E402

OUT = os.path.join(HERE, "pdfs")

# ------------------------------------------------------------------------------------------ fonts
UNI = "Helvetica"
UNI_B = "Helvetica-Bold"
for _reg, _bold, _name in [("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans")]:
    if os.path.exists(_reg) and os.path.exists(_bold):
        pdfmetrics.registerFont(TTFont(_name, _reg))
        pdfmetrics.registerFont(TTFont(_name + "-Bold", _bold))
        UNI, UNI_B = _name, _name + "-Bold"


def uni(s):
    """Text for a font: keep >= / <= signs only where a unicode font is available."""
    if UNI == "Helvetica":
        return s.replace("≥", ">=").replace("≤", "<=")
    return s


def ascii_ge(s):
    return s.replace("≥", ">=").replace("≤", "<=")


# ------------------------------------------------------------------------------------------ checks
def cas_ok(cas):
    m = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas or "")
    if not m:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(m.group(3))


def percent_high(text):
    """Upper end of the printed concentration; None when no number is given."""
    t = text.replace("%", "").replace("*", "").strip()
    if re.search(r"trade secret|proprietary|balance", t, re.I):
        return None
    nums = [float(x.replace(",", "")) for x in re.findall(r"\d+(?:\.\d+)?", t)]
    if not nums:
        return None
    if len(nums) == 1 and re.match(r"^\s*(>|≥)", t):
        return 100.0
    return max(nums)


CERS_MAP = [
    # (prefix of the GHS class as printed in section 2, CERS category or None)
    ("Flammable", "fire"), ("Aerosols", "pressure"), ("Oxidizing", "fire"), ("Pyrophoric", "fire"),
    ("Self-heating", "fire"), ("Organic peroxides", "fire"),
    ("Explosives", "reactive"), ("Self-reactive", "reactive"), ("Chemically unstable", "reactive"),
    ("Substances and mixtures which in contact with water", "reactive"),
    ("Gases under pressure", "pressure"),
    ("Acute toxicity", "acute"), ("Skin corrosion", "acute"), ("Serious eye damage", "acute"),
    ("Respiratory sensitization", "acute"), ("Skin sensitization", "acute"),
    ("Specific target organ toxicity - single", "acute"), ("Aspiration hazard", "acute"),
    ("Simple asphyxiant", "acute"),
    ("Carcinogenicity", "chronic"), ("Germ cell mutagenicity", "chronic"),
    ("Reproductive toxicity", "chronic"), ("Specific target organ toxicity - repeated", "chronic"),
    ("Corrosive to metals", None), ("Hazardous to the aquatic", None),
]
CERS_ORDER = ["fire", "reactive", "pressure", "acute", "chronic"]


def cers_from_ghs(ghs):
    out = set()
    for cls, cat, h in ghs:
        hit = [c for p, c in CERS_MAP if cls.startswith(p)]
        assert hit, "unmapped GHS class %r" % cls
        if hit[0]:
            out.add(hit[0])
        if cls == "Aerosols" and cat in ("1", "2"):
            out.add("fire")  # flammable aerosols are also fire
    return [c for c in CERS_ORDER if c in out]


# ------------------------------------------------------------------------------------------ text
H_TEXT = {
    "H220": "Extremely flammable gas.", "H222": "Extremely flammable aerosol.",
    "H224": "Extremely flammable liquid and vapor.", "H225": "Highly flammable liquid and vapor.",
    "H226": "Flammable liquid and vapor.", "H229": "Pressurized container: may burst if heated.",
    "H230": "May react explosively even in the absence of air.",
    "H270": "May cause or intensify fire; oxidizer.", "H272": "May intensify fire; oxidizer.",
    "H280": "Contains gas under pressure; may explode if heated.", "H290": "May be corrosive to metals.",
    "H301": "Toxic if swallowed.", "H302": "Harmful if swallowed.",
    "H304": "May be fatal if swallowed and enters airways.", "H311": "Toxic in contact with skin.",
    "H312": "Harmful in contact with skin.", "H314": "Causes severe skin burns and eye damage.",
    "H315": "Causes skin irritation.", "H317": "May cause an allergic skin reaction.",
    "H318": "Causes serious eye damage.", "H319": "Causes serious eye irritation.",
    "H320": "Causes eye irritation.", "H331": "Toxic if inhaled.", "H332": "Harmful if inhaled.",
    "H335": "May cause respiratory irritation.", "H336": "May cause drowsiness or dizziness.",
    "H340": "May cause genetic defects.", "H350": "May cause cancer.",
    "H351": "Suspected of causing cancer.", "H360F": "May damage fertility.",
    "H361": "Suspected of damaging fertility or the unborn child.",
    "H361d": "Suspected of damaging the unborn child.", "H370": "Causes damage to organs.",
    "H372": "Causes damage to organs through prolonged or repeated exposure.",
    "H373": "May cause damage to organs through prolonged or repeated exposure.",
    "H400": "Very toxic to aquatic life.", "H411": "Toxic to aquatic life with long lasting effects.",
    "SA": "May displace oxygen and cause rapid suffocation.",
}
ABBR = {
    "Flammable liquids": "Flam. Liq.", "Flammable gases": "Flam. Gas", "Aerosols": "Aerosol",
    "Oxidizing solids": "Ox. Sol.", "Oxidizing gases": "Ox. Gas", "Chemically unstable gases": "Chem. Unst. Gas",
    "Gases under pressure": "Press. Gas", "Acute toxicity - oral": "Acute Tox. (oral)",
    "Acute toxicity - dermal": "Acute Tox. (dermal)", "Acute toxicity - inhalation": "Acute Tox. (inhal.)",
    "Skin corrosion/irritation": "Skin Corr./Irrit.", "Serious eye damage/eye irritation": "Eye Dam./Irrit.",
    "Skin sensitization": "Skin Sens.", "Specific target organ toxicity - single exposure": "STOT SE",
    "Specific target organ toxicity - repeated exposure": "STOT RE", "Aspiration hazard": "Asp. Tox.",
    "Carcinogenicity": "Carc.", "Germ cell mutagenicity": "Muta.", "Reproductive toxicity": "Repr.",
    "Corrosive to metals": "Met. Corr.", "Simple asphyxiant": "Simple Asphyxiant",
    "Hazardous to the aquatic environment - acute": "Aquatic Acute",
    "Hazardous to the aquatic environment - chronic": "Aquatic Chronic",
}
PICTO = {"fire": "Flame", "H270": "Flame over circle", "H272": "Flame over circle", "H280": "Gas cylinder",
         "corr": "Corrosion", "tox": "Skull and crossbones", "health": "Health hazard", "excl": "Exclamation mark",
         "env": "Environment"}

EXPOSURE = {
    "67-64-1": ("1000 ppm", "250 ppm TWA; 500 ppm STEL"), "108-88-3": ("200 ppm", "20 ppm TWA"),
    "67-56-1": ("200 ppm", "200 ppm TWA; 250 ppm STEL (skin)"), "7647-01-0": ("C 5 ppm", "C 2 ppm"),
    "1310-73-2": ("2 mg/m3", "C 2 mg/m3"), "7664-93-9": ("1 mg/m3", "0.2 mg/m3 (thoracic)"),
    "107-21-1": ("Not established", "25 ppm TWA (vapor); 10 mg/m3 (aerosol, inhalable)"),
    "142-82-5": ("500 ppm", "400 ppm TWA; 500 ppm STEL"), "111-76-2": ("50 ppm (skin)", "20 ppm TWA"),
    "1330-20-7": ("100 ppm", "100 ppm TWA; 150 ppm STEL"), "100-41-4": ("100 ppm", "20 ppm TWA"),
    "71-43-2": ("1 ppm; 5 ppm STEL", "0.5 ppm TWA; 2.5 ppm STEL"), "110-54-3": ("500 ppm", "50 ppm TWA"),
    "13463-67-7": ("15 mg/m3 (total dust)", "10 mg/m3"), "14808-60-7": ("0.05 mg/m3 (respirable)", "0.025 mg/m3"),
    "74-98-6": ("1000 ppm", "Simple asphyxiant"), "124-38-9": ("5000 ppm", "5000 ppm TWA; 30000 ppm STEL"),
    "64742-47-8": ("500 ppm (as Stoddard solvent)", "200 mg/m3 (as total hydrocarbon vapor)"),
    "6484-52-2": ("Not established", "Not established"), "7439-96-5": ("C 5 mg/m3", "0.02 mg/m3 (respirable)"),
}


def signal_and_pictos(p):
    pics = []
    hs = hazard_codes(p)
    cls = [c for c, _, _ in p["ghs"]]
    if any(h in ("H270", "H272") for h in hs):
        pics.append(PICTO["H270"])
    if any(c.startswith("Flammable") or c == "Aerosols" or c.startswith("Chemically") for c in cls) \
            and not any(h in ("H270", "H272") for h in hs):
        pics.append(PICTO["fire"])
    if "H280" in hs:
        pics.append(PICTO["H280"])
    if any(h in ("H290", "H314", "H318") for h in hs):
        pics.append(PICTO["corr"])
    if any(h in ("H301", "H311", "H331") for h in hs):
        pics.append(PICTO["tox"])
    if any(h in ("H304", "H340", "H350", "H351", "H360F", "H361", "H361d", "H370", "H372", "H373") for h in hs):
        pics.append(PICTO["health"])
    if any(h in ("H302", "H312", "H315", "H317", "H319", "H332", "H335", "H336") for h in hs):
        pics.append(PICTO["excl"])
    if any(h in ("H400", "H411") for h in hs):
        pics.append(PICTO["env"])
    return pics


def precautions(p):
    hs = set(hazard_codes(p))
    out = ["P101 If medical advice is needed, have product container or label at hand.",
           "P102 Keep out of reach of children."]
    if hs & {"H201", "H220", "H222", "H224", "H225", "H226"}:
        out += ["P210 Keep away from heat, hot surfaces, sparks, open flames and other ignition sources. No smoking."]
    if hs & {"H222", "H229"}:
        out += ["P211 Do not spray on an open flame or other ignition source.",
                "P251 Do not pierce or burn, even after use.",
                "P410+P412 Protect from sunlight. Do not expose to temperatures exceeding 50 °C/122 °F."]
    if hs & {"H224", "H225", "H226"}:
        out += ["P233 Keep container tightly closed.", "P240 Ground and bond container and receiving equipment.",
                "P241 Use explosion-proof electrical/ventilating/lighting equipment.",
                "P403+P235 Store in a well-ventilated place. Keep cool."]
    if hs & {"H270", "H272"}:
        out += ["P220 Keep away from clothing and other combustible materials.",
                "P370+P376 In case of fire: Stop leak if safe to do so."]
    if "H280" in hs:
        out += ["P410+P403 Protect from sunlight. Store in a well-ventilated place."]
    if hs & {"H314", "H318", "H315", "H319", "H320", "H317"}:
        out += ["P264 Wash hands thoroughly after handling.",
                "P280 Wear protective gloves/protective clothing/eye protection/face protection.",
                "P305+P351+P338 IF IN EYES: Rinse cautiously with water for several minutes. Remove contact "
                "lenses, if present and easy to do. Continue rinsing."]
    if "H314" in hs:
        out += ["P260 Do not breathe dusts or mists.",
                "P301+P330+P331 IF SWALLOWED: Rinse mouth. Do NOT induce vomiting.",
                "P303+P361+P353 IF ON SKIN (or hair): Take off immediately all contaminated clothing. Rinse skin "
                "with water.", "P310 Immediately call a POISON CENTER/doctor.", "P405 Store locked up."]
    if hs & {"H350", "H351", "H340", "H360F", "H361", "H361d"}:
        out += ["P201 Obtain special instructions before use.",
                "P202 Do not handle until all safety precautions have been read and understood.",
                "P308+P313 IF exposed or concerned: Get medical advice/attention."]
    if "H304" in hs:
        out += ["P301+P310 IF SWALLOWED: Immediately call a POISON CENTER/doctor.", "P331 Do NOT induce vomiting."]
    if hs & {"H301", "H302", "H311", "H312", "H331", "H332", "H370", "H372", "H373", "H335", "H336"}:
        out += ["P270 Do not eat, drink or smoke when using this product.",
                "P271 Use only outdoors or in a well-ventilated area.",
                "P312 Call a POISON CENTER/doctor if you feel unwell."]
    if hs & {"H400", "H411"}:
        out += ["P273 Avoid release to the environment.", "P391 Collect spillage."]
    out += ["P501 Dispose of contents/container in accordance with local, state and federal regulations."]
    return out


def catlabel(cat):
    """'2' -> 'Category 2'; 'Liquefied gas' stays as it is (gases under pressure have no number)."""
    if not cat:
        return ""
    return ("Category " + cat) if re.match(r"^([0-9]|[AB]\b)", cat) else cat


def hazard_codes(p):
    out = []
    for _, _, h in p["ghs"]:
        if h not in out:
            out.append(h)
    for h in p.get("extra_h", []):
        if h not in out:
            out.append(h)
    return out


def flammable(p):
    return any(c.startswith("Flammable") or c == "Aerosols" for c, _, _ in p["ghs"])


def filler(p, n):
    """Body text of the sections that the reader does not need (realistic distractors included)."""
    name = p["name"]
    fl = flammable(p)
    gas = p["state"] == "gas"
    corr = any(h in ("H314", "H318") for _, _, h in p["ghs"])
    with_cas = [(c[0], c[1]) for c in p["comps"] if c[1]]
    if n == 4:
        return [("Inhalation", "Remove person to fresh air and keep comfortable for breathing. If breathing is "
                 "difficult, give oxygen. Get medical attention if symptoms persist."),
                ("Skin contact", ("Immediately flush skin with plenty of water for at least 15 minutes while removing "
                                  "contaminated clothing. Call a physician immediately.") if corr else
                 "Wash with soap and water. Get medical attention if irritation develops."),
                ("Eye contact", "Rinse cautiously with water for at least 15 minutes, lifting upper and lower eyelids. "
                 + ("Get immediate medical attention." if corr else "Get medical attention if irritation persists.")),
                ("Ingestion", "Do NOT induce vomiting. Rinse mouth. Never give anything by mouth to an unconscious "
                 "person. Call a poison center or doctor."),
                ("Most important symptoms", "See section 11 for detailed information on health effects.")]
    if n == 5:
        return [("Suitable extinguishing media", "Dry chemical, CO2, alcohol-resistant foam or water spray." if fl
                 else "Use extinguishing media appropriate for the surrounding fire."),
                ("Specific hazards", ("Vapors may travel to a source of ignition and flash back. Containers may "
                                      "rupture when heated.") if fl or gas else
                 "Not flammable or combustible under normal conditions."),
                ("Protective equipment", "Wear self-contained breathing apparatus and full protective gear.")]
    if n == 6:
        return [("Personal precautions", "Ventilate the area. Wear appropriate personal protective equipment (see "
                 "section 8)." + (" Eliminate all ignition sources." if fl else "")),
                ("Environmental precautions", "Prevent entry into sewers, storm drains and waterways."),
                ("Methods for cleaning up", "Absorb with inert material (sand, vermiculite) and place in a suitable "
                 "container for disposal." if not gas else "Stop the leak if safe to do so; ventilate the area.")]
    if n == 7:
        return [("Precautions for safe handling", "Avoid contact with skin and eyes. Do not breathe vapors or "
                 "mists. Use only with adequate ventilation."),
                ("Conditions for safe storage", ("Store cylinders upright and secured, below 52 °C (125 °F), away "
                                                 "from combustibles.") if gas else
                 "Keep container tightly closed in a cool, dry, well-ventilated place. Store away from incompatible "
                 "materials.")]
    if n == 8:
        rows = []
        for nm, cas in with_cas:
            if cas in EXPOSURE:
                rows.append((nm, cas, EXPOSURE[cas][0], EXPOSURE[cas][1]))
        return rows
    if n == 10:
        return [("Reactivity", "No dangerous reaction known under conditions of normal use."),
                ("Chemical stability", "Stable under recommended storage conditions."),
                ("Conditions to avoid", "Heat, flames and sparks." if fl else "Extreme temperatures."),
                ("Incompatible materials", "Strong oxidizing agents; strong acids; strong bases."),
                ("Hazardous decomposition products", "Carbon monoxide and carbon dioxide on combustion.")]
    if n == 11:
        return [("Likely routes of exposure", "Inhalation, skin contact, eye contact, ingestion."),
                ("Acute toxicity (calculated ATE)", "Oral ATE > 2,000 mg/kg (mixture) unless stated in section 2."),
                ("Information on components", "Toxicological data are available for " +
                 (", ".join("%s (%s)" % (a, b) for a, b in with_cas[:3]) or "none of the components") +
                 "; see supplier literature."),
                ("Classification", "See section 2 for the health hazard classification of the product.")]
    if n == 12:
        return [("Ecotoxicity", "No data available for the mixture."),
                ("Persistence and degradability", "No data available.")]
    if n == 13:
        return [("Waste disposal", "Dispose of contents and container in accordance with local, regional, national "
                 "and international regulations. Do not dispose of in sewers.")]
    if n == 14:
        un = p.get("un")
        if not un:
            return [("DOT", "Not regulated as a hazardous material."), ("IMDG / IATA", "Not regulated.")]
        return [("DOT UN number", un[0]), ("Proper shipping name", un[1]), ("Hazard class", un[2]),
                ("Packing group", un[3] or "Not applicable")]
    if n == 15:
        return [("TSCA", "All components are listed on or exempt from the TSCA Inventory."),
                ("California Proposition 65", "This product can expose you to chemicals known to the State of "
                 "California to cause cancer or reproductive harm. For more information go to "
                 "www.P65Warnings.ca.gov." if any(c[1] in ("108-88-3", "71-43-2", "100-41-4", "108-10-1",
                                                           "80-05-7", "14808-60-7", "13463-67-7", "91-20-3",
                                                           "7439-96-5", "111-46-6") for c in p["comps"])
                 else "This product does not contain chemicals known to the State of California to cause cancer "
                 "or reproductive harm above safe-harbor levels."),
                ("SARA 313", ", ".join("%s (%s)" % (a, b) for a, b in with_cas
                                       if b in ("108-88-3", "67-56-1", "1330-20-7", "100-41-4", "71-43-2",
                                                "110-54-3", "107-21-1", "7647-01-0", "7664-93-9", "111-76-2",
                                                "95-63-6", "91-20-3", "108-10-1", "6484-52-2", "7439-96-5",
                                                "7778-54-3", "80-05-7", "330-54-1"))
                 or "This product does not contain chemicals subject to SARA 313 reporting.")]
    if n == 16:
        return [("Revision date", REV_DATE.get(p["stem"], "2024-05-14")),
                ("Disclaimer", "The information herein is believed to be accurate but is provided without warranty. "
                 "Users should make their own determination of suitability for their purposes.")]
    return []


REV_DATE = {}


def props_rows(p, labels):
    pr = p["props"]
    rows = []
    for key, label in labels:
        if key in pr:
            rows.append((label, pr[key]))
    return rows


GHS_TITLES = ["Identification", "Hazard(s) identification", "Composition/information on ingredients",
              "First-aid measures", "Fire-fighting measures", "Accidental release measures", "Handling and storage",
              "Exposure controls/personal protection", "Physical and chemical properties", "Stability and reactivity",
              "Toxicological information", "Ecological information", "Disposal considerations",
              "Transport information", "Regulatory information", "Other information"]
FR_TITLES = ["Identification", "Identification des dangers", "Composition/information sur les ingrédients",
             "Premiers soins", "Mesures à prendre en cas d'incendie", "Mesures à prendre en cas de déversement accidentel",
             "Manutention et stockage", "Contrôle de l'exposition/protection individuelle",
             "Propriétés physiques et chimiques", "Stabilité et réactivité", "Données toxicologiques",
             "Données écologiques", "Données sur l'élimination", "Informations relatives au transport",
             "Informations sur la réglementation", "Autres informations"]
AUTO_TITLES = ["Product and Company Identification", "Hazards Identification", "Composition / Information on Ingredients",
               "First Aid Measures", "Fire Fighting Measures", "Accidental Release Measures", "Handling and Storage",
               "Exposure Controls / Personal Protection", "Physical and Chemical Properties", "Stability and Reactivity",
               "Toxicological Information", "Ecological Information", "Disposal Considerations", "Transport Information",
               "Regulatory Information", "Other Information"]

PROP_LABELS = [("state", "Physical state"), ("form", "Form"), ("appearance", "Appearance"), ("color", "Color"),
               ("odor", "Odor"), ("ph", "pH"), ("mp", "Melting point/freezing point"),
               ("bp", "Initial boiling point and boiling range"), ("flash", "Flash point"),
               ("vp", "Vapor pressure"), ("vd", "Vapor density"), ("sg", "Relative density"),
               ("visc", "Viscosity"), ("dropping", "Dropping point"), ("voc", "VOC content")]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------------------------------ styles
def styles(font="Helvetica", bold="Helvetica-Bold", size=8.5):
    s = {}
    s["body"] = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.25)
    s["small"] = ParagraphStyle("small", fontName=font, fontSize=size - 1.5, leading=(size - 1.5) * 1.25)
    s["cell"] = ParagraphStyle("cell", fontName=font, fontSize=size - 0.5, leading=(size - 0.5) * 1.2)
    s["cellb"] = ParagraphStyle("cellb", fontName=bold, fontSize=size - 0.5, leading=(size - 0.5) * 1.2)
    s["sub"] = ParagraphStyle("sub", fontName=bold, fontSize=size, leading=size * 1.3, spaceBefore=3)
    s["title"] = ParagraphStyle("title", fontName=bold, fontSize=15, leading=18, alignment=TA_CENTER,
                                spaceAfter=6)
    s["h"] = ParagraphStyle("h", fontName=bold, fontSize=size + 1.5, leading=(size + 1.5) * 1.3)
    return s


def kv_table(rows, st, widths, grid=False, bold_keys=True):
    data = [[Paragraph(esc(k), st["cellb"] if bold_keys else st["cell"]), Paragraph(esc(v), st["cell"])]
            for k, v in rows]
    t = Table(data, colWidths=widths, hAlign="LEFT")
    sty = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
           ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    if grid:
        sty.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    t.setStyle(TableStyle(sty))
    return t


def grid_table(header, rows, st, widths, shade=colors.HexColor("#d9d9d9"), long=False, box=True):
    data = [[Paragraph(esc(h), st["cellb"]) for h in header]]
    for r in rows:
        data.append([Paragraph(c, st["cell"]) if isinstance(c, str) else c for c in r])
    cls = LongTable if long else Table
    t = cls(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    sty = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), shade),
           ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if box:
        sty.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    else:
        sty.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black))
        sty.append(("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black))
    t.setStyle(TableStyle(sty))
    return t


def sec2_flow(p, st, width, fmt="long", grid=False):
    """Section 2 body: classification, label elements, hazard and precautionary statements."""
    out = []
    if not p["ghs"]:
        out.append(Paragraph("Classification: This product is not classified as hazardous according to OSHA "
                             "29 CFR 1910.1200 (HazCom 2012).", st["body"]))
        out.append(Paragraph("Label elements: None required. Signal word: None.", st["body"]))
        out.append(Paragraph("Other hazards: Used oil may contain harmful combustion products. Avoid prolonged "
                             "skin contact.", st["body"]))
        return out
    if fmt == "long":
        rows = [(c, catlabel(cat)) for c, cat, _ in p["ghs"]]
        if grid:
            out.append(kv_table(rows, st, [width * 0.6, width * 0.4], grid=True, bold_keys=False))
        else:
            for c, cat in rows:
                out.append(Paragraph(esc("%s - %s" % (c, cat) if cat else c), st["body"]))
    elif fmt == "paren":  # Sigma style: "Flammable liquids (Category 2), H225"
        for c, cat, h in p["ghs"]:
            base, _, organs = cat.partition(" (")
            txt = "%s (%s)" % (c, catlabel(base)) if cat else c
            if organs:
                txt += ", " + organs.rstrip(")")
            out.append(Paragraph(esc(txt + (", " + h if h != "SA" else "")), st["body"]))
    elif fmt == "abbr":
        for c, cat, h in p["ghs"]:
            base = cat.partition(" (")[0]
            lab = base if re.match(r"^([0-9]|[AB]\b)", base) else "(%s)" % base
            out.append(Paragraph(esc("%s %s; %s" % (ABBR[c], lab, h) if cat else ABBR[c]), st["body"]))
    out.append(Spacer(1, 3))
    out.append(Paragraph("<b>Signal word:</b> %s" % p["signal"], st["body"]))
    out.append(Paragraph("<b>Pictograms:</b> %s" % ", ".join(signal_and_pictos(p)), st["body"]))
    out.append(Paragraph("<b>Hazard statements:</b>", st["body"]))
    for h in hazard_codes(p):
        out.append(Paragraph(esc(("%s %s" % (h, H_TEXT[h])) if h != "SA" else H_TEXT[h]), st["body"]))
    out.append(Paragraph("<b>Precautionary statements:</b>", st["body"]))
    for s in precautions(p):
        out.append(Paragraph(esc(s), st["body"]))
    if p.get("_other"):
        out.append(Paragraph("<b>Other hazards which do not result in classification:</b> " + esc(p["_other"]),
                             st["body"]))
    return out


OTHER_HAZ = ["Vapors may accumulate in low or confined areas.", "Static charges may build up during transfer.",
             "Repeated exposure may cause skin dryness or cracking.", "Hazards not otherwise classified: none known.",
             "Contact with incompatible materials may generate heat.", "Odor is not an adequate warning of exposure.",
             "Empty containers retain product residue and can be dangerous."]


def supplier_rows(p, labels=("Manufacturer", "Address", "Telephone", "Emergency telephone")):
    s = SUP[p["sup"]]
    return list(zip(labels, s))


# ------------------------------------------------------------------------------------------ layouts
def flow_generic(p, st, width, heading, titles, comp_builder, sec1, sec2fmt="long", sec9=None,
                 grid=False, subnum=False):
    story = []
    for i, t in enumerate(titles, 1):
        block = [heading(i, t)]
        if i == 1:
            block += sec1(p, st, width)
        elif i == 2:
            if subnum:
                block.append(Paragraph("2.1 Classification of the substance or mixture", st["sub"]))
            block += sec2_flow(p, st, width, sec2fmt, grid)
        elif i == 3:
            block += comp_builder(p, st, width)
        elif i == 9:
            rows = (sec9 or (lambda pp: props_rows(pp, PROP_LABELS)))(p)
            if subnum:
                block.append(Paragraph("9.1 Information on basic physical and chemical properties", st["sub"]))
            block.append(kv_table(rows, st, [width * 0.38, width * 0.62], grid=grid))
        elif i == 8:
            rows = filler(p, 8)
            if subnum:
                block.append(Paragraph("8.1 Control parameters", st["sub"]))
            if rows:
                block.append(grid_table(["Component", "CAS", "OSHA PEL", "ACGIH TLV"],
                                        [[esc(a), esc(b), esc(c), esc(d)] for a, b, c, d in rows], st,
                                        [width * 0.34, width * 0.16, width * 0.22, width * 0.28], box=grid))
            else:
                block.append(Paragraph("No occupational exposure limits established for the components.", st["body"]))
            block.append(Paragraph("Engineering controls: Use adequate general or local exhaust ventilation. "
                                   "Personal protection: safety glasses with side shields or goggles; chemical-"
                                   "resistant gloves; respirator if exposure limits are exceeded.", st["body"]))
        else:
            rows = filler(p, i)
            for j, (k, v) in enumerate(rows, 1):
                lab = ("%d.%d %s" % (i, j, k)) if subnum else k
                block.append(Paragraph("<b>%s:</b> %s" % (esc(lab), esc(v)), st["body"]))
        block.append(Spacer(1, 5))
        story += block
    return story


# ---- A: "SECTION 1: IDENTIFICATION" in caps, boxed tables
def layout_A(p, path):
    st = styles()
    width = LETTER[0] - 1.2 * inch

    def heading(i, t):
        tb = Table([[Paragraph("SECTION %d: %s" % (i, esc(t.upper())), ParagraphStyle(
            "x", fontName="Helvetica-Bold", fontSize=9.5, textColor=colors.white))]], colWidths=[width])
        tb.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#1f3864")),
                                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return tb

    def sec1(p, st, width):
        rows = [("Product identifier", p["name"]), ("Product code", p["code"]), ("Recommended use", p["use"]),
                ("Restrictions on use", "Professional and industrial use only")]
        rows += supplier_rows(p, ("Supplier", "Address", "Phone", "Emergency phone (24 h)"))
        return [kv_table(rows, st, [width * 0.3, width * 0.7], grid=True)]

    def comp(p, st, width):
        rows = []
        for c in p["comps"]:
            extra = c[4] if len(c) > 4 else {}
            rows.append([esc(c[0]), esc(extra.get("syn", "-")), esc(c[2] or c[1] or "-"), esc(c[3])])
        return [grid_table(["Chemical name", "Common name and synonyms", "CAS number", "Concentration (%)"], rows,
                           st, [width * 0.36, width * 0.3, width * 0.16, width * 0.18]),
                Paragraph("Concentrations are given in percent by weight.", st["small"])]

    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                            topMargin=0.6 * inch, bottomMargin=0.6 * inch, title="SDS " + p["code"])
    story = [Paragraph("SAFETY DATA SHEET", st["title"]), Paragraph(esc(p["name"]), st["h"]), Spacer(1, 6)]
    story += flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "long", grid=True)
    doc.build(story)


# ---- B: "1. Identification" / "1.1 Product identifier"
def layout_B(p, path):
    st = styles("Times-Roman", "Times-Bold", 9.5)
    width = A4[0] - 40 * mm

    def heading(i, t):
        return Paragraph("%d. %s" % (i, esc(t)), ParagraphStyle("h", fontName="Times-Bold", fontSize=12, leading=15,
                                                                  spaceBefore=4, spaceAfter=2))

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        return [Paragraph("1.1 Product identifier", st["sub"]),
                Paragraph("Trade name: %s" % esc(p["name"]), st["body"]),
                Paragraph("Article number: %s" % p["code"], st["body"]),
                Paragraph("1.2 Relevant identified uses of the substance or mixture and uses advised against", st["sub"]),
                Paragraph(esc(p["use"]), st["body"]),
                Paragraph("1.3 Details of the supplier of the safety data sheet", st["sub"]),
                Paragraph("%s<br/>%s<br/>Tel.: %s" % (esc(s[0]), esc(s[1]), s[2]), st["body"]),
                Paragraph("1.4 Emergency telephone number", st["sub"]), Paragraph(s[3], st["body"])]

    def comp(p, st, width):
        single = len(p["comps"]) == 1
        out = [Paragraph("3.1 Substances" if single else "3.2 Mixtures", st["sub"])]
        if not single:
            out.append(Paragraph("Description: mixture of the substances listed below with nonhazardous additions.",
                                 st["body"]))
        rows = []
        for c in p["comps"]:
            extra = c[4] if len(c) > 4 else {}
            rows.append([esc(c[0]), esc(c[2] or c[1] or "-"), esc(extra.get("ec", "-")), esc(c[3])])
        out.append(grid_table(["Chemical name", "CAS-No.", "EC-No.", "Weight-%"], rows, st,
                              [width * 0.45, width * 0.18, width * 0.17, width * 0.2], box=False))
        return out

    doc = SimpleDocTemplate(path, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm)
    story = [Paragraph("Safety Data Sheet", ParagraphStyle("t", fontName="Times-Bold", fontSize=18, leading=22)),
             Paragraph("according to OSHA Hazard Communication Standard 29 CFR 1910.1200", st["body"]),
             Paragraph("Printing date 2024-02-01 &nbsp;&nbsp; Version 3.0", st["small"]), Spacer(1, 8)]
    story += flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "long", subnum=True)
    doc.build(story)


# ---- C: Sigma/Merck reagent style
def layout_C(p, path):
    st = styles(UNI, UNI_B, 8.5)
    width = A4[0] - 36 * mm

    def heading(i, t):
        tb = Table([[Paragraph("SECTION %d: %s" % (i, esc(t.replace("Hazard(s)", "Hazards"))),
                               ParagraphStyle("h", fontName=UNI_B, fontSize=10, leading=12))]], colWidths=[width])
        tb.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.HexColor("#c00000")),
                                ("TOPPADDING", (0, 0), (-1, -1), 3)]))
        return tb

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        rows = [("Product name", p["name"]), ("Product Number", p["code"]), ("Brand", "Westbrook"),
                ("Grade", uni(p.get("grade", ""))), ("CAS-No.", p["comps"][0][1])]
        return [Paragraph("1.1 Product identifiers", st["sub"]), kv_table(rows, st, [width * 0.3, width * 0.7],
                                                                          bold_keys=False),
                Paragraph("1.2 Relevant identified uses", st["sub"]),
                Paragraph("Identified uses: " + esc(p["use"]), st["body"]),
                Paragraph("1.3 Details of the supplier of the safety data sheet", st["sub"]),
                kv_table([("Company", s[0]), ("", s[1]), ("Telephone", s[2])], st, [width * 0.3, width * 0.7],
                         bold_keys=False),
                Paragraph("1.4 Emergency telephone", st["sub"]), Paragraph(s[3], st["body"])]

    def comp(p, st, width):
        sub = p.get("substance")
        out = [Paragraph("3.1 Substances" if sub else "3.2 Mixtures", st["sub"])]
        if sub:
            out.append(kv_table([("Synonyms", sub["syn"]), ("Formula", sub["formula"]),
                                 ("Molecular weight", sub["mw"]), ("CAS-No.", p["comps"][0][1]),
                                 ("EC-No.", sub["ec"]), ("Index-No.", sub["index"])],
                                st, [width * 0.3, width * 0.7], bold_keys=False))
        rows = []
        for c in p["comps"]:
            extra = c[4] if len(c) > 4 else {}
            cell = "%s<br/>CAS-No. %s<br/>EC-No. %s<br/>Index-No. %s" % (
                esc(c[0]), c[1], extra.get("ec", ""), extra.get("index", ""))
            rows.append([cell, esc(extra.get("cls", "")), esc(uni(c[3].replace(">=", "≥").replace("<=", "≤")) + " %")])
        out.append(grid_table(["Component", "Classification", "Concentration"], rows, st,
                              [width * 0.38, width * 0.42, width * 0.2], box=False, shade=colors.white))
        out.append(Paragraph("For the full text of the H-Statements mentioned in this Section, see Section 16.",
                             st["body"]))
        return out

    def sec9(pp):
        labels = [("form", "a) Appearance  Form"), ("color", "    Colour"), ("odor", "b) Odour"),
                  ("ph", "d) pH"), ("mp", "e) Melting point/freezing point"),
                  ("bp", "f) Initial boiling point and boiling range"), ("flash", "g) Flash point"),
                  ("sg", "m) Density")]
        return props_rows(pp, labels)

    doc = SimpleDocTemplate(path, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm)
    story = [Paragraph("SAFETY DATA SHEET", ParagraphStyle("t", fontName=UNI_B, fontSize=16, leading=20)),
             Paragraph("Version 6.9 &nbsp; Revision Date 11/03/2023 &nbsp; Print Date 01/15/2024", st["small"]),
             Spacer(1, 6)]
    story += flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "paren", sec9=sec9, subnum=False)
    doc.build(story)


# ---- D: automotive aftermarket ("Section 1 - Product and Company Identification")
def layout_D(p, path):
    st = styles("Helvetica", "Helvetica-Bold", 8.5)
    width = LETTER[0] - 1.0 * inch

    def heading(i, t):
        return Paragraph("Section %d - %s" % (i, esc(t)), ParagraphStyle(
            "h", fontName="Helvetica-BoldOblique", fontSize=10.5, leading=13, spaceBefore=4,
            borderWidth=0.6, borderColor=colors.black, borderPadding=2, spaceAfter=4))

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        return [kv_table([("Product Name", p["name"]), ("Part Number", p["code"]), ("Product Use", p["use"]),
                          ("Distributed by", s[0] + ", " + s[1]), ("Customer Service", s[2]),
                          ("24 Hour Emergency", s[3])], st, [width * 0.25, width * 0.75])]

    def comp(p, st, width):
        rows = [[esc(c[0]), esc(c[2] or c[1] or "-"), esc(c[3])] for c in p["comps"]]
        out = [grid_table(["Ingredient", "CAS Number", "% by Weight"], rows, st,
                          [width * 0.55, width * 0.2, width * 0.25], box=False)]
        for f in p.get("foot", []):
            out.append(Paragraph(esc(f), st["small"]))
        return out

    def sec9(pp):
        labels = [("state", "Physical State"), ("appearance", "Appearance"), ("odor", "Odor"),
                  ("flash", "Flash Point"), ("sg", "Specific Gravity"), ("visc", "Viscosity"),
                  ("dropping", "Dropping Point"), ("voc", "VOC Content")]
        return props_rows(pp, labels)

    def onpage(c, d):
        c.saveState()
        c.setFont("Helvetica", 7)
        c.drawString(0.5 * inch, 0.35 * inch, "%s   SDS No. %s   Issue date: 2023-08-22" % (p["name"], p["code"]))
        c.drawRightString(LETTER[0] - 0.5 * inch, 0.35 * inch, "Page %d" % d.page)
        c.restoreState()

    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.5 * inch, rightMargin=0.5 * inch,
                            topMargin=0.5 * inch, bottomMargin=0.6 * inch)
    story = [Paragraph(esc(SUP[p["sup"]][0]), ParagraphStyle("b", fontName="Helvetica-Bold", fontSize=13,
                                                              textColor=colors.HexColor("#a00000"))),
             Paragraph("SAFETY DATA SHEET", st["title"])]
    story += flow_generic(p, st, width, heading, AUTO_TITLES, comp, sec1, "abbr", sec9=sec9)
    doc.build(story, onFirstPage=onpage, onLaterPages=onpage)


# ---- E: janitorial, trade secrets
def layout_E(p, path):
    st = styles("Helvetica", "Helvetica-Bold", 8.5)
    width = LETTER[0] - 1.3 * inch

    def heading(i, t):
        tb = Table([[Paragraph("%d" % i, ParagraphStyle("n", fontName="Helvetica-Bold", fontSize=11,
                                                         textColor=colors.white, alignment=TA_CENTER)),
                     Paragraph(esc(t.upper()), ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=10.5))]],
                   colWidths=[0.35 * inch, width - 0.35 * inch])
        tb.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#2e7d32")),
                                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.HexColor("#2e7d32")),
                                ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return tb

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        return [Paragraph("<b>PRODUCT NAME:</b> %s" % esc(p["name"]), st["body"]),
                Paragraph("<b>PRODUCT NUMBER:</b> %s" % p["code"], st["body"]),
                Paragraph("<b>RECOMMENDED USE:</b> %s" % esc(p["use"]), st["body"]),
                Paragraph("<b>MANUFACTURER:</b> %s, %s" % (esc(s[0]), esc(s[1])), st["body"]),
                Paragraph("<b>EMERGENCY PHONE:</b> %s &nbsp; <b>INFORMATION:</b> %s" % (s[3], s[2]), st["body"])]

    def comp(p, st, width):
        rows = [[esc(c[0]), esc(c[2] or c[1] or "-"), esc(c[3])] for c in p["comps"]]
        out = [grid_table(["Ingredient Name", "CAS #", "Concentration (%)"], rows, st,
                          [width * 0.55, width * 0.22, width * 0.23], shade=colors.HexColor("#e8f5e9"))]
        for f in p.get("foot", []):
            out.append(Paragraph(esc(f), st["small"]))
        return out

    def sec9(pp):
        labels = [("state", "Physical State"), ("form", "Form"), ("color", "Color"), ("odor", "Odor"),
                  ("ph", "pH"), ("flash", "Flash Point"), ("sg", "Specific Gravity")]
        return props_rows(pp, labels)

    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.65 * inch, rightMargin=0.65 * inch,
                            topMargin=0.6 * inch, bottomMargin=0.6 * inch)
    story = [Paragraph("SAFETY DATA SHEET", st["title"]),
             Paragraph("Issue Date: 06/01/2023 &nbsp;&nbsp; Supersedes: 01/15/2021", st["small"]), Spacer(1, 6)]
    story += flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "long", sec9=sec9)
    doc.build(story)


# ---- G: two-column page layout
def layout_G(p, path):
    st = styles("Helvetica", "Helvetica-Bold", 7.5)
    W, H = LETTER
    margin, gap = 0.5 * inch, 0.3 * inch
    colw = (W - 2 * margin - gap) / 2
    width = colw - 6

    def heading(i, t):
        return Paragraph("%d. %s" % (i, esc(t.upper())), ParagraphStyle(
            "h", fontName="Helvetica-Bold", fontSize=8.5, leading=11, backColor=colors.HexColor("#fde9a9"),
            spaceBefore=3, spaceAfter=2))

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        return [Paragraph("<b>Product name</b>", st["body"]), Paragraph(esc(p["name"]), st["body"]),
                Paragraph("<b>Product code:</b> %s" % p["code"], st["body"]),
                Paragraph("<b>Use:</b> %s" % esc(p["use"]), st["body"]),
                Paragraph("<b>Company:</b> %s, %s, %s" % (esc(s[0]), esc(s[1]), s[2]), st["body"]),
                Paragraph("<b>Emergency:</b> %s" % s[3], st["body"])]

    def comp(p, st, width):
        rows = [[esc(c[0]), esc(c[2] or c[1] or "-"), esc(c[3])] for c in p["comps"]]
        return [grid_table(["Name", "Identifier", "Wt. %"], rows, st, [width * 0.5, width * 0.3, width * 0.2],
                           box=False)]

    def onpage(c, d):
        c.saveState()
        c.setFont("Helvetica-Bold", 11)
        c.drawString(margin, H - 0.45 * inch, "SAFETY DATA SHEET")
        c.setFont("Helvetica", 7)
        c.drawRightString(W - margin, H - 0.45 * inch, "SDS ID: %s   Date of issue: 2024-01-09" % p["code"])
        c.line(margin, H - 0.5 * inch, W - margin, H - 0.5 * inch)
        c.line(W / 2, 0.55 * inch, W / 2, H - 0.6 * inch)
        c.drawCentredString(W / 2, 0.35 * inch, "Page %d" % d.page)
        c.restoreState()

    doc = BaseDocTemplate(path, pagesize=LETTER)
    frames = [Frame(margin, 0.55 * inch, colw, H - 1.2 * inch, id="left"),
              Frame(margin + colw + gap, 0.55 * inch, colw, H - 1.2 * inch, id="right")]
    doc.addPageTemplates([PageTemplate(id="two", frames=frames, onPage=onpage)])
    story = flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "long")
    doc.build(story)


# ---- H: WHMIS 2015 / bilingual headings
def layout_H(p, path):
    st = styles(UNI, UNI_B, 8.2)
    width = LETTER[0] - 1.2 * inch

    def heading(i, t):
        return Paragraph("SECTION %d. %s / %s" % (i, esc(GHS_TITLES[i - 1].upper()), esc(FR_TITLES[i - 1].upper())),
                         ParagraphStyle("h", fontName=UNI_B, fontSize=9, leading=12, spaceBefore=4,
                                        borderWidth=0, backColor=colors.HexColor("#dce6f1")))

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        rows = [("Product identifier / Identificateur du produit", p["name"]),
                ("Nom du produit", p["fr_name"]), ("Product code / Code du produit", p["code"]),
                ("Recommended use / Usage recommandé", p["use"]),
                ("Supplier / Fournisseur", s[0] + ", " + s[1]),
                ("Emergency telephone / Téléphone d'urgence", s[3])]
        return [kv_table(rows, st, [width * 0.4, width * 0.6])]

    def comp(p, st, width):
        rows = [[esc(c[0]), esc(c[2] or c[1] or "-"), esc(c[3])] for c in p["comps"]]
        out = [grid_table(["Hazardous ingredients / Ingrédients dangereux", "CAS No. / No CAS",
                           "Concentration (% w/w)"], rows, st, [width * 0.5, width * 0.25, width * 0.25])]
        if p.get("foot_note"):
            out.append(Paragraph(esc(p["foot_note"]), st["small"]))
        out.append(Paragraph("The actual concentration is withheld as confidential business information where a "
                             "range is shown. / La concentration exacte est retenue comme renseignement "
                             "commercial confidentiel.", st["small"]))
        return out

    def sec9(pp):
        labels = [("state", "Physical state / État physique"), ("form", "Form / Forme"),
                  ("color", "Colour / Couleur"), ("odor", "Odour / Odeur"), ("ph", "pH"),
                  ("mp", "Melting point / Point de fusion"), ("bp", "Boiling point / Point d'ébullition"),
                  ("flash", "Flash point / Point d'éclair"), ("vd", "Vapour density / Densité de vapeur"),
                  ("sg", "Relative density / Densité relative")]
        return props_rows(pp, labels)

    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                            topMargin=0.6 * inch, bottomMargin=0.6 * inch)
    story = [Paragraph("SAFETY DATA SHEET / FICHE DE DONNÉES DE SÉCURITÉ", ParagraphStyle(
                 "t", fontName=UNI_B, fontSize=13, leading=16, alignment=TA_CENTER)),
             Paragraph("Prepared to WHMIS 2015 (Hazardous Products Regulations) and OSHA HCS 2012", st["small"]),
             Spacer(1, 6)]
    story += flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "abbr", sec9=sec9, grid=True)
    doc.build(story)


# ---- I: multi-page, repeated header "Product: X  Revision date: ...  Page 2 of 6" and footer
def layout_I(p, path):
    st = styles("Helvetica", "Helvetica-Bold", 9.5)
    W, H = LETTER
    width = W - 1.5 * inch
    rev = "03/11/2024"

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *a, **k):
            canvas.Canvas.__init__(self, *a, **k)
            self._saved = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            n = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.drawString(0.75 * inch, H - 0.5 * inch, "Product: %s" % p["name"])
                self.drawString(0.75 * inch, H - 0.64 * inch, "Revision date: %s      Supersedes: 05/02/2021"
                                % rev)
                self.drawRightString(W - 0.75 * inch, H - 0.64 * inch,
                                     "Page %d of %d" % (self._pageNumber, n))
                self.line(0.75 * inch, H - 0.7 * inch, W - 0.75 * inch, H - 0.7 * inch)
                self.line(0.75 * inch, 0.6 * inch, W - 0.75 * inch, 0.6 * inch)
                self.drawString(0.75 * inch, 0.45 * inch, "%s  |  SDS %s  |  US (GHS/HazCom 2012)  |  EN"
                                % (SUP[p["sup"]][0], p["code"]))
                canvas.Canvas.showPage(self)
            canvas.Canvas.save(self)

    def heading(i, t):
        return Paragraph("SECTION %d. %s" % (i, esc(t)), ParagraphStyle(
            "h", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8, spaceAfter=3))

    def sec1(p, st, width):
        s = SUP[p["sup"]]
        return [kv_table([("Product name", p["name"]), ("Product number", p["code"]),
                          ("Recommended use", p["use"]), ("Manufacturer", s[0]), ("", s[1]),
                          ("Telephone", s[2]), ("Emergency", s[3])], st, [width * 0.28, width * 0.72])]

    def comp(p, st, width):
        rows = [[esc(c[0]), esc(c[2] or c[1] or "-"), esc(c[3])] for c in p["comps"]]
        intro = [Paragraph("Chemical nature: Mixture", st["body"]),
                 Paragraph("Hazardous components", st["sub"])]
        # long filler before the table so that it breaks across a page in the longer files
        return intro + [grid_table(["Component", "CAS-No.", "Amount [Wt %]"], rows, st,
                                   [width * 0.55, width * 0.2, width * 0.25], long=True, box=False)]

    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
                            topMargin=0.95 * inch, bottomMargin=0.8 * inch)
    story = [Paragraph("SAFETY DATA SHEET", st["title"])]
    story += flow_generic(p, st, width, heading, GHS_TITLES, comp, sec1, "long")
    doc.build(story, canvasmaker=NumberedCanvas)


def layout_I_split(p, path):
    """Build layout I, lengthening section 2's 'other hazards' text until the section 3 table is cut by a
    page break (the heading and first row on one page, the last row on the next)."""
    from pypdf import PdfReader
    first, last = p["comps"][0], p["comps"][-1]
    key_first = first[2] or first[1] or first[0]
    key_last = last[2] or last[1] or last[0]
    for k in range(0, 80):
        p["_other"] = " ".join(OTHER_HAZ[j % len(OTHER_HAZ)] for j in range(k))
        layout_I(p, path)
        pages = [pg.extract_text() for pg in PdfReader(path).pages]
        for i, t in enumerate(pages[:-1]):
            if "SECTION 3." in t and key_first in t.split("SECTION 3.")[1] and key_last not in t.split("SECTION 3.")[1] \
                    and key_last in pages[i + 1]:
                p.pop("_other")
                return
    raise AssertionError("could not split section 3 across pages: " + p["stem"])


# ---- J: plain monospaced text export (ERP-generated)
def layout_J(p, path):
    st = ParagraphStyle("mono", fontName="Courier", fontSize=8, leading=9.6)
    stb = ParagraphStyle("monob", fontName="Courier-Bold", fontSize=8, leading=9.6)
    s = SUP[p["sup"]]
    L = []

    def head(i, t):
        L.append(("b", ""))
        L.append(("b", "=" * 90))
        L.append(("b", "SECTION %02d   %s" % (i, t.upper())))
        L.append(("b", "=" * 90))

    def kv(k, v):
        L.append(("n", ("%-28s: %s" % (k.upper(), v))))

    L.append(("b", "SAFETY DATA SHEET".center(90)))
    L.append(("n", ("SDS NO. %s        REV. 04        DATE 2022-10-30" % p["code"]).center(90)))
    for i, t in enumerate(GHS_TITLES, 1):
        head(i, t)
        if i == 1:
            kv("Product identifier", p["name"]); kv("Item number", p["code"]); kv("Use", p["use"])
            kv("Supplier", s[0]); kv("Address", s[1]); kv("Phone", s[2]); kv("Emergency", s[3])
        elif i == 2:
            L.append(("n", "GHS CLASSIFICATION:"))
            for c, cat, h in p["ghs"]:
                L.append(("n", ("  %s %s" % (c, catlabel(cat))).upper().rstrip()))
            L.append(("n", "SIGNAL WORD: %s" % (p["signal"] or "NONE").upper()))
            L.append(("n", "HAZARD STATEMENTS:"))
            for h in hazard_codes(p):
                L.append(("n", ("  %s %s" % (h, H_TEXT[h].upper())) if h != "SA" else "  " + H_TEXT[h].upper()))
            L.append(("n", "PRECAUTIONARY STATEMENTS:"))
            for x in precautions(p):
                L.append(("n", "  " + x.upper()))
        elif i == 3:
            L.append(("n", "%-44s %-20s %s" % ("COMPONENT", "CAS NUMBER", "WEIGHT %")))
            L.append(("n", "%-44s %-20s %s" % ("-" * 43, "-" * 19, "-" * 10)))
            for c in p["comps"]:
                L.append(("n", "%-44s %-20s %s" % (c[0].upper()[:44], c[2] or c[1], c[3])))
        elif i == 9:
            for k, lab in [("state", "Physical state"), ("form", "Form"), ("color", "Color"), ("odor", "Odor"),
                           ("ph", "pH"), ("bp", "Boiling point"), ("flash", "Flash point"), ("vp", "Vapor pressure"),
                           ("sg", "Specific gravity")]:
                if k in p["props"]:
                    kv(lab, p["props"][k])
        elif i == 8:
            for a, b, c_, d in filler(p, 8):
                L.append(("n", "%s (CAS# %s)  OSHA PEL: %s  ACGIH TLV: %s" % (a.upper(), b, c_, d)))
            L.append(("n", "ENGINEERING CONTROLS: LOCAL EXHAUST VENTILATION. PPE: GOGGLES, GLOVES."))
        else:
            for k, v in filler(p, i):
                kv(k, v)
    lines = []
    for kind, text in L:
        # wrap long lines the way a text export does
        while len(text) > 96:
            cut = text.rfind(" ", 0, 96)
            cut = cut if cut > 40 else 96
            lines.append((kind, text[:cut]))
            text = "                              " + text[cut:].lstrip()
        lines.append((kind, text))
    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.6 * inch, rightMargin=0.4 * inch,
                            topMargin=0.5 * inch, bottomMargin=0.5 * inch)
    story = [XPreformatted(esc(ascii_ge(t)) or " ", stb if k == "b" else st) for k, t in lines]
    doc.build(story)


# ---- F: pre-GHS ANSI Z400.1 / OSHA Form 174-style MSDS
def layout_F(p, path):
    st = styles("Helvetica", "Helvetica-Bold", 8.5)
    m = p["msds"]
    s = SUP[p["sup"]]
    width = LETTER[0] - 1.2 * inch

    def sect(roman, title):
        t = Table([[Paragraph("Section %s - %s" % (roman, esc(title)), st["cellb"])]], colWidths=[width])
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#bfbfbf")),
                               ("BOX", (0, 0), (-1, -1), 0.8, colors.black)]))
        return t

    def boxrows(rows, w=(0.4, 0.6)):
        return kv_table(rows, st, [width * w[0], width * w[1]], grid=True, bold_keys=False)

    story = [Paragraph("MATERIAL SAFETY DATA SHEET", st["title"]),
             Paragraph("May be used to comply with OSHA's Hazard Communication Standard, 29 CFR 1910.1200. "
                       "Standard must be consulted for specific requirements.", st["small"]),
             Spacer(1, 4),
             boxrows([("IDENTITY (As Used on Label and List)", m["identity"]),
                      ("Note", "Blank spaces are not permitted. If any item is not applicable, or no information "
                               "is available, the space must be marked to indicate that.")]),
             Spacer(1, 4), sect("I", "Manufacturer's Information"),
             boxrows([("Manufacturer's Name", s[0]), ("Address (Number, Street, City, State, and ZIP Code)", s[1]),
                      ("Emergency Telephone Number", s[3]), ("Telephone Number for Information", s[2]),
                      ("Date Prepared", "04/12/2009"), ("Signature of Preparer (optional)", "R. Alvarez")]),
             Spacer(1, 4), sect("II", "Hazardous Ingredients/Identity Information")]
    rows = []
    for c in p["comps"]:
        extra = c[4]
        rows.append(["%s %s" % (esc(c[0]), esc(c[2] or "")), esc(extra["pel"]), esc(extra["tlv"]), "-",
                     esc(c[3])])
    story.append(grid_table(["Hazardous Components (Specific Chemical Identity; Common Name(s))", "OSHA PEL",
                             "ACGIH TLV", "Other Limits Recommended", "% (optional)"], rows, st,
                            [width * 0.4, width * 0.16, width * 0.16, width * 0.14, width * 0.14],
                            shade=colors.white))
    story += [Spacer(1, 4), sect("III", "Physical/Chemical Characteristics"), boxrows(m["phys"]),
              Spacer(1, 4), sect("IV", "Fire and Explosion Hazard Data"), boxrows(m["fire"]),
              Spacer(1, 4), sect("V", "Reactivity Data"), boxrows(m["react"]),
              Spacer(1, 4), sect("VI", "Health Hazard Data"), boxrows(m["health"]),
              Spacer(1, 4), sect("VII", "Precautions for Safe Handling and Use"),
              boxrows([("Steps to Be Taken in Case Material Is Released or Spilled", "Pick up / absorb and place in "
                        "container for disposal."),
                       ("Waste Disposal Method", "Dispose of in accordance with federal, state and local regulations."),
                       ("Precautions to Be Taken in Handling and Storing", "Store in a dry place."),
                       ("Other Precautions", m.get("sara", "Read and understand the manufacturer's instructions and "
                                                          "ANSI Z49.1 before use."))]),
              Spacer(1, 4), sect("VIII", "Control Measures"),
              boxrows([("Respiratory Protection (Specify Type)", "Use NIOSH-approved respirator if exposure limits "
                        "may be exceeded."),
                       ("Ventilation", "Local exhaust: recommended. Mechanical (General): acceptable."),
                       ("Protective Gloves", "Yes"), ("Eye Protection", "Safety glasses; welding helmet with filter "
                                                     "lens when welding." if p["stem"].startswith("f1") else
                                                     "Safety glasses"),
                       ("Work/Hygienic Practices", "Wash hands before eating.")])]
    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                            topMargin=0.5 * inch, bottomMargin=0.5 * inch)
    doc.build(story)


# ---- negatives
def scanned(path):
    """An image-only 'scan': grey boxes and strokes, no text objects at all."""
    c = canvas.Canvas(path, pagesize=LETTER, invariant=1)
    W, H = LETTER
    for page in range(2):
        c.setFillColor(colors.HexColor("#f4f1ea"))
        c.rect(0, 0, W, H, stroke=0, fill=1)
        c.setFillColor(colors.HexColor("#444444"))
        c.rect(1.8 * inch, H - 1.0 * inch, 5 * inch, 0.28 * inch, stroke=0, fill=1)  # "title"
        y = H - 1.5 * inch
        k = 0
        while y > 0.9 * inch:
            k += 1
            if k % 9 == 1:
                c.setFillColor(colors.HexColor("#888888"))
                c.rect(0.7 * inch, y - 2, W - 1.4 * inch, 12, stroke=0, fill=1)  # section bar
                y -= 20
                continue
            c.setFillColor(colors.HexColor("#555555"))
            x = 0.8 * inch
            while x < W - 1.0 * inch:
                w = 12 + ((k * 37 + int(x)) % 55)
                c.rect(x, y, w, 6, stroke=0, fill=1)  # "words"
                x += w + 5
            y -= 12
        c.setStrokeColor(colors.HexColor("#999999"))
        c.line(0.6 * inch, 0.6 * inch, W - 0.6 * inch, 0.62 * inch)
        c.showPage()
    c.save()


def invoice(path):
    st = styles("Helvetica", "Helvetica-Bold", 9)
    width = LETTER[0] - 1.2 * inch
    rows = [["1001-4", "Acetone, technical grade (CAS 67-64-1), 55 gal drum", "2", "DR", "$612.00", "$1,224.00"],
            ["2210-1", "Sodium hydroxide beads 50 lb bag (CAS 1310-73-2)", "10", "BG", "$48.50", "$485.00"],
            ["3302-9", "Hydrochloric acid 31.45% (20 Baume), 5 gal pail", "4", "PL", "$39.00", "$156.00"],
            ["4410-2", "Propane cylinder exchange, 33.5 lb forklift", "6", "CY", "$41.25", "$247.50"],
            ["9000-0", "Hazmat handling fee / DOT", "1", "EA", "$35.00", "$35.00"]]
    doc = SimpleDocTemplate(path, pagesize=LETTER, leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                            topMargin=0.6 * inch, bottomMargin=0.6 * inch)
    s = SUP["pacific"]
    story = [Paragraph(esc(s[0]), st["h"]), Paragraph(esc(s[1]) + " &nbsp; " + s[2], st["body"]), Spacer(1, 10),
             Paragraph("INVOICE", ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=20, leading=24)),
             kv_table([("Invoice No.", "INV-2024-118842"), ("Invoice date", "2024-04-18"), ("PO number", "PO-7731"),
                       ("Terms", "Net 30"), ("Bill to", "Delta Machine Works, 4500 Pier Ave, Oakland, CA 94607"),
                       ("Ship to", "Same")], st, [width * 0.25, width * 0.75]),
             Spacer(1, 10),
             grid_table(["Item", "Description", "Qty", "UOM", "Unit price", "Amount"], rows, st,
                        [width * 0.1, width * 0.48, width * 0.07, width * 0.07, width * 0.13, width * 0.15]),
             Spacer(1, 8),
             kv_table([("Subtotal", "$2,147.50"), ("Sales tax (9.25 %)", "$198.64"), ("Total due", "$2,346.14")],
                      st, [width * 0.8, width * 0.2]),
             Spacer(1, 10),
             Paragraph("Safety Data Sheets for the products above are available on request or at our web site. "
                       "Hazardous materials shipped under DOT 49 CFR; Section 3 of each SDS lists composition.",
                       st["small"]),
             Paragraph("Please remit payment to the address above. Thank you for your business.", st["body"])]
    doc.build(story)


LAYOUTS = dict(A=layout_A, B=layout_B, C=layout_C, D=layout_D, E=layout_E, F=layout_F, G=layout_G,
               H=layout_H, I=layout_I_split, J=layout_J)
EMPTY = {"product_name": None, "components": [], "physical_state": None, "cers_hazards": []}


def expected(p):
    comps = []
    for c in p["comps"]:
        cas = c[1]
        assert cas is None or cas_ok(cas), "bad CAS check digit: %s %s" % (c[0], cas)
        comps.append({"cas": cas, "name": c[0].rstrip(" *").strip(), "percent_high": percent_high(c[3])})
    hz = p["cers_override"] if "cers_override" in p else cers_from_ghs(p["ghs"])
    assert set(hz) <= set(CERS_ORDER)
    assert p["state"] in ("solid", "liquid", "gas")
    return {"product_name": p["name"], "components": comps, "physical_state": p["state"], "cers_hazards": hz}


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".pdf", ".json")):
            os.remove(os.path.join(OUT, f))
    stems = set()
    for p in PRODUCTS:
        assert p["stem"] not in stems
        stems.add(p["stem"])
        exp = expected(p)
        LAYOUTS[p["layout"]](p, os.path.join(OUT, p["stem"] + ".pdf"))
        with open(os.path.join(OUT, p["stem"] + ".json"), "w") as fh:
            json.dump(exp, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    scanned(os.path.join(OUT, "x1_scanned_sds.pdf"))
    with open(os.path.join(OUT, "x1_scanned_sds.json"), "w") as fh:
        json.dump(dict(EMPTY, scanned=True), fh, indent=1)
        fh.write("\n")
    invoice(os.path.join(OUT, "x2_invoice_not_sds.pdf"))
    with open(os.path.join(OUT, "x2_invoice_not_sds.json"), "w") as fh:
        json.dump(dict(EMPTY, not_sds=True), fh, indent=1)
        fh.write("\n")
    verify()


def verify():
    from pypdf import PdfReader
    pdfs = sorted(f for f in os.listdir(OUT) if f.endswith(".pdf"))
    total = 0
    for f in pdfs:
        stem = f[:-4]
        path = os.path.join(OUT, f)
        total += os.path.getsize(path) + os.path.getsize(os.path.join(OUT, stem + ".json"))
        with open(os.path.join(OUT, stem + ".json")) as fh:
            exp = json.load(fh)
        assert set(exp) >= {"product_name", "components", "physical_state", "cers_hazards"}, f
        for c in exp["components"]:
            assert c["cas"] is None or cas_ok(c["cas"]), (f, c)
        text = "".join(pg.extract_text() or "" for pg in PdfReader(path).pages)
        if exp.get("scanned"):
            assert not text.strip(), "scanned PDF has text: " + f
        else:
            assert len(text) > 500, "too little text in " + f
            for c in exp["components"]:
                if c["cas"]:
                    assert c["cas"] in text, (f, c["cas"])
    assert len(pdfs) >= 24
    assert total < 2_000_000, total
    print("%d PDFs, %d bytes (pdf+json), all JSON parse, CAS check digits valid, text extractable" % (len(pdfs), total))


if __name__ == "__main__":
    main()
