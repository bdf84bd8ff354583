"""The coverage map with too many organizations to draw: one circle per district (the builder, no browser)."""

from __future__ import annotations

import folium
import pandas as pd

from outreach.coverage import district_summary, maps, need
from outreach.coverage.markers import REQUEST_STATUS
from tests.coverage.test_maps import legends, marker_layers
from tests.coverage.test_markers import directory_frame

COUNTS = pd.DataFrame(
    {
        "community_district": pd.array([101, 101, 101, 412, pd.NA], dtype="Int64"),
        "request_status": ["waiting", "long_ago", "in_transit", "recently_delivered", "waiting"],
        "organizations": [30, 900, 5, 40, 7],
    }
)


def circles(layer: folium.FeatureGroup) -> list[folium.CircleMarker]:
    return [child for child in layer._children.values() if isinstance(child, folium.CircleMarker)]


def tooltip(circle: folium.CircleMarker) -> str:
    return next(child.text for child in circle._children.values() if isinstance(child, folium.Tooltip))


def test_one_circle_per_district_coloured_by_most_of_its_organizations():
    drawn = circles(district_summary.summary_layer(COUNTS))
    assert len(drawn) == 2  # the row without a district is not drawn (the page lists those)
    manhattan, queens = sorted(drawn, key=lambda circle: circle.location[0])[
        ::-1
    ]  # Manhattan is further north
    assert manhattan.options["fillColor"] == REQUEST_STATUS["long_ago"].colour
    assert queens.options["fillColor"] == REQUEST_STATUS["recently_delivered"].colour
    assert manhattan.options["radius"] > queens.options["radius"]
    assert tooltip(manhattan) == (
        "<b>MN 01</b>: 935 organizations<br>Waiting (request open): 30<br>In transit: 5"
        "<br>Nothing for a long time: 900"
    )


def test_each_circle_lies_inside_its_district():
    from shapely.geometry import Point, shape

    areas = {f["properties"]["area"]: shape(f["geometry"]) for f in need.boundaries("district")["features"]}
    for district, (latitude, longitude) in district_summary.district_points().items():
        assert areas[district].contains(Point(longitude, latitude)), district


def test_the_coverage_map_draws_circles_instead_of_markers_when_given_district_counts():
    organizations = directory_frame().assign(request_status="waiting")
    arguments = dict(
        areas=need.boundaries("district"),
        borough_outlines=need.boundaries("borough"),
        organizations=organizations,
        metric="coverage",
        caption="Coverage",
    )
    values = pd.DataFrame({"area": [101, 412], "value": [3.5, 0.0]})
    summary = maps.coverage_map(values, district_counts=COUNTS, **arguments)
    assert marker_layers(summary) == []
    groups = [c for c in summary._children.values() if isinstance(c, folium.FeatureGroup)]
    assert [len(circles(group)) for group in groups] == [2]
    assert any("Organizations by district" in legend for legend in legends(summary))
    html = summary.get_root().render()
    assert "MN 01" in html and "QN 12" in html
    assert "No Coordinates Church" not in html  # no organization is drawn one by one

    each = maps.coverage_map(values, **arguments)
    assert len(marker_layers(each)) == 1
    assert not [c for c in each._children.values() if isinstance(c, folium.FeatureGroup)]


def test_status_counts_count_the_drawn_organizations_per_district_and_status():
    drawn = pd.DataFrame(
        {
            "community_district": pd.array([101, 101, 412, 101, pd.NA], dtype="Int64"),
            "request_status": ["waiting", "waiting", "long_ago", "in_transit", "waiting"],
        }
    )
    counts = district_summary.status_counts(drawn)
    by_key = {
        (
            row.community_district if pd.notna(row.community_district) else None,
            row.request_status,
        ): row.organizations
        for row in counts.itertuples()
    }
    assert by_key == {(101, "in_transit"): 1, (101, "waiting"): 2, (412, "long_ago"): 1, (None, "waiting"): 1}
    assert len(circles(district_summary.summary_layer(counts))) == 2
