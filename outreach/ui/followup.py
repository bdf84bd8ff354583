"""Sections of the follow-up page (silent organizations) and the short-parcel queue on the restock page.

Coordinators see who to call with the contact and phone, note a call (audited) and download the list;
organizers see how many organizations are on each list and nothing else (no names, no contacts).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach import exports
from outreach.catalog import language_of, material_of
from outreach.columns import NUMBER, WHEN, WHOLE
from outreach.config import settings
from outreach.db import SessionFactory
from outreach.field import followup, receipts
from outreach.ui import state
from outreach.ui.paging import pager, total_caption
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes, run_write

SILENT_COLUMNS = {
    "name": Column("Organization"),
    "borough": Column("Borough"),
    "reason_label": Column("Why on the list"),
    "days": Column(
        "Days silent", WHOLE, help="Since the oldest unconfirmed delivery, or the last sign of life"
    ),
    "parcels": Column("Parcels", WHOLE),
    "contact_name": Column("Contact"),
    "contact_phone": Column("Phone"),
    "last_called_at": Column("Last call (UTC)", WHEN),
    "last_call_note": Column("Last call note"),
}
SHORT_COLUMNS = {
    "receipt_id": Column("Receipt #", NUMBER, width="small"),
    "shipment_id": Column("Shipment #", NUMBER, width="small"),
    "organization": Column("Organization"),
    "confirmed_at": Column("Confirmed (UTC)", WHEN),
    "item": Column("Item"),
    "units_listed": Column("Units listed", WHOLE),
    "units_received": Column("Units arrived", WHOLE),
    "confirmed_by": Column("Confirmed by"),
    "note": Column("Note"),
}


@cached_read()
def cached_lists(database_url: str) -> pd.DataFrame:
    """Both lists, read once for the counts everyone sees and the named list coordinators see."""
    return followup.current_lists(get_sessions())


@cached_read()
def cached_silent(database_url: str, lists: pd.DataFrame) -> pd.DataFrame:
    """`lists` rows (a page of them) with names, contacts and the last call: coordinators only."""
    frame = followup.silent_organizations(get_sessions(), lists, include_contacts=True)
    return frame.assign(reason_label=frame["reason"].map(followup.REASONS))


def silent_counts(database_url: str) -> dict[str, int]:
    return followup.silent_counts(cached_lists(database_url))


@cached_read()
def cached_short(database_url: str) -> pd.DataFrame:
    frame = receipts.open_mismatches(get_sessions())
    names = [
        f"{material_of(m).name} · {language_of(c).label}"
        for m, c in zip(frame["material"], frame["language"], strict=True)
    ]
    return frame.assign(item=names)


def show_counts() -> None:
    """What everyone signed in may see: how many organizations are on each list."""
    counts = silent_counts(settings().database_url)
    columns = st.columns(len(followup.REASONS))
    for column, (reason, label) in zip(columns, followup.REASONS.items(), strict=True):
        column.metric(label, f"{counts[reason]:,}")
    st.caption(
        f"Not confirmed: a parcel delivered more than {settings().confirm_after_days} days ago "
        f"(KYR_CONFIRM_AFTER_DAYS) that nobody confirmed. Not reporting: parcels confirmed, and no handouts "
        f"reported for {followup.REPORT_AFTER_DAYS} days. A silent organization is not necessarily idle: ask."
    )


def show_list(sessions: SessionFactory, *, actor: str) -> None:
    """Coordinators: the list with contacts, a call note per row, and the CSV."""
    lists = cached_lists(settings().database_url)
    if lists.empty:
        st.success("Nobody to call: every delivered parcel is confirmed and everyone reported recently.")
        return
    # A page at a time, named and with contacts: at fifty times the campaign the lists hold tens of
    # thousands of organizations.
    page = pager(state.FIELD_SILENT_PAGE)
    shown = cached_silent(settings().database_url, lists.iloc[page.offset : page.offset + page.size])
    show_table(shown, SILENT_COLUMNS, key=state.FIELD_SILENT_TABLE)
    st.caption(total_caption(page, len(lists), noun="Organizations"))
    st.download_button(
        "Download the follow-up list (CSV, every row)",
        data=lambda: csv_bytes(  # built when pressed
            exports.shape(
                followup.silent_organizations(sessions, lists, include_contacts=True), exports.SILENT
            )
        ),
        file_name="follow-up.csv",
        mime="text/csv",
        key=state.FIELD_SILENT_EXPORT,
        on_click="ignore",
    )
    rows = {
        f"{int(r.organization_id)}:{r.reason}": f"{r.name} · {followup.REASONS[r.reason]}"
        for r in shown.itertuples()
    }
    with st.form(state.FIELD_SILENT_FORM, clear_on_submit=True):
        st.markdown("**Called an organization? Note it**")
        picked = st.selectbox(
            "Organization (from this page of the list)",
            list(rows),
            format_func=rows.__getitem__,
            key=state.FIELD_SILENT_ORG,
        )
        note = st.text_area("Note (what was said, what happens next)", key=state.FIELD_SILENT_NOTE)
        save = st.form_submit_button("Save the call", type="primary")
    if save and picked:
        organization_id, reason = str(picked).split(":")
        run_write(
            lambda: followup.record_call(
                sessions, organization_id=int(organization_id), reason=reason, note=note, actor=actor
            ),
            success="Call noted.",
        )


def show_short_parcels(sessions: SessionFactory, *, actor: str) -> None:
    """Parcels an organization confirmed with fewer packs than listed, until a coordinator closes them."""
    frame = cached_short(settings().database_url)
    st.caption(
        "Organizations confirmed these parcels with fewer packs than the packing slip listed. Send what is "
        "missing (or check the count with them), then close the receipt with a note."
    )
    if frame.empty:
        st.info("No short parcels waiting.")
        return
    show_table(frame, SHORT_COLUMNS, key=state.FIELD_SHORT_TABLE)
    open_receipts = {
        int(r.receipt_id): f"Receipt #{int(r.receipt_id)} · shipment #{int(r.shipment_id)} · {r.organization}"
        for r in frame.drop_duplicates("receipt_id").itertuples()
    }
    with st.form(state.FIELD_MISMATCH_FORM, clear_on_submit=True):
        picked = st.selectbox(
            "Receipt",
            list(open_receipts),
            format_func=open_receipts.__getitem__,
            key=state.FIELD_MISMATCH_RECEIPT,
        )
        note = st.text_input("What was done", key=state.FIELD_MISMATCH_NOTE)
        close = st.form_submit_button("Close this receipt", type="primary")
    if close and picked is not None:
        run_write(
            lambda: receipts.close_mismatch(sessions, receipt_id=int(picked), note=note, actor=actor),
            success=f"Receipt #{int(picked)} closed.",
        )


def short_count_note() -> None:
    """One line for the restock queue: short parcels waiting, if any."""
    frame = cached_short(settings().database_url)
    if not frame.empty:
        count = frame["receipt_id"].nunique()
        st.warning(f"Parcels that arrived short, waiting for you: {count}. See **Short parcels**.", icon="📦")
