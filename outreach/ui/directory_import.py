"""The directory's Import section: the CSV template, a preview of an uploaded file, the import itself."""

from __future__ import annotations

import streamlit as st

from outreach.columns import DECIMAL, FLAG, LANGUAGES, NUMBER
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
    "latitude": Column(
        "Latitude", DECIMAL, help="From the file: placed directly, not looked up", format="%.5f"
    ),
    "longitude": Column("Longitude", DECIMAL, format="%.5f"),
    "district": Column(
        "District", help="Where the coordinates fall; rows with an address are placed on import"
    ),
    "languages": Column("Languages", LANGUAGES),
    "languages_to_confirm": Column("Languages to confirm", FLAG, help="None given: imported, to follow up"),
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
        "One row per organization: its name, and where it is: the street `address` and `zip_code` (looked up), "
        "or `latitude` and `longitude` in decimal degrees, WGS84, like `40.7513` and `-73.8830` (placed "
        "directly, as open-data lists give them; also read from columns named `lat`, `lon`, `lng`, `long`, "
        "or `x` = longitude and `y` = latitude). Swapped or projected values (State Plane feet) and points "
        "outside New York City are refused with the reason. `languages`: codes like `es; bn` or names like "
        "`Spanish, বাংলা`; left empty, the organization is imported and listed as *languages to confirm*. "
        "Comma- or semicolon-separated; UTF-8 or Latin-1. Rows with a problem are listed with the reason and "
        "are not imported; the others are imported together, or not at all. A row whose first cell starts "
        "with `#`, like the template's example rows, is skipped."
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
    valid, invalid, located, to_confirm = st.columns(4)
    valid.metric("Valid rows", preview.valid_count)
    invalid.metric("Rows with a problem", len(preview.invalid))
    located.metric("Placed by coordinates", preview.with_coordinates, help="Not sent to the address lookup")
    to_confirm.metric("Languages to confirm", preview.languages_to_confirm, help="No language given")
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
        text = f"Locating addresses: {done} of {total}" if total else "No address to look up"
        bar.progress(done / total if total else 1.0, text=text)

    run_write(
        lambda: csv_import.import_organizations(
            sessions, preview, geocoder=make_geocoder(), actor=actor, progress=report
        ),
        success=lambda result: (
            f"Imported {result.created:,} organization(s): {result.from_coordinates:,} placed by their "
            f"coordinates, {result.approximate:,} at their ZIP centre, {result.unplaced:,} not placed, "
            f"{result.outside_nyc:,} outside New York City; {result.languages_to_confirm:,} with languages to "
            "confirm (List: “Only languages to confirm”)."
        ),
    )
