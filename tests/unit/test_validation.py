"""Input validation: clean values come back normalized; bad ones give a message that says how to fix them."""
from __future__ import annotations

import pytest

from bot import geo
from bot.errors import ValidationError
from bot.validation import (
    PASSWORD_RULES,
    PasswordTooWeak,
    check_city_zip,
    check_password,
    normalize_cers_id,
    normalize_email,
    normalize_full_name,
    normalize_phone,
    parse_ca_zip,
    password_problems,
)


@pytest.mark.parametrize("raw", ["559-555-0123", "(559) 555 0123", "+1 559 555 0123", "559.555.0123", "5595550123"])
def test_us_phone_numbers_in_every_usual_form_are_accepted(raw: str) -> None:
    assert normalize_phone(raw) == "(559) 555-0123"


def test_phone_extension_is_kept() -> None:
    assert normalize_phone("5595550123 ext 12") == "(559) 555-0123 ext. 12"


@pytest.mark.parametrize("raw", ["555-0123", "123", "call me", "+44 20 7946 0958", "000-000-0000"])
def test_bad_phone_numbers_are_rejected_with_the_expected_shape(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalize_phone(raw)
    assert "a US number has 10 digits, like 559-555-0123" in err.value.message
    assert err.value.field == "phone"


def test_email_is_lower_cased_and_trimmed() -> None:
    assert normalize_email("  Maria.Lopez@Example.COM ") == "maria.lopez@example.com"


@pytest.mark.parametrize("raw", ["maria", "maria@", "@example.com", "maria lopez@example.com", "maria@@example.com", ""])
def test_malformed_emails_are_rejected_with_an_example(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalize_email(raw)
    assert "name@example.com" in err.value.message
    assert err.value.field == "email"


def test_ca_zip_accepts_zip_plus_four() -> None:
    assert parse_ca_zip("93721") == "93721"
    assert parse_ca_zip(" 93721-1234 ") == "93721"


def test_zip_outside_california_says_california_zips_start_with_9() -> None:
    with pytest.raises(ValidationError) as err:
        parse_ca_zip("10001")
    assert "California ZIP codes start with 9" in err.value.message


def test_unknown_california_zip_is_not_found() -> None:
    with pytest.raises(ValidationError) as err:
        parse_ca_zip("99999")
    assert "can't find ZIP code 99999 in California" in err.value.message


@pytest.mark.parametrize("raw", ["9372", "937211", "abcde"])
def test_zip_of_the_wrong_shape_asks_for_5_digits(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_ca_zip(raw)
    assert "5 digits" in err.value.message


def test_city_matching_ignores_case_and_spaces_and_returns_the_canonical_name() -> None:
    assert check_city_zip("  fresno ", "93721") == "Fresno"
    assert check_city_zip("LOS  ANGELES", "90002") == "Los Angeles"
    assert check_city_zip("watts", "90002") == "Watts"  # a name the USPS accepts for that ZIP


def test_wrong_city_for_zip_names_the_zips_city() -> None:
    with pytest.raises(ValidationError) as err:
        check_city_zip("Clovis", "93721")
    assert err.value.message.startswith("ZIP code 93721 is in Fresno, not Clovis")
    assert err.value.field == "city"


def test_password_rules_are_enforced_one_sentence_each() -> None:
    assert password_problems("Harbor7Lantern", "maria@example.com") == []
    assert any("at least 10 characters" in p for p in password_problems("abc123"))
    assert any("one number" in p for p in password_problems("onlyletterslong"))
    assert any("one letter" in p for p in password_problems("12345678901"))
    assert any("email" in p for p in password_problems("maria.lopez1", "maria.lopez1@example.com"))
    assert any("email" in p for p in password_problems("maria@example.com1", "maria@example.com1"))
    assert any("common" in p for p in password_problems("Password123"))
    assert "10 characters" in PASSWORD_RULES and "letter" in PASSWORD_RULES and "number" in PASSWORD_RULES


def test_check_password_lists_every_problem() -> None:
    with pytest.raises(PasswordTooWeak) as err:
        check_password("abc")
    assert len(err.value.problems) == 2
    assert err.value.field == "password"
    assert "at least 10 characters" in err.value.message


@pytest.mark.parametrize("raw,expected", [("10234567", "10234567"), ("1023 4567", "10234567"),
                                          ("1023-4567", "10234567"), ("CERS ID 10234567", "10234567"),
                                          ("29999999", "29999999"), ("10000001", "10000001")])
def test_cers_ids_are_normalized(raw: str, expected: str) -> None:
    assert normalize_cers_id(raw) == expected


@pytest.mark.parametrize("raw", ["1234567", "123456789", "10000000", "30000000", "abcdefgh", "", "1O234567"])
def test_bad_cers_ids_explain_the_format(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        normalize_cers_id(raw)
    assert "8-digit number (for example 10234567)" in err.value.message


def test_names_need_letters() -> None:
    assert normalize_full_name("  Maria   Lopez ") == "Maria Lopez"
    with pytest.raises(ValidationError):
        normalize_full_name("12345")
    with pytest.raises(ValidationError):
        normalize_full_name("x" * 121)


def test_geo_knows_california_cities_counties_and_zips() -> None:
    assert geo.is_ca_zip("93721") and not geo.is_ca_zip("10001")
    assert geo.cities_for_zip("93721") == ["Fresno"]
    assert geo.cities_for_zip("90001")[0] == "Los Angeles" and "Firestone Park" in geo.cities_for_zip("90001")
    assert geo.county_for_zip("93721") == "Fresno"
    assert geo.county_for_zip("10001") is None
    assert geo.normalize_city("los angeles") == "Los Angeles"
    assert geo.normalize_city("  SAN   francisco") == "San Francisco"
    assert geo.normalize_city("Springfield") is None
    cities = geo.ca_cities()
    assert len(cities) > 1000 and len(cities) == len(set(cities)) and "Fresno" in cities
    assert "Travis AFB" in cities  # mixed-case names are kept as the USPS writes them
