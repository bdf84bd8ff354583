"""The directory's Add-or-edit section: pick an organization (or a new one), its form, its pin, its status
and its history. Every write goes through `run_write` (errors shown once, caches cleared, rerun)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd
import streamlit as st

from outreach import audit, organizations
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, district_label
from outreach.columns import WHEN
from outreach.config import settings
from outreach.coverage.maps import NYC_CENTER
from outreach.db import SessionFactory
from outreach.errors import OutreachError
from outreach.models import Organization
from outreach.organizations.fields import clean_name
from outreach.organizations.geocoding import make_geocoder
from outreach.ui import pickers, state
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import escape_markdown, run_write, show_error

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
HISTORY_COLUMNS = {
    "at": Column("When (UTC)", WHEN),
    "actor": Column("Who"),
    "action": Column("Action"),
    "before": Column("Before (JSON)", width="large"),
    "after": Column("After (JSON)", width="large"),
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
NUMBER_FIELDS = ("weekly_attendance",)  # typed as text: the domain parses it (any script, 1,000, ...)
# While another section is shown, the picked record and what was typed into its forms are kept.
KEEP: Final = "page"


@cached_read()
def choices(url: str, search: str | None, ids: tuple[int, ...], limit: int | None) -> dict[int, str]:
    sessions = get_sessions()
    frame = organizations.organization_choices(sessions, active_only=False, search=search, limit=limit)
    if missing := [i for i in ids if i not in set(frame["id"].astype(int))]:
        extra = organizations.organization_choices(sessions, active_only=False, ids=missing)
        frame = pd.concat([frame, extra], ignore_index=True)
    return {
        int(row.id): f"{row.name} ({row.borough or 'no borough'})"
        + (" · paused" if row.status == "paused" else "")
        for row in frame.itertuples()
    }


@cached_read()
def organization_total(url: str) -> int:
    return organizations.count_organizations(get_sessions())


def edit_choices(url: str) -> dict[int, str]:
    """Every organization when there are few; else the search box's matches (and the one being edited):
    nobody scrolls a select box of thousands of names, and each one is sent to the browser on every rerun."""
    keep = st.session_state.get(state.DIR_EDIT_PENDING) or st.session_state.get(state.DIR_EDIT_PICK)
    ids = (int(keep),) if keep else ()
    if organization_total(url) <= pickers.LIST_ALL_UP_TO:
        return choices(url, None, ids, None)
    typed = st.text_input(
        "Find the organization to edit",
        key=state.DIR_EDIT_SEARCH,
        max_chars=120,
        placeholder="Part of the name, address or ZIP",
        persist_state=KEEP,
    ).strip()
    labels = choices(url, typed or None, ids, pickers.MATCHES_SHOWN)
    if len(labels) >= pickers.MATCHES_SHOWN:
        st.caption(f"The first {pickers.MATCHES_SHOWN} matches by name; type more to narrow them.")
    return labels


def reload_record(_result: object) -> None:
    """After a write to the record being edited, refill the form from the database on the next run."""
    st.session_state[state.DIR_EDIT_LOADED] = None


def fill_form(picked: int, current: Organization | None) -> tuple[int, dt.datetime | None]:
    """Put `current` (or an empty record) into the form; return what was loaded: (id, version)."""
    for field, key in FORM_KEYS.items():
        value = getattr(current, field, None) if current else None
        if field in TEXT_FIELDS:
            value = value or ""
        elif field in NUMBER_FIELDS:
            value = "" if value is None else str(value)
        elif field == "languages":
            value = current.language_codes if current else []
        st.session_state[key] = value
    latitude, longitude = NYC_CENTER
    if current and current.latitude and current.longitude:
        latitude, longitude = float(current.latitude), float(current.longitude)
    st.session_state[state.DIR_PIN_LAT], st.session_state[state.DIR_PIN_LON] = latitude, longitude
    loaded = (picked, current.updated_at if current else None)
    st.session_state[state.DIR_EDIT_LOADED] = loaded
    return loaded


def record_form(current: Organization | None) -> bool:
    """The record's fields; True when it was submitted."""
    with st.form(state.DIR_EDIT_FORM):
        st.text_input("Name", key=state.DIR_EDIT_NAME, persist_state=KEEP)
        left, right = st.columns(2)
        left.text_input("Faith tradition", key=state.DIR_EDIT_TRADITION, persist_state=KEEP)
        right.selectbox(
            "Borough",
            BOROUGH_NAMES,
            index=None,
            placeholder="From the location",
            key=state.DIR_EDIT_BOROUGH,
            persist_state=KEEP,
        )
        left.text_input("Street address", key=state.DIR_EDIT_ADDRESS, persist_state=KEEP)
        right.text_input("ZIP code", key=state.DIR_EDIT_ZIP, persist_state=KEEP)
        st.multiselect(
            "Languages served",
            LANGUAGE_CODES,
            format_func=pickers.language_label,
            key=state.DIR_EDIT_LANGUAGES,
            persist_state=KEEP,
        )
        # Inside a form the choice cannot follow the languages as they are picked: left empty, it becomes
        # the first language served when the form is saved.
        pickers.pick_written_language(
            left,
            "Preferred language for communication",
            placeholder="The first language served",
            key=state.DIR_EDIT_PREFERRED,
            persist_state=KEEP,
        )
        right.text_input(  # as typed, for the domain's quantity parser (see widgets.quantity_input)
            "Usual weekly attendance",
            key=state.DIR_EDIT_ATTENDANCE,
            placeholder="e.g. 300",
            autocomplete="off",
            persist_state=KEEP,
        )
        st.text_input("Contact name", key=state.DIR_EDIT_CONTACT_NAME, persist_state=KEEP)
        left.text_input("Contact phone", key=state.DIR_EDIT_CONTACT_PHONE, persist_state=KEEP)
        right.text_input("Contact e-mail", key=state.DIR_EDIT_CONTACT_EMAIL, persist_state=KEEP)
        st.text_area("Notes", key=state.DIR_EDIT_NOTES, persist_state=KEEP)
        return st.form_submit_button("Save changes" if current else "Add organization", type="primary")


