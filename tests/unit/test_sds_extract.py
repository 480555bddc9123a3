"""Reading Safety Data Sheets: each development layout of tests/sds_layouts.py read field by field, the
percent forms and CAS check digits, a scan and a PDF that is not an SDS."""
from __future__ import annotations

import pytest

from bot.sds.extract import percent_of, read_sds, read_text
from bot.sds.hazards import CERS_HAZARD_WORDS
from bot.sds.measure import Score, score_one
from tests import sds_layouts
from tests.pdfs import text_pdf


@pytest.fixture(scope="module")
def readings() -> dict[str, object]:
    return {layout.name: read_sds(layout.build()) for layout in sds_layouts.LAYOUTS}


@pytest.mark.parametrize("layout", sds_layouts.LAYOUTS, ids=lambda layout: layout.name)
def test_each_layout_is_read_field_by_field(layout: sds_layouts.Layout, readings: dict) -> None:
    r = readings[layout.name]
    want = layout.expected
    assert r.has_text and r.is_sds
    assert r.product_name == want["product_name"]
    assert [(c.name, c.cas, c.percent_high) for c in r.components] == \
        [(c["name"], c["cas"], c["percent_high"]) for c in want["components"]]
    assert r.physical_state == want["physical_state"]
    assert [CERS_HAZARD_WORDS[h] for h in r.cers_hazards] == want["cers_hazards"]


def test_ranges_keep_low_and_high_and_the_trade_secret_is_left_for_the_filer(readings: dict) -> None:
    paint = readings["paint"]
    assert (paint.components[-1].percent_low, paint.components[-1].percent_high) == (0.1, 0.25)
    jan = readings["janitorial"]
    secret = jan.components[-1]
    assert secret.trade_secret and secret.cas is None and secret.percent_high is None
    assert any("Surfactant blend" in n and "trade secret" in n for n in jan.notes)
    assert jan.components[2].percent_high == 1.0 and jan.components[2].percent_low is None  # "< 1"


def test_ghs_classes_flash_point_and_the_aerosol(readings: dict) -> None:
    assert "Flammable liquids Category 2" in readings["big_chemical"].ghs_classes
    assert readings["acetone"].flash_point.startswith("-17.0")
    aerosol = readings["automotive_aerosol"]
    assert aerosol.aerosol and aerosol.physical_state == "gas"
    assert "FHCPhysicalGasUnderPressure" in aerosol.ghs_hazards
    # precautionary statements ("If skin irritation occurs") add nothing; H304's "fatal if swallowed and enters
    # airways" is an aspiration hazard, not acute toxicity
    assert not any(c.startswith("Acute toxicity") for c in readings["big_chemical"].ghs_classes)


def test_old_msds_is_cut_by_heading_words_not_numbers(readings: dict) -> None:
    r = readings["old_msds"]
    assert [c.cas for c in r.components] == ["7778-54-3", "7647-14-5", "1305-62-0"]
    assert "Oxidizing solids Category 2" in r.ghs_classes


@pytest.mark.parametrize("text, want", [
    ("10 - 30", (10, 30)), ("10-<25", (10, 25)), (">= 60 - < 80 %", (60, 80)), ("< 1", (None, 1)),
    ("30 - 60 %", (30, 60)), ("100", (100, 100)), ("Flam. Liq. 2; H225 >= 5 - < 10 %", (5, 10)),
    ("> 95 %", (95, 100)), ("Trade secret", (None, None)),
])
def test_percent_forms(text: str, want: tuple) -> None:
    low, high, _ = percent_of(text)
    assert (low, high) == want


def test_a_cas_number_failing_its_check_digit_is_left_out_and_said() -> None:
    pdf = text_pdf(["SAFETY DATA SHEET", "1. Identification", "Product name: Test Cleaner",
                    "2. Hazards identification", "H225 Highly flammable liquid and vapor",
                    "3. Composition/information on ingredients", "Chemical name CAS-No. Weight-%",
                    "Ethanol 64-17-6 60 - 80", "Water 7732-18-5 20 - 40",
                    "9. Physical and chemical properties", "Physical state: Liquid"])
    r = read_sds(pdf)
    assert [(c.name, c.cas, c.percent_high) for c in r.components] == [("Ethanol", None, 80), ("Water", "7732-18-5", 40)]
    assert any("64-17-6" in n and "check digit" in n for n in r.notes)


