"""The directory's Import section: the CSV template, a preview of an uploaded file, the import itself."""

from __future__ import annotations

import streamlit as st

from outreach.columns import LANGUAGES, NUMBER
from outreach.db import SessionFactory
from outreach.errors import OutreachError
from outreach.organizations import csv_import
from outreach.organizations.geocoding import make_geocoder
from outreach.ui import state
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import escape_markdown, run_write, show_error

ROW = Column(
    "Row", NUMBER, help="The row number as a spreadsheet shows it (the header is row 1)", width="small"
)
INVALID_COLUMNS = {"row": ROW, "name": Column("Name"), "problems": Column("What to fix")}
VALID_COLUMNS = {
    "row": ROW,
    "name": Column("Name"),
    "address": Column("Address"),
    "zip_code": Column("ZIP"),
    "languages": Column("Languages", LANGUAGES),
}


def show_import(sessions: SessionFactory, *, actor: str) -> None:
    st.download_button(
        "Download the CSV template",
        data=csv_import.template_csv(),
        file_name="directory-template.csv",
        mime="text/csv",
        key=state.DIR_IMPORT_TEMPLATE,
        on_click="ignore",
    )
    st.caption(
        "One row per organization. Required: name, address, zip_code, languages (codes like `es; bn` or names "
        "like `Spanish, বাংলা`). Comma- or semicolon-separated; UTF-8 or Latin-1. Rows with a problem are listed "
        "with the reason and are not imported; the others are imported together, or not at all. A row whose "
        "first cell starts with `#`, like the template's example row, is skipped."
    )
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key=state.DIR_IMPORT_FILE)
    if upload is None:
        return
    try:
        preview = csv_import.preview_import(sessions, upload.getvalue())
    except OutreachError as error:
        show_error(error)
        return
    st.caption(
        f"Read as {preview.encoding}, {csv_import.DELIMITERS[preview.delimiter]}-separated. "
        + (
            f"Ignored columns: {escape_markdown(', '.join(preview.ignored_columns))}. "
            if preview.ignored_columns
            else ""
        )
        + (f"Skipped {preview.comment_rows:,} row(s) starting with #." if preview.comment_rows else "")
    )
    valid, invalid = st.columns(2)
    valid.metric("Valid rows", preview.valid_count)
    invalid.metric("Rows with a problem", len(preview.invalid))
    if preview.already_located:
        st.info(
            f"{preview.already_located} of the valid rows are already located (an earlier or interrupted "
            "import): they will not be looked up again."
        )
    if len(preview.invalid):
        show_table(preview.invalid, INVALID_COLUMNS, key=state.DIR_IMPORT_INVALID)
    show_table(preview.rows[preview.rows["valid"]], VALID_COLUMNS, key=state.DIR_IMPORT_VALID)
    with st.form(state.DIR_IMPORT_FORM):
        go = st.form_submit_button(
            f"Import {preview.valid_count} valid row(s)",
            type="primary",
            disabled=not preview.valid_count,
        )
    if not go:
        return
    bar = st.progress(0.0, text="Locating addresses…")

    def report(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Locating addresses: {done} of {total}")

    run_write(
        lambda: csv_import.import_organizations(
            sessions, preview, geocoder=make_geocoder(), actor=actor, progress=report
        ),
        success=lambda result: (
            f"Imported {result.created:,} organization(s): {result.approximate:,} placed at their ZIP "
            f"centre, {result.unplaced:,} not placed, {result.outside_nyc:,} outside New York City."
        ),
    )
