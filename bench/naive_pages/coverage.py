import streamlit as st
from streamlit_folium import st_folium

from bench.naive_pages.whole_tables import coverage_inputs
from outreach.accounts.auth import SIGNED_IN
from outreach.config import settings
from outreach.coverage import gaps as coverage
from outreach.coverage import maps, need
from outreach.ui.guards import require_role

require_role(*SIGNED_IN)
st.title("Coverage map")
level, metric = "district", "coverage"
shipped, organizations, totals = coverage_inputs()
table = coverage.gap_table(
    need.need(level), shipped, organizations, totals, level=level, desert_min_lep=settings().desert_min_lep
)
active = organizations[organizations["status"] == "active"]
fmap = maps.coverage_map(
    coverage.area_values(table, metric=metric),
    areas=need.boundaries(level),
    borough_outlines=need.boundaries("borough"),
    organizations=active,
    metric=metric,
    caption="All languages",
    area_labels=dict(zip(table["area"], table["area_label"], strict=False)),
)
st_folium(fmap, height=560, width=None, returned_objects=[])
st.dataframe(table, hide_index=True)
