"""The Translations page (admins only): who reviewed each language, and a round trip of one language through
the reviewer's spreadsheet (download, fill in, upload, preview of every change, apply), then the leader's page
in that language shows the reviewed text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from outreach import i18n, organizations
from outreach.restock import links as restock_links
from outreach.ui import state
from tests.pages.conftest import open_page, page_text, seen_table, shown_by_streamlit

PAGE = "pages/translations.py"
NEW_TITLE = "באַשטעלט מאַטעריאַלן „קענט אײַערע רעכט“ (איבערגעקוקט)"


@pytest.fixture(autouse=True)
def no_overrides():
    yield
    i18n.set_overrides({})


def reviewed_file(sheet: list[list[str]], corrections: dict[tuple[str, str], str]) -> bytes:
    header, rows = sheet[0], sheet[1:]
    key, form, text = header.index("key"), header.index("form"), header.index("reviewed_text")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        row = list(row)
        row[text] = corrections.get((row[key], row[form]), "")
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("role", ["coordinator", "organizer"])
def test_only_admins_see_the_page(page_db, role):
    at = open_page(PAGE, role)
    assert not at.get("download_button") and not at.get("file_uploader")
    assert "Reviewed by" not in page_text(at)


def test_a_round_trip_of_yiddish_through_the_spreadsheet(page_db, downloads):
    sessions, _ = page_db
    at = open_page(PAGE, "admin")
    assert not at.exception
    assert "Yiddish: not reviewed" in page_text(at) and "Haitian Kreyòl: not reviewed" in page_text(at)

    at.selectbox(key=state.TRANSLATIONS_EXPORT_LANG).set_value("yi").run()
    sheet = downloads.csv("kyr-translations-yi.csv")
    assert sheet[0] == [
        "language",
        "key",
        "form",
        "english",
        "current",
        "placeholders",
        "reviewed_text",
        "comment",
    ]
    assert downloads["kyr-translations-yi.csv"].startswith("\ufeff".encode())

    # A text that drops its placeholder: refused, naming the key and the placeholder; nothing to apply.
    broken = reviewed_file(sheet, {("form.note_help", ""): "נאָר אַ באַמערקונג."})
    at.selectbox(key=state.TRANSLATIONS_IMPORT_LANG).set_value("yi").run()
    at.file_uploader(key=state.TRANSLATIONS_IMPORT_FILE).set_value(("yi.csv", broken, "text/csv")).run()
    assert len(at.error) == 1 and "1 row(s) need fixing" in shown_by_streamlit(at.error[0].value)
    problems = [shown_by_streamlit(line.value) for line in at.markdown if line.value.startswith("- Row ")]
    assert len(problems) == 1 and "form.note_help: the reviewed text drops {limit}" in problems[0]
    assert not at.get("form") or not any(b.label.startswith("Apply") for b in at.button)

    good = reviewed_file(sheet, {("page.title", ""): NEW_TITLE, ("count.packs", "one"): "איין פּעקל"})
    at.file_uploader(key=state.TRANSLATIONS_IMPORT_FILE).set_value(("yi.csv", good, "text/csv")).run()
    assert not at.error
    assert "2 change(s) to Yiddish" in shown_by_streamlit(page_text(at))
    changes = seen_table(at.dataframe[0])
    assert changes["Text"].tolist() == ["count.packs", "page.title"]
    assert changes["After"].tolist() == ["איין פּעקל", NEW_TITLE]
    assert changes["Before"].tolist()[1] == i18n.t("page.title", "yi")

    at.text_input(key=state.TRANSLATIONS_REVIEWER).set_value("Chaya Weiss")
    next(button for button in at.button if button.label.startswith("Apply 2 change(s)")).click().run()
    assert not at.exception and not at.error
    text = shown_by_streamlit(page_text(at))
    assert "Yiddish: 2 text(s) changed, review recorded." in text
    lines = [shown_by_streamlit(line.value) for line in at.markdown]
    assert f"- Yiddish: reviewed by Chaya Weiss, {dt.date.today():%Y-%m-%d} (2 text(s) changed)" in lines
    assert "- Haitian Kreyòl: not reviewed" in lines

    # The leader's page, in Yiddish, now has the reviewed title.
    organization_id = organizations.create_organization(
        sessions, name="Beth Shalom", borough="Brooklyn", languages=["yi"], actor="t"
    )
    token = restock_links.issue_link(sessions, organization_id=organization_id, actor="t")
    leader = open_page("pages/restock.py", query={"t": token})
    leader.selectbox(key=state.RESTOCK_LANG).set_value("yi").run()
    assert shown_by_streamlit(leader.title[0].value) == NEW_TITLE
