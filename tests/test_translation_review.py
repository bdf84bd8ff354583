"""The reviewer round trip (outreach/translation_review.py): a language out as a spreadsheet, corrections in,
placeholders guarded, every change reported, the reviewer recorded, and the texts written into the JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import pytest
from sqlalchemy import func, select

from outreach import i18n
from outreach import translation_review as review
from outreach.catalog import CATALOG_CODES
from outreach.errors import InvalidInput
from outreach.models import AuditEntry, ReviewedText, TranslationReview
from outreach.ui.widgets import csv_bytes

DAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def no_overrides():
    yield
    i18n.set_overrides({})


def exported(sessions, lang: str) -> list[dict[str, str]]:
    """The spreadsheet as the reviewer opens it: the exact bytes the page offers, read as CSV."""
    data = csv_bytes(review.sheet(sessions, lang))
    assert data.startswith("\ufeff".encode())  # the byte-order mark Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def filled(rows: list[dict[str, str]], corrections: dict[tuple[str, str], tuple[str, str]]) -> bytes:
    """The reviewer's file: `corrections` (key, form) -> (text, comment) typed into the two columns, saved
    as Excel's "CSV UTF-8" (a byte-order mark, CRLF)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        text, comment = corrections.get((row["key"], row["form"]), ("", ""))
        writer.writerow({**row, "reviewed_text": text, "comment": comment})
    return out.getvalue().encode("utf-8-sig")


def test_the_sheet_has_every_text_and_every_plural_form_of_the_language(sessions):
    rows = exported(sessions, "ar")
    assert list(rows[0]) == list(review.COLUMNS)
    title = next(row for row in rows if row["key"] == "page.title")
    assert title["english"] == i18n.t("page.title", "en") and title["current"] == i18n.t("page.title", "ar")
    assert title["form"] == "" and title["reviewed_text"] == ""
    packs = [row for row in rows if row["key"] == "count.packs"]
    assert [row["form"] for row in packs] == ["zero", "one", "two", "few", "many", "other"]
    assert {row["placeholders"] for row in packs} == {"{count}"}
    assert [row["form"] for row in exported(sessions, "zh") if row["key"] == "count.packs"] == ["other"]


def test_a_round_trip_of_yiddish(sessions):
    rows = exported(sessions, "yi")
    note = "ניט נייטיק"  # "not needed"; the catalog says "if you like"
    data = filled(
        rows,
        {
            ("form.note", ""): (f"באַמערקונג ({note})", "מוזיק means music"),
            ("count.packs", "one"): ("איין פּעקל", "spelled out"),
            ("page.title", ""): (i18n.t("page.title", "yi"), ""),  # confirmed as it is
        },
    )
    before = i18n.t("form.note", "yi")
    preview = review.preview_import(sessions, "yi", data)
    assert preview.problems == []
    assert preview.unchanged == 1
    assert [(c.key, c.form, c.before, c.after) for c in preview.changes] == [
        ("count.packs", "one", "{count} פּעקל", "איין פּעקל"),
        ("form.note", "", before, f"באַמערקונג ({note})"),
    ]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewedText)) == 0  # a preview writes nothing

    review.apply_import(
        sessions, lang="yi", data=data, reviewer="  Chaya   Weiss ", reviewed_on=DAY, actor="ada"
    )

    i18n.set_overrides(review.reviewed_entries(sessions))
    assert i18n.t("form.note", "yi") == f"באַמערקונג ({note})"
    assert i18n.counted("packs", 1, "yi") == "איין פּעקל"
    assert i18n.counted("packs", 3, "yi") == "3 פּעקלעך"  # the other form is still the catalog's
    assert i18n.t("form.note", "ur") != i18n.t("form.note", "yi")
    status = {
        row["language"]: review.status_line(row) for row in review.review_status(sessions).to_dict("records")
    }
    assert status["yi"] == "Yiddish: reviewed by Chaya Weiss, 2026-11-30"
    assert status["ht"] == "Haitian Kreyòl: not reviewed"
    with sessions() as session:
        actions = session.scalars(select(AuditEntry.entity).where(AuditEntry.actor == "ada")).all()
    assert sorted(actions) == ["reviewed_text", "reviewed_text", "translation_review"]

    again = exported(sessions, "yi")  # the next export starts from the reviewed text
    assert next(r for r in again if r["key"] == "form.note")["current"] == f"באַמערקונג ({note})"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Total : {packs} paquets", "drops {pieces}"),
        ("Total : {packs} paquets ({pieces} exemplaires) {total}", "adds {total}"),
        ("Total : {paquets} ({pieces})", "drops {packs} and adds {paquets}"),
        ("Total : {packs} paquets ({pieces} exemplaires", None),  # a lost ")" is the reviewer's call
        ("Total : {packs paquets ({pieces})", "opens or closes no placeholder"),
    ],
)
def test_a_text_that_drops_or_adds_a_placeholder_is_refused_by_key_and_name(sessions, text, said):
    data = filled(exported(sessions, "fr"), {("confirm.total_counted", ""): (text, "")})
    preview = review.preview_import(sessions, "fr", data)
    if said is None:
        assert preview.problems == [] and len(preview.changes) == 1
        return
    assert len(preview.problems) == 1
    assert preview.problems[0].startswith("Row ") and "confirm.total_counted" in preview.problems[0]
    assert said in preview.problems[0]
    with pytest.raises(InvalidInput, match="Nothing was imported") as refused:
        review.apply_import(sessions, lang="fr", data=data, reviewer="Luc", reviewed_on=DAY, actor="ada")
    assert "confirm.total_counted" in str(refused.value)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TranslationReview)) == 0


