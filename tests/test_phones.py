"""Phone numbers: checked with `phonenumbers`, stored in one international form, refused naming the value."""

from __future__ import annotations

import pytest

from outreach import config, i18n
from outreach.errors import InvalidInput
from outreach.phones import example_phone, normalize_phone


@pytest.fixture(autouse=True)
def us_region(monkeypatch):
    monkeypatch.delenv("KYR_PHONE_REGION", raising=False)
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("718-555-0134", "+1 718-555-0134"),
        ("(718) 555-0134", "+1 718-555-0134"),  # the same number however it is written
        ("718.555.0134", "+1 718-555-0134"),
        ("7185550134", "+1 718-555-0134"),
        ("+1 718 555 0134", "+1 718-555-0134"),
        ("1-718-555-0134", "+1 718-555-0134"),
        ("718-555-0134 x12", "+1 718-555-0134 ext. 12"),  # an extension is kept
        ("718-555-0134 ext. 12", "+1 718-555-0134 ext. 12"),
        ("1-800-555-0199", "+1 800-555-0199"),
        ("٧١٨٥٥٥٠١٣٤", "+1 718-555-0134"),  # Arabic-Indic digits
        ("+33 1 42 68 53 00", "+33 1 42 68 53 00"),  # another country, written with its code
        ("011 33 1 42 68 53 00", "+33 1 42 68 53 00"),  # ... or dialled from the US
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_a_number_that_can_be_called_is_stored_in_the_international_form(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("call me", "is not a phone number"),
        ("<script>", "is not a phone number"),
        ("555-0134", "has no area code"),
        ("12", "has too few digits"),
        ("718-555-01345678901234", "has too many digits"),
        ("+999 1234 5678", "starts with a country code that does not exist"),
        ("123-456-7890", "is not a number in use: check the area code"),  # there is no area code 123
        ("911", "has too few digits"),
    ],
)
def test_a_number_that_cannot_be_called_is_refused_naming_it(typed, problem):
    with pytest.raises(InvalidInput) as refused:
        normalize_phone(typed)
    assert str(refused.value).startswith(f"Phone number {typed!r} {problem}")


def test_the_example_follows_the_region(monkeypatch):
    assert example_phone() == "(201) 555-0123"
    with pytest.raises(InvalidInput, match=r"like \(201\) 555-0123"):
        normalize_phone("555-0134")
    monkeypatch.setenv("KYR_PHONE_REGION", "FR")
    config.settings.cache_clear()
    assert normalize_phone("01 42 68 53 00") == "+33 1 42 68 53 00"  # a French number without +33
    assert normalize_phone("+1 718 555 0134") == "+1 718-555-0134"


def test_a_leaders_number_is_refused_in_their_language():
    with pytest.raises(InvalidInput) as refused:
        normalize_phone("555-0134", message_key="error.phone_invalid")
    assert str(refused.value) == i18n.t(
        "error.phone_invalid", "en", phone="555-0134", example="(201) 555-0123"
    )
    spanish = i18n.localize(refused.value, "es")
    assert "555-0134" in spanish and "(201) 555-0123" in spanish and "código de área" in spanish
