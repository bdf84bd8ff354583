"""Parsing quantities people type: whole, positive, within reason. Shared by every form and import."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from outreach.errors import InvalidInput

# Far above any real print run (the whole campaign is ~32,000 pieces) yet far below integer overflow.
MAX_QUANTITY = 1_000_000
# Plain digits with an optional sign and decimal part. Exponents ("1e3", "1e999999") are refused: nobody
# types a count that way, and converting a huge exponent to int would hang the process.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_quantity(
    value: object, *, field: str = "Quantity", allow_zero: bool = False, maximum: int = MAX_QUANTITY
) -> int:
    """Return `value` as a whole number in range, or raise InvalidInput saying what is wrong."""
    if value is None:
        raise InvalidInput(f"{field} is missing. Enter a whole number such as 50.")
    if isinstance(value, bool):
        raise InvalidInput(f"{field} {value!r} is not a number. Enter a whole number such as 50.")
    text = str(value).strip().replace(",", "").replace("_", "")
    if not text:
        raise InvalidInput(f"{field} is missing. Enter a whole number such as 50.")
    shown = str(value)[:40]
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{field} {shown!r} is not a number. Enter a whole number such as 50.") from None
    if not _PLAIN_NUMBER.fullmatch(text):
        raise InvalidInput(
            f"{field} {shown!r} is not written in plain digits. Enter a whole number such as 50."
        )
    if number != number.to_integral_value():
        raise InvalidInput(
            f"{field} {shown!r} is not a whole number. Enter whole units or packs, such as 50."
        )
    lowest = 0 if allow_zero else 1
    if number < lowest:
        raise InvalidInput(f"{field} must be at least {lowest}; {shown} was entered.")
    if number > maximum:  # compared as a Decimal, before int(), so a huge value costs nothing
        raise InvalidInput(f"{field} {shown} is larger than the limit of {maximum:,}. Check for a typo.")
    return int(number)


def parse_signed_quantity(value: object, *, field: str = "Change") -> int:
    """A non-zero whole number, positive or negative (stock adjustments)."""
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if not text:
        return parse_quantity(value, field=field)  # raises the "missing" / "not a number" message
    negative = text.startswith("-")
    # Strip exactly one sign, so "+-5" or "--5" are refused rather than read as 5 or -5.
    magnitude = parse_quantity(text[1:] if text[0] in "+-" else text, field=field)
    return -magnitude if negative else magnitude
