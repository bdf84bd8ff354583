"""Inventory: stock by language, material and edition; receive, adjust, count, transfer; history."""

import streamlit as st

from outreach import inventory
from outreach.accounts.auth import STAFF
from outreach.catalog import LANGUAGE_CODES, MATERIAL_CODES, MOVEMENT_KINDS_LABELS, language_of
from outreach.config import settings
from outreach.ui import state
from outreach.ui.guards import require_role
from outreach.ui.paging import pager, shown_rows
from outreach.ui.pickers import depot_labels, pick, unit_labels
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import csv_bytes, csv_download, escape_markdown, run_write, show_flash

user = require_role(*STAFF)
actor = user["username"]


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_levels(database_url: str, language_code: str | None, material_code: str | None, depot: int | None):
    return inventory.stock_levels(
        get_sessions(), language=language_code, material=material_code, location_id=depot
    )


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_history(
    database_url: str, kind: str | None, language_code: str | None, depot: int | None, limit: int, offset: int
):
    return inventory.movements(
        get_sessions(), kind=kind, language=language_code, location_id=depot, limit=limit, offset=offset
    )


def export_history(kind: str | None, language_code: str | None, depot: int | None) -> bytes:
    """The whole filtered ledger, built only when the button is pressed (not on every rerun)."""
    frame = inventory.movements(
        get_sessions(), kind=kind, language=language_code, location_id=depot, limit=None
    )
    return csv_bytes(frame)


st.title("Inventory")
show_flash()
units, depots = unit_labels(), depot_labels()
# Labels in the confirmations: edition codes and depot names are typed by people, and toasts render markdown.
shown_units = {key: escape_markdown(label) for key, label in units.items()}
shown_depots = {key: escape_markdown(label) for key, label in depots.items()}

filters = st.columns(3)
language_code = filters[0].selectbox(
    "Language",
    LANGUAGE_CODES,
    index=None,
    placeholder="All languages",
    format_func=lambda code: language_of(code).label,
    key=state.INV_FILTER_LANGUAGE,
)
material_code = filters[1].selectbox(
    "Material", MATERIAL_CODES, index=None, placeholder="All materials", key=state.INV_FILTER_MATERIAL
)
depot = filters[2].selectbox(
    "Depot",
    list(depots),
    index=None,
    placeholder="All depots",
    format_func=depots.get,
    key=state.INV_FILTER_DEPOT,
)

