"""Quantities people type, in any of the campaign's scripts: the one parser every form and import uses.

What is accepted (after trimming surrounding white space, and removing the invisible direction marks and
controls, U+200E/U+200F/U+061C and U+202A-U+202E/U+2066-U+2069, that right-to-left keyboards and pasted
text put around numbers: they carry no value):

- Digits in Latin (0-9), Arabic-Indic (٠-٩, Arabic), Eastern Arabic-Indic (۰-۹, Urdu and Persian), Bengali
  (০-৯) and full-width (０-９, typed by Chinese input methods). Scripts may be mixed; each digit is its value.
- Thousands separators, only where they cannot mean anything else: a comma, the Arabic thousands separator
  ٬ (U+066C), the full-width comma, a plain space, a no-break space (U+00A0), a narrow no-break space
  (U+202F) or a thin space (U+2009), the same one throughout, between groups of exactly three digits
  (1,500 · ١٬٥٠٠ · 12 345) or in the South Asian lakh grouping used in Bangla and Urdu (1,00,000: pairs,
  then a final three). The first group never starts with 0 ("0,500" is a European decimal).
- Python numbers that are whole (50, 2.0, Decimal("25")), as number inputs return.

What is refused, each with its own message (InvalidInput) that names the value and says what to type:
empty input; text ("ten", "12abc"); a typed decimal point ("1.5", "١٫٥", "2.0", and the European "1.000",
which is a thousand in Spanish and one in English: ambiguous, so the person types 1000); an exponent
("1e6"); a sign ("+3"; "-1" is below the minimum); separators in other places ("1,00", "1,5", "10 0");
values below the minimum or above the maximum ("99999999999999999999"). Nothing is ever rounded, and no
digit, sign or separator is silently dropped.

Every error carries a message key and parameters (`outreach.i18n.localized`), so the public restock page can
show it in the faith leader's language; `field` may be an item, (material, language) codes, which each
language names in its own words.
"""

from __future__ import annotations

import numbers
import re
from decimal import Decimal

from outreach import i18n
from outreach.errors import InvalidInput
from outreach.text import plain_text

# Far above any real print run (the whole campaign is ~32,000 pieces) yet far below integer overflow.
MAX_QUANTITY = 1_000_000
SHOWN_CHARS = 40  # of the typed value, in messages

# A label in English (staff forms) or an item as (material, language) codes (restock requests).
Field = str | tuple[str, str]

_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Urdu, Persian)
        **{chr(0x09E6 + d): str(d) for d in range(10)},  # Bengali
        **{chr(0xFF10 + d): str(d) for d in range(10)},  # full-width
        "\u066b": ".",  # Arabic decimal separator
        "\uff0e": ".",  # full-width full stop
    }
)
_SEPARATORS = ",\u066c\uff0c \u00a0\u202f\u2009"
_SEPARATOR = f"[{_SEPARATORS}]"
_PLAIN = re.compile(r"[0-9]+")
_THOUSANDS = re.compile(rf"[1-9][0-9]{{0,2}}({_SEPARATOR})[0-9]{{3}}(?:\1[0-9]{{3}})*")
_LAKH = re.compile(rf"[1-9][0-9]?({_SEPARATOR})(?:[0-9]{{2}}\1)*[0-9]{{3}}")
_DIGITS_AND_SEPARATORS = re.compile(rf"[0-9]+(?:{_SEPARATOR}+[0-9]+)+")
_DECIMAL = re.compile(rf"[0-9{_SEPARATORS}]*\.[0-9{_SEPARATORS}]*")
_EXPONENT = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_MINUS_SIGNS = frozenset("-\u2212\uff0d")  # hyphen-minus, minus sign, full-width hyphen-minus
_PLUS_SIGNS = frozenset("+\uff0b")


def _refuse(key: str, field: Field, **params: object) -> InvalidInput:
    return i18n.localized(InvalidInput, f"quantity.{key}", field=field, **params)