def save_record(
    sessions: SessionFactory, *, actor: str, current: Organization | None, version: dt.datetime | None
) -> None:
    values = {field: st.session_state[key] for field, key in FORM_KEYS.items()}
    if not values["languages"]:
        show_error(OutreachError("Pick at least one language the organization serves."))
        return
    values["preferred_language"] = values["preferred_language"] or values["languages"][0]
    if current is None:
        run_write(
            lambda: organizations.create_organization(
                sessions, actor=actor, geocoder=make_geocoder(), **values
            ),
            success=lambda _id: f"Added {escape_markdown(clean_name(values['name']))}.",  # as stored
            keep=lambda new_id: st.session_state.__setitem__(state.DIR_EDIT_PENDING, new_id),
        )
        return
    organization_id = current.id
    # Refill from the database next run: after a save, or to show the other person's change.
    st.session_state[state.DIR_EDIT_LOADED] = None
    run_write(
        lambda: organizations.update_organization(
            sessions,
            organization_id=organization_id,
            actor=actor,
            geocoder=make_geocoder(),
            expected_updated_at=version,
            **values,
        ),
        success=lambda _placement: f"Saved {escape_markdown(clean_name(values['name']))}.",
    )


def location_panel(sessions: SessionFactory, organization: Organization, *, actor: str) -> None:
    st.subheader("Location")
    where = (
        f"{organization.latitude:.6f}, {organization.longitude:.6f} · "
        f"{organization.location_precision or '?'} · {organization.location_source or '?'}"
        if organization.latitude is not None
        else "Not on the map yet."
    )
    place = district_label(organization.community_district) or organization.borough or "no borough"
    st.caption(escape_markdown(f"{where} · {place}"))
    if organization.location_note:
        st.info(escape_markdown(organization.location_note), icon="📍")
    with st.form(state.DIR_PIN_FORM):
        st.caption(
            "Correct the pin by typing its coordinates (right-click a spot on any web map to copy them)."
        )
        left, right = st.columns(2)
        latitude = left.number_input(
            "Latitude", format="%.6f", step=0.0001, key=state.DIR_PIN_LAT, persist_state=KEEP
        )
        longitude = right.number_input(
            "Longitude", format="%.6f", step=0.0001, key=state.DIR_PIN_LON, persist_state=KEEP
        )
        pin_note = st.text_input("Why (optional)", key=state.DIR_PIN_NOTE, persist_state=KEEP)
        if st.form_submit_button("Save the pin"):
            run_write(
                lambda: organizations.set_location(
                    sessions,
                    organization_id=organization.id,
                    latitude=latitude,
                    longitude=longitude,
                    note=pin_note,
                    actor=actor,
                ),
                success="Pin saved; borough and district updated.",
                keep=reload_record,
            )
    with st.form(state.DIR_RELOCATE_FORM):
        st.caption(
            f"Look the address up again ({escape_markdown(settings().geocoder)} geocoder), ignoring earlier "
            "results."
        )
        if st.form_submit_button("Look up the address again"):
            run_write(
                lambda: organizations.relocate(
                    sessions, organization_id=organization.id, geocoder=make_geocoder(), actor=actor
                ),
                success="Location looked up again.",
                keep=reload_record,
            )


