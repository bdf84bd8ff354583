import streamlit as st

from bench.naive_pages.whole_tables import table, visible
from outreach.accounts.auth import STAFF
from outreach.ui.guards import require_role

require_role(*STAFF)
st.title("Restock requests")
requests = table("restock_requests").rename(columns={"id": "request_id"})
requests = requests[requests["status"].isin(["submitted", "approved"])]
organizations = table("organizations").rename(columns={"id": "organization_id", "name": "organization"})
lines = table("restock_request_lines").merge(
    table("stock_units").rename(columns={"id": "unit_id"})[["unit_id", "language"]], on="unit_id"
)
totals = lines.groupby("request_id").agg(
    packs_requested=("packs_requested", "sum"),
    languages=("language", lambda codes: ", ".join(sorted(set(codes)))),
)
frame = requests.merge(organizations[["organization_id", "organization", "borough"]], on="organization_id")
frame = frame.join(totals, on="request_id").sort_values(["created_at", "request_id"])
st.dataframe(visible(frame), hide_index=True)
