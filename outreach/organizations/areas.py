"""Borough and community district of a point, by point-in-polygon against the boundaries in `data/`.

Boundaries: DCP community districts (59, plus 12 Joint Interest Areas) and boroughs, release 24C, clipped to
the shoreline (see data/README.md). They are read once per process and indexed with an STRtree.

The rules, in order (one deterministic answer for every point):

1. **Inside a community district, or exactly on its edge.** A point on a border is covered by several
   districts: the lowest `boro_cd` wins. Within a borough every real district (01-18) has a lower code than
   any Joint Interest Area (64, 80...), so a point on the edge of a district and a park goes to the district.
2. **Inside a Joint Interest Area** (a large park or airport, `cd_number` > 20: Central Park 164, JFK 483...).
   JIAs have no residents and no LEP figures, so counting an organization there would hide it from every
   coverage figure. An organization "in" a park is nearly always an approximate location (a ZIP centre) or a
   pin on the park's edge. Decision: keep the JIA's borough, assign the **nearest real community district
   in the same borough**, set `joint_interest_area` to the JIA code and say so in the note, so a coordinator
   can check the pin.
3. **In a borough but in no district** (a sliver left by simplifying the outlines): that borough, the
   nearest district in it, with a note.
4. **Just outside the shoreline** (a pier, landfill, or simplification: within `SNAP_DEGREES`, ~100 m): the
   nearest district, with a note giving the distance.
5. **Outside New York City** (Newark, Yonkers...): borough and district empty, and a note that warns. The
   organization is kept; a coordinator can correct the pin.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree
from shapely.geometry import shape

from outreach.catalog import district_label
from outreach.config import DATA_DIR

DISTRICTS_FILE = DATA_DIR / "community_districts.geojson"
BOROUGHS_FILE = DATA_DIR / "boroughs.geojson"
SNAP_DEGREES = 0.001  # ~110 m north-south, ~85 m east-west at New York's latitude
METRES_PER_DEGREE = 111_320
JOINT_INTEREST_AREAS = {
    164: "Central Park",
    226: "Van Cortlandt Park",
    227: "Bronx Park",
    228: "Pelham Bay Park",
    355: "Prospect Park",
    356: "Gateway National Recreation Area (Brooklyn)",
    480: "LaGuardia Airport",
    481: "Flushing Meadows Corona Park",
    482: "Forest Park",
    483: "JFK International Airport",
    484: "Gateway National Recreation Area (Queens)",
    595: "Gateway National Recreation Area (Staten Island)",
}
COLUMNS = ["borough", "community_district", "joint_interest_area", "note"]


@dataclass(frozen=True)
class Area:
    borough: str | None
    community_district: int | None  # DCP boro_cd of a real district (101-595), never a JIA code
    joint_interest_area: int | None = None  # the JIA code when the point lies in a park or airport
    note: str | None = None

    @property
    def in_nyc(self) -> bool:
        return self.borough is not None


@dataclass(frozen=True)
class _Boundaries:
    codes: np.ndarray  # boro_cd, ascending: the lowest tree index is the lowest code
    borough_of: np.ndarray  # borough name per district
    is_jia: np.ndarray
    districts: np.ndarray  # geometries
    tree: STRtree
    regular: np.ndarray  # indices of real districts
    regular_tree: STRtree
    borough_names: np.ndarray
    borough_tree: STRtree


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@lru_cache(maxsize=1)
def boundaries() -> _Boundaries:
    """The boundary files, parsed and indexed once per process (~0.1 s)."""
    features = sorted(_features(DISTRICTS_FILE), key=lambda f: f["properties"]["boro_cd"])
    districts = np.array([shape(f["geometry"]) for f in features], dtype=object)
    shapely.prepare(districts)
    is_jia = np.array([bool(f["properties"]["is_joint_interest_area"]) for f in features])
    regular = np.flatnonzero(~is_jia)
    borough_features = _features(BOROUGHS_FILE)
    borough_shapes = np.array([shape(f["geometry"]) for f in borough_features], dtype=object)
    shapely.prepare(borough_shapes)
    return _Boundaries(
        codes=np.array([int(f["properties"]["boro_cd"]) for f in features]),
        borough_of=np.array([f["properties"]["boro_name"] for f in features], dtype=object),
        is_jia=is_jia,
        districts=districts,
        tree=STRtree(districts),
        regular=regular,
        regular_tree=STRtree(districts[regular]),
        borough_names=np.array([f["properties"]["boro_name"] for f in borough_features], dtype=object),
        borough_tree=STRtree(borough_shapes),
    )


def _metres(degrees: float, latitude: float) -> int:
    # Distances come back in degrees; scale by the mean of the two axes at this latitude (a note, not a survey).
    return round(degrees * METRES_PER_DEGREE * (1 + math.cos(math.radians(latitude))) / 2)


def _nearest_in_borough(b: _Boundaries, point: shapely.Point, borough: str) -> int:
    """Index of the nearest real district of `borough` (ties: the lowest code)."""
    candidates = b.regular[b.borough_of[b.regular] == borough]
    distances = shapely.distance(point, b.districts[candidates])
    return int(candidates[int(np.argmin(distances))])


def assign_many(
    latitudes: Sequence[float] | np.ndarray, longitudes: Sequence[float] | np.ndarray
) -> pd.DataFrame:
    """Areas for many points at once (vectorized: one tree query for all of them).

    Returns one row per point, in order, with columns borough, community_district and joint_interest_area
    (nullable integers) and note. A point without coordinates gets empty values and no note.
    """
    b = boundaries()
    lat = np.asarray(latitudes, dtype=float)
    lon = np.asarray(longitudes, dtype=float)
    count = len(lat)
    borough = np.full(count, None, dtype=object)
    district = np.full(count, -1, dtype=np.int64)
    jia = np.full(count, -1, dtype=np.int64)
    note = np.full(count, None, dtype=object)
    rows = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    points = shapely.points(lon[rows], lat[rows])

    # Rule 1 and 2: the lowest covering index per point ("intersects" includes the boundary).
    point_index, tree_index = b.tree.query(points, predicate="intersects")
    best = np.full(len(rows), len(b.codes), dtype=np.int64)
    np.minimum.at(best, point_index, tree_index)
    matched = best < len(b.codes)
    regular_hit = matched.copy()
    regular_hit[matched] = ~b.is_jia[best[matched]]
    borough[rows[regular_hit]] = b.borough_of[best[regular_hit]]
    district[rows[regular_hit]] = b.codes[best[regular_hit]]

    for position in np.flatnonzero(matched & ~regular_hit):
        row, park = rows[position], int(best[position])
        name, code = b.borough_of[park], int(b.codes[park])
        nearest = _nearest_in_borough(b, points[position], name)
        borough[row], district[row], jia[row] = name, b.codes[nearest], code
        note[row] = (
            f"The point is in {JOINT_INTEREST_AREAS.get(code, f'joint interest area {code}')} (a park or "
            f"airport, not a community district); counted in the nearest district, "
            f"{district_label(int(b.codes[nearest]))}. Check the pin."
        )

    # Rules 3 to 5 for the points no district covers.
    for position in np.flatnonzero(~matched):
        row, point = rows[position], points[position]
        in_borough = b.borough_tree.query(point, predicate="intersects")
        if len(in_borough):
            name = b.borough_names[int(np.min(in_borough))]
            nearest = _nearest_in_borough(b, point, name)
            borough[row], district[row] = name, b.codes[nearest]
            note[row] = (
                f"The point falls between district outlines; counted in the nearest district, "
                f"{district_label(int(b.codes[nearest]))}."
            )
            continue
        found, distance = b.regular_tree.query_nearest(point, max_distance=SNAP_DEGREES, return_distance=True)
        if len(found):
            nearest = int(b.regular[int(np.min(found))])
            borough[row], district[row] = b.borough_of[nearest], b.codes[nearest]
            note[row] = (
                f"The point is about {_metres(float(distance.min()), lat[row])} m outside the mapped shoreline; "
                f"counted in the nearest district, {district_label(int(b.codes[nearest]))}. Check the pin."
            )
            continue
        note[row] = (
            f"The point ({lat[row]:.5f}, {lon[row]:.5f}) is outside New York City, so it has no borough or "
            "community district. Check the address or set the pin by hand."
        )

    # object dtype keeps None as None (string inference would turn it into NaN).
    frame = pd.DataFrame({"borough": pd.Series(borough, dtype=object), "note": pd.Series(note, dtype=object)})
    frame["community_district"] = pd.array(np.where(district < 0, pd.NA, district), dtype="Int64")
    frame["joint_interest_area"] = pd.array(np.where(jia < 0, pd.NA, jia), dtype="Int64")
    return frame[COLUMNS]


def assign(latitude: float | None, longitude: float | None) -> Area:
    """Borough and community district of one point (see the module docstring for the rules)."""
    if latitude is None or longitude is None:
        return Area(None, None)
    row = assign_many([latitude], [longitude]).iloc[0]
    return Area(
        borough=row["borough"],
        community_district=None if pd.isna(row["community_district"]) else int(row["community_district"]),
        joint_interest_area=None if pd.isna(row["joint_interest_area"]) else int(row["joint_interest_area"]),
        note=row["note"],
    )
