"""The directory's List section: the filter bar (the Map section shares it), one page of the table, the export.

Every read is keyed by the database URL and a `DirectoryFilters` (and the page): run_write clears them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from outreach import organizations
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, district_label
from outreach.columns import FLAG, LANGUAGES, WHOLE, WORDS
from outreach.db import SessionFactory
from outreach.organizations import DirectoryFilters
from outreach.ui import state
from outreach.ui.paging import pager
from outreach.ui.pickers import language_label
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes

LOCATION_SOURCES = {"geocoded": "Address lookup", "zip_centroid": "ZIP centre", "manual": "Pin set by hand"}
LIST_COLUMNS = {
    "name": Column("Name"),
    "faith_tradition": Column("Tradition"),
    "address": Column("Address"),
    "zip_code": Column("ZIP"),
    "borough": Column("Borough"),
    "district": Column("District"),
    "languages": Column("Languages", LANGUAGES),
    "languages_to_confirm": Column(
        "Languages to confirm",
        FLAG,
        help="No language known yet (imported without one): ask and edit the record",
    ),
    "weekly_attendance": Column("Weekly attendance", WHOLE),
    "status": Column("Status", WORDS),
    "location_precision": Column("Precision", WORDS),
    "location_source": Column("Located by", LOCATION_SOURCES),
    "location_note": Column("Location note"),
    # Contact details are for coordinators and admins only: the page's role guard lets only them in.
    "contact_name": Column("Contact"),
    "contact_phone": Column("Phone"),
    "contact_email": Column("E-mail"),
}


@cached_read()
def directory_page(url: str, filters: DirectoryFilters, offset: int, limit: int) -> pd.DataFrame:
    return organizations.list_organizations(
        get_sessions(), include_contacts=True, filters=filters, limit=limit, offset=offset
    )


def filter_bar(traditions: list[str], districts: list[int]) -> DirectoryFilters:
    """The filters of the List and Map sections. Their values are kept while another section is shown."""
    search = st.text_input("Search name, address or ZIP", key=state.DIR_SEARCH, persist_state="page")
    # label, choices, how a choice is shown, key: one select box each, side by side, "Any" until chosen
    boxes: list[tuple[str, Sequence[Any], Callable[[Any], str], str]] = [
        ("Borough", BOROUGH_NAMES, str, state.DIR_FILTER_BOROUGH),
        ("Community district", districts, district_label, state.DIR_FILTER_DISTRICT),
        ("Language served", LANGUAGE_CODES, language_label, state.DIR_FILTER_LANGUAGE),
        ("Faith tradition", traditions, str, state.DIR_FILTER_TRADITION),
        ("Status", organizations.STATUSES, str, state.DIR_FILTER_STATUS),
    ]
    borough, district, language, tradition, status = (
        column.selectbox(
            label, choices, index=None, placeholder="Any", format_func=shown, key=key, persist_state="page"
        )
        for column, (label, choices, shown, key) in zip(st.columns(len(boxes)), boxes, strict=True)
    )
    to_confirm = st.checkbox(
        "Only languages to confirm",
        key=state.DIR_FILTER_TO_CONFIRM,
        persist_state="page",
        help="Organizations imported without the languages they serve: call them, then add the languages.",
    )
    return DirectoryFilters(
        search=search.strip() or None,
        borough=borough,
        community_district=district,
        language=language,
        faith_tradition=tradition,
        status=status,
        languages_to_confirm=to_confirm,
    )


def show_list(sessions: SessionFactory, url: str, filters: DirectoryFilters, total: int) -> None:
    page = pager(state.DIR_PAGE, filters=filters)
    frame = directory_page(url, filters, page.offset, page.size)
    if frame.empty:
        st.caption(
            f"No organization on this page; {total:,} match these filters."
            + (" Go back to page 1." if page.number > 1 and total else "")
        )
    else:
        st.caption(f"Rows {page.offset + 1:,}–{page.offset + len(frame):,} of {total:,} organization(s).")
    # Plain text columns: st.dataframe shows "<b>" as the five characters, never as markup.
    show_table(frame, LIST_COLUMNS, key=state.DIR_TABLE)
    st.download_button(
        f"Download all {total:,} matching organizations (CSV)",
        # A callable: the whole filtered set is read only when the button is pressed, not on every rerun.
        data=lambda: csv_bytes(organizations.export_frame(sessions, include_contacts=True, filters=filters)),
        file_name=f"directory-{dt.date.today():%Y-%m-%d}.csv",
        mime="text/csv",
        key=state.DIR_EXPORT,
        on_click="ignore",
    )
