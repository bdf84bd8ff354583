"""What the coverage page shows for one choice of area level, language and metric.

`coverage_view` is pure: it takes the frames already read (shipments, organizations, campaign totals) and
returns the gap table, the map rendered to HTML and the counts around it, so the page can cache the whole
view and a rerun that changes nothing here rebuilds neither the map nor the table. `ranked` and
`export_frame` shape the gap table for the table beside the map and for its CSV download.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outreach.catalog import language_of
from outreach.coverage import gaps, maps, need

# The directory lists every organization without a location; this view only points at the problem.
NOT_ON_MAP_SHOWN = 200
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
# Columns of the export written as numbers with "no data" spelled out, and their decimals.
EXPORT_DECIMALS = {"LEP speakers": 0, "Per 1,000 LEP": 1, "Fair share": 0, "Gap": 0}


@dataclass(frozen=True)
class CoverageView:
    table: pd.DataFrame  # the gap table (gaps.TABLE_COLUMNS), largest gap first
    map_html: str  # the folium map as one HTML document, every database text escaped by maps
    on_map: int  # active organizations drawn as markers
    not_on_map: int  # active organizations without a location
    not_on_map_listed: pd.DataFrame  # the first NOT_ON_MAP_SHOWN of them: name, borough, district, languages
    unplaced: dict[str, int]  # organizations and units in no area at this level


def coverage_view(
    shipped: pd.DataFrame,
    directory: pd.DataFrame,
    totals: pd.Series,
    *,
    level: str,
    language: str | None,
    metric: str,
    caption: str,
    desert_min_lep: int,
) -> CoverageView:
    """The gap table, the map and the counts for one level, one language (None: all) and one metric.

    `shipped` and `directory` may already be limited to the language (the page reads only its rows).
    """
    table = gaps.gap_table(
        need.need(level),
        shipped,
        directory,
        totals,
        level=level,
        desert_min_lep=desert_min_lep,
        language=language,
    )
    active = directory[directory["status"] == "active"]
    if language is not None:
        active = active[gaps.speaks(active["languages"], language)]
    fmap = maps.coverage_map(
        gaps.area_values(table, metric=metric),
        areas=need.boundaries(level),
        borough_outlines=need.boundaries("borough"),
        organizations=active,
        metric=metric,
        caption=caption,
        area_labels=dict(zip(table["area"], table["area_label"], strict=False)),
    )
    hidden = maps.not_on_map(active)
    listed = hidden.head(NOT_ON_MAP_SHOWN)
    listed = listed.assign(
        district=listed["community_district"].map(lambda cd: "" if pd.isna(cd) else int(cd))
    )[["name", "borough", "district", "languages"]]
    return CoverageView(
        table=table,
        map_html=fmap.get_root().render(),
        on_map=len(active) - len(hidden),
        not_on_map=len(hidden),
        not_on_map_listed=listed,
        unplaced=gaps.unplaced(shipped, directory, level=level),
    )


def ranked(table: pd.DataFrame, *, metric: str) -> pd.DataFrame:
    """The rows listed beside the map, with their display names: the deserts alone (most LEP speakers
    first) when the metric is deserts, else every area and language, largest gap first."""
    shown = gaps.deserts(table) if metric == "deserts" else table
    named = shown.assign(language_name=shown["language"].map(lambda code: language_of(code).english))
    return named[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS).reset_index(drop=True)


def export_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """`ranked` rows for a spreadsheet: figures written out, with "no data" where there is none."""
    export = rows.copy()
    for column, decimals in EXPORT_DECIMALS.items():
        export[column] = [gaps.format_number(value, decimals=decimals) for value in export[column]]
    return export
