"""The fixed vocabulary: ten languages (three right-to-left), two materials with pack sizes, five boroughs."""

from __future__ import annotations

import pytest

from outreach import catalog
from outreach.errors import InvalidInput


def test_ten_languages_with_codes_names_and_direction() -> None:
    assert catalog.LANGUAGE_CODES == ("es", "en", "fr", "zh", "ar", "ru", "bn", "ur", "ht", "yi")
    assert len(set(catalog.LANGUAGE_CODES)) == 10
    rtl = {language.code for language in catalog.LANGUAGES if language.is_rtl}
    assert rtl == {"ar", "ur", "yi"}
    for language in catalog.LANGUAGES:
        assert language.direction in {"ltr", "rtl"}
        assert language.english and language.native and language.need_key
    assert catalog.language_of("bn").native == "বাংলা"
    assert catalog.language_of("ht").english == "Haitian Kreyòl"


def test_label_shows_native_name_unless_same() -> None:
    assert catalog.language_of("en").label == "English"
    assert catalog.language_of("es").label == "Spanish · Español"


def test_unknown_language_code_names_it_and_lists_the_choices() -> None:
    with pytest.raises(InvalidInput) as caught:
        catalog.language_of("xx")
    assert "'xx'" in str(caught.value)
    assert "bn" in str(caught.value) and "yi" in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("bn", "bn"),
        ("BN", "bn"),
        ("Bangla", "bn"),
        ("bangla", "bn"),
        ("বাংলা", "bn"),
        ("Bengali", "bn"),
        ("  spanish ", "es"),
        ("Español", "es"),
        ("castellano", "es"),
        ("Mandarin", "zh"),
        ("中文", "zh"),
        ("Chinese (Mandarin)", "zh"),
        ("haitian   creole", "ht"),
        ("Kreyòl ayisyen", "ht"),
        ("العربية", "ar"),
        ("اردو", "ur"),
        ("ייִדיש", "yi"),
        ("Русский", "ru"),
        ("Français", "fr"),
    ],
)
def test_parse_language_by_code_english_native_or_alias(typed: str, code: str) -> None:
    assert catalog.parse_language(typed) == code


@pytest.mark.parametrize("typed", ["Klingon", "", "e", "esp"])
def test_parse_language_unknown(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        catalog.parse_language(typed)
    assert repr(typed) in str(caught.value)
    assert "Spanish" in str(caught.value)


def test_materials_and_pack_sizes() -> None:
    assert catalog.MATERIAL_CODES == ("flyer", "booklet")
    assert catalog.material_of("flyer").pack_size == 50
    assert catalog.material_of("booklet").pack_size == 25
    with pytest.raises(InvalidInput, match="'poster'"):
        catalog.material_of("poster")


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Brooklyn", "Brooklyn"),
        ("bk", "Brooklyn"),
        ("Kings", "Brooklyn"),
        ("the bronx", "Bronx"),
        ("New York", "Manhattan"),
        ("Richmond", "Staten Island"),
        ("QN", "Queens"),
    ],
)
def test_boroughs(typed: str, name: str) -> None:
    assert catalog.borough_of(typed).name == name


def test_five_boroughs_with_codes_and_unknown_refused() -> None:
    assert catalog.BOROUGH_NAMES == ("Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island")
    assert [b.code for b in catalog.BOROUGHS] == [1, 2, 3, 4, 5]
    with pytest.raises(InvalidInput, match="'Jersey City'"):
        catalog.borough_of("Jersey City")


def test_district_label() -> None:
    assert catalog.district_label(312) == "BK 12"
    assert catalog.district_label(101) == "MN 01"
    assert catalog.district_label(None) == ""


@pytest.mark.parametrize(
    ("codes", "names"),
    [
        ("ar, bn", "Arabic, Bangla"),  # the directory's list
        ("bn; en", "Bangla, English"),
        ("bn en", "Bangla, English"),  # the coverage reads' list
        (["ht", "zh"], "Haitian Kreyòl, Chinese"),  # the written language, not "Mandarin"
        ("zh-Hant, en", "Chinese (Traditional), English"),  # a preferred language may be a catalog
        ("yi", "Yiddish"),
        ("xx, es", "xx, Spanish"),  # an unknown code is kept, never dropped
        ("", ""),
        (None, ""),
    ],
)
def test_language_names_turn_codes_into_english_names_in_order(codes, names) -> None:
    assert catalog.language_names(codes) == names


def test_language_names_with_another_separator_reads_back_as_the_same_codes() -> None:
    written = catalog.language_names("ar, bn, ht", separator="; ")
    assert written == "Arabic; Bangla; Haitian Kreyòl"
    assert [catalog.parse_language(part) for part in written.split("; ")] == ["ar", "bn", "ht"]


def test_material_name() -> None:
    assert (catalog.material_name("flyer"), catalog.material_name("booklet")) == ("Flyer", "Booklet")
    assert (catalog.material_name("poster"), catalog.material_name(None)) == ("poster", "")


def test_eleven_catalogs_write_ten_languages() -> None:
    assert catalog.CATALOG_CODES == ("es", "en", "fr", "zh", "zh-Hant", "ar", "ru", "bn", "ur", "ht", "yi")
    assert {c.language for c in catalog.CATALOGS} == set(catalog.LANGUAGE_CODES)
    assert catalog.catalog_of("zh-Hant").language == "zh"
    assert catalog.catalog_of("zh-Hant").label == "Chinese (Traditional) · 繁體中文"
    assert catalog.language_of("zh").english == "Chinese"
    with pytest.raises(InvalidInput, match="'zh-TW'"):
        catalog.catalog_of("zh-TW")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("zh-Hant", "zh-Hant"),
        ("Traditional Chinese", "zh-Hant"),
        ("Chinese (Traditional)", "zh-Hant"),
        ("繁體中文", "zh-Hant"),
        ("Cantonese", "zh-Hant"),
        ("简体中文", "zh"),
        ("Chinese", "zh"),
        ("Chinese (Mandarin)", "zh"),  # what older exports wrote
        ("Bangla", "bn"),
    ],
)
def test_a_preferred_language_may_name_a_script(typed, code) -> None:
    assert catalog.parse_catalog(typed) == code
    assert catalog.parse_language(typed) == ("zh" if code == "zh-Hant" else code)  # stock: one Chinese
