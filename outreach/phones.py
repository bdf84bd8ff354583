"""Phone numbers people type, checked and stored one way (directory contacts, restock requests).

A number is stored in the international format: "+1 718-555-0134", "+33 1 42 68 53 00", "+1 718-555-0134
ext. 12". It reads as people write numbers (grouped, easy to read aloud over the phone), and it is complete
on its own: the country code travels with it, so an export, a later change of KYR_PHONE_REGION or a text
message gateway reads it the same way (E.164 is the same digits without the spaces and dashes). A national
form such as "(718) 555-0134" would be ambiguous the moment it left this install.

Numbers typed without a country code are numbers of KYR_PHONE_REGION (default "US"): "718 555 0134",
"(718) 555-0134", "718.555.0134" and "+1 718 555 0134" are one number, stored once. A number that cannot be
called (too few or too many digits, an area code that does not exist) is refused, naming what was typed.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult

from outreach import i18n
from outreach.config import settings
from outreach.errors import InvalidInput

MAX_PHONE_CHARS = 40  # organizations.contact_phone and restock_requests.contact_phone are String(40)


def example_phone(region: str | None = None) -> str:
    """A number as people of the region write it, for messages: "(201) 555-0123" in the US."""
    example = phonenumbers.example_number(region or settings().phone_region)
    if example is None:  # a region without examples in the metadata
        return "+1 718-555-0134"
    return phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)


def normalize_phone(text: str, *, message_key: str | None = None) -> str:
    """`text` (cleaned, not empty) in the stored international format, or InvalidInput naming it.

    With `message_key`, every refusal is that translatable message (parameters `phone` and `example`), for
    what a faith leader typed; staff get a message saying what exactly is wrong.
    """
    region = settings().phone_region
    example = example_phone(region)
    problem: str | None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        problem = _UNREADABLE.get(error.error_type, _UNREADABLE[None]).format(example=example)
    else:
        problem = _problem(number, example)
        if problem is None:
            stored = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
            if len(stored) <= MAX_PHONE_CHARS:
                return stored
            problem = f"has too many digits. Check it and write it like {example}."
    if message_key is not None:
        raise i18n.localized(InvalidInput, message_key, phone=text, example=example)
    raise InvalidInput(f"Phone number {text!r} {problem}")


# Why `phonenumbers.parse` could not read a number (the words that follow it in a message).
_UNREADABLE = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "starts with a country code that does not exist. Check the digits after the +."
    ),
    phonenumbers.NumberParseException.TOO_LONG: "has too many digits. Check it and write it like {example}.",
    None: "is not a phone number. Write it with digits, like {example}.",
}


def _problem(number: phonenumbers.PhoneNumber, example: str) -> str | None:
    """What is wrong with a number (the words that follow it in a message), or None when it can be called."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return f"has no area code. Write it with the area code, like {example}."
    if reason in (ValidationResult.TOO_SHORT, ValidationResult.INVALID_LENGTH):
        return f"has too few digits. Check it and write it like {example}."
    if reason == ValidationResult.TOO_LONG:
        return f"has too many digits. Check it and write it like {example}."
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return "starts with a country code that does not exist. Check the digits after the +."
    if not phonenumbers.is_valid_number(number):
        return f"is not a number in use: check the area code. Write it like {example}."
    return None
