"""Shipments: create, pack, ship, deliver or cancel shipments to organizations; filter; export."""

import streamlit as st

from outreach.accounts.auth import STAFF
from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES, SHIPMENT_STATUS_LABELS, language_of, material_of
from outreach.config import settings
from outreach.errors import InvalidInput
from outreach.models import SHIPMENT_STATUSES
from outreach.quantities import parse_quantity
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.ui import state
from outreach.ui.documents import shipment_document_buttons
from outreach.ui.guards import require_role
from outreach.ui.paging import pager, shown_rows
from outreach.ui.pickers import depot_labels, organization_picker, pick, unit_frame, unit_labels
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import csv_bytes, run_write, show_error, show_flash

LINE_SLOTS = 4
user = require_role(*STAFF)
actor = user["username"]


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_shipments(
    database_url: str,
    status: str | None,
    borough: str | None,
    language_code: str | None,
    limit: int,
    offset: int,
):
    return shipment_reads.shipments(
        get_sessions(), status=status, borough=borough, language=language_code, limit=limit, offset=offset
    )


def export_shipments(status: str | None, borough: str | None, language_code: str | None) -> bytes:
    """Every matching shipment, built only when the button is pressed (not on every rerun)."""
    frame = shipment_reads.shipments(
        get_sessions(), status=status, borough=borough, language=language_code, limit=None
    )
    return csv_bytes(frame)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_lines(database_url: str, shipment_id: int):
    return shipment_reads.shipment_lines(get_sessions(), shipment_id)


st.title("Shipments")
show_flash()
url = settings().database_url

new_shipment = st.expander("New shipment", icon=":material/add:")
with new_shipment:
    organization = organization_picker(
        "Organization", key=state.SHIP_NEW_ORG, search_key=state.SHIP_NEW_ORG_SEARCH
    )
with new_shipment, st.form(state.SHIP_NEW_FORM, clear_on_submit=True):
    depot = pick("From depot", depot_labels(), key=state.SHIP_NEW_DEPOT)
    items = unit_labels(active_only=True)
    pack_sizes = {int(r.unit_id): material_of(r.material).pack_size for r in unit_frame(url).itertuples()}
    st.caption("Quantities are in packs: flyers come in packs of 50, booklets in packs of 25.")
    chosen = []
    for slot in range(LINE_SLOTS):
        left, right = st.columns([3, 1])
        unit = left.selectbox(
            f"Item {slot + 1}",
            list(items),
            index=None,
            format_func=items.get,
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
        if organization is None or depot is None:
            st.error("Choose the organization and the depot.")
        elif not chosen or any(unit is None for unit, _ in chosen):
            st.error("Each line needs an item and a number of packs; add at least one line.")
        else:
            try:
                lines = [
                    (unit, parse_quantity(packs, field=f"Packs of {items[unit]}") * pack_sizes[unit])
                    for unit, packs in chosen
                ]
            except InvalidInput as error:
                show_error(error)
            else:
                run_write(
                    lambda: shipments.create_shipment(
                        get_sessions(),
                        organization_id=organization,
                        depot_id=depot,
                        lines=lines,
                        actor=actor,
                        note=note,
                    ),
                    success="Draft shipment created.",
                )

filters = st.columns(3)
status = filters[0].selectbox(
    "Status",
    SHIPMENT_STATUSES,
    index=None,
    placeholder="Any status",
    format_func=SHIPMENT_STATUS_LABELS.get,
    key=state.SHIP_FILTER_STATUS,
)
borough = filters[1].selectbox(
    "Borough", BOROUGH_NAMES, index=None, placeholder="Any borough", key=state.SHIP_FILTER_BOROUGH
)
language_code = filters[2].selectbox(
    "Language",
    LANGUAGE_CODES,
    index=None,
    placeholder="Any language",
    format_func=lambda code: language_of(code).label,
    key=state.SHIP_FILTER_LANGUAGE,
)
page = pager(state.SHIP_PAGE, filters=(status, borough, language_code))
table = shown_rows(load_shipments(url, status, borough, language_code, page.fetch, page.offset), page)
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
    data=lambda: export_shipments(status, borough, language_code),
    file_name="shipments.csv",
    mime="text/csv",
    key="ship_download",
)

st.subheader("Move a shipment along")
st.caption("Open shipments on the page shown above; filter by status to find one.")
open_ids = [int(i) for i in table.loc[table["status"].isin(["draft", "packed", "shipped"]), "shipment_id"]]
names = dict(zip(table["shipment_id"].astype(int), table["organization"], strict=True))
selected = st.selectbox(
    "Shipment",
    open_ids,
    index=None,
    placeholder="Choose an open shipment…",
    format_func=lambda i: f"#{i} · {names[i]}",
    key=state.SHIP_SELECTED,
)
if selected is not None:
    current = table.set_index("shipment_id").loc[selected, "status"]
    lines = load_lines(url, selected)
    lines = lines.assign(language=lines["language"].map(lambda code: language_of(code).english))
    st.dataframe(lines, hide_index=True, width="stretch")
    shipment_document_buttons(selected)
    actions = {"draft": ["pack", "cancel"], "packed": ["ship", "cancel"], "shipped": ["deliver"]}[current]
    with st.form(state.SHIP_ACTION_FORM):
        action = st.radio(
            f"Shipment #{selected} is {SHIPMENT_STATUS_LABELS[current].lower()}. Next step:",
            actions,
            format_func=str.capitalize,
            horizontal=True,
            key=state.SHIP_ACTION,
        )
        reason = st.text_input("Reason (required to cancel)", max_chars=500, key=state.SHIP_CANCEL_REASON)
        if st.form_submit_button("Confirm", type="primary"):
            verbs = {
                "pack": shipments.pack_shipment,
                "ship": shipments.ship_shipment,
                "deliver": shipments.deliver_shipment,
            }
            if action == "cancel":
                run_write(
                    lambda: shipments.cancel_shipment(
                        get_sessions(), shipment_id=selected, reason=reason, actor=actor
                    ),
                    success=f"Shipment #{selected} cancelled.",
                )
            else:
                done = {"pack": "packed", "ship": "shipped", "deliver": "delivered"}[action]
                run_write(
                    lambda: verbs[action](get_sessions(), shipment_id=selected, actor=actor),
                    success=f"Shipment #{selected} {done}.",
                )
