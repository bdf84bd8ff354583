"""Point-in-polygon: inside a district, on a border, in a park or airport, off the shoreline, outside NYC."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import shape

from outreach.organizations import areas


def _rings(geometry) -> set[tuple[float, float]]:
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    return {xy for polygon in polygons for xy in polygon.exterior.coords}


@pytest.fixture(scope="module")
def district_shapes() -> dict[int, object]:
    features = json.loads(areas.DISTRICTS_FILE.read_text())["features"]
    return {f["properties"]["boro_cd"]: shape(f["geometry"]) for f in features}


def test_inside_a_district():
    area = areas.assign(40.7513, -73.8830)  # Jackson Heights
    assert area == areas.Area("Queens", 403, None, None)


def test_a_point_on_a_border_goes_to_the_lowest_code(district_shapes):
    shared = _rings(district_shapes[101]) & _rings(district_shapes[102]) & _rings(district_shapes[103])
    lon, lat = sorted(shared)[0]
    assert areas.assign(lat, lon).community_district == 101
    # and again for a two-district border elsewhere (Brooklyn 301 / 302)
    lon, lat = sorted(_rings(district_shapes[301]) & _rings(district_shapes[302]))[0]
    area = areas.assign(lat, lon)
    assert (area.borough, area.community_district, area.note) == ("Brooklyn", 301, None)


def test_on_the_edge_of_central_park_the_district_wins(district_shapes):
    lon, lat = sorted(_rings(district_shapes[107]) & _rings(district_shapes[164]))[0]
    area = areas.assign(lat, lon)
    assert (area.community_district, area.joint_interest_area, area.note) == (107, None, None)


@pytest.mark.parametrize(
    ("point", "borough", "park", "name"),
    [
        ((40.7829, -73.9654), "Manhattan", 164, "Central Park"),
        ((40.6413, -73.7781), "Queens", 483, "JFK International Airport"),
        ((40.6632, -73.9698), "Brooklyn", 355, "Prospect Park"),
    ],
)
def test_in_a_joint_interest_area_the_nearest_real_district_of_the_borough_is_used(
    point, borough, park, name
):
    area = areas.assign(*point)
    assert area.borough == borough and area.joint_interest_area == park
    b = areas.boundaries()
    regular_codes = set(b.codes[b.regular].tolist())
    assert area.community_district in regular_codes
    assert area.community_district // 100 == park // 100
    assert name in area.note and "Check the pin" in area.note


@pytest.mark.parametrize(
    ("place", "point"), [("Newark", (40.7357, -74.1724)), ("Yonkers", (40.9312, -73.8988))]
)
def test_outside_nyc_keeps_no_area_and_warns(place, point):
    area = areas.assign(*point)
    assert (area.borough, area.community_district, area.in_nyc) == (None, None, False)
    assert "outside New York City" in area.note


def test_just_off_the_shoreline_snaps_to_the_nearest_district():
    b = areas.boundaries()
    manhattan = b.districts[b.regular][b.borough_of[b.regular] == "Manhattan"]
    west = min(manhattan, key=lambda g: g.bounds[0])
    lon = west.bounds[0]
    lat = min(y for x, y in _rings(west) if x == lon)
    area = areas.assign(lat, lon - 0.0004)
    assert area.borough == "Manhattan" and area.community_district // 100 == 1
    assert "outside the mapped shoreline" in area.note


def _optional(value):
    return None if pd.isna(value) else value


def test_no_coordinates_no_area():
    assert areas.assign(None, None) == areas.Area(None, None)
    row = areas.assign_many([math.nan], [-73.9]).iloc[0]
    assert [_optional(row[c]) for c in areas.COLUMNS] == [None, None, None, None]


def test_vectorized_assignment_agrees_with_one_at_a_time():
    rng = np.random.default_rng(7)
    latitudes = np.concatenate([rng.uniform(40.50, 40.92, 300), [40.7829, 40.7357]])
    longitudes = np.concatenate([rng.uniform(-74.26, -73.70, 300), [-73.9654, -74.1724]])
    frame = areas.assign_many(latitudes, longitudes)
    assert list(frame.columns) == areas.COLUMNS and len(frame) == len(latitudes)
    assert frame["borough"].notna().sum() > 50 and frame["borough"].isna().sum() > 50  # both kinds covered
    for index, row in frame.iterrows():
        single = areas.assign(latitudes[index], longitudes[index])
        as_area = areas.Area(
            _optional(row["borough"]),
            _optional(row["community_district"]),
            _optional(row["joint_interest_area"]),
            _optional(row["note"]),
        )
        assert as_area == single
    assert frame.iloc[-2]["joint_interest_area"] == 164
    assert _optional(frame.iloc[-1]["borough"]) is None
