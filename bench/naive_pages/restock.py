import streamlit as st

from bench.naive_pages.whole_tables import table
from outreach.restock.links import hash_token

token = str(st.query_params.get("t", ""))
tokens = table("restock_tokens")
live = tokens[(tokens["token_hash"] == hash_token(token)) & tokens["revoked_at"].isna()]
if live.empty:
    st.error("This link is not valid.")
    st.stop()
organization_id = int(live["organization_id"].iloc[0])
st.title("Restock")
requests = table("restock_requests")
mine = (
    requests[requests["organization_id"] == organization_id]
    .sort_values("created_at", ascending=False)
    .head(20)
)
lines = table("restock_request_lines").merge(
    table("stock_units").rename(columns={"id": "unit_id"})[["unit_id", "material", "language"]], on="unit_id"
)
for request in mine.itertuples():
    st.markdown(f"**{request.reference}** · {request.status}")
    items = lines[lines["request_id"] == request.id]
    st.caption(" · ".join(f"{r.material} {r.language}: {r.packs_requested}" for r in items.itertuples()))
