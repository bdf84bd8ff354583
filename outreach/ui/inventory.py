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

from outreach import inventory
from outreach.catalog import LANGUAGE_CODES, MATERIAL_CODES, MOVEMENT_KINDS_LABELS, language_of
from outreach.ui import state
from outreach.ui.pickers import pick, unit_labels
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import csv_download, escape_markdown, run_write

SECTIONS = {
    "receive": "Receive a print run",
    "adjust": "Adjust",
    "count": "Physical count",
    "transfer": "Transfer",
    "threshold": "Low-stock threshold",
}
STOCK_COLUMNS = [
    "unit_id",
    "language",
    "material",
    "edition",
    "edition_status",
    "on_hand",
    "reserved",
    "available",
    "low_stock_threshold",
    "low",
]


@dataclass(frozen=True)
class StockFilters:
    language: str | None
    material: str | None
    depot: int | None


def stock_filters(depots: dict[int, str]) -> StockFilters:
    columns = st.columns(3)
    language = columns[0].selectbox(
        "Language",
        LANGUAGE_CODES,
        index=None,
        placeholder="All languages",
        format_func=lambda code: language_of(code).label,
        key=state.INV_FILTER_LANGUAGE,
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
    shown = levels.assign(language=levels["language"].map(lambda code: language_of(code).english))
    st.dataframe(
        shown[STOCK_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={
            "unit_id": st.column_config.NumberColumn("Item #"),
            "low": st.column_config.CheckboxColumn("Low stock"),
            "available": st.column_config.NumberColumn("Available", help="On hand minus reserved"),
        },
    )
    csv_download(shown, label="Download stock CSV", file_name="stock.csv", key="inv_download_stock")


def chosen_section() -> str:
    choice = st.segmented_control(
        "Record",
        list(SECTIONS),
        format_func=lambda section: SECTIONS[section],
        default="receive",
        required=True,
        key=state.INV_SECTION,
    )
    return str(choice or "receive")


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
        quantity = st.number_input("Units received", value=None, step=1, key=state.INV_RECEIVE_QTY)
        reference = st.text_input(
            "Print run reference",
            max_chars=120,
            key=state.INV_RECEIVE_REF,
            placeholder="e.g. vendor invoice 2026-114",
        )
        if not st.form_submit_button("Record receipt", type="primary"):
            return
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
            return
        run_write(
            lambda: inventory.receive(
                get_sessions(),
                unit_id=unit,
                location_id=location,
                quantity=quantity,
                reference=reference,
                actor=actor,
            ),
            success=f"Received {quantity} × {escape_markdown(current[unit])} "
            f"into {escape_markdown(depots[location])}.",
        )


def adjust_form(units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_ADJUST_FORM, clear_on_submit=True):
        unit = pick("Item", units, key=state.INV_ADJUST_UNIT)
        location = pick("Depot", depots, key=state.INV_ADJUST_DEPOT)
        change = st.number_input(
            "Change in units (negative to remove)", value=None, step=1, key=state.INV_ADJUST_QTY
        )
        reason = st.text_input(
            "Reason", max_chars=500, key=state.INV_ADJUST_REASON, placeholder="e.g. water damage, found a box"
        )
        if not st.form_submit_button("Record adjustment", type="primary"):
            return
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
            return
        run_write(
            lambda: inventory.adjust(
                get_sessions(), unit_id=unit, location_id=location, change=change, reason=reason, actor=actor
            ),
            success=f"Adjusted {escape_markdown(units[unit])} at {escape_markdown(depots[location])} "
            f"by {change}.",
        )


def count_form(units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_COUNT_FORM, clear_on_submit=True):
        st.caption(
            "Enter what is physically on the shelf; the ledger records the difference as a correction."
        )
        unit = pick("Item", units, key=state.INV_COUNT_UNIT)
        location = pick("Depot", depots, key=state.INV_COUNT_DEPOT)
        counted = st.number_input("Units counted", value=None, step=1, key=state.INV_COUNT_QTY)
        if not st.form_submit_button("Record count", type="primary"):
            return
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
            return
        run_write(
            lambda: inventory.count(
                get_sessions(), unit_id=unit, location_id=location, counted=counted, actor=actor
            ),
            success=f"Count of {counted} recorded for {escape_markdown(units[unit])} "
            f"at {escape_markdown(depots[location])}.",
        )


def transfer_form(units: dict[int, str], depots: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_TRANSFER_FORM, clear_on_submit=True):
        unit = pick("Item", units, key=state.INV_TRANSFER_UNIT)
        source = pick("From depot", depots, key=state.INV_TRANSFER_FROM)
        target = pick("To depot", depots, key=state.INV_TRANSFER_TO)
        quantity = st.number_input("Units to move", value=None, step=1, key=state.INV_TRANSFER_QTY)
        if not st.form_submit_button("Transfer", type="primary"):
            return
        if unit is None or source is None or target is None:
            st.error("Choose the item and both depots.")
            return
        run_write(
            lambda: inventory.transfer(
                get_sessions(),
                unit_id=unit,
                from_location_id=source,
                to_location_id=target,
                quantity=quantity,
                actor=actor,
            ),
            success=f"Moved {quantity} × {escape_markdown(units[unit])} "
            f"from {escape_markdown(depots[source])} to {escape_markdown(depots[target])}.",
        )


def threshold_form(units: dict[int, str], *, actor: str) -> None:
    with st.form(state.INV_THRESHOLD_FORM):
        unit = pick("Item", units, key=state.INV_THRESHOLD_UNIT)
        threshold = st.number_input(
            "Warn when available units fall to", value=None, step=1, key=state.INV_THRESHOLD_QTY
        )
        if not st.form_submit_button("Save threshold"):
            return
        if unit is None:
            st.error("Choose the item.")
            return
        run_write(
            lambda: inventory.set_low_stock_threshold(
                get_sessions(), unit_id=unit, threshold=threshold, actor=actor
            ),
            success=f"Low-stock threshold for {escape_markdown(units[unit])} set to {threshold}.",
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
    st.dataframe(history, hide_index=True, width="stretch")
    st.download_button(
        "Download history CSV (every page)",
        data=export,
        file_name="stock-movements.csv",
        mime="text/csv",
        key="inv_download_history",
        on_click="ignore",
    )
