import streamlit as st

from bench.naive_pages.whole_tables import table, visible
from outreach.accounts.auth import STAFF
from outreach.ui.guards import require_role

require_role(*STAFF)
st.title("Audit trail")
st.dataframe(visible(table("audit_log").sort_values("id", ascending=False)), hide_index=True)
