"""The queue section of the restock-requests page, and the panels of the request being worked on: claim,
approve, make the shipment, substitute an item, reject or cancel.

Streamlit glue only; every write goes through `run_write` (errors shown once, caches cleared, rerun).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach import inventory
from outreach.catalog import (
    BOROUGH_NAMES,
    LANGUAGE_CODES,
    SHIPMENT_STATUS_LABELS,
    language_names,
    language_of,
)
from outreach.columns import LANGUAGE, LANGUAGES, MATERIAL, NUMBER, WHEN, WHOLE, WORDS
from outreach.config import settings
from outreach.db import SessionFactory
from outreach.models import REQUEST_STATUSES
from outreach.restock import fulfilment as restock_fulfilment
from outreach.restock import queue as restock_queue
from outreach.restock import triage as restock_triage
from outreach.restock.queue import QueueFilters, RequestDetail
from outreach.ui import state
from outreach.ui.paging import pager
from outreach.ui.pickers import depot_labels, unit_frame
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes, escape_markdown, quantity_input, run_write

AGES = {0: "Any age", 2: "Waiting 2+ days", 7: "Waiting 7+ days", 14: "Waiting 14+ days"}
CLOSE_ACTIONS = {"reject": "Reject (we decline)", "cancel": "Cancel (no longer needed)"}
QUEUE_COLUMNS = {
    "reference": Column("Reference"),
    "status": Column("Status", WORDS),
    "organization": Column("Organization"),
    "borough": Column("Borough"),
    "channel": Column("Came by", {"link": "Private link", "phone": "Phone"}),
    "languages": Column("Languages", LANGUAGES),
    "packs_requested": Column("Packs asked", WHOLE),
    "packs_approved": Column("Packs approved", WHOLE),
    "packs_shipped": Column("Packs shipped", WHOLE),
    "created_at": Column("Received (UTC)", WHEN),
    "age_days": Column("Days waiting", WHOLE),
    "claimed_by": Column("Claimed by"),
    "depot": Column("Depot"),
    "shipment_id": Column("Shipment #", NUMBER),
    "shipment_status": Column("Shipment", SHIPMENT_STATUS_LABELS),
    "decided_by": Column("Decided by"),
    "decision_reason": Column("Decision reason"),
}
LINE_COLUMNS = {
    "material": Column("Material", MATERIAL),
    "language": Column("Language", LANGUAGE),
    "edition": Column("Edition"),
    "packs_requested": Column("Packs asked", WHOLE),
    "packs_approved": Column("Packs approved", WHOLE),
    "packs_shipped": Column("Packs shipped", WHOLE),
    "pack_size": Column("Units per pack", WHOLE),
    "reason": Column("Reason"),
    "substituted_from_material": Column("Replaces material", MATERIAL),
    "substituted_from_language": Column("Replaces language", LANGUAGE),
}


# Keyed by the database URL, the filters and the page; run_write clears them all.
@cached_read()
def cached_queue(database_url: str, filters: QueueFilters, offset: int, limit: int) -> pd.DataFrame:
    return restock_queue.queue(get_sessions(), filters, limit=limit, offset=offset)


@cached_read()
def cached_count(database_url: str, filters: QueueFilters) -> int:
    return restock_queue.queue_count(get_sessions(), filters)


@cached_read()
def cached_available(database_url: str, unit_ids: tuple[int, ...]) -> pd.DataFrame:
    return inventory.available_per_depot(get_sessions(), unit_ids)


def export_csv(sessions: SessionFactory, filters: QueueFilters) -> bytes:
    """Every filtered request (all pages), one row per line. A callable for st.download_button: built when
    the button is pressed, not on every rerun."""
    return csv_bytes(restock_queue.export_frame(sessions, filters))


# --- the queue ----------------------------------------------------------------------------------------


def queue_filters() -> QueueFilters:
    # persist_state: the filters survive a visit to another section of the page.
    left, middle, right, far = st.columns(4)
    statuses = left.multiselect(
        "Status",
        REQUEST_STATUSES,
        default=["submitted", "approved"],
        key=state.REQ_FILTER_STATUS,
        persist_state="page",
    )
    borough = middle.selectbox(
        "Borough",
        ["", *BOROUGH_NAMES],
        key=state.REQ_FILTER_BOROUGH,
        format_func=lambda b: b or "All boroughs",
        persist_state="page",
    )
    language = right.selectbox(
        "Language",
        ["", *LANGUAGE_CODES],
        key=state.REQ_FILTER_LANGUAGE,
        format_func=lambda c: language_of(c).label if c else "All languages",
        persist_state="page",
    )
    age = far.selectbox(
        "Age", list(AGES), format_func=AGES.__getitem__, key=state.REQ_FILTER_AGE, persist_state="page"
    )
    return QueueFilters(
        statuses=tuple(statuses), borough=borough or None, language=language or None, min_age_days=age or 0
    )


def show_queue(sessions: SessionFactory, *, actor: str, is_admin: bool) -> None:
    database_url = settings().database_url
    filters = queue_filters()
    total = cached_count(database_url, filters)
    page = pager(state.REQ_PAGE, filters=filters)
    frame = cached_queue(database_url, filters, page.offset, page.size)
    if not frame.empty:
        st.caption(
            f"Rows {page.offset + 1:,}–{page.offset + len(frame):,} of {total:,} request(s), oldest first."
        )
    elif total:
        st.caption(f"No request on this page; {total:,} match these filters. Go back to page 1.")
    show_table(frame, QUEUE_COLUMNS)
    st.download_button(
        f"Download all {total:,} matching requests (CSV)",
        data=lambda: export_csv(sessions, filters),
        file_name="restock-requests.csv",
        mime="text/csv",
        key=state.REQ_EXPORT,
        on_click="ignore",
    )
    if frame.empty:
        st.info("No requests match these filters." if not total else "Nothing on this page.")
        return
    # Labels must not change when the request does (no status here): Streamlit keeps a selectbox's choice by
    # its label, so a changed label silently switched the coordinator to another request on the next click.
    labels = {int(row.request_id): f"{row.reference} · {row.organization}" for row in frame.itertuples()}
    # Labels by .get: a choice kept from another page or request may be gone from these options.
    selected = st.selectbox(
        "Work on request",
        list(labels),
        format_func=lambda i: labels.get(i, f"#{i}"),
        key=state.REQ_SELECTED,
        persist_state="page",
    )
    if selected is not None:
        show_request(sessions, int(selected), actor=actor, is_admin=is_admin)


# --- one request --------------------------------------------------------------------------------------


def show_request(sessions: SessionFactory, request_id: int, *, actor: str, is_admin: bool) -> None:
    detail = restock_queue.request_detail(sessions, request_id)
    lines = restock_queue.request_lines(sessions, request_id)
    st.subheader(f"{detail.reference}: {detail.status.replace('_', ' ')}")
    on_hand = "-" if detail.on_hand_reported is None else detail.on_hand_reported
    contact = " · ".join(part for part in (detail.contact_name, detail.contact_phone) if part)
    st.text(
        f"Organization: {detail.organization} ({detail.borough or 'no borough'})\n"
        f"Received: {detail.created_at:%Y-%m-%d %H:%M} UTC via {detail.channel} "
        f"(by {detail.created_by}); leader's language: {language_names(detail.language)}\n"
        f"Contact for this request: {contact or 'none given'}\n"
        f"Packs still on hand (reported): {on_hand}"
    )
    if detail.note:
        st.text(f"Note: {detail.note}")  # st.text: shown exactly as typed, never as markup
    if detail.decision_reason:
        st.text(f"Decision by {detail.decided_by}: {detail.decision_reason}")
    show_table(lines, LINE_COLUMNS)
    show_claim(sessions, detail, actor=actor, is_admin=is_admin)
    if detail.shipment_id:
        st.info(
            f"Shipment #{detail.shipment_id} is {detail.shipment_status}. Pack, ship and deliver it on "
            "the Shipments page."
        )
        st.page_link("pages/shipments.py", label="Open Shipments", icon=":material/local_shipping:")
        return
    if detail.status == "submitted":
        show_approve(sessions, detail, lines, actor=actor)
    if detail.status == "approved":
        show_make_shipment(sessions, detail, lines, actor=actor)
    if detail.status in restock_triage.OPEN_STATUSES:
        show_substitute(sessions, detail, lines, actor=actor)
        show_close(sessions, detail, actor=actor)


def show_claim(sessions: SessionFactory, detail: RequestDetail, *, actor: str, is_admin: bool) -> None:
    holder = detail.claimed_by
    if holder and holder != actor:
        st.warning(
            f"Claimed by **{escape_markdown(holder)}** since {detail.claimed_at:%Y-%m-%d %H:%M} UTC.",
            icon="✋",
        )
    elif holder == actor:
        st.caption("You have claimed this request.")
    if detail.status not in restock_triage.OPEN_STATUSES:
        return
    with st.form(state.REQ_CLAIM_FORM, border=False):
        label: str | None  # None: someone else holds it and only an admin may release it
        if holder == actor:
            label = "Release my claim"
        elif holder:
            label = "Release their claim (admin)" if is_admin else None
        else:
            label = "Claim this request"
        pressed = st.form_submit_button(label or "Claimed by someone else", disabled=label is None)
    if not pressed:
        return
    if holder:
        run_write(
            lambda: restock_triage.unclaim_request(
                sessions, request_id=detail.request_id, actor=actor, force=is_admin
            ),
            success=f"Claim on {detail.reference} released.",
        )
    else:
        run_write(
            lambda: restock_triage.claim_request(sessions, request_id=detail.request_id, actor=actor),
            success=f"You have claimed {detail.reference}.",
        )


def show_approve(sessions: SessionFactory, detail: RequestDetail, lines: pd.DataFrame, *, actor: str) -> None:
    database_url = settings().database_url
    st.markdown("#### Approve")
    available = cached_available(database_url, tuple(int(unit_id) for unit_id in lines["unit_id"]))
    if not available.empty:
        st.caption("Units available now (on hand minus reserved), per depot:")
        per_depot = available.reset_index(names="item")
        show_table(
            per_depot,
            {"item": Column("Item")} | {depot: Column(str(depot), WHOLE) for depot in per_depot.columns[1:]},
        )
    depot_names = depot_labels()
    if not depot_names:
        st.info("There is no depot to reserve stock at. Add one on the Inventory page first.")
        return
    with st.form(state.REQ_APPROVE_FORM):
        depot_id = st.selectbox(
            "Reserve stock at",
            list(depot_names),
            key=state.REQ_APPROVE_DEPOT,
            format_func=lambda i: depot_names.get(i, f"#{i}"),
        )
        packs: dict[int, str] = {}  # as typed: approve_request reads them (0 up to what was asked)
        reasons: dict[int, str] = {}
        for row in lines.itertuples():
            left, right = st.columns([1, 2])
            with left:
                packs[int(row.line_id)] = quantity_input(
                    f"{inventory.unit_label(row)}: packs (asked {row.packs_requested})",
                    value=str(row.packs_requested),
                    key=f"{state.REQ_APPROVE_PACKS}_{row.line_id}",
                )
            reasons[int(row.line_id)] = right.text_input(
                "Reason if fewer", key=f"{state.REQ_APPROVE_REASON}_{row.line_id}"
            )
        approve = st.form_submit_button("Approve and reserve stock", type="primary")
    if approve and depot_id is not None:
        run_write(
            lambda: restock_triage.approve_request(
                sessions,
                request_id=detail.request_id,
                depot_id=depot_id,
                packs=packs,
                reasons=reasons,
                actor=actor,
            ),
            success=f"Approved {detail.reference}; stock reserved.",
        )


def show_make_shipment(
    sessions: SessionFactory, detail: RequestDetail, lines: pd.DataFrame, *, actor: str
) -> None:
    st.markdown(f"#### Fulfil (stock reserved at {escape_markdown(detail.depot or 'no depot')})")
    approved = lines["packs_approved"].fillna(0).astype(int)
    reserved = int((approved * lines["pack_size"]).sum())
    st.caption(f"{reserved:,} units reserved ({int(approved.sum()):,} packs).")
    with st.form(state.REQ_SHIP_FORM):
        note = st.text_input("Note for the shipment (optional)", key=state.REQ_SHIP_NOTE)
        make = st.form_submit_button("Create the shipment from the approved lines", type="primary")
    if make:
        run_write(
            lambda: restock_fulfilment.create_shipment_from_request(
                sessions, request_id=detail.request_id, actor=actor, note=note or None
            ),
            success=f"Draft shipment created for {detail.reference}. Continue on the Shipments page.",
        )


def show_substitute(
    sessions: SessionFactory, detail: RequestDetail, lines: pd.DataFrame, *, actor: str
) -> None:
    units = unit_frame(settings().database_url)
    choices = units[(units["edition_status"] == "active") & ~units["unit_id"].isin(lines["unit_id"])]
    if choices.empty:
        return
    with st.expander("Substitute an item"), st.form(state.REQ_SUBSTITUTE_FORM):
        line_labels = {int(row.line_id): inventory.unit_label(row) for row in lines.itertuples()}
        line_id = st.selectbox(
            "Line",
            list(line_labels),
            format_func=lambda i: line_labels.get(i, f"#{i}"),
            key=state.REQ_SUBSTITUTE_LINE,
        )
        unit_labels = {int(row.unit_id): inventory.unit_label(row) for row in choices.itertuples()}
        unit_id = st.selectbox(
            "Replace with",
            list(unit_labels),
            format_func=lambda i: unit_labels.get(i, f"#{i}"),
            key=state.REQ_SUBSTITUTE_UNIT,
        )
        reason = st.text_input("Reason", key=state.REQ_SUBSTITUTE_REASON)
        substitute = st.form_submit_button("Substitute")
    if substitute and line_id is not None and unit_id is not None:
        run_write(
            lambda: restock_triage.substitute_line(
                sessions,
                request_id=detail.request_id,
                line_id=line_id,
                unit_id=unit_id,
                reason=reason,
                actor=actor,
            ),
            success="Item substituted.",
        )


def show_close(sessions: SessionFactory, detail: RequestDetail, *, actor: str) -> None:
    with st.expander("Reject or cancel"), st.form(state.REQ_CLOSE_FORM):
        action = st.radio(
            "Action",
            list(CLOSE_ACTIONS),
            key=state.REQ_CLOSE_ACTION,
            horizontal=True,
            format_func=CLOSE_ACTIONS.__getitem__,
        )
        reason = st.text_input("Reason", key=state.REQ_CLOSE_REASON)
        close = st.form_submit_button("Confirm")
    if close:
        verb = restock_triage.reject_request if action == "reject" else restock_triage.cancel_request
        run_write(
            lambda: verb(sessions, request_id=detail.request_id, reason=reason, actor=actor),
            success=f"Request {detail.reference} {action}ed; any reserved stock was released.",
        )