def test_a_scan_has_no_text_and_a_site_map_is_not_an_sds() -> None:
    scan = read_sds(sds_layouts.scanned())
    assert scan.has_text is False and scan.components == [] and scan.notes
    other = read_sds(sds_layouts.not_an_sds())
    assert other.has_text and not other.is_sds and "doesn't look like a Safety Data Sheet" in other.notes[0]


def test_headers_and_footers_repeated_on_each_page_are_not_read_as_content() -> None:
    r = read_text(["Acme Degreaser  Page 1 of 2\nSECTION 1: Identification\nProduct name: Acme Degreaser\n"
                   "SECTION 2: Hazards identification\nSkin Irrit. 2",
                   "Acme Degreaser  Page 2 of 2\nSECTION 3: Composition/information on ingredients\n"
                   "Sodium hydroxide CAS# 1310-73-2 1 - 5 %\nSECTION 9: Physical and chemical properties\n"
                   "Form: Gel"])
    assert r.product_name == "Acme Degreaser"
    assert [(c.cas, c.percent_high) for c in r.components] == [("1310-73-2", 5.0)]
    assert r.physical_state == "liquid" and r.cers_hazards == ["fhc_acute_health"]


def test_the_measure_scores_a_reading_against_its_expected_json(readings: dict) -> None:
    s = Score()
    for layout in sds_layouts.LAYOUTS:
        score_one(layout.name, layout.expected, readings[layout.name], s)
    assert s.right == s.total and s.extra_components == 0


def test_a_sheet_that_is_not_hazardous_says_so_and_an_old_one_falls_back_on_sara_categories(readings: dict) -> None:
    grease = readings["grease"]
    assert grease.hazards_known and grease.cers_hazards == [] and grease.physical_state == "solid"  # a paste
    old = read_text(["SECTION 1 - PRODUCT IDENTIFICATION\nProduct Name: Old Solvent\n"
                     "SECTION 2 - HAZARDOUS INGREDIENTS\nMineral spirits 8052-41-3 100\n"
                     "SECTION 3 - HAZARDS IDENTIFICATION\nAvoid breathing vapors.\n"
                     "SECTION 15 - REGULATORY INFORMATION\nSARA 311/312 Hazard Categories: Fire Hazard: Yes  "
                     "Acute Health Hazard: Yes  Chronic Health Hazard: No  Reactive Hazard: No"])
    assert old.cers_hazards == ["fhc_fire", "fhc_acute_health"] and old.hazards_known
    unknown = read_text(["1. Identification\nProduct name: Mystery Mix\n2. Hazards identification\nSee label.\n"
                         "3. Composition\nEthanol 64-17-5 10 - 30"])
    assert not unknown.hazards_known and any("hazard classes" in n for n in unknown.notes)


def test_ec_and_index_numbers_are_never_read_as_cas_or_percent() -> None:
    r = read_text(["1. Identification\nProduct name: Solvent X\n2. Hazards identification\nH225\n"
                   "3. Composition/information on ingredients\n"
                   "Ethanol 64-17-5 200-578-6 603-002-00-5 10 - 30 %\n67-63-0 Propan-2-ol 5 - 10"])
    assert [(c.name, c.cas, c.percent_high) for c in r.components] == [("Ethanol", "64-17-5", 30),
                                                                         ("Propan-2-ol", "67-63-0", 10)]