def status_panel(sessions: SessionFactory, organization: Organization, *, actor: str) -> None:
    st.subheader("Status")
    paused = organization.status == "paused"
    with st.form(state.DIR_STATUS_FORM):
        st.caption(
            "Paused: kept in the directory, but no shipments until it is reactivated."
            if paused
            else "Active: shipments and restock requests go through."
        )
        reason = st.text_input("Reason (optional)", key=state.DIR_STATUS_REASON, persist_state=KEEP)
        if st.form_submit_button("Reactivate" if paused else "Pause"):
            verb = organizations.reactivate_organization if paused else organizations.pause_organization
            run_write(
                lambda: verb(sessions, organization_id=organization.id, reason=reason, actor=actor),
                success="Reactivated." if paused else "Paused.",
                keep=reload_record,
            )


def history_panel(sessions: SessionFactory, organization: Organization) -> None:
    with st.expander("History of this record"):
        history = audit.history(sessions, entity="organization", entity_id=organization.id, limit=100)
        show_table(history, HISTORY_COLUMNS, key=state.DIR_HISTORY)


def show_edit(sessions: SessionFactory, url: str, *, actor: str) -> None:
    labels = edit_choices(url)
    if (pending := st.session_state.pop(state.DIR_EDIT_PENDING, None)) is not None:
        st.session_state[state.DIR_EDIT_PICK] = pending
    picked = st.selectbox(
        "Organization",
        [0, *labels],
        format_func=lambda value: "➕ New organization" if value == 0 else labels.get(value, f"#{value}"),
        key=state.DIR_EDIT_PICK,
        persist_state=KEEP,
    )
    organization_id = picked or 0
    current = None
    if organization_id:
        try:
            current = organizations.get_organization(sessions, organization_id)
        except OutreachError as error:
            show_error(error)
    loaded = st.session_state.get(state.DIR_EDIT_LOADED)
    if loaded is None or loaded[0] != organization_id:
        # Fill the form when another record is picked or after a save, never over what is being typed.
        # The version filled in is kept: saving over someone else's later change is refused.
        loaded = fill_form(organization_id, current)
    if record_form(current):
        save_record(sessions, actor=actor, current=current, version=loaded[1])
    if current is not None:
        location_panel(sessions, current, actor=actor)
        status_panel(sessions, current, actor=actor)
        history_panel(sessions, current)
