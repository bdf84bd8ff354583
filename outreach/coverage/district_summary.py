"""The organizations on the coverage map when there are too many to draw one by one: one circle per community
district, sized by its organizations and telling how many wait, have a parcel on the road, had one lately or
nothing for a long time. Pure: the organizations the map would draw in, their counts per district and a folium
layer out.

Above `KYR_MAP_MARKER_LIMIT` organizations (default 2,000) a marker each costs the page seconds (building, rendering and above all the
browser drawing tens of thousands of points) and shows only a blur; the circles carry the same counts. Once a
filter (one language) narrows the list below the limit, the map draws each organization again.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

import folium
import pandas as pd
from shapely.geometry import shape

from outreach.catalog import district_label
from outreach.coverage import gaps, need
from outreach.coverage.markers import REQUEST_STATUS

SUMMARY_NAME = "Organizations by district"
_MIN_RADIUS, _MAX_RADIUS = 6.0, 26.0  # px: the smallest and the busiest district


def status_counts(organizations: pd.DataFrame) -> pd.DataFrame:
    """Organizations per community district and request status: community_district, request_status,
    organizations. From listed organizations or counted ones (`inputs.organization_groups`)."""
    counted = organizations.assign(organizations=gaps.headcount(organizations))
    counts = counted.groupby(["community_district", "request_status"], dropna=False)["organizations"].sum()
    return counts.reset_index()


@lru_cache(maxsize=1)
def district_points() -> dict[int, tuple[float, float]]:
    """A point inside each community district (latitude, longitude): where its circle goes."""
    points = {}
    for feature in need.boundaries("district")["features"]:
        point = shape(feature["geometry"]).representative_point()
        points[int(feature["properties"]["area"])] = (point.y, point.x)
    return points


def summary_layer(counts: pd.DataFrame) -> folium.FeatureGroup:
    """One circle per district with organizations. `counts`: community_district, request_status, organizations
    (rows without a district are not drawn: the page lists the organizations it cannot place)."""
    layer = folium.FeatureGroup(name=SUMMARY_NAME)
    placed = counts.dropna(subset=["community_district"])
    if placed.empty:
        return layer
    table = placed.pivot_table(
        index="community_district",
        columns="request_status",
        values="organizations",
        aggfunc="sum",
        fill_value=0,
    )
    table = table.reindex(columns=list(REQUEST_STATUS), fill_value=0)
    totals = table.sum(axis=1)
    busiest = float(totals.max()) or 1.0
    points = district_points()
    for district, row in table.iterrows():
        point = points.get(int(district))  # type: ignore[call-overload]
        total = int(totals[district])
        if point is None or not total:
            continue
        most = str(row.idxmax())  # the circle takes the colour of the status most of its organizations are in
        radius = _MIN_RADIUS + (_MAX_RADIUS - _MIN_RADIUS) * math.sqrt(total / busiest)
        folium.CircleMarker(
            location=point,
            radius=radius,
            color="#333333",
            weight=1,
            fill=True,
            fill_color=REQUEST_STATUS[most].colour,
            fill_opacity=0.8,
            tooltip=folium.Tooltip(_tooltip(int(district), total, row)),  # type: ignore[call-overload]
        ).add_to(layer)
    return layer


def _tooltip(district: int, total: int, row: pd.Series) -> str:
    lines = "".join(
        f"<br>{html.escape(category.label)}: {int(row[code]):,}"
        for code, category in REQUEST_STATUS.items()
        if row[code]
    )
    # folium compiles a tooltip as a Jinja template: '{' as an entity keeps it text.
    text = f"<b>{html.escape(district_label(district))}</b>: {total:,} organizations{lines}"
    return text.replace("{", "&#123;")
