"""Parsing the quantities people type: whole, positive, within reason, and a message naming the value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outreach.errors import InvalidInput
from outreach.quantities import MAX_QUANTITY, parse_quantity, parse_signed_quantity


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (50, 50),
        ("50", 50),
        ("  7 ", 7),
        ("1,000", 1000),
        ("1_000", 1000),
        ("2.0", 2),
        (2.0, 2),
        (Decimal("25"), 25),
        ("+12", 12),
        ("٣", 3),  # Arabic-Indic digit: typed on an Arabic keyboard
        (MAX_QUANTITY, MAX_QUANTITY),
    ],
)
def test_accepts_whole_numbers(typed: object, expected: int) -> None:
    assert parse_quantity(typed) == expected


@pytest.mark.parametrize(
    ("typed", "named", "problem"),
    [
        (0, "0", "at least 1"),
        (-5, "-5", "at least 1"),
        ("-5", "-5", "at least 1"),
        ("2.5", "2.5", "not a whole number"),
        (2.5, "2.5", "not a whole number"),
        ("ten", "ten", "not a number"),
        ("12abc", "12abc", "not a number"),
        ("1e3", "1e3", "plain digits"),
        ("Infinity", "Infinity", "plain digits"),
        ("NaN", "NaN", "plain digits"),
        (10**12, "1000000000000", "larger than the limit of 1,000,000"),
        (MAX_QUANTITY + 1, "1000001", "larger than the limit"),
        (True, "True", "not a number"),
        (False, "False", "not a number"),
    ],
)
def test_refuses_with_a_message_naming_the_value(typed: object, named: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quantity(typed, field="Quantity received")
    message = str(caught.value)
    assert named in message
    assert problem in message
    assert message.startswith("Quantity received")


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_missing_says_so(typed: object) -> None:
    with pytest.raises(InvalidInput, match="is missing"):
        parse_quantity(typed)


def test_huge_exponent_is_refused_at_once() -> None:
    # Converting Decimal("1e999999") to int would hang the process: it must be refused before that.
    with pytest.raises(InvalidInput, match="plain digits"):
        parse_quantity("1e999999")
    with pytest.raises(InvalidInput, match="larger than the limit"):
        parse_quantity("9" * 5000)


def test_allow_zero_and_custom_maximum() -> None:
    assert parse_quantity("0", allow_zero=True) == 0
    with pytest.raises(InvalidInput, match="at least 0; -1"):
        parse_quantity(-1, allow_zero=True)
    with pytest.raises(InvalidInput, match="limit of 40"):
        parse_quantity(41, maximum=40)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("-5", -5), ("+5", 5), ("5", 5), (" -12 ", -12), (-7, -7), (3, 3), ("-1,000", -1000)],
)
def test_signed_quantities(typed: object, expected: int) -> None:
    assert parse_signed_quantity(typed) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0", "at least 1"),
        ("-0", "at least 1"),
        ("+-5", "-5"),
        ("--5", "-5"),
        ("-2.5", "not a whole number"),
        ("-ten", "not a number"),
        (None, "is missing"),
        (True, "not a number"),
        ("-2000000", "larger than the limit"),
    ],
)
def test_signed_refusals(typed: object, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_signed_quantity(typed, field="Adjustment")
