"""The eleven catalogs (ten languages, Chinese in two scripts): complete, placeholders intact, every key the
code uses exists, and every text uses its catalog's glossary words."""

from __future__ import annotations

import json
import re
import string
import unicodedata
from pathlib import Path

import pytest

from outreach import i18n, i18n_format
from outreach.catalog import CATALOG_CODES, LANGUAGE_CODES, MATERIALS
from outreach.errors import InvalidInput, NotFound
from outreach.models import REQUEST_STATUSES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = i18n.messages("en")


def placeholders(text: str) -> set[str]:
    """The names of the `{placeholders}` in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_one_catalog_per_written_language_and_nothing_else():
    folders = {path.name for path in i18n.TRANSLATIONS_DIR.iterdir() if path.is_dir()}
    assert folders == set(CATALOG_CODES) == {*LANGUAGE_CODES, "zh-Hant"}
    assert len(CATALOG_CODES) == 11
    english_files = {path.name for path in i18n.catalog_files(i18n.REFERENCE_LANGUAGE)}
    assert {"restock.json", "documents.json"} <= english_files
    assert i18n.GLOSSARY_FILE not in english_files  # a glossary is not messages
    for code in CATALOG_CODES:
        assert {path.name for path in i18n.catalog_files(code)} == english_files, code
        assert (i18n.TRANSLATIONS_DIR / code / i18n.GLOSSARY_FILE).is_file(), code


@pytest.mark.parametrize("code", CATALOG_CODES)
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


@pytest.mark.parametrize("code", CATALOG_CODES)
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
SAME_WORD = {("fr", "slip.date")}  # "Date" is French too


@pytest.mark.parametrize("code", [c for c in CATALOG_CODES if c != "en"])
def test_catalogs_are_translated_not_copied(code):
    same = {
        key
        for key, text in i18n.messages(code).items()
        if text == REFERENCE[key] and (code, key) not in SAME_WORD
    }
    assert same <= LANGUAGE_NEUTRAL, f"{code}: still English: {sorted(same - LANGUAGE_NEUTRAL)}"


@pytest.mark.parametrize("code", CATALOG_CODES)
def test_texts_are_nfc_and_have_no_stray_spaces(code):
    for key, text in i18n.messages(code).items():
        assert unicodedata.is_normalized("NFC", text), f"{code}.{key} is not NFC"
        assert text == text.strip() and "  " not in text, f"{code}.{key} has stray spaces"


def test_traditional_chinese_is_its_own_catalog_not_a_conversion():
    """Written for Hong Kong and Cantonese readers: its own words (單張, QR 碼, 連結, 統籌員), not the Simplified
    catalog's characters converted one by one (传单 -> 傳單, 二维码 -> 二維碼, 链接 -> 鏈接)."""
    simplified, traditional = i18n.messages("zh"), i18n.messages("zh-Hant")
    assert traditional["material.flyer"] == "單張" and simplified["material.flyer"] == "传单"
    joined = "".join(traditional.values())
    for mainland in ("二維碼", "鏈接", "傳單", "协调", "资料", "链接", "这"):
        assert mainland not in joined, mainland
    # Traditional characters only: none of these common Simplified-only characters
    assert not set("们这个为说对时会请连络门书单张册资机构区") & set(joined)
    same = [key for key, text in traditional.items() if text == simplified[key]]  # 已收到, 已批准: one script
    assert len(same) <= len(traditional) // 6, same


def test_french_punctuation_never_breaks_from_its_word():
    for key, text in i18n.messages("fr").items():
        for mark in ":?!;»":
            assert f" {mark}" not in text, f"fr.{key}: a breaking space before {mark!r} (use U+202F)"
        assert "« " not in text, f"fr.{key}: a breaking space after «"


def test_yiddish_writes_each_digraph_one_way():
    """ay, ey, oy and vov-vov as two letters, as in the name ייִדיש, never the ligature characters U+05F0..2."""
    for key, text in i18n.messages("yi").items():
        assert not {"\u05f0", "\u05f1", "\u05f2"} & set(text), f"yi.{key}"


# --- glossary ------------------------------------------------------------------------------------------

GLOSSARY_CONCEPTS = {"flyer", "booklet", "pack", "organization", "community", "request"}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def unplaced(text: str) -> str:
    """The text without its `{placeholders}` (a '{packs}' is not the word 'packs'), casefolded."""
    return PLACEHOLDER.sub(" ", text).casefold()


@pytest.mark.parametrize("code", CATALOG_CODES)
def test_glossary_is_well_formed(code):
    glossary = i18n.glossary(code)
    assert GLOSSARY_CONCEPTS <= set(glossary), f"{code}: missing {GLOSSARY_CONCEPTS - set(glossary)}"
    for concept, entry in glossary.items():
        assert entry["term"].strip() and entry["forms"], f"{code}.{concept}"
        assert all(form.strip() for form in [*entry["forms"], *entry["avoid"]]), f"{code}.{concept}"
        clash = {a for a in entry["avoid"] for f in entry["forms"] if a.casefold() in f.casefold()}
        assert not clash, f"{code}.{concept}: an avoided word is part of an allowed form: {clash}"


