"""Directory: the partner organizations. List and export, add or edit, import a CSV, see them on a map."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from outreach import audit, organizations
from outreach.accounts.auth import STAFF
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, district_label, language_of
from outreach.config import settings
from outreach.coverage import maps
from outreach.errors import OutreachError
from outreach.organizations import csv_import as directory_import
from outreach.organizations.geocoding import make_geocoder
from outreach.ui import pickers, state
from outreach.ui.guards import require_role
from outreach.ui.paging import pager
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import csv_bytes, escape_markdown, run_write, show_error, show_flash

user = require_role(*STAFF)
# Contact details are for coordinators and admins only; the page is theirs, but say so where it matters.
show_contacts = user["role"] in STAFF
sessions = get_sessions()
database_url = settings().database_url


def filter_arguments(filters: tuple) -> dict:
    search, borough, district, code, tradition, status = filters
    return {
        "search": search,
        "borough": borough,
        "community_district": district,
        "language": code,
        "faith_tradition": tradition,
        "status": status,
    }


# Every read is keyed by the database URL and the filters (and the page): run_write clears them all.
@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def directory_page(url: str, contacts: bool, filters: tuple, offset: int, limit: int) -> pd.DataFrame:
    return organizations.list_organizations(
        get_sessions(), include_contacts=contacts, limit=limit, offset=offset, **filter_arguments(filters)
    )


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def directory_count(url: str, filters: tuple) -> int:
    return organizations.count_organizations(get_sessions(), **filter_arguments(filters))


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def map_frame(url: str, filters: tuple) -> pd.DataFrame:
    """Every filtered organization, for the map only (no contacts: tooltips never show them)."""
    return organizations.list_organizations(
        get_sessions(), include_contacts=False, **filter_arguments(filters)
    )


def export_csv(contacts: bool, filters: tuple) -> bytes:
    """The whole filtered set as CSV. Passed to st.download_button as a callable: built only when the
    button is pressed, not on every rerun (at 50,000 organizations that is the slowest thing on the page)."""
    return csv_bytes(
        organizations.export_frame(sessions, include_contacts=contacts, **filter_arguments(filters))
    )


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def filter_options(url: str) -> tuple[list[str], list[int]]:
    return organizations.faith_traditions(get_sessions()), organizations.districts_in_use(get_sessions())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def choices(url: str, search: str | None, ids: tuple[int, ...], limit: int | None) -> dict[int, str]:
    sessions_ = get_sessions()
    frame = organizations.organization_choices(sessions_, active_only=False, search=search, limit=limit)
    if missing := [i for i in ids if i not in set(frame["id"].astype(int))]:
        extra = organizations.organization_choices(sessions_, active_only=False, ids=missing)
        frame = pd.concat([frame, extra], ignore_index=True)
    return {
        int(row.id): f"{row.name} ({row.borough or 'no borough'})"
        + (" · paused" if row.status == "paused" else "")
        for row in frame.itertuples()
    }


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def organization_total(url: str) -> int:
    return organizations.count_organizations(get_sessions())


def edit_choices() -> dict[int, str]:
    """Every organization when there are few; else the search box's matches (and the one being edited):
    a select box of 50,000 names costs half a second per rerun at fifty times the campaign."""
    keep = st.session_state.get(state.DIR_EDIT_PENDING) or st.session_state.get(state.DIR_EDIT_PICK)
    ids = (int(keep),) if keep else ()
    if organization_total(database_url) <= pickers.LIST_ALL_UP_TO:
        return choices(database_url, None, ids, None)
    typed = st.text_input(
        "Find the organization to edit",
        key=state.DIR_EDIT_SEARCH,
        max_chars=120,
        placeholder="Part of the name, address or ZIP",
    ).strip()
    labels = choices(database_url, typed or None, ids, pickers.MATCHES_SHOWN)
    if len(labels) >= pickers.MATCHES_SHOWN:
        st.caption(f"The first {pickers.MATCHES_SHOWN} matches by name; type more to narrow them.")
    return labels


def language_label(code: str) -> str:
    return language_of(code).label


def reload_record(_result: object) -> None:
    """After a write to the record being edited, refill the form from the database on the next run."""
    st.session_state[state.DIR_EDIT_LOADED] = None


st.title("Directory")
st.caption(
    "The faith organizations that hand out the materials. Contact details are visible to coordinators only."
)
show_flash()
list_tab, edit_tab, import_tab, map_tab = st.tabs(["List", "Add or edit", "Import", "Map"])

# --- list ---------------------------------------------------------------------------------------------
traditions, districts = filter_options(database_url)
with list_tab:
    search = st.text_input("Search name, address or ZIP", key=state.DIR_SEARCH)
    columns = st.columns(5)
    borough = columns[0].selectbox(
        "Borough", BOROUGH_NAMES, index=None, placeholder="Any", key=state.DIR_FILTER_BOROUGH
    )
    district = columns[1].selectbox(
        "Community district",
        districts,
        index=None,
        placeholder="Any",
        format_func=district_label,
        key=state.DIR_FILTER_DISTRICT,
    )
    code = columns[2].selectbox(
        "Language served",
        LANGUAGE_CODES,
        index=None,
        placeholder="Any",
        format_func=language_label,
        key=state.DIR_FILTER_LANGUAGE,
    )
    tradition = columns[3].selectbox(
        "Faith tradition", traditions, index=None, placeholder="Any", key=state.DIR_FILTER_TRADITION
    )
    status = columns[4].selectbox(
        "Status", organizations.STATUSES, index=None, placeholder="Any", key=state.DIR_FILTER_STATUS
    )
    filters = (search.strip() or None, borough, district, code, tradition, status)
    total = directory_count(database_url, filters)
    page = pager(state.DIR_PAGE, filters=filters)
    frame = directory_page(database_url, show_contacts, filters, page.offset, page.size)
    if frame.empty:
        st.caption(
            f"No organization on this page; {total:,} match these filters."
            + (" Go back to page 1." if page.number > 1 and total else "")
        )
    else:
        st.caption(f"Rows {page.offset + 1:,}–{page.offset + len(frame):,} of {total:,} organization(s).")
    shown = [
        "name",
        "faith_tradition",
        "address",
        "zip_code",
        "borough",
        "district",
        "languages",
        "status",
        "location_precision",
        "location_source",
        "location_note",
    ]
    if show_contacts:
        shown += list(organizations.CONTACT_FIELDS)
    # Plain text columns: st.dataframe shows "<b>" as the five characters, never as markup.
    st.dataframe(
        frame[shown],
        hide_index=True,
        width="stretch",
        key=state.DIR_TABLE,
        column_config={
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
            "contact_name": "Contact",
            "contact_phone": "Phone",
            "contact_email": "E-mail",
        },
    )
    st.download_button(
        f"Download all {total:,} matching organizations (CSV)",
        data=lambda: export_csv(show_contacts, filters),
        file_name=f"directory-{dt.date.today():%Y-%m-%d}.csv",
        mime="text/csv",
        key=state.DIR_EXPORT,
    )

# --- add or edit -------------------------------------------------------------------------------------
FORM_KEYS = {
    "name": state.DIR_EDIT_NAME,
    "faith_tradition": state.DIR_EDIT_TRADITION,
    "address": state.DIR_EDIT_ADDRESS,
    "zip_code": state.DIR_EDIT_ZIP,
    "borough": state.DIR_EDIT_BOROUGH,
    "languages": state.DIR_EDIT_LANGUAGES,
    "preferred_language": state.DIR_EDIT_PREFERRED,
    "weekly_attendance": state.DIR_EDIT_ATTENDANCE,
    "contact_name": state.DIR_EDIT_CONTACT_NAME,
    "contact_phone": state.DIR_EDIT_CONTACT_PHONE,
    "contact_email": state.DIR_EDIT_CONTACT_EMAIL,
    "notes": state.DIR_EDIT_NOTES,
}
TEXT_FIELDS = (
    "name",
    "faith_tradition",
    "address",
    "zip_code",
    "contact_name",
    "contact_phone",
    "contact_email",
    "notes",
)

with edit_tab:
    labels = edit_choices()
    if (pending := st.session_state.pop(state.DIR_EDIT_PENDING, None)) is not None:
        st.session_state[state.DIR_EDIT_PICK] = pending
    picked = st.selectbox(
        "Organization",
        [0, *labels],
        format_func=lambda value: "➕ New organization" if value == 0 else labels.get(value, f"#{value}"),
        key=state.DIR_EDIT_PICK,
    )
    current = None
    if picked:
        try:
            current = organizations.get_organization(sessions, picked)
        except OutreachError as error:
            show_error(error)
    loaded = st.session_state.get(state.DIR_EDIT_LOADED)
    if loaded is None or loaded[0] != picked:
        # Fill the form when another record is picked or after a save, never over what is being typed.
        # The version filled in is kept: saving over someone else's later change is refused.
        loaded = (picked, current.updated_at if current else None)
        for field, key in FORM_KEYS.items():
            value = getattr(current, field, None) if current else None
            if field in TEXT_FIELDS:
                value = value or ""
            elif field == "languages":
                value = current.language_codes if current else []
            elif field == "preferred_language":
                value = value or "en"
            st.session_state[key] = value
        st.session_state[state.DIR_PIN_LAT] = (
            float(current.latitude) if current and current.latitude else 40.7128
        )
        st.session_state[state.DIR_PIN_LON] = (
            float(current.longitude) if current and current.longitude else -73.95
        )
        st.session_state[state.DIR_EDIT_LOADED] = loaded

    with st.form(state.DIR_EDIT_FORM):
        st.text_input("Name", key=state.DIR_EDIT_NAME, max_chars=200)
        left, right = st.columns(2)
        left.text_input("Faith tradition", key=state.DIR_EDIT_TRADITION, max_chars=60)
        right.selectbox(
            "Borough", BOROUGH_NAMES, index=None, placeholder="From the location", key=state.DIR_EDIT_BOROUGH
        )
        left.text_input("Street address", key=state.DIR_EDIT_ADDRESS, max_chars=300)
        right.text_input("ZIP code", key=state.DIR_EDIT_ZIP, max_chars=10)
        st.multiselect(
            "Languages served", LANGUAGE_CODES, format_func=language_label, key=state.DIR_EDIT_LANGUAGES
        )
        left.selectbox(
            "Preferred language for communication",
            LANGUAGE_CODES,
            format_func=language_label,
            key=state.DIR_EDIT_PREFERRED,
        )
        right.number_input(
            "Usual weekly attendance", min_value=0, step=10, value=None, key=state.DIR_EDIT_ATTENDANCE
        )
        st.text_input("Contact name", key=state.DIR_EDIT_CONTACT_NAME, max_chars=200)
        left.text_input("Contact phone", key=state.DIR_EDIT_CONTACT_PHONE, max_chars=40)
        right.text_input("Contact e-mail", key=state.DIR_EDIT_CONTACT_EMAIL, max_chars=254)
        st.text_area("Notes", key=state.DIR_EDIT_NOTES, max_chars=2000)
        saved = st.form_submit_button("Save changes" if current else "Add organization", type="primary")

    if saved:
        values = {field: st.session_state[key] for field, key in FORM_KEYS.items()}
        if not values["languages"]:
            show_error(OutreachError("Pick at least one language the organization serves."))
        elif current is None:
            run_write(
                lambda: organizations.create_organization(
                    sessions, actor=user["username"], geocoder=make_geocoder(), **values
                ),
                success=f"Added {escape_markdown(values['name'].strip())}.",
                keep=lambda new_id: st.session_state.__setitem__(state.DIR_EDIT_PENDING, new_id),
            )
        else:
            # Refill from the database next run: after a save, or to show the other person's change.
            st.session_state[state.DIR_EDIT_LOADED] = None
            run_write(
                lambda: organizations.update_organization(
                    sessions,
                    organization_id=current.id,
                    actor=user["username"],
                    geocoder=make_geocoder(),
                    expected_updated_at=loaded[1],
                    **values,
                ),
                success=f"Saved {escape_markdown(values['name'].strip())}.",
            )

    if current is not None:
        st.subheader("Location")
        where = (
            f"{current.latitude:.6f}, {current.longitude:.6f} · {current.location_precision or '?'} · "
            f"{current.location_source or '?'}"
            if current.latitude is not None
            else "Not on the map yet."
        )
        place = district_label(current.community_district) or current.borough or "no borough"
        st.caption(escape_markdown(f"{where} · {place}"))
        if current.location_note:
            st.info(escape_markdown(current.location_note), icon="📍")
        with st.form(state.DIR_PIN_FORM):
            st.caption(
                "Correct the pin by typing its coordinates (right-click a spot on any web map to copy them)."
            )
            left, right = st.columns(2)
            latitude = left.number_input("Latitude", format="%.6f", step=0.0001, key=state.DIR_PIN_LAT)
            longitude = right.number_input("Longitude", format="%.6f", step=0.0001, key=state.DIR_PIN_LON)
            pin_note = st.text_input("Why (optional)", key=state.DIR_PIN_NOTE, max_chars=200)
            if st.form_submit_button("Save the pin"):
                run_write(
                    lambda: organizations.set_location(
                        sessions,
                        organization_id=current.id,
                        latitude=latitude,
                        longitude=longitude,
                        note=pin_note,
                        actor=user["username"],
                    ),
                    success="Pin saved; borough and district updated.",
                    keep=reload_record,
                )
        with st.form(state.DIR_RELOCATE_FORM):
            st.caption(
                f"Look the address up again ({escape_markdown(settings().geocoder)} geocoder), ignoring earlier results."
            )
            if st.form_submit_button("Look up the address again"):
                run_write(
                    lambda: organizations.relocate(
                        sessions, organization_id=current.id, geocoder=make_geocoder(), actor=user["username"]
                    ),
                    success="Location looked up again.",
                    keep=reload_record,
                )

        st.subheader("Status")
        paused = current.status == "paused"
        with st.form(state.DIR_STATUS_FORM):
            st.caption(
                "Paused: kept in the directory, but no shipments until it is reactivated."
                if paused
                else "Active: shipments and restock requests go through."
            )
            reason = st.text_input("Reason (optional)", key=state.DIR_STATUS_REASON, max_chars=500)
            if st.form_submit_button("Reactivate" if paused else "Pause"):
                verb = organizations.reactivate_organization if paused else organizations.pause_organization
                run_write(
                    lambda: verb(sessions, organization_id=current.id, reason=reason, actor=user["username"]),
                    success="Reactivated." if paused else "Paused.",
                    keep=reload_record,
                )
        with st.expander("History of this record"):
            history = audit.history(sessions, entity="organization", entity_id=current.id, limit=100)
            st.dataframe(
                history[["at", "actor", "action", "before", "after"]],
                hide_index=True,
                width="stretch",
                key=state.DIR_HISTORY,
            )

# --- import ------------------------------------------------------------------------------------------
with import_tab:
    st.download_button(
        "Download the CSV template",
        data=directory_import.template_csv(),
        file_name="directory-template.csv",
        mime="text/csv",
        key=state.DIR_IMPORT_TEMPLATE,
    )
    st.caption(
        "One row per organization. Required: name, address, zip_code, languages (codes like `es; bn` or names "
        "like `Spanish, বাংলা`). Comma- or semicolon-separated; UTF-8 or Latin-1. Rows with a problem are listed "
        "with the reason and are not imported; the others are imported together, or not at all."
    )
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key=state.DIR_IMPORT_FILE)
    if upload is not None:
        try:
            preview = directory_import.preview_import(sessions, upload.getvalue())
        except OutreachError as error:
            show_error(error)
        else:
            st.caption(
                f"Read as {preview.encoding}, {directory_import.DELIMITERS[preview.delimiter]}-separated. "
                + (
                    f"Ignored columns: {escape_markdown(', '.join(preview.ignored_columns))}."
                    if preview.ignored_columns
                    else ""
                )
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
                st.dataframe(
                    preview.invalid[["row", "name", "problems"]],
                    hide_index=True,
                    width="stretch",
                    key=state.DIR_IMPORT_INVALID,
                )
            st.dataframe(
                preview.rows[preview.rows["valid"]].drop(columns=["valid", "problems"]),
                hide_index=True,
                width="stretch",
                key=state.DIR_IMPORT_VALID,
            )
            with st.form(state.DIR_IMPORT_FORM):
                go = st.form_submit_button(
                    f"Import {preview.valid_count} valid row(s)",
                    type="primary",
                    disabled=not preview.valid_count,
                )
            if go:
                bar = st.progress(0.0, text="Locating addresses…")

                def report(done: int, total: int) -> None:
                    bar.progress(
                        done / total if total else 1.0, text=f"Locating addresses: {done} of {total}"
                    )

                run_write(
                    lambda: directory_import.import_organizations(
                        sessions, preview, geocoder=make_geocoder(), actor=user["username"], progress=report
                    ),
                    success=lambda result: (
                        f"Imported {result.created:,} organization(s): {result.approximate:,} placed at their ZIP "
                        f"centre, {result.unplaced:,} not placed, {result.outside_nyc:,} outside New York City."
                    ),
                )

# --- map ---------------------------------------------------------------------------------------------
with map_tab:
    st.caption("The organizations in the list (same filters), clustered. Hover a marker for its name.")
    # st.tabs runs every tab's code on every rerun: the map (megabytes of HTML at scale) is built on request.
    if st.toggle(f"Show the map ({total:,} organization(s))", key=state.DIR_SHOW_MAP):
        everything = map_frame(database_url, filters)
        st_folium(
            maps.directory_map(everything), key=state.DIR_MAP, height=560, width=None, returned_objects=[]
        )
        missing = maps.not_on_map(everything)
        if len(missing):
            st.caption(
                f"{len(missing)} organization(s) are not on the map (no location, or outside New York City):"
            )
            st.dataframe(
                missing[["name", "address", "zip_code", "location_note"]],
                hide_index=True,
                width="stretch",
                key=state.DIR_NOT_ON_MAP,
            )
