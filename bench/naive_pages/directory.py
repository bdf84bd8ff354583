import streamlit as st

from bench.naive_pages.whole_tables import table, visible
from outreach.accounts.auth import STAFF
from outreach.ui.guards import require_role

require_role(*STAFF)
st.title("Directory")
organizations = table("organizations")
languages = (
    table("organization_languages")
    .groupby("organization_id")["language"]
    .agg(lambda codes: ", ".join(sorted(codes)))
)
frame = organizations.join(languages.rename("languages"), on="id").sort_values("name")
st.dataframe(visible(frame), hide_index=True)