levels = load_levels(settings().database_url, language_code, material_code, depot)
shown = levels.assign(language=levels["language"].map(lambda code: language_of(code).english))
st.dataframe(
    shown[
        [
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
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "unit_id": st.column_config.NumberColumn("Item #"),
        "low": st.column_config.CheckboxColumn("Low stock"),
        "available": st.column_config.NumberColumn("Available", help="On hand minus reserved"),
    },
)
csv_download(shown, label="Download stock CSV", file_name="stock.csv", key="inv_download_stock")

receive_tab, adjust_tab, count_tab, transfer_tab, threshold_tab = st.tabs(
    ["Receive a print run", "Adjust", "Physical count", "Transfer", "Low-stock threshold"]
)

with receive_tab, st.form(state.INV_RECEIVE_FORM, clear_on_submit=True):
    unit = pick("Item", unit_labels(active_only=True), key=state.INV_RECEIVE_UNIT)
    location = pick("Into depot", depots, key=state.INV_RECEIVE_DEPOT)
    quantity = st.number_input("Units received", value=None, step=1, key=state.INV_RECEIVE_QTY)
    reference = st.text_input(
        "Print run reference",
        max_chars=120,
        key=state.INV_RECEIVE_REF,
        placeholder="e.g. vendor invoice 2026-114",
    )
    if st.form_submit_button("Record receipt", type="primary"):
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
        else:
            run_write(
                lambda: inventory.receive(
                    get_sessions(),
                    unit_id=unit,
                    location_id=location,
                    quantity=quantity,
                    reference=reference,
                    actor=actor,
                ),
                success=f"Received {quantity} × {shown_units[unit]} into {shown_depots[location]}.",
            )

with adjust_tab, st.form(state.INV_ADJUST_FORM, clear_on_submit=True):
    unit = pick("Item", units, key=state.INV_ADJUST_UNIT)
    location = pick("Depot", depots, key=state.INV_ADJUST_DEPOT)
    change = st.number_input(
        "Change in units (negative to remove)", value=None, step=1, key=state.INV_ADJUST_QTY
    )
    reason = st.text_input(
        "Reason", max_chars=500, key=state.INV_ADJUST_REASON, placeholder="e.g. water damage, found a box"
    )
    if st.form_submit_button("Record adjustment", type="primary"):
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
        else:
            run_write(
                lambda: inventory.adjust(
                    get_sessions(),
                    unit_id=unit,
                    location_id=location,
                    change=change,
                    reason=reason,
                    actor=actor,
                ),
                success=f"Adjusted {shown_units[unit]} at {shown_depots[location]} by {change}.",
            )

with count_tab, st.form(state.INV_COUNT_FORM, clear_on_submit=True):
    st.caption("Enter what is physically on the shelf; the ledger records the difference as a correction.")
    unit = pick("Item", units, key=state.INV_COUNT_UNIT)
    location = pick("Depot", depots, key=state.INV_COUNT_DEPOT)
    counted = st.number_input("Units counted", value=None, step=1, key=state.INV_COUNT_QTY)
    if st.form_submit_button("Record count", type="primary"):
        if unit is None or location is None:
            st.error("Choose the item and the depot.")
        else:
            run_write(
                lambda: inventory.count(
                    get_sessions(), unit_id=unit, location_id=location, counted=counted, actor=actor
                ),
                success=f"Count of {counted} recorded for {shown_units[unit]} at {shown_depots[location]}.",
            )

with transfer_tab, st.form(state.INV_TRANSFER_FORM, clear_on_submit=True):
    unit = pick("Item", units, key=state.INV_TRANSFER_UNIT)
    source = pick("From depot", depots, key=state.INV_TRANSFER_FROM)
    target = pick("To depot", depots, key=state.INV_TRANSFER_TO)
    quantity = st.number_input("Units to move", value=None, step=1, key=state.INV_TRANSFER_QTY)
    if st.form_submit_button("Transfer", type="primary"):
        if unit is None or source is None or target is None:
            st.error("Choose the item and both depots.")
        else:
            run_write(
                lambda: inventory.transfer(
                    get_sessions(),
                    unit_id=unit,
                    from_location_id=source,
                    to_location_id=target,
                    quantity=quantity,
                    actor=actor,
                ),
                success=f"Moved {quantity} × {shown_units[unit]} from {shown_depots[source]} to {shown_depots[target]}.",
            )

with threshold_tab, st.form(state.INV_THRESHOLD_FORM):
    unit = pick("Item", units, key=state.INV_THRESHOLD_UNIT)
    threshold = st.number_input(
        "Warn when available units fall to", value=None, step=1, key=state.INV_THRESHOLD_QTY
    )
    if st.form_submit_button("Save threshold"):
        if unit is None:
            st.error("Choose the item.")
        else:
            run_write(
                lambda: inventory.set_low_stock_threshold(
                    get_sessions(), unit_id=unit, threshold=threshold, actor=actor
                ),
                success=f"Low-stock threshold for {shown_units[unit]} set to {threshold}.",
            )

st.subheader("Movement history")
kind = st.selectbox(
    "Kind",
    list(MOVEMENT_KINDS_LABELS),
    index=None,
    placeholder="All kinds",
    format_func=MOVEMENT_KINDS_LABELS.get,
    key=state.INV_HISTORY_KIND,
)
page = pager(state.INV_HISTORY_PAGE, filters=(kind, language_code, depot))
history = shown_rows(
    load_history(settings().database_url, kind, language_code, depot, page.fetch, page.offset), page
)
st.dataframe(history, hide_index=True, width="stretch")
st.download_button(
    "Download history CSV (every page)",
    data=lambda: export_history(kind, language_code, depot),
    file_name="stock-movements.csv",
    mime="text/csv",
    key="inv_download_history",
)
