"""Coverage: where each language is under-served. A choropleth and the ranked gap table side by side."""

from typing import Any

import pandas as pd
import streamlit as st

from outreach.accounts.auth import SIGNED_IN
from outreach.catalog import LANGUAGE_CODES, language_of
from outreach.config import settings
from outreach.coverage import gaps as coverage
from outreach.coverage import inputs as coverage_data
from outreach.coverage import maps, need
from outreach.ui import coverage_reads, state
from outreach.ui.guards import require_role
from outreach.ui.paging import pager
from outreach.ui.resources import READ_TTL_SECONDS
from outreach.ui.widgets import csv_bytes

user = require_role(*SIGNED_IN)

ALL = "all"
DISPLAY_COLUMNS = {
    "area_label": "Area",
    "language_name": "Language",
    "lep_speakers": "LEP speakers",
    "delivered": "Delivered",
    "in_transit": "In transit",
    "coverage_per_1000": "Per 1,000 LEP",
    "fair_share": "Fair share",
    "gap": "Gap",
    "active_organizations": "Active orgs",
    "desert": "Desert",
}
# Each cached view holds the rendered map (about 3 MB of HTML at 50,000 organizations): keep a few.
VIEWS_CACHED = 12
NOT_ON_MAP_SHOWN = 200  # the directory lists every organization; this list only points at the problem


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=VIEWS_CACHED)
def coverage_view(
    database_url: str, level: str, chosen: str | None, metric: str, caption: str
) -> dict[str, Any]:
    """Everything the page shows for one choice of level, language and metric, the map already rendered
    to HTML: a rerun that changes nothing here (the cache) costs no rebuild of the map or the gap table."""
    # One language chosen: only its shipments and the organizations serving it are read.
    shipped = coverage_reads.shipped_units(database_url, chosen)
    directory = coverage_reads.organizations(database_url, chosen)
    totals = coverage_reads.campaign_totals(database_url)
    table = coverage.gap_table(
        need.need(level),
        shipped,
        directory,
        totals,
        level=level,
        desert_min_lep=settings().desert_min_lep,
        language=chosen,
    )
    active = directory[directory["status"] == "active"]
    if chosen is not None:
        active = active[coverage.speaks(active["languages"], chosen)]
    fmap = maps.coverage_map(
        coverage.area_values(table, metric=metric),
        areas=need.boundaries(level),
        borough_outlines=need.boundaries("borough"),
        organizations=active,
        metric=metric,
        caption=caption,
        area_labels=dict(zip(table["area"], table["area_label"], strict=False)),
    )
    hidden = maps.not_on_map(active)
    listed = hidden.head(NOT_ON_MAP_SHOWN).assign(
        district=hidden["community_district"]
        .head(NOT_ON_MAP_SHOWN)
        .map(lambda cd: "" if pd.isna(cd) else int(cd)),
    )[["name", "borough", "district", "languages"]]
    return {
        "table": table,
        "map_html": fmap.get_root().render(),
        "on_map": len(active) - len(hidden),
        "not_on_map": len(hidden),
        "not_on_map_listed": listed,
        "unplaced": coverage.unplaced(shipped, directory, level=level),
    }


def export_table(display: pd.DataFrame) -> bytes:
    """The table as CSV with "no data" spelled out, built only when the button is pressed."""
    export = display[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS)
    for column in ("LEP speakers", "Per 1,000 LEP", "Fair share", "Gap"):
        export[column] = [
            coverage.format_number(v, decimals=1 if column == "Per 1,000 LEP" else 0) for v in export[column]
        ]
    return csv_bytes(export)


st.title("Coverage map")
st.caption(
    "Where people with limited English live, and whether materials in their language reached a "
    "participating organization near them."
)

controls = st.columns([2, 3, 2])
language_choice = controls[0].selectbox(
    "Language",
    [ALL, *LANGUAGE_CODES],
    format_func=lambda code: "All languages" if code == ALL else language_of(code).label,
    key=state.COV_LANGUAGE,
)
metric = controls[1].radio(
    "Show",
    coverage.METRICS,
    format_func=lambda name: {"coverage": "Coverage", "gap": "Gap", "deserts": "Deserts"}[name],
    horizontal=True,
    key=state.COV_METRIC,
)
level = controls[2].radio(
    "Areas",
    need.AREA_LEVELS,
    format_func=need.AREA_LEVEL_LABELS.get,
    horizontal=True,
    key=state.COV_LEVEL,
)
chosen = None if language_choice == ALL else language_choice

url = settings().database_url
min_lep = settings().desert_min_lep
language_name = "All languages" if chosen is None else language_of(chosen).english
caption = f"{language_name}: {coverage.METRIC_LABELS[metric]}"
view = coverage_view(url, level, chosen, metric, caption)
table = view["table"]

