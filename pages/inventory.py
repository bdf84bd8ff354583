"""Inventory: stock by language, material and edition; receive, adjust, count, transfer; history."""

import pandas as pd
import streamlit as st

from outreach import exports, inventory
from outreach.accounts.auth import STAFF
from outreach.config import settings
from outreach.ui import inventory as inventory_ui
from outreach.ui import state
from outreach.ui.guards import require_role
from outreach.ui.paging import pager, shown_rows
from outreach.ui.pickers import depot_labels, unit_labels
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import csv_export, show_flash

user = require_role(*STAFF)


@cached_read()
def load_levels(
    database_url: str, language_code: str | None, material_code: str | None, depot: int | None
) -> pd.DataFrame:
    return inventory.stock_levels(
        get_sessions(), language=language_code, material=material_code, location_id=depot
    )


@cached_read()
def load_history(
    database_url: str, kind: str | None, language_code: str | None, depot: int | None, limit: int, offset: int
) -> pd.DataFrame:
    return inventory.movements(
        get_sessions(), kind=kind, language=language_code, location_id=depot, limit=limit, offset=offset
    )


st.title("Inventory")
show_flash()
url = settings().database_url
units, depots = unit_labels(), depot_labels()

filters = inventory_ui.stock_filters(depots)
inventory_ui.stock_table(load_levels(url, filters.language, filters.material, filters.depot))
inventory_ui.stock_form(inventory_ui.chosen_section(), units, depots, actor=user["username"])

st.subheader("Movement history")
kind = inventory_ui.history_kind()
page = pager(state.INV_HISTORY_PAGE, filters=(kind, filters.language, filters.depot))
history = load_history(url, kind, filters.language, filters.depot, page.fetch, page.offset)
inventory_ui.history_table(
    shown_rows(history, page),
    export=csv_export(
        inventory.movements,
        exports.MOVEMENTS,
        kind=kind,
        language=filters.language,
        location_id=filters.depot,
    ),
)