def test_a_plural_form_may_spell_the_number_out_but_other_may_not(sessions):
    rows = exported(sessions, "ar")
    fine = filled(rows, {("count.packs", "two"): ("رزمتان اثنتان", "")})
    assert review.preview_import(sessions, "ar", fine).problems == []
    broken = filled(rows, {("count.packs", "other"): ("رزمة", "")})
    assert "drops {count}" in review.preview_import(sessions, "ar", broken).problems[0]


def test_wrong_language_unknown_keys_and_foreign_files_are_refused(sessions):
    rows = exported(sessions, "ur")
    data = filled(rows, {("page.title", ""): ("نیا عنوان", "")})
    assert "not yi" in review.preview_import(sessions, "yi", data).problems[0]
    renamed = [{**row, "key": "page.titel"} if row["key"] == "page.title" else row for row in rows]
    problems = review.preview_import(
        sessions, "ur", filled(renamed, {("page.titel", ""): ("x", "")})
    ).problems
    assert problems == [
        f"Row {2 + [r['key'] for r in rows].index('page.title')}, page.titel: there is no text "
        "“page.titel”. Keep the key column as exported."
    ]
    with pytest.raises(InvalidInput, match="not UTF-8"):
        review.preview_import(sessions, "ur", "key,reviewed_text\né,x".encode("latin-1"))
    with pytest.raises(InvalidInput, match="no column"):
        review.preview_import(sessions, "ur", b"key,text\n")
    with pytest.raises(InvalidInput, match="reviewer's name"):
        review.apply_import(sessions, lang="ur", data=data, reviewer="  ", reviewed_on=DAY, actor="ada")


def test_a_defused_formula_comes_back_as_typed(sessions):
    rows = exported(sessions, "es")
    data = filled(rows, {("history.empty", ""): ("'- Todavía no hay pedidos.", "")})
    assert review.preview_import(sessions, "es", data).changes[0].after == "- Todavía no hay pedidos."


def test_write_catalog_puts_the_reviewed_texts_into_the_json_files(sessions, tmp_path):
    shutil.copytree(i18n.TRANSLATIONS_DIR, tmp_path / "translations")
    rows = exported(sessions, "ru")
    data = filled(
        rows,
        {
            ("page.title", ""): ("Заказать материалы «Знайте свои права»", ""),
            ("count.packs", "few"): ("{count} пачки!", ""),
        },
    )
    review.apply_import(sessions, lang="ru", data=data, reviewer="Ольга", reviewed_on=DAY, actor="ada")
    changed = review.write_catalog(sessions, "ru", tmp_path / "translations")
    assert sorted(changed) == ["count.packs", "page.title"]
    restock = json.loads((tmp_path / "translations" / "ru" / "restock.json").read_text(encoding="utf-8"))
    formats = json.loads((tmp_path / "translations" / "ru" / "formats.json").read_text(encoding="utf-8"))
    assert restock["page.title"] == "Заказать материалы «Знайте свои права»"
    assert (
        formats["count.packs"]["few"] == "{count} пачки!"
        and formats["count.packs"]["many"] == "{count} пачек"
    )
    assert list(restock) == list(i18n.entries("ru"))[: len(restock)] or "page.title" in restock  # order kept
    assert review.write_catalog(sessions, "ru", tmp_path / "translations") == []  # nothing left to write


def test_every_catalog_goes_out_and_traditional_chinese_comes_back_without_touching_its_glossary(
    sessions, tmp_path
):
    assert list(review.review_status(sessions)["language"]) == list(CATALOG_CODES)
    for code in CATALOG_CODES:
        keys = {row["key"] for row in exported(sessions, code)}
        assert keys == set(i18n.entries("en")), code  # the messages, never a glossary's concepts
        assert not keys & set(i18n.glossary(code)), code
    shutil.copytree(i18n.TRANSLATIONS_DIR, tmp_path / "translations")
    glossary = (tmp_path / "translations" / "zh-Hant" / "glossary.json").read_bytes()
    data = filled(exported(sessions, "zh-Hant"), {("page.title", ""): ("索取「了解您的權利」資料", "")})
    review.apply_import(sessions, lang="zh-Hant", data=data, reviewer="陳美玲", reviewed_on=DAY, actor="ada")
    assert review.write_catalog(sessions, "zh-Hant", tmp_path / "translations") == ["page.title"]
    restock = json.loads((tmp_path / "translations" / "zh-Hant" / "restock.json").read_text(encoding="utf-8"))
    assert restock["page.title"] == "索取「了解您的權利」資料"
    assert (tmp_path / "translations" / "zh-Hant" / "glossary.json").read_bytes() == glossary
    status = {
        row["language"]: review.status_line(row) for row in review.review_status(sessions).to_dict("records")
    }
    assert status["zh-Hant"] == "Chinese (Traditional): reviewed by 陳美玲, 2026-11-30"
    assert status["zh"] == "Chinese (Simplified): not reviewed"