if chosen == "en":
    st.info(
        "English has no limited-English-proficiency figure, so coverage, fair share, gap and deserts show "
        "“no data”; supply is still counted. Indicative English-only counts by borough are in the notes below.",
        icon="ℹ️",
    )

map_column, table_column = st.columns([3, 2])
with map_column:
    # The folium map as one HTML document (built by outreach.coverage.maps, which escapes every text from the
    # database), cached with the view: a rerun does not rebuild or re-render it.
    st.iframe(view["map_html"], height=560, alt=caption)
    st.caption(
        f"{view['on_map']:,} active organizations on the map"
        + (
            f"; {view['not_on_map']:,} not on map (no location yet, listed below)."
            if view["not_on_map"]
            else "."
        )
        + " Grey areas: no data."
    )

with table_column:
    shown = coverage.deserts(table) if metric == "deserts" else table
    st.subheader("Deserts" if metric == "deserts" else "Largest gaps first")
    if metric == "deserts":
        st.caption(
            f"Areas with at least {min_lep:,} LEP speakers of a language and no active organization "
            "serving it."
        )
    display = shown.assign(language_name=shown["language"].map(lambda code: language_of(code).english))
    # A page of the ranking at a time: the styled table ("no data" for NaN) costs per row shown.
    page = pager(state.COV_TABLE_PAGE, filters=(level, chosen, metric))
    st.dataframe(
        display.iloc[page.offset : page.offset + page.size][list(DISPLAY_COLUMNS)]
        .rename(columns=DISPLAY_COLUMNS)
        .style.format(na_rep=coverage.NO_DATA, precision=0, thousands=",")
        .format({"Per 1,000 LEP": "{:,.1f}"}, na_rep=coverage.NO_DATA),
        hide_index=True,
        width="stretch",
        height=520,
    )
    st.caption(
        f"Rows {min(page.offset + 1, len(display)):,}–{min(page.offset + page.size, len(display)):,} of {len(display):,}"
    )
    st.download_button(
        "Download table (CSV, every row)",
        data=export_table(display),  # small (≤ 590 rows): built up front; lazy buttons stalled in 1.67
        file_name=f"coverage_{level}_{chosen or 'all'}_{metric}.csv",
        mime="text/csv",
        key=state.COV_EXPORT,
    )

loose = view["unplaced"]
if loose["organizations"] or loose["delivered"] or loose["in_transit"]:
    st.warning(
        f"Not in any {need.AREA_LEVEL_LABELS[level].lower()}"
        + ("" if chosen is None else f" ({language_name} only)")
        + f": {loose['organizations']:,} organizations, "
        f"{loose['delivered']:,} units delivered and {loose['in_transit']:,} in transit to them. They are "
        "left out of the area figures until their location is set in the directory.",
        icon="📍",
    )

if view["not_on_map"]:
    with st.expander(f"Not on map ({view['not_on_map']:,})"):
        if view["not_on_map"] > NOT_ON_MAP_SHOWN:
            st.caption(f"The first {NOT_ON_MAP_SHOWN}; the directory lists them all.")
        st.dataframe(view["not_on_map_listed"], hide_index=True, width="stretch")

with st.expander("About these figures", expanded=False):
    st.markdown(
        f"""
- **Need** is the number of residents aged 5+ who speak the language and speak English less than "very
  well" (limited English proficiency, LEP), from the American Community Survey **2015-2019** 5-year
  estimates as published by NYC (Civic Engagement Commission, NYC Open Data `ajin-gkbp`). Community
  districts are approximated from Census PUMAs. These are **estimates without published margins of
  error**: small figures (a few hundred) are uncertain.
- **Chinese** counts Chinese (including Mandarin and Cantonese) and Min Nan; the ACS does not publish
  Mandarin on its own. **French** includes Cajun French; Haitian Kreyòl is counted separately.
  **Yiddish** LEP figures are Yiddish alone.
- **English** has no LEP figure: its supply is shown, but not coverage, fair share, gap or deserts.
  Indicative English-only residents by borough (ACS 2012-2016, table S1601, older): Bronx 547,109;
  Brooklyn 1,297,474; Manhattan 931,548; Queens 951,842; Staten Island 307,627.
- **Supply** counts units delivered to participating organizations in the area; units shipped but not
  yet delivered are shown apart as *in transit* and are not in the coverage or gap.
- **Coverage** is units delivered per 1,000 LEP speakers. **Fair share** splits everything printed for a
  language so far (print runs received) across areas in proportion to LEP speakers; **gap** = fair share −
  delivered, so a positive gap means the area is behind. An area with no speakers shows "no data".
- A **desert** is an area with at least {min_lep:,} LEP speakers of a language and no active organization
  that serves that language there.
- Organizations are placed in a district by their map location. Markers: orange = a restock request is
  waiting, blue = a shipment is in transit, green = delivered in the last
  {coverage_data.RECENT_DAYS} days, pink = nothing for a long time.
"""
    )
