"""The documents' content check and advice, without a database: what is a PDF CERS takes (by content, never by
name), the plain-words reason for each refusal, and which checklist items the text of a site map or a plan lacks."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from bot.documents import advice as advice_mod
from bot.documents.advice import SITE_MAP_CHECKLIST, SITE_MAP_ITEMS, advice
from bot.documents.pdf_check import PdfRejected, check_pdf
from tests.pdfs import JPEG, SITE_MAP_LINES, blank_pdf, damaged_pdf, encrypted_pdf, text_pdf

MB = 1024 * 1024
LIMIT = 25 * MB


def test_a_real_pdf_passes_with_its_pages_and_text() -> None:
    info = check_pdf(text_pdf(SITE_MAP_LINES, ["Second page: legend"]), LIMIT, "map.pdf")
    assert info.pages == 2
    assert "North arrow" in info.text and "Second page" in info.text
    assert check_pdf(blank_pdf(3), LIMIT).pages == 3


@pytest.mark.parametrize("data,reason,words", [
    (JPEG, "not_pdf", ["a picture (JPEG)", "not a PDF", "Save as PDF"]),
    (b"", "empty", ["empty (0 bytes)", "Choose the file again"]),
    (damaged_pdf(), "damaged", ["damaged PDF", "export it again"]),
    (encrypted_pdf(), "encrypted", ["password", "without the password"]),
    (b"PK\x03\x04" + b"\x00" * 100, "not_pdf", ["Word, Excel or zip file"]),
    (b"Hello, this is a text file", "not_pdf", ["not a PDF"]),
])
def test_each_bad_file_gets_its_own_plain_reason(data: bytes, reason: str, words: list[str]) -> None:
    with pytest.raises(PdfRejected) as caught:
        check_pdf(data, LIMIT, "site-map.pdf")
    assert caught.value.reason == reason
    assert caught.value.field == "file"
    assert "“site-map.pdf”" in caught.value.message
    for word in words:
        assert word in caught.value.message


def test_a_pdf_without_pages_is_refused() -> None:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    with pytest.raises(PdfRejected) as caught:
        check_pdf(buffer.getvalue(), LIMIT)
    assert caught.value.reason in ("no_pages", "damaged")


def test_the_size_limit_is_stated_and_checked_before_opening() -> None:
    data = blank_pdf()
    with pytest.raises(PdfRejected) as caught:
        check_pdf(data + b"\n" * (2 * MB), 1 * MB, "big.pdf")
    assert caught.value.reason == "too_big"
    assert "CERS takes files up to 1 MB" in caught.value.message
    assert check_pdf(data, len(data)).pages == 1  # exactly at the limit is fine


def test_a_complete_site_map_has_no_advice() -> None:
    found = advice("site_map", "\n".join(SITE_MAP_LINES))
    assert found.has_text and found.missing == ()
    assert "found in it everything" in found.message


def test_a_sparse_site_map_gets_advice_naming_what_is_missing() -> None:
    found = advice("site_map", "Valley Auto Repair\nW Shaw Ave\nMain entrance\nDrum storage area")
    assert found.has_text
    assert found.missing_keys == ["north_arrow", "shutoffs", "emergency_equipment", "evacuation_area",
                                  "scale_legend"]
    assert "a north arrow" in found.message and "the evacuation assembly / staging area" in found.message
    assert "advice only" in found.message and "The file is saved" in found.message


def test_a_scanned_map_without_text_is_advice_to_check_by_hand() -> None:
    found = advice("site_map", "  \n ")
    assert not found.has_text
    assert len(found.missing) == len(SITE_MAP_ITEMS)
    assert "couldn't read any text" in found.message and "a north arrow" in found.message


def test_the_plan_needs_emergency_numbers_and_a_revision_date() -> None:
    good = advice("emergency_response_plan",
                  "Emergency Response Plan. Revised: March 3, 2026.\nCall 911. Emergency coordinator Ana Ruiz "
                  "(559) 555-0123, 24 hours. State Warning Center (800) 852-7550.")
    assert good.missing == ()
    bare = advice("emergency_response_plan", "Emergency Response Plan for Valley Auto Repair. Evacuate by the "
                                             "front door.")
    assert bare.missing_keys == ["emergency_phones", "state_warning_center", "revision_date"]
    undated = advice("emergency_response_plan", "Call 911 then 559-555-0123. Cal OES 800-852-7550. Updated often.")
    assert undated.missing_keys == ["revision_date"]
    assert "the date the plan was last revised" in undated.message


def test_the_training_plan_advice() -> None:
    found = advice("employee_training_plan", "Employee Training Plan, effective 01/15/2026. New hires are trained "
                                             "before handling chemicals; everyone gets an annual refresher.")
    assert found.missing_keys == ["emergency_phones"]


def test_the_site_map_checklist_for_the_filer_names_every_item() -> None:
    for item in advice_mod.SITE_MAP_ITEMS:
        assert item.label in SITE_MAP_CHECKLIST
    assert SITE_MAP_CHECKLIST.startswith("A site map is")
