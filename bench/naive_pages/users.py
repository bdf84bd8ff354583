import streamlit as st

from bench.naive_pages.whole_tables import table
from outreach.ui.guards import require_role

require_role("admin")
st.title("Users")
st.dataframe(table("users").drop(columns=["password_hash"]).sort_values("username"), hide_index=True)
st.dataframe(table("role_mappings"), hide_index=True)
