"""What the coverage page shows for one choice of area level, language and metric.

`coverage_view` is pure: it takes the frames already read (shipments, organizations, campaign totals) and
returns the gap table, the map rendered to HTML and the counts around it, so the page can cache the whole
view and a rerun that changes nothing here rebuilds neither the map nor the table. `ranked` picks
the rows listed beside the map, and `export_frame` writes them for the CSV download (`exports.COVERAGE`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outreach import exports
from outreach.catalog import district_label
from outreach.coverage import district_summary, gaps, maps, need

# The directory lists every organization without a location; this view only points at the problem.
NOT_ON_MAP_SHOWN = 200


@dataclass(frozen=True)
class CoverageView:
    table: pd.DataFrame  # the gap table (gaps.TABLE_COLUMNS), largest gap first
    map_html: str  # the folium map as one HTML document, every database text escaped by maps
    on_map: int  # active organizations drawn (as markers, or counted in their district's circle)
    not_on_map: int  # active organizations without a location
    not_on_map_listed: pd.DataFrame  # the first NOT_ON_MAP_SHOWN: name, borough, district, languages
    unplaced: dict[str, int]  # organizations and units in no area at this level
    by_district: bool = False  # one circle per district instead of a marker per organization


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
    marker_limit: int | None = None,
    counted: pd.DataFrame | None = None,
) -> CoverageView:
    """The gap table, the map and the counts for one level, one language (None: all) and one metric.

    `shipped` and `directory` may already be limited to the language (the page reads only its rows).
    More than `marker_limit` organizations to draw: a circle per district instead of a marker each.
    `counted`: `directory` counted (`gaps.count_organizations`), if the caller has it already: the table's
    counts come from it, the map's markers and the "not on map" list from `directory`.
    """
    counted = gaps.count_organizations(directory) if counted is None else counted
    table = gaps.gap_table(
        need.need(level),
        shipped,
        counted,
        totals,
        level=level,
        desert_min_lep=desert_min_lep,
        language=language,
    )
    active, hidden, drawn = _on_the_map(directory, language)
    by_district = marker_limit is not None and len(drawn) > marker_limit
    fmap = maps.coverage_map(
        gaps.area_values(table, metric=metric),
        areas=need.boundaries(level),
        borough_outlines=need.boundaries("borough"),
        organizations=active,
        metric=metric,
        caption=caption,
        area_labels=dict(zip(table["area"], table["area_label"], strict=False)),
        district_counts=district_summary.status_counts(drawn) if by_district else None,
    )
    listed = hidden.head(NOT_ON_MAP_SHOWN)
    listed = listed.assign(
        district=listed["community_district"].map(lambda cd: "" if pd.isna(cd) else district_label(int(cd)))
    )[["name", "borough", "district", "languages"]].reset_index(drop=True)
    return CoverageView(
        table=table,
        map_html=fmap.get_root().render(),
        on_map=len(active) - len(hidden),
        not_on_map=len(hidden),
        not_on_map_listed=listed,
        unplaced=gaps.unplaced(shipped, counted, level=level),
        by_district=by_district,
    )


def _on_the_map(directory: pd.DataFrame, language: str | None) -> tuple[pd.DataFrame, ...]:
    """The active organizations (serving `language`), those without a place on the map, those drawn."""
    active = directory[directory["status"] == "active"]
    if language is not None:
        active = active[gaps.speaks(active["languages"], language)]
    hidden = maps.not_on_map(active)
    drawn = active.drop(index=hidden.index) if len(hidden) else active
    return active, hidden, drawn


def names_shown(directory: pd.DataFrame, *, language: str | None, marker_limit: int | None) -> list[int]:
    """The organizations whose names `coverage_view` shows: the first listed as not on the map, and each one
    drawn when there are few enough to draw one by one. At fifty times the campaign that is a few hundred
    of 50,000, so the page reads the directory without names (a tenth of its time) and names these."""
    _, hidden, drawn = _on_the_map(directory, language)
    ids = list(hidden["id"].head(NOT_ON_MAP_SHOWN))
    if marker_limit is None or len(drawn) <= marker_limit:
        ids += list(drawn["id"])
    return [int(i) for i in ids]


def ranked(table: pd.DataFrame, *, metric: str) -> pd.DataFrame:
    """The rows listed beside the map: the deserts alone (most LEP speakers first) when the metric is
    deserts, else every area and language, largest gap first (the gap table's order)."""
    shown = gaps.deserts(table) if metric == "deserts" else table
    return shown.reset_index(drop=True)


def export_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """`ranked` rows for a spreadsheet: figures as numbers, empty where there is none (English has no LEP
    figure, so no coverage, fair share or gap)."""
    return exports.shape(rows, exports.COVERAGE)
