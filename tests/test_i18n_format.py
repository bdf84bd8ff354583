"""Numbers, dates and plural forms per language (outreach/i18n_format.py), and how `t` uses them."""

from __future__ import annotations

import datetime as dt

import numpy
import pytest

from outreach import i18n, i18n_format
from outreach.catalog import LANGUAGE_CODES

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        ("en", "2,000"),
        ("es", "2,000"),  # es_US: New York's Dominican, Puerto Rican and Mexican readers
        ("zh", "2,000"),
        ("zh-Hant", "2,000"),  # zh_Hant: Latin digits, as Hong Kong prints them
        ("fr", f"2{NNBSP}000"),  # CLDR: narrow no-break space
        ("ru", f"2{NBSP}000"),  # CLDR's group symbol for ru is the no-break space
        ("ht", f"2{NBSP}000"),
        ("ar", "٢٬٠٠٠"),  # Arabic-Indic digits and the Arabic thousands separator
        ("bn", "২,০০০"),  # Bengali digits
        ("ur", "2,000"),  # CLDR ur (Pakistan): Latin digits
        ("yi", "2,000"),
    ],
)
def test_two_thousand_as_each_reader_writes_it(lang, written):
    assert i18n_format.number(2000, lang) == written


def test_large_numbers_keep_cldr_grouping():
    assert i18n_format.number(1234567, "bn") == "১২,৩৪,৫৬৭"  # the Indian grouping Bangladesh uses
    assert i18n_format.number(100000, "fr") == f"100{NNBSP}000"
    assert i18n_format.number(7, "ar") == "٧"
    assert i18n_format.number(2000, "xx") == "2,000"  # unknown language: English
    # Counts from a DataFrame are numpy integers: written for the reader too, never isolated as text.
    assert i18n.t("confirm.on_hand", "ar", packs=numpy.int64(2000)).endswith("٢٬٠٠٠")


def test_numbers_on_a_table_read_in_several_languages_group_with_a_narrow_space():
    assert i18n_format.unambiguous(12500) == f"12{NNBSP}500"
    assert i18n_format.unambiguous(950) == "950"


def test_dates_in_each_language():
    day = dt.date(2027, 1, 10)
    assert i18n_format.date(day, "en") == "Jan 10, 2027"
    assert i18n_format.date(day, "fr") == "10 janv. 2027"
    assert i18n_format.date(day, "ht") == "10 janvye 2027"  # CLDR has no Kreyòl dates
    assert i18n_format.date(dt.datetime(2027, 1, 10, 23, 59), "bn") == "১০ জানু, ২০২৭"
    assert "٢٠٢٧" in i18n_format.date(day, "ar")
    for code in LANGUAGE_CODES:
        assert (
            "2027" in i18n_format.date(day, code)
            or "২০২৭" in i18n_format.date(day, code)
            or "٢٠٢٧" in (i18n_format.date(day, code))
        )


def test_plural_categories_follow_cldr():
    assert i18n_format.categories("ar") == {"zero", "one", "two", "few", "many", "other"}
    assert i18n_format.categories("ru") == {"one", "few", "many", "other"}
    assert i18n_format.categories("zh") == {"other"}
    assert [i18n_format.plural_category(n, "ru") for n in (1, 3, 5, 21, 2001)] == [
        "one",
        "few",
        "many",
        "one",
        "one",
    ]
    assert [i18n_format.plural_category(n, "ar") for n in (0, 1, 2, 3, 11, 100)] == [
        "zero",
        "one",
        "two",
        "few",
        "many",
        "other",
    ]


def test_counted_nouns_use_the_right_form():
    assert [i18n.counted("packs", n, "en") for n in (1, 2)] == ["1 pack", "2 packs"]
    assert [i18n.counted("packs", n, "ru") for n in (1, 3, 5, 21)] == [
        "1 пачка",
        "3 пачки",
        "5 пачек",
        "21 пачка",
    ]
    assert [i18n.counted("packs", n, "ar") for n in (1, 2, 3, 11)] == [
        "رزمة واحدة",
        "رزمتان",
        "٣ رزم",
        "١١ رزمة",
    ]
    assert i18n.counted("pieces", 2000, "fr") == f"2{NNBSP}000 exemplaires"


def test_t_writes_numbers_for_the_reader():
    assert i18n.t("confirm.far_above", "fr", packs=2000, usual=40).startswith(
        f"Cette demande (2{NNBSP}000 paquets)"
    )
    total = i18n.t(
        "confirm.total_counted",
        "ru",
        packs=i18n.counted("packs", 5, "ru"),
        pieces=i18n.counted("pieces", 250, "ru"),
    )
    assert total == "Итого: 5 пачек (250 экземпляров)"
    with pytest.raises(TypeError, match="count="):
        i18n.t("count.packs", "en")


def test_overrides_lie_over_the_catalog_and_can_be_cleared():
    try:
        i18n.set_overrides({"fr": {"page.title": "Commander des documents"}})
        assert i18n.t("page.title", "fr") == "Commander des documents"
        assert i18n.messages("fr")["page.title"] == "Commander des documents"
        assert i18n.t("page.title", "es") != "Commander des documents"
    finally:
        i18n.set_overrides({})
    assert i18n.t("page.title", "fr") != "Commander des documents"


def test_traditional_chinese_has_its_own_locale_and_words():
    assert str(i18n_format.locale("zh-Hant")) == "zh_Hant"
    assert i18n_format.categories("zh-Hant") == {"other"}
    assert i18n.counted("characters", 2001, "zh-Hant") == "2,001 個字"
    assert i18n.counted("packs", 1, "zh-Hant") == "1 包"
    packs, pieces = i18n.counted("packs", 3, "zh-Hant"), i18n.counted("pieces", 150, "zh-Hant")
    assert i18n.t("confirm.total_counted", "zh-Hant", packs=packs, pieces=pieces) == "合共：3 包（150 份）"
