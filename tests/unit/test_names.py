"""A person's name from what was typed when it was asked for (sentences written for these tests)."""
from __future__ import annotations

import pytest

from bot.errors import ValidationError
from bot.names import person_name


@pytest.mark.parametrize("typed, name", [
    ("My full name is Alma Reyes. It's just me here", "Alma Reyes"),
    ("i'm ana lopez", "Ana Lopez"),
    ("Jose de la Cruz", "Jose de la Cruz"),
    ("hi, this is Tom O'Brien", "Tom O'Brien"),
    ("name: Mary-Kate Olsen", "Mary-Kate Olsen"),
    ("DAVID NGUYEN", "David Nguyen"),
    ("me llamo Rosa Martinez", "Rosa Martinez"),
    ("Pat Lee, thanks", "Pat Lee"),
])
def test_the_name_is_taken_out_of_the_sentence(typed: str, name: str) -> None:
    assert person_name(typed) == name


@pytest.mark.parametrize("typed", [
    "my husband Miguel Delgado and me", "just a sec", "the owner", "same as above", "I don't know",
    "Ana Lopez and Jose Perez", "call me at 559 555 0100", "", "12345", "we are the Lopez family",
])
def test_what_is_not_one_persons_name_is_asked_again(typed: str) -> None:
    with pytest.raises(ValidationError):
        person_name(typed)
