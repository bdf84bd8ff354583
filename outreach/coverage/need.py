"""Need: LEP speakers per language and area, and the boundaries to draw them. Pure reading from `data/`.

Everything is read once per process (lru_cache) and handed out as copies, so a caller that edits a frame
cannot change what the next caller sees. See data/README.md for sources, vintages and caveats.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
from shapely.geometry import mapping

from outreach.catalog import district_label
from outreach.config import DATA_DIR
from outreach.errors import InvalidInput
from outreach.organizations.areas import boundaries as area_boundaries

AREA_LEVELS = ("district", "borough")
AREA_LEVEL_LABELS = {"district": "Community district", "borough": "Borough"}
# Display boundaries: ~20 m tolerance and 1e-4 degree rounding cut the page weight by about two thirds
# with no visible change at city zoom levels.
DISPLAY_TOLERANCE_DEGREES = 0.0002
DISPLAY_DECIMALS = 4


def check_level(level: str) -> str:
    if level not in AREA_LEVELS:
        raise InvalidInput(f"Unknown area level {level!r}. Use one of: {', '.join(AREA_LEVELS)}.")
    return level


@lru_cache(maxsize=1)
def _district_csv() -> pd.DataFrame:
    frame = pd.read_csv(DATA_DIR / "need_by_district.csv", dtype={"boro_cd": "int64", "language": "string"})
    frame["lep_speakers"] = frame["lep_speakers"].astype("int64")
    return frame


@lru_cache(maxsize=1)
def _borough_csv() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "need_by_borough.csv", dtype={"language": "string"})


def need_by_district() -> pd.DataFrame:
    """boro_cd, borough, district_name, language, lep_speakers (59 districts x 9 languages)."""
    return _district_csv().copy()


def need_by_borough() -> pd.DataFrame:
    """borough, language (incl. en), lep_speakers, total_speakers, english_only_indicative."""
    return _borough_csv().copy()


def need(level: str) -> pd.DataFrame:
    """The need table the coverage arithmetic uses, at either area level.

    Columns: area (boro_cd as int for districts, the borough name for boroughs), area_label, borough,
    language, lep_speakers. English is absent: the ACS has no LEP figure for it.
    """
    return _need(check_level(level)).copy()


@lru_cache(maxsize=2)
def _need(level: str) -> pd.DataFrame:
    if level == "district":
        frame = need_by_district()
        frame["area"] = frame["boro_cd"].astype("int64")
        frame["area_label"] = [
            f"{district_label(cd)} · {name}"
            for cd, name in zip(frame["boro_cd"], frame["district_name"], strict=True)
        ]
    else:
        frame = need_by_borough()
        frame = frame[frame["lep_speakers"].notna()].copy()
        frame["area"] = frame["borough"]
        frame["area_label"] = frame["borough"]
    frame["lep_speakers"] = frame["lep_speakers"].astype("int64")
    return frame[["area", "area_label", "borough", "language", "lep_speakers"]].reset_index(drop=True)


def areas(level: str) -> pd.DataFrame:
    """Every area at this level, with its label and borough (also those with no speakers of a language)."""
    return need(level)[["area", "area_label", "borough"]].drop_duplicates("area").reset_index(drop=True)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DISPLAY_DECIMALS)
    if isinstance(value, list | tuple):
        return [_round(item) for item in value]
    return value


def _feature(area: object, borough: str, geometry: Any) -> dict[str, Any]:
    simplified = mapping(geometry.simplify(DISPLAY_TOLERANCE_DEGREES, preserve_topology=True))
    return {
        "type": "Feature",
        "properties": {"area": area, "borough": borough},
        "geometry": {"type": simplified["type"], "coordinates": _round(simplified["coordinates"])},
    }


@lru_cache(maxsize=2)
def _display_boundaries(level: str) -> dict[str, Any]:
    # The shapes parsed once for point-in-polygon (outreach.organizations.areas) are reused, not read again.
    parsed = area_boundaries()
    if level == "district":
        features = [
            _feature(int(code), str(borough), geometry)
            for code, borough, geometry, jia in zip(
                parsed.codes, parsed.borough_of, parsed.districts, parsed.is_jia, strict=True
            )
            if not jia  # parks and airports: no residents, no need figures
        ]
    else:
        features = [
            _feature(str(name), str(name), geometry)
            for name, geometry in zip(parsed.borough_names, parsed.borough_tree.geometries, strict=True)
        ]
    return {"type": "FeatureCollection", "features": features}


def boundaries(level: str) -> dict[str, Any]:
    """Display-weight GeoJSON for `level`; each feature's properties carry `area` and `borough`.

    Community districts exclude the Joint Interest Areas (parks, airports). Map builders add properties to
    the features, so each feature's properties are copied; the geometry (the bulk) is shared, read-only.
    """
    shared = _display_boundaries(check_level(level))
    features = [{**feature, "properties": dict(feature["properties"])} for feature in shared["features"]]
    return {**shared, "features": features}
