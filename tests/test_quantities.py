"""The one quantity parser: digits in four scripts, thousands separators where they are unambiguous,
everything else refused with a message (English and translatable) that names the value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outreach import i18n
from outreach.catalog import LANGUAGE_CODES
from outreach.errors import InvalidInput
from outreach.quantities import MAX_QUANTITY, parse_quantity, parse_signed_quantity

NBSP, NARROW_NBSP, THIN = "\u00a0", "\u202f", "\u2009"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Latin
        ("50", 50),
        ("  7 ", 7),
        ("007", 7),
        ("1,000", 1_000),
        ("12,345", 12_345),
        ("1,000,000", 1_000_000),
        ("1 500", 1_500),
        (f"1{NBSP}500", 1_500),
        (f"1{NARROW_NBSP}500", 1_500),
        (f"1{THIN}500", 1_500),
        ("1,00,000", 100_000),  # lakh grouping (Bangla, Urdu)
        ("5,00,000", 500_000),
        # Arabic-Indic
        ("٥٠", 50),
        ("٣", 3),
        ("١٬٥٠٠", 1_500),  # the Arabic thousands separator
        ("١,٥٠٠", 1_500),
        ("١٠٠٠٠٠", 100_000),
        # Eastern Arabic-Indic (Urdu)
        ("۲۵", 25),
        ("۱٬۰۰۰", 1_000),
        ("۱,۰۰,۰۰۰", 100_000),
        # Bengali
        ("৫০", 50),
        ("১,২৫০", 1_250),
        ("১,০০,০০০", 100_000),
        ("০৭", 7),
        # full-width (Chinese input methods), and scripts mixed digit by digit
        ("１２０", 120),
        ("1٢3", 123),
        # invisible direction marks around a number typed in a right-to-left page
        ("\u200f١٢\u200f", 12),
        ("\u202b۵۰\u202c", 50),
        ("\u061c٣", 3),
        # numbers, as number inputs and imports give them
        (50, 50),
        (2.0, 2),
        (Decimal("25"), 25),
        (MAX_QUANTITY, MAX_QUANTITY),
        (str(MAX_QUANTITY), MAX_QUANTITY),
    ],
)
def test_accepts_whole_numbers_in_every_script(typed: object, expected: int) -> None:
    assert parse_quantity(typed) == expected


LIMIT = "is more than the maximum of 1,000,000"


@pytest.mark.parametrize(
    ("typed", "key", "message"),
    [
        # decimals, in every script and convention: never rounded
        ("1.5", "not_whole", "Quantity received: “1.5” is not a whole number."),
        ("2.0", "not_whole", "Quantity received: “2.0” is not a whole number."),
        ("١٫٥", "not_whole", "Quantity received: “١٫٥” is not a whole number."),
        ("۲٫۵", "not_whole", "Quantity received: “۲٫۵” is not a whole number."),
        ("১.৫", "not_whole", "Quantity received: “১.৫” is not a whole number."),
        ("1.000", "not_whole", "“1.000” is not a whole number"),  # a thousand in Spanish, one in English
        ("1,000.50", "not_whole", "“1,000.50” is not a whole number"),
        ("1.000,50", "not_whole", "“1.000,50” is not a whole number"),
        (".5", "not_whole", "“.5” is not a whole number"),
        (2.5, "not_whole", "“2.5” is not a whole number"),
        (Decimal("0.1"), "not_whole", "“0.1” is not a whole number"),
        # exponents
        ("1e6", "exponent", "Quantity received: “1e6” is written with an exponent."),
        ("1E3", "exponent", "“1E3” is written with an exponent"),
        ("2.5e3", "exponent", "“2.5e3” is written with an exponent"),
        ("١e٦", "exponent", "“١e٦” is written with an exponent"),
        ("1e999999", "exponent", "“1e999999” is written with an exponent"),
        # signs and negatives
        ("-1", "too_small", "Quantity received: the number must be at least 1, and “-1” was entered."),
        ("−5", "too_small", "“−5” was entered"),  # the typographic minus
        ("-٥", "too_small", "“-٥” was entered"),
        (-5, "too_small", "“-5” was entered"),
        ("+3", "sign", "Quantity received: “+3” has a plus sign."),
        ("+৩", "sign", "“+৩” has a plus sign"),
        ("--5", "not_number", "“--5” is not a number"),
        # zero
        ("0", "too_small", "the number must be at least 1, and “0” was entered"),
        ("٠", "too_small", "“٠” was entered"),
        (0, "too_small", "“0” was entered"),
        # empty
        ("", "missing", "Quantity received: the number is missing."),
        ("   ", "missing", "the number is missing"),
        (None, "missing", "the number is missing"),
        # text
        ("ten", "not_number", "Quantity received: “ten” is not a number."),
        ("12abc", "not_number", "“12abc” is not a number"),
        ("پچاس", "not_number", "“پچاس” is not a number"),  # fifty, in Urdu words
        ("১২ প্যাকেট", "not_number", "“১২ প্যাকেট” is not a number"),  # 12 packets
        ("1; DROP TABLE stock_movements", "not_number", "is not a number"),
        ("1_000", "not_number", "“1_000” is not a number"),
        ("५०", "not_number", "“५०” is not a number"),  # Devanagari: not a script of the campaign
        ("Infinity", "not_number", "“Infinity” is not a number"),
        (float("nan"), "not_number", "“nan” is not a number"),
        (True, "not_number", "“True” is not a number"),
        ([5], "not_number", "“[5]” is not a number"),
        # separators anywhere but between groups of three (or the lakh pairs)
        ("1,5", "grouping", "Quantity received: “1,5” has separators in the wrong places."),
        ("1,00", "grouping", "“1,00” has separators in the wrong places"),
        ("10,0000", "grouping", "“10,0000” has separators"),
        ("0,500", "grouping", "“0,500” has separators"),  # a European decimal, not five hundred
        ("1,000 000", "grouping", "“1,000 000” has separators"),  # one separator throughout
        ("1,,000", "grouping", "“1,,000” has separators"),
        ("١٬٥", "grouping", "“١٬٥” has separators"),
        ("1 2", "grouping", "“1 2” has separators"),
        # above the maximum: refused, never cut
        ("99999999999999999999", "too_large", f"Quantity received: 99999999999999999999 {LIMIT}."),
        ("1,000,001", "too_large", f"1,000,001 {LIMIT}"),
        ("١٠٠٠٠٠١", "too_large", f"١٠٠٠٠٠١ {LIMIT}"),
        ("১০,০০,০০১", "too_large", f"১০,০০,০০১ {LIMIT}"),
        (10**12, "too_large", f"1000000000000 {LIMIT}"),
        ("9" * 5000, "too_large", f"{'9' * 40}… {LIMIT}"),  # refused before int(), shown shortened
    ],
)
def test_refuses_with_a_message_naming_the_value(typed: object, key: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quantity(typed, field="Quantity received")
    assert caught.value.__dict__["message_key"] == f"quantity.{key}"
    assert message in str(caught.value)
    assert str(caught.value).startswith("Quantity received: ")


def test_every_refusal_reads_in_every_language() -> None:
    for typed in ("1.5", "1e6", "+3", "-1", "", "ten", "1,00", "99999999999999999999"):
        with pytest.raises(InvalidInput) as caught:
            parse_quantity(typed, field=("flyer", "bn"))  # an item: each language names it
        shown = {code: i18n.localize(caught.value, code) for code in LANGUAGE_CODES}
        assert len(set(shown.values())) == len(LANGUAGE_CODES), typed  # ten different sentences
        assert shown["es"].startswith("Volante · বাংলা")
        assert shown["en"] == str(caught.value) and shown["en"].startswith("Flyer · বাংলা: ")
        if typed:
            assert all(typed in text for text in shown.values()), typed


def test_allow_zero_and_custom_maximum() -> None:
    assert parse_quantity("0", allow_zero=True) == 0
    assert parse_quantity("০", allow_zero=True) == 0
    with pytest.raises(InvalidInput, match="at least 0, and “-1” was entered"):
        parse_quantity("-1", allow_zero=True)
    assert parse_quantity("৪০", maximum=40) == 40
    with pytest.raises(InvalidInput, match="41 is more than the maximum of 40"):
        parse_quantity(41, maximum=40)
    with pytest.raises(InvalidInput, match="1,500 is more than the maximum of 1,000"):
        parse_quantity("1,500", maximum=1_000)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("-5", -5),
        ("+5", 5),
        ("5", 5),
        (" -12 ", -12),
        ("−12", -12),
        ("-١٬٠٠٠", -1_000),
        ("-1,000", -1_000),
        ("+৫০", 50),
        (-7, -7),
        (3, 3),
        (-2.0, -2),
    ],
)
def test_signed_quantities(typed: object, expected: int) -> None:
    assert parse_signed_quantity(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Adjustment: the change cannot be 0."),
        ("-0", "the change cannot be 0"),
        (0, "the change cannot be 0"),
        ("+-5", "“+-5” is not a number"),
        ("--5", "“--5” is not a number"),
        ("-", "“-” is not a number"),
        ("-2.5", "“-2.5” is not a whole number"),
        (-2.5, "“-2.5” is not a whole number"),
        ("-1e3", "“-1e3” is written with an exponent"),
        ("-ten", "“-ten” is not a number"),
        (None, "the number is missing"),
        (True, "“True” is not a number"),
        ("-2000000", "-2000000 is more than the maximum of 1,000,000"),
    ],
)
def test_signed_refusals(typed: object, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_signed_quantity(typed, field="Adjustment")
    assert message in str(caught.value)
