"""Audit trail: who changed what, when, with the state before and after. Read-only; CSV export."""

import datetime as dt

import streamlit as st

from outreach import audit, exports
from outreach.accounts.auth import STAFF
from outreach.columns import NUMBER, WHEN
from outreach.config import settings
from outreach.errors import OutreachError
from outreach.ui import state
from outreach.ui.guards import require_role
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_download, show_error

user = require_role(*STAFF)
TRAIL_COLUMNS = {
    "id": Column("#", NUMBER, width="small"),
    "at": Column("When (UTC)", WHEN, format="YYYY-MM-DD HH:mm:ss"),
    "actor": Column("Who"),
    "action": Column("Action"),
    "entity": Column("What"),
    "entity_id": Column("Record #"),
    "before": Column("Before (JSON)", width="large"),
    "after": Column("After (JSON)", width="large"),
}


@cached_read()
def load_facets(database_url: str) -> dict[str, list[str]]:
    return audit.facets(get_sessions())


@cached_read()
def load_history(database_url: str, filters: dict):
    return audit.history(get_sessions(), **filters)


st.title("Audit trail")
st.caption(
    "Every change to stock, shipments, requests, organizations, users and restock links, with who made it "
    "and the state before and after. Times are UTC. The trail is append-only: nobody can edit or delete it."
)
choices = load_facets(settings().database_url)

top = st.columns(3)
entity = top[0].selectbox(
    "What", choices["entity"], index=None, placeholder="Everything", key=state.AUDIT_ENTITY
)
actor = top[1].selectbox("Who", choices["actor"], index=None, placeholder="Anyone", key=state.AUDIT_ACTOR)
action = top[2].selectbox(
    "Action", choices["action"], index=None, placeholder="Any action", key=state.AUDIT_ACTION
)
bottom = st.columns(3)
dates = bottom[0].date_input(
    "Between (UTC dates)", value=[], max_value=dt.date.today() + dt.timedelta(days=1), key=state.AUDIT_DATES
)
entity_id = bottom[1].text_input(
    "Record #", max_chars=60, placeholder="e.g. 42", key=state.AUDIT_ENTITY_ID, help="The id of one record"
)
limit = bottom[2].number_input(
    "Show at most", min_value=10, max_value=20_000, value=500, step=100, key=state.AUDIT_LIMIT
)

since = dates[0] if len(dates) >= 1 else None
until = dates[1] if len(dates) >= 2 else since
filters = {
    "entity": entity,
    "actor": actor,
    "action": action,
    "since": since,
    "until": until,
    "entity_id": entity_id.strip() or None,
    "limit": int(limit),
}
try:
    rows = load_history(settings().database_url, filters)
except OutreachError as error:
    show_error(error)
    st.stop()

st.caption(
    f"{len(rows)} entries, newest first" + (" (the limit: narrow the filters)" if len(rows) >= limit else "")
)
show_table(rows, TRAIL_COLUMNS)
csv_download(
    exports.shape(rows, exports.AUDIT),
    label="Download these entries (CSV)",
    file_name=f"kyr-audit-{dt.date.today().isoformat()}.csv",
    key=state.AUDIT_EXPORT,
)
