"""Restock requests: the coordinators' triage queue, phone requests, and the organizations' private links.

The queue lives here; the phone-request and private-link panels are in outreach/ui/restock_panels.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach import inventory
from outreach.accounts.auth import STAFF
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, MATERIALS, language_of
from outreach.config import settings
from outreach.models import REQUEST_STATUSES
from outreach.restock import fulfilment as restock_fulfilment
from outreach.restock import queue as restock_queue
from outreach.restock import triage as restock_triage
from outreach.ui import restock_panels, state
from outreach.ui.guards import require_role
from outreach.ui.paging import pager
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import csv_bytes, escape_markdown, run_write, show_flash

user = require_role(*STAFF)
actor = user["username"]
sessions = get_sessions()
database_url = settings().database_url
AGES = {0: "Any age", 2: "Waiting 2+ days", 7: "Waiting 7+ days", 14: "Waiting 14+ days"}


def filter_arguments(statuses: tuple[str, ...], borough: str, language: str, age: int) -> dict:
    return {
        "statuses": statuses,
        "borough": borough or None,
        "language": language or None,
        "min_age_days": age,
    }


# Keyed by the database URL, the filters and the page; run_write clears them all.
@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def cached_queue(url: str, filters: tuple, offset: int, limit: int) -> pd.DataFrame:
    return restock_queue.queue(get_sessions(), **filter_arguments(*filters), limit=limit, offset=offset)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def cached_count(url: str, filters: tuple) -> int:
    return restock_queue.queue_count(get_sessions(), **filter_arguments(*filters))


def export_csv(filters: tuple) -> bytes:
    """Every filtered request (all pages), one row per line. A callable for st.download_button: built when
    the button is pressed, not on every rerun."""
    return csv_bytes(restock_queue.export_frame(sessions, **filter_arguments(*filters)))


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def cached_units() -> pd.DataFrame:
    return inventory.units(get_sessions(), include_retired=False)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def cached_depots() -> pd.DataFrame:
    return inventory.locations(get_sessions())


def unit_name(row: object) -> str:
    material = next(m.name for m in MATERIALS if m.code == row.material)  # type: ignore[attr-defined]
    return f"{material} · {language_of(row.language).english} · {row.edition}"  # type: ignore[attr-defined]


st.title("Restock requests")
show_flash()
queue_tab, phone_tab, links_tab = st.tabs(["Queue", "Phone request", "Restock links"])


# --- queue --------------------------------------------------------------------------------------------


def show_queue() -> None:
    left, middle, right, far = st.columns(4)
    statuses = left.multiselect(
        "Status", REQUEST_STATUSES, default=["submitted", "approved"], key=state.REQ_FILTER_STATUS
    )
    borough = middle.selectbox(
        "Borough",
        ["", *BOROUGH_NAMES],
        key=state.REQ_FILTER_BOROUGH,
        format_func=lambda b: b or "All boroughs",
    )
    language = right.selectbox(
        "Language",
        ["", *LANGUAGE_CODES],
        key=state.REQ_FILTER_LANGUAGE,
        format_func=lambda c: language_of(c).label if c else "All languages",
    )
    age = far.selectbox("Age", list(AGES), format_func=AGES.__getitem__, key=state.REQ_FILTER_AGE)
    filters = (tuple(statuses), borough, language, age)
    total = cached_count(database_url, filters)
    page = pager(state.REQ_PAGE, filters=filters)
    frame = cached_queue(database_url, filters, page.offset, page.size)
    if not frame.empty:
        st.caption(
            f"Rows {page.offset + 1:,}–{page.offset + len(frame):,} of {total:,} request(s), oldest first."
        )
    elif total:
        st.caption(f"No request on this page; {total:,} match these filters. Go back to page 1.")
    st.dataframe(frame.drop(columns=["request_id", "organization_id"]), hide_index=True, width="stretch")
    st.download_button(
        f"Download all {total:,} matching requests (CSV)",
        data=lambda: export_csv(filters),
        file_name="restock-requests.csv",
        mime="text/csv",
        key=state.REQ_EXPORT,
    )
    if frame.empty:
        st.info("No requests match these filters." if not total else "Nothing on this page.")
        return
    # Labels must not change when the request does (no status here): Streamlit keeps a selectbox's choice by
    # its label, so a changed label silently switched the coordinator to another request on the next click.
    labels = {int(row.request_id): f"{row.reference} · {row.organization}" for row in frame.itertuples()}
    # Labels by .get: a choice kept from another page or request may be gone from these options.
    selected = st.selectbox(
        "Work on request", list(labels), format_func=lambda i: labels.get(i, f"#{i}"), key=state.REQ_SELECTED
    )
    if selected is not None:
        show_request(int(selected))


def show_request(request_id: int) -> None:
    detail = restock_queue.request_detail(sessions, request_id)
    lines = restock_queue.request_lines(sessions, request_id)
    st.subheader(f"{detail['reference']}: {detail['status'].replace('_', ' ')}")
    st.text(
        f"Organization: {detail['organization']} ({detail['borough'] or 'no borough'})\n"
        f"Received: {detail['created_at']:%Y-%m-%d %H:%M} UTC via {detail['channel']} "
        f"(by {detail['created_by']}); leader's language: {language_of(detail['language']).english}\n"
        f"Contact for this request: {detail['contact_name'] or '-'} · {detail['contact_phone'] or '-'}\n"
        f"Packs still on hand (reported): {'-' if detail['on_hand_reported'] is None else detail['on_hand_reported']}"
    )
    if detail["note"]:
        st.text(f"Note: {detail['note']}")  # st.text: shown exactly as typed, never as markup
    if detail["decision_reason"]:
        st.text(f"Decision by {detail['decided_by']}: {detail['decision_reason']}")
    shown = lines[
        [
            "material",
            "language",
            "edition",
            "packs_requested",
            "packs_approved",
            "packs_shipped",
            "pack_size",
            "reason",
            "substituted_from_material",
            "substituted_from_language",
        ]
    ]
    st.dataframe(shown, hide_index=True, width="stretch")
    show_claim(detail)
    if detail["shipment_id"]:
        st.info(
            f"Shipment #{detail['shipment_id']} is {detail['shipment_status']}. Pack, ship and deliver it on "
            "the Shipments page."
        )
        st.page_link("pages/shipments.py", label="Open Shipments", icon=":material/local_shipping:")
        return
    if detail["status"] == "submitted":
        show_approve(detail, lines)
    if detail["status"] == "approved":
        show_make_shipment(detail)
    if detail["status"] in restock_triage.OPEN_STATUSES:
        show_substitute(detail, lines)
        show_close(detail)


def show_claim(detail: dict) -> None:
    holder = detail["claimed_by"]
    if holder and holder != actor:
        st.warning(
            f"Claimed by **{escape_markdown(holder)}** since {detail['claimed_at']:%Y-%m-%d %H:%M} UTC.",
            icon="✋",
        )
    elif holder == actor:
        st.caption("You have claimed this request.")
    if detail["status"] not in restock_triage.OPEN_STATUSES:
        return
    with st.form(state.REQ_CLAIM_FORM, border=False):
        if holder == actor:
            label = "Release my claim"
        elif holder:
            label = "Release their claim (admin)" if user["role"] == "admin" else None
        else:
            label = "Claim this request"
        pressed = st.form_submit_button(label or "Claimed by someone else", disabled=label is None)
    if not pressed:
        return
    if holder:
        run_write(
            lambda: restock_triage.unclaim_request(
                sessions, request_id=detail["request_id"], actor=actor, force=user["role"] == "admin"
            ),
            success=f"Claim on {detail['reference']} released.",
        )
    else:
        run_write(
            lambda: restock_triage.claim_request(sessions, request_id=detail["request_id"], actor=actor),
            success=f"You have claimed {detail['reference']}.",
        )


def show_approve(detail: dict, lines: pd.DataFrame) -> None:
    depots = cached_depots()
    st.markdown("#### Approve")
    balances = inventory.balances(sessions)
    free = balances[balances["unit_id"].isin(lines["unit_id"])]
    if not free.empty:
        table = free.assign(item=[unit_name(r) for r in free.itertuples()]).pivot_table(
            index="item", columns="depot", values="available", aggfunc="sum", fill_value=0
        )
        st.caption("Units available now (on hand minus reserved), per depot:")
        st.dataframe(table, width="stretch")
    with st.form(state.REQ_APPROVE_FORM):
        depot = st.selectbox(
            "Reserve stock at",
            depots["location_id"].tolist(),
            key=state.REQ_APPROVE_DEPOT,
            format_func=dict(zip(depots["location_id"], depots["name"], strict=True)).get,
        )
        packs, reasons = {}, {}
        for row in lines.itertuples():
            label = unit_name(row)
            left, right = st.columns([1, 2])
            packs[int(row.line_id)] = left.number_input(
                f"{label}: packs (asked {row.packs_requested})",
                min_value=0,
                max_value=int(row.packs_requested),
                value=int(row.packs_requested),
                step=1,
                key=f"{state.REQ_APPROVE_PACKS}_{row.line_id}",
            )
            reasons[int(row.line_id)] = right.text_input(
                "Reason if fewer", key=f"{state.REQ_APPROVE_REASON}_{row.line_id}", max_chars=500
            )
        approve = st.form_submit_button("Approve and reserve stock", type="primary")
    if approve:
        run_write(
            lambda: restock_triage.approve_request(
                sessions,
                request_id=detail["request_id"],
                depot_id=int(depot),
                packs=packs,
                reasons=reasons,
                actor=actor,
            ),
            success=f"Approved {detail['reference']}; stock reserved.",
        )


def show_make_shipment(detail: dict) -> None:
    st.markdown(f"#### Fulfil (stock reserved at {escape_markdown(detail['depot'])})")
    with st.form(state.REQ_SHIP_FORM):
        note = st.text_input("Note for the shipment (optional)", key=state.REQ_SHIP_NOTE, max_chars=500)
        make = st.form_submit_button("Create the shipment from the approved lines", type="primary")
    if make:
        run_write(
            lambda: restock_fulfilment.create_shipment_from_request(
                sessions, request_id=detail["request_id"], actor=actor, note=note or None
            ),
            success=f"Draft shipment created for {detail['reference']}. Continue on the Shipments page.",
        )


def show_substitute(detail: dict, lines: pd.DataFrame) -> None:
    units = cached_units()
    choices = units[~units["unit_id"].isin(lines["unit_id"])]
    if choices.empty:
        return
    with st.expander("Substitute an item"), st.form(state.REQ_SUBSTITUTE_FORM):
        line_labels = {int(r.line_id): unit_name(r) for r in lines.itertuples()}
        line_id = st.selectbox(
            "Line",
            list(line_labels),
            format_func=lambda i: line_labels.get(i, f"#{i}"),
            key=state.REQ_SUBSTITUTE_LINE,
        )
        unit_labels = {int(r.unit_id): unit_name(r) for r in choices.itertuples()}
        unit_id = st.selectbox(
            "Replace with",
            list(unit_labels),
            format_func=lambda i: unit_labels.get(i, f"#{i}"),
            key=state.REQ_SUBSTITUTE_UNIT,
        )
        reason = st.text_input("Reason", key=state.REQ_SUBSTITUTE_REASON, max_chars=500)
        substitute = st.form_submit_button("Substitute")
    if substitute:
        run_write(
            lambda: restock_triage.substitute_line(
                sessions,
                request_id=detail["request_id"],
                line_id=int(line_id),
                unit_id=int(unit_id),
                reason=reason,
                actor=actor,
            ),
            success="Item substituted.",
        )


def show_close(detail: dict) -> None:
    with st.expander("Reject or cancel"), st.form(state.REQ_CLOSE_FORM):
        action = st.radio(
            "Action",
            ["reject", "cancel"],
            key=state.REQ_CLOSE_ACTION,
            horizontal=True,
            format_func={"reject": "Reject (we decline)", "cancel": "Cancel (no longer needed)"}.get,
        )
        reason = st.text_input("Reason", key=state.REQ_CLOSE_REASON, max_chars=500)
        close = st.form_submit_button("Confirm")
    if close:
        verb = restock_triage.reject_request if action == "reject" else restock_triage.cancel_request
        run_write(
            lambda: verb(sessions, request_id=detail["request_id"], reason=reason, actor=actor),
            success=f"Request {detail['reference']} {action}ed; any reserved stock was released.",
        )


with queue_tab:
    show_queue()
with phone_tab:
    restock_panels.show_phone_request(sessions, actor=actor, units=cached_units())
with links_tab:
    restock_panels.show_links(sessions, actor=actor)
