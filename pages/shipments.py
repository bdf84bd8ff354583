"""Shipments: create, pack, ship, deliver or cancel shipments to organizations; filter; export."""

import pandas as pd
import streamlit as st

from outreach import exports
from outreach.accounts.auth import STAFF
from outreach.config import settings
from outreach.shipments import reads as shipment_reads
from outreach.ui import shipments as shipments_ui
from outreach.ui import state
from outreach.ui.guards import require_role
from outreach.ui.paging import pager, shown_rows
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import csv_export, show_flash

user = require_role(*STAFF)


@cached_read()
def load_shipments(
    database_url: str,
    status: str | None,
    borough: str | None,
    language_code: str | None,
    limit: int,
    offset: int,
) -> pd.DataFrame:
    return shipment_reads.shipments(
        get_sessions(), status=status, borough=borough, language=language_code, limit=limit, offset=offset
    )


@cached_read()
def load_lines(database_url: str, shipment_id: int) -> pd.DataFrame:
    return shipment_reads.shipment_lines(get_sessions(), shipment_id)


st.title("Shipments")
show_flash()
url = settings().database_url
actor = user["username"]

shipments_ui.new_shipment(url, actor=actor)

chosen = shipments_ui.filters()
page = pager(state.SHIP_PAGE, filters=(chosen.status, chosen.borough, chosen.language))
table = shown_rows(
    load_shipments(url, chosen.status, chosen.borough, chosen.language, page.fetch, page.offset), page
)
shipments_ui.shipment_table(
    table,
    export=csv_export(
        shipment_reads.shipments,
        exports.SHIPMENTS,
        status=chosen.status,
        borough=chosen.borough,
        language=chosen.language,
    ),
)

selected = shipments_ui.choose_open_shipment(table)
if selected is not None:
    status = str(table.set_index("shipment_id").loc[selected, "status"])
    shipments_ui.next_step(selected, status, load_lines(url, selected), actor=actor)
