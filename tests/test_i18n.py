"""The ten catalogs: complete, placeholders intact, and every key the code uses exists."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from outreach import i18n, i18n_format
from outreach.catalog import LANGUAGE_CODES, MATERIALS
from outreach.errors import InvalidInput, NotFound
from outreach.models import REQUEST_STATUSES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = i18n.messages("en")


def placeholders(text: str) -> set[str]:
    """The names of the `{placeholders}` in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_one_catalog_per_language_and_nothing_else():
    folders = {path.name for path in i18n.TRANSLATIONS_DIR.iterdir() if path.is_dir()}
    assert folders == set(LANGUAGE_CODES)
    english_files = {path.name for path in i18n.catalog_files(i18n.REFERENCE_LANGUAGE)}
    for code in LANGUAGE_CODES:
        assert {path.name for path in i18n.catalog_files(code)} == english_files, code


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_key_exists_with_the_same_placeholders(code):
    raw = {}
    for path in i18n.catalog_files(code):
        raw.update(json.loads(path.read_text(encoding="utf-8")))
    every_key = set(i18n.entries("en"))
    assert set(raw) == every_key, f"{code}: missing {every_key - set(raw)}, extra {set(raw) - every_key}"
    for key, english in REFERENCE.items():
        assert isinstance(raw[key], str) and raw[key].strip(), f"{code}.{key} is empty"
        assert placeholders(raw[key]) == placeholders(english), f"{code}.{key} placeholders differ"
        raw[key].format(**{name: "x" for name in placeholders(english)})  # well-formed braces


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_plural_entry_has_every_category_its_language_needs(code):
    """A text with a count is an object keyed by CLDR category: Arabic needs six forms, Russian four,
    Chinese one. Every form uses only the English placeholders, and "other" uses all of them (the "one"
    and "two" forms may spell the number out: Arabic "رزمتان")."""
    plural = {key: value for key, value in i18n.entries("en").items() if isinstance(value, dict)}
    assert {"count.packs", "count.pieces"} <= set(plural)
    needed = i18n_format.categories(code)
    for key, english in plural.items():
        forms = i18n.entries(code)[key]
        assert isinstance(forms, dict), f"{code}.{key} must be a plural entry, as in English"
        assert set(forms) == needed, f"{code}.{key}: needs {sorted(needed)}, has {sorted(forms)}"
        wanted = placeholders(english["other"])
        assert placeholders(forms["other"]) == wanted, f"{code}.{key}[other] placeholders differ"
        for category, form in forms.items():
            assert form.strip() and placeholders(form) <= wanted, f"{code}.{key}[{category}]"
            form.format(**{name: "x" for name in wanted})


# Messages made only of placeholders and punctuation read the same in every language.
LANGUAGE_NEUTRAL = {"history.row"}


@pytest.mark.parametrize("code", [c for c in LANGUAGE_CODES if c != "en"])
def test_catalogs_are_translated_not_copied(code):
    same = {key for key, text in i18n.messages(code).items() if text == REFERENCE[key]}
    assert same <= LANGUAGE_NEUTRAL, f"{code}: still English: {sorted(same - LANGUAGE_NEUTRAL)}"


def test_status_material_and_item_labels_exist_everywhere():
    for code in LANGUAGE_CODES:
        for status in REQUEST_STATUSES:
            assert i18n.status_label(status, code)
        for material in MATERIALS:
            assert i18n.material_label(material.code, code)
    assert i18n.item_label("booklet", "bn", "es") == "Cuadernillo · বাংলা"


def test_every_key_used_in_the_code_exists():
    sources = [
        ROOT / "pages" / "restock.py",
        *sorted((ROOT / "outreach" / "restock").glob("*.py")),
        *sorted((ROOT / "outreach" / "ui").glob("restock*.py")),
    ]
    pattern = re.compile(
        r"""["']((?:page|form|confirm|done|history|status|token|error|poster|language)\.[a-z_.]+)["']"""
    )
    used = {key for path in sources for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert {"error.packs_over_limit", "token.invalid"} <= used, (
        "keys not found: the pattern or paths are wrong"
    )
    assert used <= set(REFERENCE), used - set(REFERENCE)


def test_every_quantity_refusal_has_a_message():
    source = (ROOT / "outreach" / "quantities.py").read_text(encoding="utf-8")
    refused = set(re.findall(r"""_refuse\(\s*["']([a-z_]+)["']""", source))
    assert len(refused) >= 8, refused
    assert {f"quantity.{name}" for name in refused} == {k for k in REFERENCE if k.startswith("quantity.")}


def test_t_formats_falls_back_and_knows_direction():
    assert i18n.t("confirm.total", "fr", packs=3, pieces=150) == "Total : 3 paquets (150 exemplaires)"
    assert i18n.t("page.title", "xx") == REFERENCE["page.title"]  # unknown language: English
    assert [code for code in LANGUAGE_CODES if i18n.is_rtl(code)] == ["ar", "ur", "yi"]
    assert i18n.direction("es") == "ltr"


def test_localized_errors_travel_between_languages():
    error = i18n.localized(InvalidInput, "error.packs_over_limit", item=("flyer", "ht"), packs=99, limit=40)
    assert str(error).startswith("Flyer · Kreyòl ayisyen: ")
    assert i18n.localize(error, "es").startswith("Volante · Kreyòl ayisyen: ")
    assert "٩٩" in i18n.localize(error, "ar") and "٤٠" in i18n.localize(error, "ar")  # Arabic-Indic digits
    assert i18n.localize(NotFound("Organization #3 does not exist"), "ru") == i18n.t("error.generic", "ru")
