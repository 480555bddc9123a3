"""Reading a reply the same way in every step (`bot.replies`): yes/no, skip, go back, cancel, pause, done, save,
"what does this mean?", numbers and units, phones, emails, ZIP codes and spoken digits."""
from __future__ import annotations

from typing import Optional

import pytest

from bot import replies
from bot.validation import has_password_like_word, looks_like_password


@pytest.mark.parametrize("text,intent,expected", [
    ("yep", None, True), ("yeah we do", None, True), ("we have a 500 gallon diesel tank", None, True),
    ("no we don't", None, False), ("not that I know of", None, False), ("no wait, yes", None, True),
    ("yse", None, True), ("not sure", None, None), ("yes and no", None, None), ("the back shop", None, None),
    ("sounds about right", "affirm", True), ("hmm?", "affirm", None),
])
def test_yes_no_in_its_many_forms(text: str, intent: Optional[str], expected: Optional[bool]) -> None:
    assert replies.parse_yes_no(text, intent) is expected


@pytest.mark.parametrize("text,expected", [
    ("yes", True), ("ok, save it", True), ("we do", True), ("no", False), ("we don't, sorry", False),
    ("not sure", False), ("we have acetone", True), ("acetone", None), ("yeas", None), ("", None),
])
def test_a_leading_yes_or_no_word_is_read_without_guessing(text: str, expected: Optional[bool]) -> None:
    assert replies.leading_yes_no(text) is expected


def test_unsure_is_neither_yes_nor_no() -> None:
    assert replies.is_unsure("hmm, I'm not sure") and replies.is_unsure("no idea")
    assert not replies.is_unsure("no")


@pytest.mark.parametrize("text", ["skip", "n/a", "none", "I don't have one", "we don't have a DUNS number",
                                  "leave it blank", "no fax", "next"])
def test_skip_where_no_means_there_is_nothing_to_give(text: str) -> None:
    assert replies.is_skip(text)


@pytest.mark.parametrize("text,expected", [
    ("skip", True), ("n/a", True), ("I don't know", True), ("not sure", True), ("later", True),
    ("leave it blank", True), ("no", False), ("no fax", False), ("back shop", False),
])
def test_skip_where_not_knowing_leaves_an_optional_value_blank(text: str, expected: bool) -> None:
    assert replies.is_skip_or_unknown(text) is expected


def test_keep_confirm_and_go_back() -> None:
    assert replies.is_keep("Keep (559) 555-0123") and replies.is_keep("it's fine") and not replies.is_keep("change it")
    assert replies.is_confirm("looks right") is True and replies.is_confirm("not quite") is False
    assert replies.is_confirm("hmm") is None
    assert replies.is_go_back("oops I answered that wrong, go back") and replies.is_go_back("undo")
    assert not replies.is_go_back("the back shop")


@pytest.mark.parametrize("text,broad,narrow", [
    ("what does this mean?", True, True), ("what do you mean by average", True, True), ("huh?", True, True),
    ("why do you need that?", True, True), ("I don't get it", True, True),
    ("what's an EPA ID number?", True, False), ("is acetone a mixture?", True, False), ("acetone", False, False),
])
def test_explain_requests_broad_and_narrow(text: str, broad: bool, narrow: bool) -> None:
    assert replies.is_explain_request(text) is broad
    assert replies.asks_what_it_means(text) is narrow


def test_cancel_stop_pause_done_and_save() -> None:
    assert replies.is_cancel("forget it") and replies.is_cancel("No, cancel this one.")
    assert not replies.is_cancel("cancel the acetone and add toluene")
    assert replies.starts_with_stop("quit now") and not replies.starts_with_stop("stopped leak")
    assert replies.mentions_pause("let's continue tomorrow") and replies.mentions_pause("I have to go")
    assert not replies.mentions_pause("the back shop")
    assert replies.is_done("that's all") and replies.is_done("We're done.") and not replies.is_done("no")
    assert replies.is_no_more("no") and replies.is_no_more("nope, that's it") and replies.is_no_more("all set")
    assert replies.is_save_confirmation("looks good, save it") and replies.is_save_confirmation("yes")
    assert not replies.is_save_confirmation("") and not replies.is_save_confirmation("change the amount")
    assert replies.is_save_command("just save it") and not replies.is_save_command("looks good")
    assert replies.is_filler("hmm") and replies.is_filler("thanks!") and not replies.is_filler("acetone")


def test_numbers_and_units() -> None:
    assert replies.first_number("about fifty gallons") == 50 and replies.first_number("1,200 lb") == 1200
    assert replies.first_number("lots") is None
    assert [replies.parse_unit(t) for t in ("55 gal", "200 lbs", "2 tons", "150 cu ft", "55")] == ["a", "c", "d", "b",
                                                                                                  None]
    assert replies.fmt_number(1200) == "1,200" and replies.fmt_number(2.6417) == "2.64"
    assert replies.fmt_amount(165, "a") == "165 gallons" and replies.fmt_amount(1, "c") == "1 pound"
    assert replies.fmt_amount(None, "a") == "not given"
    assert replies.convert_between(2, "d", "c") == 4000 and replies.convert_between(55, "a", "c") is None


def test_phones_emails_zips_and_spoken_digits() -> None:
    assert replies.find_phone("call 559-555-0123 ext 4") == "559-555-0123 ext 4"
    assert replies.find_phone("five five nine five five five zero one two three") == "5595550123"
    assert replies.find_all_phones("559-555-0123 or (559) 555-0199") == ["559-555-0123", "(559) 555-0199"]
    assert replies.find_email("it's maria@lopez.com.") == "maria@lopez.com"
    assert replies.find_zip("Visalia, CA 93291-1234") == "93291-1234" and replies.find_zip("500 Main St") is None
    assert replies.spoken_digits("one two") == "one two"


def test_the_password_look_alike_rule_lives_once() -> None:
    from actions.text import looks_like_password as from_actions
    from bot.facility_info import replies as fi_replies

    assert from_actions is looks_like_password and fi_replies.looks_like_password is looks_like_password
    assert looks_like_password("Tr0ub4dor&3x") and looks_like_password("my password is hunter22")
    assert not looks_like_password("ana@example.com") and not looks_like_password("559-555-0123")
    assert has_password_like_word("change the owner to Tr0ub4dor&3x") and not has_password_like_word("500 Main St")
