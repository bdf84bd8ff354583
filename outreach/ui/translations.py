"""The translations page's sections (admins): who reviewed each language, the reviewer's spreadsheet out,
and the reviewed spreadsheet back in (preview of every change, then apply). Also the one place the reviewed
texts reach `i18n` for a run (`use_reviewed_texts`)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from outreach import i18n
from outreach import translation_review as review
from outreach.catalog import CATALOG_CODES, catalog_of
from outreach.db import SessionFactory
from outreach.errors import OutreachError
from outreach.ui import state
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes, escape_markdown, run_write, show_error

CHANGE_COLUMNS = {
    "key": Column("Text"),
    "form": Column("Plural form", help="CLDR plural category; empty for a text without a count"),
    "before": Column("Before"),
    "after": Column("After"),
    "comment": Column("Reviewer's comment"),
}


@cached_read()
def reviewed_texts() -> dict[str, dict[str, i18n.Entry]]:
    return review.reviewed_entries(get_sessions())


def use_reviewed_texts() -> None:
    """Lay the reviewed texts over the catalogs for this run (a cached read: other processes' imports show
    once the cache follows them)."""
    i18n.set_overrides(reviewed_texts())


def _language_name(code: str) -> str:
    return catalog_of(code).label


def _pick_language(label: str, key: str) -> str:
    """One of the ten translated catalogs (English is the reference, not reviewed)."""
    codes = [code for code in CATALOG_CODES if code != i18n.REFERENCE_LANGUAGE]
    return str(st.selectbox(label, codes, format_func=_language_name, key=key))


def show_status(sessions: SessionFactory) -> None:
    st.subheader("Reviewed by")
    for row in review.review_status(sessions).to_dict("records"):
        line = review.status_line(row)
        changed = row.get("texts_changed")
        if not line.endswith("not reviewed") and changed == changed and changed is not None:  # not NaN
            line += f" ({int(changed)} text(s) changed)"
        st.markdown(f"- {escape_markdown(line)}")


def show_export(sessions: SessionFactory) -> None:
    st.subheader("Export a language for review")
    st.caption(
        "A CSV file (UTF-8 with a byte-order mark: Excel and Google Sheets open it in the right script). One "
        "row per text, or per plural form: the English, the current text and its placeholders. The reviewer "
        "writes corrections in **reviewed_text** (empty: the current text is fine) and may explain them in "
        "**comment**. Every {placeholder} of the English must stay, spelled exactly."
    )
    lang = _pick_language("Language to export", state.TRANSLATIONS_EXPORT_LANG)
    st.download_button(
        f"Download the {catalog_of(lang).english} spreadsheet (CSV)",
        data=csv_bytes(review.sheet(sessions, lang)),
        file_name=review.file_name(lang),
        mime="text/csv",
        key=state.TRANSLATIONS_EXPORT,
        icon=":material/download:",
        on_click="ignore",
    )


def show_import(sessions: SessionFactory, *, actor: str) -> None:
    st.subheader("Import a reviewed spreadsheet")
    lang = _pick_language("Language of the file", state.TRANSLATIONS_IMPORT_LANG)
    upload = st.file_uploader("Reviewed CSV file", type=["csv"], key=state.TRANSLATIONS_IMPORT_FILE)
    if upload is None:
        return
    data = upload.getvalue()
    try:
        preview = review.preview_import(sessions, lang, data)
    except OutreachError as error:
        show_error(error)
        return
    if preview.problems:
        with st.container(border=True):
            st.error(
                escape_markdown(
                    f"{len(preview.problems)} row(s) need fixing; nothing can be imported until they are:"
                )
            )
            for problem in preview.problems:
                st.markdown(f"- {escape_markdown(problem)}")
        return
    summary = (
        f"{len(preview.changes)} change(s) to {catalog_of(lang).english}; "
        f"{preview.unchanged} reviewed text(s) the same as now."
    )
    st.markdown(f"**{escape_markdown(summary)}**")
    if preview.changes:
        show_table(preview.frame(), CHANGE_COLUMNS, key=state.TRANSLATIONS_CHANGES)
    with st.form(state.TRANSLATIONS_IMPORT_FORM):
        reviewer = st.text_input(
            "Reviewer's name", key=state.TRANSLATIONS_REVIEWER, max_chars=review.MAX_NAME_CHARS
        )
        reviewed_on = st.date_input(
            "Date of the review", value=dt.date.today(), key=state.TRANSLATIONS_REVIEWED_ON
        )
        go = st.form_submit_button(
            f"Apply {len(preview.changes)} change(s) and record the review", type="primary"
        )
    if go:
        run_write(
            lambda: review.apply_import(
                sessions, lang=lang, data=data, reviewer=reviewer, reviewed_on=reviewed_on, actor=actor
            ),
            success=lambda done: escape_markdown(
                f"{catalog_of(done.language).english}: {len(done.changes)} text(s) changed, review recorded."
            ),
        )
