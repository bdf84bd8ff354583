"""The directory's List section: the filter bar (the Map section shares it), one page of the table, the export.

Every read is keyed by the database URL and a `DirectoryFilters` (and the page): run_write clears them all.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from outreach import organizations
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, district_label, language_of
from outreach.db import SessionFactory
from outreach.organizations import DirectoryFilters
from outreach.ui import state
from outreach.ui.paging import pager
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import csv_bytes

COLUMN_LABELS = {
    "name": "Name",
    "faith_tradition": "Tradition",
    "address": "Address",
    "zip_code": "ZIP",
    "borough": "Borough",
    "district": "District",
    "languages": "Languages",
    "status": "Status",
    "location_precision": "Precision",
    "location_source": "Located by",
    "location_note": "Location note",
    # Contact details are for coordinators and admins only: the page's role guard lets only them in.
    "contact_name": "Contact",
    "contact_phone": "Phone",
    "contact_email": "E-mail",
}


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def directory_page(url: str, filters: DirectoryFilters, offset: int, limit: int) -> pd.DataFrame:
    return organizations.list_organizations(
        get_sessions(), include_contacts=True, filters=filters, limit=limit, offset=offset
    )


def filter_bar(traditions: list[str], districts: list[int]) -> DirectoryFilters:
    """The filters of the List and Map sections. Their values are kept while another section is shown."""
    search = st.text_input("Search name, address or ZIP", key=state.DIR_SEARCH, persist_state="page")
    columns = st.columns(5)
    borough = columns[0].selectbox(
        "Borough",
        BOROUGH_NAMES,
        index=None,
        placeholder="Any",
        key=state.DIR_FILTER_BOROUGH,
        persist_state="page",
    )
    district = columns[1].selectbox(
        "Community district",
        districts,
        index=None,
        placeholder="Any",
        format_func=district_label,
        key=state.DIR_FILTER_DISTRICT,
        persist_state="page",
    )
    language = columns[2].selectbox(
        "Language served",
        LANGUAGE_CODES,
        index=None,
        placeholder="Any",
        format_func=lambda code: language_of(code).label,
        key=state.DIR_FILTER_LANGUAGE,
        persist_state="page",
    )
    tradition = columns[3].selectbox(
        "Faith tradition",
        traditions,
        index=None,
        placeholder="Any",
        key=state.DIR_FILTER_TRADITION,
        persist_state="page",
    )
    status = columns[4].selectbox(
        "Status",
        organizations.STATUSES,
        index=None,
        placeholder="Any",
        key=state.DIR_FILTER_STATUS,
        persist_state="page",
    )
    return DirectoryFilters(
        search=search.strip() or None,
        borough=borough,
        community_district=district,
        language=language,
        faith_tradition=tradition,
        status=status,
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
    st.dataframe(
        frame[list(COLUMN_LABELS)],
        hide_index=True,
        width="stretch",
        key=state.DIR_TABLE,
        column_config=COLUMN_LABELS,
    )
    st.download_button(
        f"Download all {total:,} matching organizations (CSV)",
        # A callable: the whole filtered set is read only when the button is pressed, not on every rerun.
        data=lambda: csv_bytes(organizations.export_frame(sessions, include_contacts=True, filters=filters)),
        file_name=f"directory-{dt.date.today():%Y-%m-%d}.csv",
        mime="text/csv",
        key=state.DIR_EXPORT,
        on_click="ignore",
    )
