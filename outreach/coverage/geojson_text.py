"""GeoJSON for folium layers with each shape encoded to JSON once per process, not once per map.

folium writes a GeoJson layer's data with Jinja's `tojson` on every render. The community district and
borough shapes are the same on every coverage map; only the properties (colours, tooltip texts) change. Encoding
the shapes again cost ~11 ms per layer, two layers per map. `encoded` returns the collection as an
`EncodedJson`: the same dict, carrying the exact text `tojson` would write, built from the properties encoded
now and each shape's text encoded once (`_shape_text`). The `tojson` of folium's templates writes that text
(`_dumps`); any other value is encoded as before.

tests/coverage/test_maps.py checks, after rendering, that the text equals what `tojson` writes for the data.
"""

from __future__ import annotations

import json
from typing import Any

import folium

# Jinja's tojson: json.dumps with these arguments (jinja2.defaults.DEFAULT_POLICIES["json.dumps_kwargs"]).
TOJSON_KWARGS: dict[str, Any] = {"sort_keys": True}
# Placeholders that no encoded text holds (a NUL is always escaped by json.dumps): spliced out below.
_SHAPE = "\x00shape\x00"
_FEATURES = "\x00features\x00"
_SHAPES_KEPT = 512  # shapes a process keeps the text of (the app draws 59 districts and 5 boroughs)
_shape_texts: dict[int, tuple[Any, str]] = {}


class EncodedJson(dict[str, Any]):
    """A JSON object and the text `tojson` writes for it."""

    text: str


def encoded(collection: dict[str, Any]) -> EncodedJson:
    """`collection` (a GeoJSON FeatureCollection) with its `tojson` text."""
    features = [
        json.dumps({**feature, "geometry": _SHAPE}, **TOJSON_KWARGS).replace(
            json.dumps(_SHAPE), _shape_text(feature["geometry"])
        )
        if "geometry" in feature
        else json.dumps(feature, **TOJSON_KWARGS)
        for feature in collection.get("features", [])
    ]
    text = json.dumps({**collection, "features": _FEATURES}, **TOJSON_KWARGS)
    result = EncodedJson(collection)
    result.text = text.replace(json.dumps(_FEATURES), "[" + ", ".join(features) + "]")
    return result


def _shape_text(geometry: Any) -> str:
    """The geometry's text, kept by identity: the display shapes (outreach.coverage.need) are built once per
    process and never changed. The entry holds the geometry itself, so its id cannot be reused meanwhile."""
    kept = _shape_texts.get(id(geometry))
    if kept is not None and kept[0] is geometry:
        return kept[1]
    text = json.dumps(geometry, **TOJSON_KWARGS)
    if len(_shape_texts) >= _SHAPES_KEPT:
        _shape_texts.clear()
    _shape_texts[id(geometry)] = (geometry, text)
    return text


def _dumps(value: Any, **kwargs: Any) -> str:
    if isinstance(value, EncodedJson) and kwargs == TOJSON_KWARGS:
        return value.text
    return json.dumps(value, **kwargs)


# folium's templates share one Jinja environment (jinja2's spontaneous environment for folium's Template).
folium.GeoJson._template.environment.policies["json.dumps_function"] = _dumps
