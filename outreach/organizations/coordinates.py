"""Coordinates given instead of an address (open-data lists of congregations carry a point, not a street).

The rule for columns, documented in the README and the import's help:

- `latitude` / `longitude`, or their common names: `lat`; `lon`, `lng`, `long`.
- `x` / `y` (also `xcoord`, `x_coord`, `x_coordinate`, `point_x` and the `y` forms): **x is the longitude
  (east-west) and y the latitude (north-south)**, as GIS tools write them.
- Values are decimal degrees in WGS84 (EPSG:4326), like 40.7513 and -73.8830. A decimal comma is read as a
  point ("40,7513"), a trailing degree sign is ignored.

Values that are clearly something else are refused with a message that says what to do, never guessed:
a pair that looks swapped (latitude -73.9, longitude 40.7), a longitude without its minus sign (73.9), and
projected coordinates (New York State Plane feet, EPSG:2263, such as x 1,012,345 and y 201,432, or web
metres), and 0, 0 (how open data marks a missing location). Whether a point is in New York City is decided by point-in-polygon (`areas`): `outside_nyc` words
the refusal.
"""

from __future__ import annotations

import re

from outreach.errors import InvalidInput

COORDINATE_COLUMNS = ("latitude", "longitude")
COORDINATE_ALIASES = {
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    **{
        f"{axis}{suffix}": name
        for axis, name in (("x", "longitude"), ("y", "latitude"))
        for suffix in ("", "coord", "_coord", "_coordinate", "_wgs84")
    },
    "point_x": "longitude",
    "point_y": "latitude",
}
# Around the five boroughs, generously (the boundaries decide; this only recognises a swapped pair).
NYC_LATITUDES = (40.4, 41.0)
NYC_LONGITUDES = (-74.4, -73.6)
# New York State Plane, Long Island zone (EPSG:2263), US feet: where the five boroughs fall.
STATE_PLANE_X = (880_000, 1_100_000)
STATE_PLANE_Y = (100_000, 300_000)
EXAMPLE = "40.7513, -73.8830"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
WHAT_TO_DO = (
    "Give latitude and longitude in decimal degrees (WGS84), like " + EXAMPLE + ", or leave both empty and "
    "give the street address and ZIP code instead."
)


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _number(value: object, field: str) -> float:
    text = str(value).strip().removesuffix("°").strip()
    if not _NUMBER.fullmatch(text.replace(",", "")):
        raise InvalidInput(f"{field} {str(value).strip()[:30]!r} is not a number. {WHAT_TO_DO}")
    if text.count(",") == 1 and "." not in text and abs(decimal := float(text.replace(",", "."))) <= 180:
        return decimal  # a decimal comma, as European spreadsheets write degrees ("40,7513")
    return float(text.replace(",", ""))  # thousands separators, as projected coordinates are often shown


def _shown(number: float) -> str:
    return f"{number:,.0f}" if abs(number) >= 1_000 else f"{number:g}"


def clean_point(latitude: object, longitude: object) -> tuple[float, float] | None:
    """(latitude, longitude) in degrees, None when both are empty, or InvalidInput naming the values."""
    if _blank(latitude) and _blank(longitude):
        return None
    if _blank(latitude) or _blank(longitude):
        given, missing = ("Longitude", "latitude") if _blank(latitude) else ("Latitude", "longitude")
        value = longitude if _blank(latitude) else latitude
        raise InvalidInput(f"{given} {str(value).strip()[:30]!r} is given without a {missing}. {WHAT_TO_DO}")
    lat, lon = _number(latitude, "Latitude"), _number(longitude, "Longitude")
    pair = f"Latitude {_shown(lat)} and longitude {_shown(lon)}"
    if lat == 0 and lon == 0:
        raise InvalidInput(
            f"{pair} is how open-data lists mark a missing location, not a place in New York. Find the "
            "organization's coordinates, or leave both empty and give the street address and ZIP code."
        )
    if (_within(lon, STATE_PLANE_X) and _within(lat, STATE_PLANE_Y)) or (
        _within(lat, STATE_PLANE_X) and _within(lon, STATE_PLANE_Y)
    ):
        raise InvalidInput(
            f"{pair} look like New York State Plane coordinates (feet, EPSG:2263), not degrees. Export the "
            "list with latitude and longitude in WGS84 degrees (EPSG:4326), or give the address and ZIP code."
        )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(
            f"{pair} are not degrees (latitude runs from -90 to 90, longitude from -180 to 180): projected "
            f"coordinates in feet or metres? {WHAT_TO_DO}"
        )
    if _within(lat, NYC_LONGITUDES) and _within(lon, NYC_LATITUDES):
        raise InvalidInput(
            f"{pair} look swapped: New York is at latitude about 40.7 (north) and longitude about -74.0 "
            "(west). Swap the two values or the two column names (with x and y, x is the longitude and y the "
            "latitude)."
        )
    if _within(lat, NYC_LATITUDES) and _within(-lon, NYC_LONGITUDES):
        raise InvalidInput(
            f"Longitude {_shown(lon)} is east of Greenwich, in Asia; New York's longitudes are negative "
            f"(about -74.0, west). Write it as {_shown(-lon)}."
        )
    return lat, lon


def outside_nyc(latitude: float, longitude: float) -> str:
    """Why a point outside the five boroughs is refused, and what to do."""
    return (
        f"The point (latitude {latitude:g}, longitude {longitude:g}) is outside New York City; the campaign "
        "covers the five boroughs only. Check the coordinates (decimal degrees, WGS84; with x and y, x is the "
        "longitude), or leave them empty and give the street address and ZIP code instead."
    )
