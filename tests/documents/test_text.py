"""The documents' own catalog: every sentence in all ten languages, with exactly the English placeholders."""

from __future__ import annotations

import string

import pytest

from outreach.catalog import LANGUAGE_CODES
from outreach.documents.text import TEXT, text


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_speaks_all_ten_languages_with_the_english_placeholders(key):
    translations = TEXT[key]
    assert set(translations) == set(LANGUAGE_CODES)
    english = placeholders(translations["en"])
    for code, template in translations.items():
        assert template.strip() == template and template, code
        assert placeholders(template) == english, code


def test_the_poster_instruction_names_the_organization_in_every_language():
    for code in LANGUAGE_CODES:
        assert "Hope Chapel" in text("poster.instruction", code, organization="Hope Chapel")


def test_translations_are_not_english_left_in_place():
    for key, translations in TEXT.items():
        for code in ("es", "zh", "ar", "ru", "bn", "ur", "ht", "yi"):
            assert translations[code] != translations["en"], (key, code)


def test_values_are_inserted_as_typed_and_unknown_languages_print_english():
    assert "{nb} {0}" in text("poster.instruction", "es", organization="{nb} {0}")
    assert text("note", "xx") == text("note", "en")
    assert text("note", None) == TEXT["note"]["en"]