def test_labelled_blocks_percent_before_cas_and_a_product_code_on_the_name_line() -> None:
    r = read_text(["1. Identification\nProduct name: Acme Degreaser Product code: AD-77\n"
                   "2. Hazards identification\nH319\n3. Composition/information on ingredients\n"
                   "Chemical name: Toluene\nCAS number: 108-88-3\nConcentration: 30-60%\n"
                   "Xylene 5 - 10 % 1330-20-7\n9. Physical and chemical properties\nPhysical form: Liquid"])
    assert r.product_name == "Acme Degreaser" and r.physical_state == "liquid"
    assert [(c.name, c.cas, c.percent_high) for c in r.components] == [("Toluene", "108-88-3", 60),
                                                                         ("Xylene", "1330-20-7", 10)]


def test_a_heading_on_two_lines_a_cas_cell_without_a_number_and_an_old_overview() -> None:
    r = read_text(["SECTION 1\nPRODUCT IDENTIFICATION\nProduct Name(s): Old Thinner\nManufacturer Name: Acme Co\n"
                   "SECTION 2\nHAZARDS IDENTIFICATION\nDANGER! FLAMMABLE. CORROSIVE.\n"
                   "Keep away from non-flammable materials.\n"
                   "SECTION 3\nCOMPOSITION / INFORMATION ON INGREDIENTS\n"
                   "Petroleum distillates Mixture 30 - 50 %\nToluene 108-88-3 40 - 60 %\n"
                   "SECTION 9\nPHYSICAL AND CHEMICAL PROPERTIES\nPhysical State @ 20 C: Liquid"])
    assert (r.product_name, r.manufacturer, r.physical_state) == ("Old Thinner", "Acme Co", "liquid")
    assert [(c.name, c.cas, c.percent_high) for c in r.components] == [("Petroleum distillates", None, 50),
                                                                         ("Toluene", "108-88-3", 60)]
    assert r.cers_hazards == ["fhc_fire", "fhc_acute_health"]


def test_unicode_dashes_and_comparison_signs_read_like_ascii() -> None:
    r = read_text(["SECTION 1: Identification\nProduct name: Dash Cleaner\nSECTION 2: Hazards identification\n"
                   "Flam. Liq. 3\nSECTION 3: Composition/information on ingredients\n"
                   "Ethanol 64\u201117\u20115 10\u201330\nIsopropanol 67\u201363\u20110 \u2265 5 \u2013 \u2264 10 %"])
    assert [(c.cas, c.percent_low, c.percent_high) for c in r.components] == [("64-17-5", 10, 30),
                                                                            ("67-63-0", 5, 10)]


def test_an_unusual_section_4_still_ends_the_ingredients_and_a_cas_named_twice_is_one_component() -> None:
    r = read_text(["SECTION 1: Identification\nProduct name: Two Part Cleaner\n"
                   "SECTION 2: Hazards identification\nEye Irrit. 2\n"
                   "SECTION 3: Composition/information on ingredients\nEthanol 64-17-5 10 - 30 %\n"
                   "Note: ethanol (CAS 64-17-5) is denatured.\n"
                   "SECTION 4: Description of necessary measures\nToluene 108-88-3 see section 8"])
    assert [(c.name, c.cas, c.percent_high) for c in r.components] == [("Ethanol", "64-17-5", 30)]


def test_a_pdf_whose_text_cannot_be_read_gives_a_plain_note_not_an_error() -> None:
    from tests.pdfs import damaged_pdf

    r = read_sds(damaged_pdf())
    assert r.has_text is False and "couldn't read the text" in r.notes[0]


def test_long_eu_headings_without_the_word_section() -> None:
    r = read_text(["1. IDENTIFICATION OF THE SUBSTANCE/MIXTURE AND OF THE COMPANY/UNDERTAKING\n"
                   "Product name: Euro Clean 5\n2. HAZARDS IDENTIFICATION\nEye Irrit. 2\n"
                   "3. COMPOSITION/INFORMATION ON INGREDIENTS\nEthanol 64-17-5 10 - 30 %\n"
                   "9. PHYSICAL AND CHEMICAL PROPERTIES\nPhysical state: liquid"])
    assert r.product_name == "Euro Clean 5" and [c.cas for c in r.components] == ["64-17-5"]
