import streamlit as st

from bench.naive_pages.whole_tables import table, units, visible
from outreach.accounts.auth import STAFF
from outreach.ui.guards import require_role

require_role(*STAFF)
st.title("Inventory")
all_units = units()
balances = table("stock_balances").groupby("unit_id")[["on_hand", "reserved"]].sum().reset_index()
levels = all_units.merge(balances, on="unit_id", how="left").fillna({"on_hand": 0, "reserved": 0})
levels["available"] = levels["on_hand"] - levels["reserved"]
levels["low"] = (levels["edition_status"] == "active") & (
    levels["available"] <= levels["low_stock_threshold"]
)
st.dataframe(levels.sort_values(["language", "material", "edition"]), hide_index=True)
st.subheader("Movement history")
locations = table("locations").rename(columns={"id": "location_id", "name": "depot"})
history = table("stock_movements").rename(columns={"id": "movement_id"})
history = history.merge(all_units[["unit_id", "material", "language", "edition"]], on="unit_id")
history = history.merge(locations[["location_id", "depot"]], on="location_id")
st.dataframe(visible(history.sort_values("movement_id", ascending=False)), hide_index=True)
