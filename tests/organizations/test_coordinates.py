"""Coordinates given instead of an address: decimal degrees kept, anything that is clearly not refused."""

from __future__ import annotations

import pytest

from outreach.errors import InvalidInput
from outreach.organizations.coordinates import clean_point, outside_nyc


@pytest.mark.parametrize(
    ("latitude", "longitude", "point"),
    [
        ("40.7513", "-73.8830", (40.7513, -73.883)),
        (" 40.7513 ", "-73.883°", (40.7513, -73.883)),  # spaces and a degree sign
        ("40,7513", "-73,8830", (40.7513, -73.883)),  # decimal commas (a European spreadsheet)
        ("+40.6", "-74", (40.6, -74.0)),
        ("", "", None),  # no point: the row is placed by its address
        ("  ", None, None),
    ],
)
def test_decimal_degrees_are_read(latitude, longitude, point):
    assert clean_point(latitude, longitude) == point


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("-73.8830", "40.7513", r"Latitude -73.883 and longitude 40.7513 look swapped.*x is the longitude"),
        ("40.7513", "73.8830", r"Longitude 73.883 is east of Greenwich.*Write it as -73.883"),
        # New York State Plane, Long Island zone, in feet (NYC Open Data's XCoord/YCoord), either order
        ("201432", "1012345", r"201,432 and longitude 1,012,345 look like New York State Plane.*EPSG:2263"),
        ("1,012,345", "201,432", "look like New York State Plane coordinates"),
        ("4970000", "-8235000", r"are not degrees .*projected coordinates in feet or metres"),  # web metres
        ("95", "-73.9", "are not degrees"),
        ("forty", "-73.9", r"Latitude 'forty' is not a number.*decimal degrees"),
        ("40.75", "", r"Latitude '40.75' is given without a longitude.*address and ZIP"),
        ("", "-73.9", "Longitude '-73.9' is given without a latitude"),
        ("40.7.5", "-73.9", "is not a number"),
        ("0", "0.0", r"Latitude 0 and longitude 0 is how open-data lists mark a missing location"),
    ],
)
def test_values_that_are_not_degrees_in_new_york_are_refused_with_what_to_do(latitude, longitude, message):
    with pytest.raises(InvalidInput, match=message):
        clean_point(latitude, longitude)


def test_points_elsewhere_are_read_here_and_refused_by_the_area_check():
    """Newark is a valid point; whether it is in New York City is point-in-polygon's answer, not this one's."""
    assert clean_point("40.7357", "-74.1724") == (40.7357, -74.1724)
    message = outside_nyc(40.7357, -74.1724)
    assert "(latitude 40.7357, longitude -74.1724) is outside New York City" in message
    assert "street address and ZIP code instead" in message