def _shown(value: object) -> str:
    text = plain_text(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _in_range(number: int | Decimal, shown: str, field: Field, minimum: int, maximum: int) -> int:
    if number < minimum:
        raise _refuse("too_small", field, value=shown, minimum=minimum)
    if number > maximum:  # compared before int(): a Decimal("1e999999") costs nothing here
        raise _refuse("too_large", field, value=shown, maximum=maximum)
    return int(number)


def _number(value: object, shown: str, field: Field) -> int | Decimal:
    """A Python number as an exact value, or the error when it is not a whole number."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal | numbers.Real):
        number = value if isinstance(value, Decimal) else Decimal(float(value))
        if not number.is_finite():
            raise _refuse("not_number", field, value=shown)
        if number != number.to_integral_value():
            raise _refuse("not_whole", field, value=shown)
        return number
    raise _refuse("not_number", field, value=shown)


def _digits(text: str, shown: str, field: Field) -> str:
    """The ASCII digits `text` stands for, or the error that says why it is not a whole number."""
    latin = text.translate(_DIGITS)
    if _PLAIN.fullmatch(latin):
        return latin
    if _THOUSANDS.fullmatch(latin) or _LAKH.fullmatch(latin):
        return re.sub(_SEPARATOR, "", latin)
    if _EXPONENT.fullmatch(latin):
        raise _refuse("exponent", field, value=shown)
    if _DECIMAL.fullmatch(latin) and any(ch in "0123456789" for ch in latin):
        raise _refuse("not_whole", field, value=shown)
    if _DIGITS_AND_SEPARATORS.fullmatch(latin):
        raise _refuse("grouping", field, value=shown)
    raise _refuse("not_number", field, value=shown)


def _parse(value: object, field: Field, minimum: int, maximum: int, *, signed: bool = False) -> int:
    """The value typed; `signed` reads one leading sign, and `minimum` and `maximum` then bound the size."""
    if value is None:
        raise _refuse("missing", field)
    if isinstance(value, bool):  # a bool is an int to Python, never a count to a person
        raise _refuse("not_number", field, value=str(value))
    shown = _shown(value)
    if not isinstance(value, str):
        number = _number(value, shown, field)
        if signed and number < 0:
            return -_in_range(-number, shown, field, minimum, maximum)
        return _in_range(number, shown, field, minimum, maximum)
    text = _DIRECTION_MARKS.sub("", value).strip()
    if not text:
        raise _refuse("missing", field)
    sign = text[0] if text[0] in _MINUS_SIGNS | _PLUS_SIGNS else ""
    digits = _digits(text[len(sign) :], shown, field).lstrip("0") or "0"
    if sign and not signed:
        if sign in _PLUS_SIGNS:
            raise _refuse("sign", field, value=shown)
        raise _refuse("too_small", field, value=shown, minimum=minimum)  # a minus: below any count
    if len(digits) > len(str(maximum)):  # refused before int(): a 5,000-digit string costs nothing
        raise _refuse("too_large", field, value=shown, maximum=maximum)
    size = _in_range(int(digits), shown, field, minimum, maximum)
    return -size if sign in _MINUS_SIGNS else size


def parse_quantity(
    value: object, *, field: Field = "Quantity", allow_zero: bool = False, maximum: int = MAX_QUANTITY
) -> int:
    """`value` as a whole number from 1 (0 with `allow_zero`) to `maximum`, or InvalidInput saying why not."""
    return _parse(value, field, 0 if allow_zero else 1, maximum)


def parse_signed_quantity(value: object, *, field: Field = "Change", maximum: int = MAX_QUANTITY) -> int:
    """A whole number other than 0, positive or negative, at most `maximum` either way (stock adjustments).

    One leading sign is read ("+5", "-5", "−5"); "--5" is not a number.
    """
    change = _parse(value, field, 0, maximum, signed=True)
    if change == 0:
        raise _refuse("zero", field, value=_shown(value))
    return change
