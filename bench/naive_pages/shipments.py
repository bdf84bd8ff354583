import streamlit as st

from bench.naive_pages.whole_tables import table, visible
from outreach.accounts.auth import STAFF
from outreach.ui.guards import require_role

require_role(*STAFF)
st.title("Shipments")
shipments = table("shipments").rename(columns={"id": "shipment_id"})
totals = table("shipment_lines").groupby("shipment_id").agg(units=("quantity", "sum"), lines=("id", "count"))
organizations = table("organizations").rename(columns={"id": "organization_id", "name": "organization"})
depots = table("locations").rename(columns={"id": "depot_id", "name": "depot"})
frame = shipments.join(totals, on="shipment_id", how="inner")
frame = frame.merge(organizations[["organization_id", "organization", "borough"]], on="organization_id")
frame = frame.merge(depots[["depot_id", "depot"]], on="depot_id").sort_values("shipment_id", ascending=False)
st.dataframe(visible(frame), hide_index=True)
