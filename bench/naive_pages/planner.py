import streamlit as st

from bench.naive_pages.whole_tables import coverage_inputs, shipped_lines, table, units
from outreach.accounts.auth import STAFF
from outreach.catalog import LANGUAGE_CODES, material_of
from outreach.config import settings
from outreach.coverage import allocation, need
from outreach.coverage import gaps as coverage
from outreach.ui.guards import require_role

require_role(*STAFF)
st.title("Allocation planner")
language_code = next(code for code in LANGUAGE_CODES if code != "en")
depot = int(table("locations")["id"].min())
levels = units()
levels = levels[(levels["language"] == language_code) & (levels["edition_status"] == "active")]
balances = table("stock_balances")
levels = levels.merge(balances[balances["location_id"] == depot], on="unit_id")
levels["available"] = levels["on_hand"] - levels["reserved"]
item = levels.sort_values(["material", "edition"]).iloc[0]
lines = shipped_lines()
pending = lines[lines["status"].isin(["draft", "packed"])].assign(
    units=lambda f: f["quantity"] - f["reserved_quantity"]
)
pending = pending.groupby(
    ["unit_id", "depot_id", "language", "community_district", "borough"], dropna=False, as_index=False
)["units"].sum()
free = int(item["available"]) - int(pending.loc[pending["unit_id"] == item["unit_id"], "units"].sum())
shipped, organizations, totals = coverage_inputs()
table_ = coverage.gap_table(
    need.need("district"),
    shipped,
    organizations,
    totals,
    level="district",
    desert_min_lep=settings().desert_min_lep,
    language=language_code,
)
plan = allocation.suggest(
    table_,
    organizations,
    language=language_code,
    level="district",
    available_units=max(free, 0),
    pack_size=material_of(item["material"]).pack_size,
    edition_status="active",
    pending=pending,
    max_packs=settings().restock_max_packs_per_line,
)
st.dataframe(plan.areas, hide_index=True)
st.dataframe(plan.lines, hide_index=True)
