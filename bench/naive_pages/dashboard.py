import streamlit as st

from bench.naive_pages.whole_tables import shipped_lines, table, units
from outreach.accounts.auth import SIGNED_IN
from outreach.ui.guards import require_role

require_role(*SIGNED_IN)
movements = table("stock_movements")
balances = table("stock_balances")
lines = shipped_lines()
received = int(movements.loc[movements["kind"] == "receipt", "quantity"].sum())
st.title("Dashboard")
columns = st.columns(4)
columns[0].metric("Received", f"{received:,}")
columns[1].metric("In stock", f"{int(balances['on_hand'].sum()):,}")
columns[2].metric("In transit", f"{int(lines.loc[lines['status'] == 'shipped', 'quantity'].sum()):,}")
columns[3].metric("Delivered", f"{int(lines.loc[lines['status'] == 'delivered', 'quantity'].sum()):,}")
delivered = lines[lines["status"] == "delivered"]
grid = delivered.pivot_table(
    index="language", columns="borough", values="quantity", aggfunc="sum", fill_value=0
)
grid["Total"] = grid.sum(axis=1)
st.dataframe(grid, width="stretch")
levels = units().merge(balances.groupby("unit_id")[["on_hand", "reserved"]].sum().reset_index(), on="unit_id")
levels["available"] = levels["on_hand"] - levels["reserved"]
low = levels[(levels["edition_status"] == "active") & (levels["available"] <= levels["low_stock_threshold"])]
st.dataframe(low[["material", "language", "edition", "available", "low_stock_threshold"]], hide_index=True)