@pytest.mark.parametrize("code", CATALOG_CODES)
def test_every_text_uses_the_glossary_term(code):
    """Where the English text names a concept (its glossary's `anchor`), the translation uses one of the
    allowed forms of the catalog's own term; and no text anywhere in the catalog uses an avoided word."""
    anchors = {
        concept: re.compile(entry["anchor"], re.IGNORECASE)
        for concept, entry in i18n.glossary("en").items()
        if concept in GLOSSARY_CONCEPTS
    }
    glossary, catalog = i18n.glossary(code), i18n.messages(code)
    missing, avoided = [], []
    for key, text in catalog.items():
        plain = unplaced(text)
        for concept, anchor in anchors.items():
            if anchor.search(PLACEHOLDER.sub(" ", REFERENCE[key])) and not any(
                form.casefold() in plain for form in glossary[concept]["forms"]
            ):
                missing.append(f"{key} ({concept}: {glossary[concept]['term']})")
        for concept, entry in glossary.items():
            avoided += [f"{key}: {word!r} ({concept})" for word in entry["avoid"] if word.casefold() in plain]
    assert not missing, f"{code}: the glossary term is missing in {missing}"
    assert not avoided, f"{code}: avoided words in {avoided}"


def test_the_glossary_test_catches_a_synonym_and_a_missing_term():
    glossary = i18n.glossary("es")
    text = unplaced("1 paquete = {size} cuadernillos")
    assert any(word in text for word in glossary["booklet"]["avoid"])
    assert not any(form in text for form in glossary["booklet"]["forms"])


def test_status_material_and_item_labels_exist_everywhere():
    for code in CATALOG_CODES:
        for status in REQUEST_STATUSES:
            assert i18n.status_label(status, code)
        for material in MATERIALS:
            assert i18n.material_label(material.code, code)
    assert i18n.item_label("booklet", "bn", "es") == "Folleto · বাংলা"
    assert i18n.item_label("flyer", "zh", "zh-Hant") == "單張 · 中文"


def test_every_key_used_in_the_code_exists():
    sources = [
        ROOT / "pages" / "restock.py",
        *sorted((ROOT / "outreach" / "documents").glob("*.py")),
        *sorted((ROOT / "outreach" / "restock").glob("*.py")),
        *sorted((ROOT / "outreach" / "ui").glob("restock*.py")),
    ]
    pattern = re.compile(
        r"""["']((?:page|form|confirm|done|history|status|token|error|poster|language|shipment|slip)\.[a-z_.]+)["']"""
    )
    used = {key for path in sources for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert {"error.packs_over_limit", "token.invalid", "slip.received_by", "shipment.note"} <= used, (
        "keys not found: the pattern or paths are wrong"
    )
    assert used <= set(REFERENCE), used - set(REFERENCE)


def test_every_quantity_refusal_has_a_message():
    source = (ROOT / "outreach" / "quantities.py").read_text(encoding="utf-8")
    refused = set(re.findall(r"""_refuse\(\s*["']([a-z_]+)["']""", source))
    assert len(refused) >= 8, refused
    assert {f"quantity.{name}" for name in refused} == {k for k in REFERENCE if k.startswith("quantity.")}


def test_t_formats_falls_back_and_knows_direction():
    packs, pieces = i18n.counted("packs", 3, "fr"), i18n.counted("pieces", 150, "fr")
    assert (
        i18n.t("confirm.total_counted", "fr", packs=packs, pieces=pieces)
        == "Total\u202f: 3 paquets (150 exemplaires)"
    )
    assert i18n.t("page.title", "xx") == REFERENCE["page.title"]  # unknown language: English
    assert [code for code in CATALOG_CODES if i18n.is_rtl(code)] == ["ar", "ur", "yi"]
    assert i18n.direction("es") == "ltr" and i18n.direction("zh-Hant") == "ltr"
    assert i18n.language_of_catalog("zh-Hant") == "zh" and i18n.language_of_catalog("bn") == "bn"


def test_the_picker_offers_both_chinese_scripts_by_their_own_names():
    choices = i18n.language_choices()
    assert list(choices) == list(CATALOG_CODES)
    assert choices["zh"] == "简体中文" and choices["zh-Hant"] == "繁體中文"
    assert list(choices).index("zh-Hant") == list(choices).index("zh") + 1  # side by side


def test_localized_errors_travel_between_languages():
    error = i18n.localized(InvalidInput, "error.packs_over_limit", item=("flyer", "ht"), packs=99, limit=40)
    assert str(error).startswith("Flyer · Kreyòl ayisyen: ")
    assert i18n.localize(error, "es").startswith("Volante · Kreyòl ayisyen: ")
    assert "٩٩" in i18n.localize(error, "ar") and "٤٠" in i18n.localize(error, "ar")  # Arabic-Indic digits
    assert i18n.localize(NotFound("Organization #3 does not exist"), "ru") == i18n.t("error.generic", "ru")


def test_the_poster_names_the_organization_in_every_catalog_and_values_stay_as_typed():
    for code in CATALOG_CODES:
        assert "Hope Chapel" in i18n.t("poster.instruction", code, organization="Hope Chapel"), code
    assert "{nb} {0}" in i18n.t("poster.instruction", "es", organization="{nb} {0}")
    assert i18n.t("shipment.note", "xx") == i18n.t("shipment.note", "en")  # an old or mistyped preference
    assert i18n.t("shipment.note", None) == REFERENCE["shipment.note"]
