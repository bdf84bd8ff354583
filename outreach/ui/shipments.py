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

from outreach.catalog import BOROUGH_NAMES, SHIPMENT_STATUS_LABELS, material_of
from outreach.columns import LANGUAGE, MATERIAL, NUMBER, WHEN, WHOLE
from outreach.models import SHIPMENT_STATUSES
from outreach.quantities import MAX_QUANTITY, parse_quantity
from outreach.shipments import steps as shipments
from outreach.ui import state
from outreach.ui.documents import shipment_document_buttons
from outreach.ui.pickers import (
    depot_labels,
    organization_picker,
    pick,
    pick_language,
    unit_frame,
    unit_labels,
)
from outreach.ui.resources import get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import quantity_input, run_write

LINE_SLOTS = 4
NEXT_STEPS = {"draft": ["pack", "cancel"], "packed": ["ship", "cancel"], "shipped": ["deliver"]}
STEP_DONE = {"pack": "Packed.", "ship": "Shipped.", "deliver": "Delivered.", "cancel": "Cancelled."}
STEP_RESULT = {
    "pack": "is ready to ship",
    "ship": "is on its way",
    "deliver": "reached its organization",
    "cancel": "will not go out",
}
SHIPMENT_COLUMNS = {
    "shipment_id": Column("Shipment #", NUMBER, width="small"),
    "status": Column("Status", SHIPMENT_STATUS_LABELS),
    "organization": Column("Organization"),
    "borough": Column("Borough"),
    "depot": Column("From depot"),
    "units": Column("Units", WHOLE),
    "lines": Column("Items", WHOLE, help="Lines on the shipment: one per item"),
    "request_id": Column("Request #", NUMBER),
    "created_at": Column("Created (UTC)", WHEN),
    "shipped_at": Column("Shipped (UTC)", WHEN),
    "delivered_at": Column("Delivered (UTC)", WHEN),
    "created_by": Column("Created by"),
    "note": Column("Note"),
    "cancel_reason": Column("Why cancelled"),
}
LINE_COLUMNS = {
    "unit_id": Column("Item #", NUMBER, width="small"),
    "material": Column("Material", MATERIAL),
    "language": Column("Language", LANGUAGE),
    "edition": Column("Edition"),
    "quantity": Column("Units", WHOLE),
    "reserved_quantity": Column("Of which reserved", WHOLE, help="Units held for the restock request"),
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
        chosen: list[tuple[int | None, str]] = []
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
            with right:
                packs = quantity_input(f"Packs {slot + 1}", key=f"{state.SHIP_NEW_LINES}_packs_{slot}")
            if unit is not None or packs.strip():
                chosen.append((unit, packs))
        note = st.text_area("Note for the packing team", key=state.SHIP_NEW_NOTE)
        if st.form_submit_button("Create draft shipment", type="primary"):
            create_draft(database_url, organization, depot, chosen, items, note=note, actor=actor)


def create_draft(
    database_url: str,
    organization: int | None,
    depot: int | None,
    chosen: list[tuple[int | None, str]],
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

    def in_units() -> list[tuple[int, int]]:
        """Packs as typed, in units. A line holds at most as many packs as keep its units within the
        ledger's maximum, so a refusal speaks of packs: the number the person typed."""
        lines = []
        for unit, packs in lines_in_packs:
            size = pack_sizes[unit]
            count = parse_quantity(packs, field=f"Packs of {items[unit]}", maximum=MAX_QUANTITY // size)
            lines.append((unit, count * size))
        return lines

    run_write(
        lambda: shipments.create_shipment(
            get_sessions(),
            organization_id=organization,
            depot_id=depot,
            lines=in_units(),
            actor=actor,
            note=note,
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
    language = pick_language(
        columns[2], "Language", placeholder="Any language", key=state.SHIP_FILTER_LANGUAGE
    )
    return ShipmentFilters(status=status, borough=borough, language=language)


def shipment_table(table: pd.DataFrame, *, export: Callable[[], bytes]) -> None:
    """One page of shipments; the download is every matching shipment, built only when pressed."""
    show_table(table, SHIPMENT_COLUMNS)
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
    show_table(lines, LINE_COLUMNS)
    shipment_document_buttons(shipment_id)
    with st.form(state.SHIP_ACTION_FORM):
        action = st.radio(
            f"Shipment #{shipment_id} is {SHIPMENT_STATUS_LABELS[status].lower()}. Next step:",
            NEXT_STEPS[status],
            format_func=str.capitalize,
            horizontal=True,
            key=state.SHIP_ACTION,
        )
        reason = st.text_input("Reason (required to cancel)", key=state.SHIP_CANCEL_REASON)
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
