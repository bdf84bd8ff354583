"""Sections of the inventory page: the stock filters and table, the five stock forms, the movement history.

The forms sit behind a segmented control, not tabs: only the chosen form runs, and the choice survives the
rerun after a write. Item labels and depot names are typed by people and the confirmations render
markdown, so each confirmation escapes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from outreach import exports, inventory
from outreach.catalog import MATERIAL_CODES, MOVEMENT_KINDS_LABELS
from outreach.columns import FLAG, LANGUAGE, MATERIAL, NUMBER, WHEN, WHOLE, WORDS
from outreach.quantities import parse_quantity, parse_signed_quantity
from outreach.ui import state
from outreach.ui.pickers import pick, pick_language, unit_labels
from outreach.ui.resources import get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_download, escape_markdown, quantity_input, run_write, section_choice

SECTIONS = {
    "receive": "Receive a print run",
    "adjust": "Adjust",
    "count": "Physical count",
    "transfer": "Transfer",
    "threshold": "Low-stock threshold",
}
STOCK_COLUMNS = {
    "unit_id": Column("Item #", NUMBER, width="small"),
    "language": Column("Language", LANGUAGE),
    "material": Column("Material", MATERIAL),
    "edition": Column("Edition"),
    "edition_status": Column("Edition status", WORDS),
    "on_hand": Column("On hand", WHOLE, help="Units on the shelf"),
    "reserved": Column("Reserved", WHOLE, help="Units held for approved restock requests"),
    "available": Column("Available", WHOLE, help="On hand minus reserved"),
    "low_stock_threshold": Column("Low-stock threshold", WHOLE, help="Warn when available falls to it"),
    "low": Column("Low stock", FLAG),
}
HISTORY_COLUMNS = {
    "id": Column("#", NUMBER, width="small"),
    "created_at": Column("When (UTC)", WHEN),
    "kind": Column("Kind", MOVEMENT_KINDS_LABELS),
    "material": Column("Material", MATERIAL),
    "language": Column("Language", LANGUAGE),
    "edition": Column("Edition"),
    "depot": Column("Depot"),
    "quantity": Column("Units", WHOLE, help="Positive into the depot, negative out of it"),
    "reason": Column("Reason"),
    "reference": Column("Reference"),
    "shipment_id": Column("Shipment #", NUMBER),
    "actor": Column("By"),
}


@dataclass(frozen=True)
class StockFilters:
    language: str | None
    material: str | None
    depot: int | None


def stock_filters(depots: dict[int, str]) -> StockFilters:
    columns = st.columns(3)
    language = pick_language(
        columns[0], "Language", placeholder="All languages", key=state.INV_FILTER_LANGUAGE
    )
    material = columns[1].selectbox(
        "Material", MATERIAL_CODES, index=None, placeholder="All materials", key=state.INV_FILTER_MATERIAL
    )
    depot = columns[2].selectbox(
        "Depot",
        list(depots),
        index=None,
        placeholder="All depots",
        format_func=lambda location: depots.get(location, str(location)),
        key=state.INV_FILTER_DEPOT,
    )
    return StockFilters(language=language, material=material, depot=depot)


def stock_table(levels: pd.DataFrame) -> None:
    """Stock per item (at the chosen depot, or summed over depots), with its CSV."""
    show_table(levels, STOCK_COLUMNS)
    csv_download(
        exports.shape(levels, exports.STOCK),
        label="Download stock CSV",
        file_name="stock.csv",
        key="inv_download_stock",
    )


def chosen_section() -> str:
    return section_choice("Record", SECTIONS, key=state.INV_SECTION)


def stock_form(section: str, units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    """The form of the chosen section; `units` lists every item, retired ones too (stock may remain)."""
    forms: dict[str, Callable[[], None]] = {
        "receive": lambda: receive_form(depots, actor=actor),
        "adjust": lambda: adjust_form(units, depots, actor=actor),
        "count": lambda: count_form(units, depots, actor=actor),
        "transfer": lambda: transfer_form(units, depots, actor=actor),
        "threshold": lambda: threshold_form(units, actor=actor),
    }
    forms[section]()


def receive_form(depots: dict[int, str], *, actor: str) -> None:
    current = unit_labels(active_only=True)  # a print run is always of the current edition
    with st.form(state.INV_RECEIVE_FORM, clear_on_submit=True):
        unit = pick("Item", current, key=state.INV_RECEIVE_UNIT)
        location = pick("Into depot", depots, key=state.INV_RECEIVE_DEPOT)
        typed = quantity_input("Units received", key=state.INV_RECEIVE_QTY, placeholder="e.g. 5000")
        reference = st.text_input(
            "Print run reference",
            key=state.INV_RECEIVE_REF,
            placeholder="e.g. vendor invoice 2026-114",
        )
        if not st.form_submit_button("Record receipt", type="primary"):
            return
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
            return

        def record() -> int:
            quantity = parse_quantity(typed, field="Units received")
            inventory.receive(
                get_sessions(),
                unit_id=unit,
                location_id=location,
                quantity=quantity,
                reference=reference,
                actor=actor,
            )
            return quantity

        run_write(
            record,
            success=lambda quantity: (
                f"Received {quantity:,} × {escape_markdown(current[unit])} "
                f"into {escape_markdown(depots[location])}."
            ),
        )


def adjust_form(units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_ADJUST_FORM, clear_on_submit=True):
        unit = pick("Item", units, key=state.INV_ADJUST_UNIT)
        location = pick("Depot", depots, key=state.INV_ADJUST_DEPOT)
        typed = quantity_input(
            "Change in units (negative to remove)", key=state.INV_ADJUST_QTY, placeholder="e.g. 25 or -25"
        )
        reason = st.text_input(
            "Reason", key=state.INV_ADJUST_REASON, placeholder="e.g. water damage, found a box"
        )
        if not st.form_submit_button("Record adjustment", type="primary"):
            return
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
            return

        def record() -> int:
            change = parse_signed_quantity(typed, field="Change in units")
            inventory.adjust(
                get_sessions(), unit_id=unit, location_id=location, change=change, reason=reason, actor=actor
            )
            return change

        run_write(
            record,
            success=lambda change: (
                f"Adjusted {escape_markdown(units[unit])} at "
                f"{escape_markdown(depots[location])} by {change:+,}."
            ),
        )


def count_form(units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_COUNT_FORM, clear_on_submit=True):
        st.caption(
            "Enter what is physically on the shelf; the ledger records the difference as a correction."
        )
        unit = pick("Item", units, key=state.INV_COUNT_UNIT)
        location = pick("Depot", depots, key=state.INV_COUNT_DEPOT)
        typed = quantity_input("Units counted", key=state.INV_COUNT_QTY, placeholder="e.g. 1200")
        if not st.form_submit_button("Record count", type="primary"):
            return
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
            return

        def record() -> int:
            counted = parse_quantity(typed, field="Units counted", allow_zero=True)
            inventory.count(get_sessions(), unit_id=unit, location_id=location, counted=counted, actor=actor)
            return counted

        run_write(
            record,
            success=lambda counted: (
                f"Count of {counted:,} recorded for {escape_markdown(units[unit])} "
                f"at {escape_markdown(depots[location])}."
            ),
        )


def transfer_form(units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_TRANSFER_FORM, clear_on_submit=True):
        unit = pick("Item", units, key=state.INV_TRANSFER_UNIT)
        source = pick("From depot", depots, key=state.INV_TRANSFER_FROM)
        target = pick("To depot", depots, key=state.INV_TRANSFER_TO)
        typed = quantity_input("Units to move", key=state.INV_TRANSFER_QTY, placeholder="e.g. 500")
        if not st.form_submit_button("Transfer", type="primary"):
            return
        if unit is None or source is None or target is None:
            st.error("Choose the item and both depots.")
            return

        def record() -> int:
            quantity = parse_quantity(typed, field="Units to move")
            inventory.transfer(
                get_sessions(),
                unit_id=unit,
                from_location_id=source,
                to_location_id=target,
                quantity=quantity,
                actor=actor,
            )
            return quantity

        run_write(
            record,
            success=lambda quantity: (
                f"Moved {quantity:,} × {escape_markdown(units[unit])} "
                f"from {escape_markdown(depots[source])} to {escape_markdown(depots[target])}."
            ),
        )


def threshold_form(units: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_THRESHOLD_FORM):
        unit = pick("Item", units, key=state.INV_THRESHOLD_UNIT)
        typed = quantity_input(
            "Warn when available units fall to", key=state.INV_THRESHOLD_QTY, placeholder="e.g. 200"
        )
        if not st.form_submit_button("Save threshold"):
            return
        if unit is None:
            st.error("Choose the item.")
            return

        def record() -> int:
            threshold = parse_quantity(typed, field="Low-stock threshold", allow_zero=True)
            inventory.set_low_stock_threshold(get_sessions(), unit_id=unit, threshold=threshold, actor=actor)
            return threshold

        run_write(
            record,
            success=lambda threshold: (
                f"Low-stock threshold for {escape_markdown(units[unit])} set to {threshold:,}."
            ),
        )


def history_kind() -> str | None:
    return st.selectbox(
        "Kind",
        list(MOVEMENT_KINDS_LABELS),
        index=None,
        placeholder="All kinds",
        format_func=lambda kind: MOVEMENT_KINDS_LABELS.get(kind, kind),
        key=state.INV_HISTORY_KIND,
    )


def history_table(history: pd.DataFrame, *, export: Callable[[], bytes]) -> None:
    """One page of the ledger; the download is the whole filtered ledger, built only when pressed."""
    show_table(history, HISTORY_COLUMNS)
    st.download_button(
        "Download history CSV (every page)",
        data=export,
        file_name="stock-movements.csv",
        mime="text/csv",
        key="inv_download_history",
        on_click="ignore",
    )
