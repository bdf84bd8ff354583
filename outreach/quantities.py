"""Parsing quantities people type: whole, positive, within reason. Shared by every form and import."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from outreach.errors import InvalidInput

# Far above any real print run (the whole campaign is ~32,000 pieces) yet far below integer overflow.
MAX_QUANTITY = 1_000_000


def parse_quantity(
    value: object, *, field: str = "Quantity", allow_zero: bool = False, maximum: int = MAX_QUANTITY
) -> int:
    """Return `value` as a whole number in range, or raise InvalidInput saying what is wrong."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{field} is missing. Enter a whole number such as 50.")
    text = str(value).strip().replace(",", "").replace("_", "")
    if not text:
        raise InvalidInput(f"{field} is missing. Enter a whole number such as 50.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(
            f"{field} {str(value)[:40]!r} is not a number. Enter a whole number such as 50."
        ) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise InvalidInput(f"{field} {str(value)[:40]!r} is not a whole number. Enter whole units or packs.")
    whole = int(number)
    lowest = 0 if allow_zero else 1
    if whole < lowest:
        raise InvalidInput(f"{field} must be at least {lowest}; {whole} was entered.")
    if whole > maximum:
        raise InvalidInput(f"{field} {whole:,} is larger than the limit of {maximum:,}. Check for a typo.")
    return whole


def parse_signed_quantity(value: object, *, field: str = "Change") -> int:
    """A non-zero whole number, positive or negative (stock adjustments)."""
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    negative = text.startswith("-")
    magnitude = parse_quantity(text.lstrip("+-") if text else value, field=field)
    return -magnitude if negative else magnitude
