"""Sections of the shipments page: the new-shipment form, the filters and list, and the next step of one.

Quantities are typed in packs and stored in units. The confirmations say what happened in plain words,
once (the shared flash after the rerun), and name the shipment by number: an organization's name is typed
by people and is left out of markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, SHIPMENT_STATUS_LABELS, language_of, material_of
from outreach.errors import InvalidInput
from outreach.models import SHIPMENT_STATUSES
from outreach.quantities import parse_quantity
from outreach.shipments import steps as shipments
from outreach.ui import state
from outreach.ui.documents import shipment_document_buttons
from outreach.ui.pickers import depot_labels, organization_picker, pick, unit_frame, unit_labels
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import run_write, show_error

LINE_SLOTS = 4
NEXT_STEPS = {"draft": ["pack", "cancel"], "packed": ["ship", "cancel"], "shipped": ["deliver"]}
STEP_DONE = {"pack": "Packed.", "ship": "Shipped.", "deliver": "Delivered.", "cancel": "Cancelled."}
STEP_RESULT = {
    "pack": "is ready to ship",
    "ship": "is on its way",
    "deliver": "reached its organization",
    "cancel": "will not go out",
}
STEPS: dict[str, Callable[..., None]] = {
    "pack": shipments.pack_shipment,
    "ship": shipments.ship_shipment,
    "deliver": shipments.deliver_shipment,
}


@dataclass(frozen=True)
class ShipmentFilters:
    status: str | None
    borough: str | None
    language: str | None


def new_shipment(database_url: str, *, actor: str) -> None:
    """A draft shipment to one organization: up to LINE_SLOTS items, each in packs."""
    expander = st.expander("New shipment", icon=":material/add:")
    with expander:
        # Outside the form: the organization search box must rerun the page to refresh its choices.
        organization = organization_picker(
            "Organization", key=state.SHIP_NEW_ORG, search_key=state.SHIP_NEW_ORG_SEARCH
        )
    with expander, st.form(state.SHIP_NEW_FORM, clear_on_submit=True):
        depot = pick("From depot", depot_labels(), key=state.SHIP_NEW_DEPOT)
        items = unit_labels(active_only=True)
        st.caption("Quantities are in packs: flyers come in packs of 50, booklets in packs of 25.")
        chosen: list[tuple[int | None, object]] = []
        for slot in range(LINE_SLOTS):
            left, right = st.columns([3, 1])
            unit = left.selectbox(
                f"Item {slot + 1}",
                list(items),
                index=None,
                format_func=lambda item: items.get(item, str(item)),
                placeholder="Choose an item…",
                key=f"{state.SHIP_NEW_LINES}_unit_{slot}",
            )
            packs = right.number_input(
                f"Packs {slot + 1}", value=None, step=1, key=f"{state.SHIP_NEW_LINES}_packs_{slot}"
            )
            if unit is not None or packs is not None:
                chosen.append((unit, packs))
        note = st.text_area("Note for the packing team", max_chars=2000, key=state.SHIP_NEW_NOTE)
        if st.form_submit_button("Create draft shipment", type="primary"):
            create_draft(database_url, organization, depot, chosen, items, note=note, actor=actor)


def create_draft(
    database_url: str,
    organization: int | None,
    depot: int | None,
    chosen: list[tuple[int | None, object]],
    items: dict[int, str],
    *,
    note: str,
    actor: str,
) -> None:
    if organization is None or depot is None:
        st.error("Choose the organization and the depot.")
        return
    lines_in_packs = [(unit, packs) for unit, packs in chosen if unit is not None]
    if not chosen or len(lines_in_packs) < len(chosen):
        st.error("Each line needs an item and a number of packs; add at least one line.")
        return
    pack_sizes = {
        int(row.unit_id): material_of(row.material).pack_size for row in unit_frame(database_url).itertuples()
    }
    try:
        lines = [
            (unit, parse_quantity(packs, field=f"Packs of {items[unit]}") * pack_sizes[unit])
            for unit, packs in lines_in_packs
        ]
    except InvalidInput as error:
        show_error(error)
        return
    run_write(
        lambda: shipments.create_shipment(
            get_sessions(), organization_id=organization, depot_id=depot, lines=lines, actor=actor, note=note
        ),
        success=lambda shipment_id: (
            f"Draft shipment #{shipment_id} created. Pack it when the boxes are ready."
        ),
    )


def filters() -> ShipmentFilters:
    columns = st.columns(3)
    status = columns[0].selectbox(
        "Status",
        SHIPMENT_STATUSES,
        index=None,
        placeholder="Any status",
        format_func=lambda code: SHIPMENT_STATUS_LABELS.get(code, code),
        key=state.SHIP_FILTER_STATUS,
    )
    borough = columns[1].selectbox(
        "Borough", BOROUGH_NAMES, index=None, placeholder="Any borough", key=state.SHIP_FILTER_BOROUGH
    )
    language = columns[2].selectbox(
        "Language",
        LANGUAGE_CODES,
        index=None,
        placeholder="Any language",
        format_func=lambda code: language_of(code).label,
        key=state.SHIP_FILTER_LANGUAGE,
    )
    return ShipmentFilters(status=status, borough=borough, language=language)


def shipment_table(table: pd.DataFrame, *, export: Callable[[], bytes]) -> None:
    """One page of shipments; the download is every matching shipment, built only when pressed."""
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "shipment_id": st.column_config.NumberColumn("Shipment #"),
            "request_id": st.column_config.NumberColumn("Request #"),
        },
    )
    st.download_button(
        "Download shipments CSV (every page)",
        data=export,
        file_name="shipments.csv",
        mime="text/csv",
        key="ship_download",
        on_click="ignore",
    )


def choose_open_shipment(table: pd.DataFrame) -> int | None:
    """An open shipment (draft, packed or shipped) of the page of the list shown."""
    st.subheader("Move a shipment along")
    st.caption("Open shipments on the page shown above; filter by status to find one.")
    open_ids = [int(i) for i in table.loc[table["status"].isin(list(NEXT_STEPS)), "shipment_id"]]
    names = dict(zip(table["shipment_id"].astype(int), table["organization"], strict=True))
    return st.selectbox(
        "Shipment",
        open_ids,
        index=None,
        placeholder="Choose an open shipment…",
        format_func=lambda i: f"#{i} · {names.get(i, '')}",
        key=state.SHIP_SELECTED,
    )


def next_step(shipment_id: int, status: str, lines: pd.DataFrame, *, actor: str) -> None:
    """The shipment's lines and documents, and the form for its next step (or cancelling it)."""
    shown = lines.assign(language=lines["language"].map(lambda code: language_of(code).english))
    st.dataframe(shown, hide_index=True, width="stretch")
    shipment_document_buttons(shipment_id)
    with st.form(state.SHIP_ACTION_FORM):
        action = st.radio(
            f"Shipment #{shipment_id} is {SHIPMENT_STATUS_LABELS[status].lower()}. Next step:",
            NEXT_STEPS[status],
            format_func=str.capitalize,
            horizontal=True,
            key=state.SHIP_ACTION,
        )
        reason = st.text_input("Reason (required to cancel)", max_chars=500, key=state.SHIP_CANCEL_REASON)
        if not st.form_submit_button("Confirm", type="primary"):
            return
        if action is None:
            st.error("Choose the next step.")
            return
        run_write(
            lambda: take_step(action, shipment_id, reason=reason, actor=actor),
            success=f"{STEP_DONE[action]} Shipment #{shipment_id} {STEP_RESULT[action]}.",
        )


def take_step(action: str, shipment_id: int, *, reason: str, actor: str) -> None:
    if action == "cancel":
        shipments.cancel_shipment(get_sessions(), shipment_id=shipment_id, reason=reason, actor=actor)
    else:
        STEPS[action](get_sessions(), shipment_id=shipment_id, actor=actor)
