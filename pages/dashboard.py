"""Dashboard: progress against the campaign target, stock and deliveries by language x borough, low stock."""

import pandas as pd
import streamlit as st

from outreach import exports
from outreach.accounts.auth import SIGNED_IN
from outreach.catalog import language_names
from outreach.columns import LANGUAGE, MATERIAL, WHOLE
from outreach.config import settings
from outreach.coverage import progress
from outreach.ui import stages as stages_ui
from outreach.ui import state
from outreach.ui.guards import require_role
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_download, show_flash

user = require_role(*SIGNED_IN)
LOW_STOCK_COLUMNS = {
    "material": Column("Material", MATERIAL),
    "language": Column("Language", LANGUAGE),
    "edition": Column("Edition"),
    "available": Column("Available", WHOLE),
    "low_stock_threshold": Column("Low-stock threshold", WHOLE),
}
HEATMAP = {
    "mark": "rect",
    "encoding": {
        "x": {"field": "borough", "type": "nominal", "title": None, "sort": None},
        "y": {"field": "language", "type": "nominal", "title": None, "sort": None},
        "color": {"field": "units", "type": "quantitative", "scale": {"scheme": "viridis"}, "title": "Units"},
        "tooltip": [
            {"field": "language", "type": "nominal"},
            {"field": "borough", "type": "nominal"},
            {"field": "units", "type": "quantitative", "format": ","},
        ],
    },
}


@cached_read()
def load(database_url: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    return progress.overview(get_sessions())


st.title("Dashboard")
show_flash()
totals, long, low = load(settings().database_url)
target = settings().campaign_target

delivered_share = min(totals["delivered"] / target, 1.0) if target else 0.0
st.progress(
    delivered_share, text=f"{totals['delivered']:,} of {target:,} pieces delivered ({delivered_share:.0%})"
)
columns = st.columns(4)
columns[0].metric("Received from print runs", f"{totals['received']:,}")
columns[1].metric(
    "In stock", f"{totals['on_hand']:,}", help=f"{totals['reserved']:,} reserved for approved requests"
)
columns[2].metric("In transit", f"{totals['in_transit']:,}")
columns[3].metric("Delivered", f"{totals['delivered']:,}")
stages_ui.dashboard_stages()  # delivered, confirmed received, reported handed out (outreach/ui/stages.py)

st.subheader("By language and borough")
measure = (
    st.segmented_control("Show", progress.MEASURES, default="delivered", key=state.DASH_TARGET) or "delivered"
)
grid = progress.pivot(long, measure)
by_language = grid.reset_index(names="language")
left, right = st.columns([3, 2])
with left:
    show_table(
        by_language,
        {"language": Column("Language", LANGUAGE)} | {name: Column(name, WHOLE) for name in grid.columns},
    )
    csv_download(
        exports.language_by_borough(grid),
        label="Download CSV",
        file_name=f"units-{measure.replace(' ', '-')}-by-language-and-borough.csv",
        key="dash_download",
    )
with right:
    cells = by_language.drop(columns="Total").melt(id_vars="language", var_name="borough", value_name="units")
    cells["language"] = cells["language"].map(language_names)
    # A plain Vega-Lite spec: the same heatmap as an Altair chart, without building and validating
    # Altair objects on every rerun.
    st.vega_lite_chart(cells, HEATMAP, width="stretch")

st.subheader("Low stock")
if low.empty:
    st.success("Every current item is above its low-stock threshold.")
else:
    st.warning(f"{len(low)} items are at or below their low-stock threshold.", icon="📉")
    show_table(low, LOW_STOCK_COLUMNS)
