"""Folium map builders. Pure: DataFrames in, `folium.Map` out; no database, no Streamlit.

Organizations are drawn by one compact marker layer (`_marker_layer`): a single JSON array of short rows
plus small lookup tables, turned into markers in the browser. One HTML block per marker would weigh
~1 KB each, far too much at tens of thousands of organizations. Every text that reaches the browser is
`html.escape`d here, in Python, so the JavaScript only ever joins already-escaped strings.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import branca.colormap as cm
import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template

from outreach.catalog import LANGUAGES, district_label
from outreach.coverage.gaps import distinct_language_codes, format_number

NYC_CENTER = (40.7128, -73.95)
NYC_ZOOM = 10
TILES = "OpenStreetMap"
NO_DATA_COLOUR = "#d9d9d9"
# The bounding box of the five boroughs, with a margin: points outside are mis-geocoded, not in NYC.
NYC_BOUNDS = ((40.40, -74.35), (41.00, -73.60))
# Marker coordinates travel as whole numbers of 1e-4 degree (~11 m, plenty to find a building) counted
# from the south-west corner of NYC_BOUNDS: "3123" instead of "40.7123" saves ~7 bytes per organization.
COORDINATE_SCALE = 10_000
# Longer names are cut in the tooltip (the directory shows them in full); this bounds the payload.
MAX_TOOLTIP_NAME = 80


@dataclass(frozen=True)
class Category:
    label: str
    colour: str


# Okabe-Ito colours: distinguishable with the common forms of colour blindness.
ORGANIZATION_STATUS = {
    "active": Category("Active", "#0072B2"),
    "paused": Category("Paused", "#999999"),
}
REQUEST_STATUS = {
    "waiting": Category("Waiting (request open)", "#E69F00"),
    "in_transit": Category("In transit", "#0072B2"),
    "recently_delivered": Category("Recently delivered", "#009E73"),
    "long_ago": Category("Nothing for a long time", "#CC79A7"),
}
_UNKNOWN = Category("Other", "#666666")
_LANGUAGE_NAMES = {language.code: language.english for language in LANGUAGES}
# A '{' that opens a Jinja tag ('{{', '{%', '{#'). In compact JSON such a pair can only be inside a string.
_JINJA_OPENING = re.compile(r"\{(?=[{%#])")


def _js_literal(value: Any) -> str:
    """Compact JSON that is safe inside a <script> block (see `_script_safe`)."""
    return _script_safe(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def _script_safe(text: str) -> str:
    """JSON text made safe inside a <script> block (no '</script>', no HTML entities decoded) and inert if
    a template engine ever reads it (no Jinja tag can open)."""
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("'", "\\u0027"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return _JINJA_OPENING.sub(r"\\u007b", text)


def _language_text(codes: list[str]) -> str:
    return ", ".join(_LANGUAGE_NAMES.get(code, code) for code in sorted(codes))


class _Verbatim(Element):
    """Text added to the figure as it is. `Element(text)`, which folium uses for rendered macros, compiles
    the text as a Jinja template: seconds of lexing for megabytes of markers, and any '{{ ... }}' typed
    in a name would run on the server."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _CompactMarkerCluster(FastMarkerCluster):
    """FastMarkerCluster with a compact payload: minified JSON rows and lookup tables, `addLayers` in bulk.

    The stock template writes the rows with spaces and adds markers one at a time; at 50,000 rows that
    costs ~300 KB and seconds in the browser. The script is added verbatim (`render`), not as a template.
    """

    # Named `verbatim_script`, not `script`, so that MacroElement.render does not add it through Element.
    _template = Template(
        """
        {% macro verbatim_script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                var lookup = {{ this.lookup }};
                {{ this.callback }}
                var data = {{ this.payload }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                cluster.addLayers(data.map(callback));
                cluster.addTo({{ this._parent.get_name() }});
                return cluster;
            })();
        {% endmacro %}"""
    )

    def __init__(
        self, rows: str, row_count: int, lookup: dict[str, Any], *, callback: str, name: str
    ) -> None:
        """`rows`: the rows as compact JSON text (`_rows_json`)."""
        super().__init__([], callback=callback, name=name, chunked_loading=True)
        self.payload = _script_safe(rows)
        self.lookup = _js_literal(lookup)
        self.row_count = row_count

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # MacroElement renders into the figure
        script = str(self._template.module.verbatim_script(self, kwargs))
        figure: Any = self.get_root()
        # Added before the parent classes render, so it comes where the stock `script` macro would.
        figure.script.add_child(_Verbatim(script), name=self.get_name())
        super().render(**kwargs)


# row = [lat, lon (scaled integers), category, name, district index, languages index]; lookup tables
# hold the rest.
# Leaflet puts a string tooltip in innerHTML: every piece below was html.escape'd in Python.
_MARKER_CALLBACK = """function (row) {
    var category = lookup.categories[row[2]];
    var marker = L.circleMarker(new L.LatLng(
        lookup.origin[0] + row[0] / lookup.scale, lookup.origin[1] + row[1] / lookup.scale
    ), {
        radius: 6, weight: 1, color: "#333333", fillColor: category[1], fillOpacity: 0.9
    });
    var place = lookup.districts[row[4]];
    marker.bindTooltip(
        "<b>" + row[3] + "</b><br>" + (place ? place + " · " : "") + category[0] +
        "<br>" + lookup.languages[row[5]]
    );
    return marker;
}"""


def _on_map(organizations: pd.DataFrame) -> pd.DataFrame:
    """Rows with usable coordinates inside NYC; the others are listed as "not on map" by the caller."""
    if organizations.empty:
        return organizations
    lat = pd.to_numeric(organizations["latitude"], errors="coerce")
    lon = pd.to_numeric(organizations["longitude"], errors="coerce")
    (south, west), (north, east) = NYC_BOUNDS
    keep = lat.between(south, north) & lon.between(west, east)
    return organizations[keep.fillna(False)]


def not_on_map(organizations: pd.DataFrame) -> pd.DataFrame:
    """Organizations that cannot be drawn (no coordinates, or coordinates outside NYC)."""
    if organizations.empty:
        return organizations
    return organizations.drop(index=_on_map(organizations).index)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or all-missing when the caller's frame does not have it (the builders are lenient)."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype="object")


def _places(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each row's place, as `_lookup` takes it: 'BK 12' from the community district, else the borough
    name, else ''. Labels are made per distinct district (~60), not per row."""
    district = pd.to_numeric(_column(frame, "community_district"), errors="coerce").astype("Int64")
    keys = district.astype("object")
    missing = district.isna().to_numpy()
    if missing.any():
        borough = _column(frame, "borough")[missing]
        keys[missing] = borough.where(borough.map(lambda value: isinstance(value, str)), None)
    positions, distinct = pd.factorize(keys)
    # A district is an int and a borough a str, so the two never share a key.
    texts = [value if isinstance(value, str) else district_label(int(value)) for value in distinct]
    return positions, [*texts, ""]


def _lookup(positions: np.ndarray, texts: list[str]) -> tuple[list[str], list[int]]:
    """Distinct escaped texts (sorted) and each row's index into them (repeated texts travel once).

    Row i's text is `texts[positions[i]]`; position -1 (a missing value) reads the last text.
    """
    table = sorted({texts[position] for position in np.unique(positions)})
    where = {text: i for i, text in enumerate(table)}
    index = np.array([where.get(text, -1) for text in texts], dtype=np.int64)
    return [html.escape(text) for text in table], index[positions].tolist()


def _shorten(name: str) -> str:
    return name if len(name) <= MAX_TOOLTIP_NAME else name[: MAX_TOOLTIP_NAME - 1].rstrip() + "…"


def _scaled(frame: pd.DataFrame, column: str, origin: float) -> list[int]:
    if frame.empty:
        return []
    return ((frame[column].astype(float) - origin) * COORDINATE_SCALE).round().astype(int).tolist()


def _rows_json(
    lat: list[int], lon: list[int], category: list[int], name: list[str], place: list[int], spoken: list[int]
) -> str:
    """`json.dumps(rows, separators=(",", ":"), ensure_ascii=False)` of the marker rows, written without a
    list per row: at 50,000 rows those lists set off full garbage collections of the app's heap that cost
    more than the encoding. `encode_basestring` is the string encoder json.dumps itself uses."""
    rows = zip(lat, lon, category, name, place, spoken, strict=True)
    return "[" + ",".join(f"[{a},{b},{c},{encode_basestring(d)},{e},{f}]" for a, b, c, d, e, f in rows) + "]"


def decode_row(row: list[Any]) -> tuple[float, float]:
    """Latitude and longitude of a marker row, as the browser computes them (for tests and debugging)."""
    (south, west), _ = NYC_BOUNDS
    return south + row[0] / COORDINATE_SCALE, west + row[1] / COORDINATE_SCALE


def _marker_layer(
    organizations: pd.DataFrame,
    *,
    category_column: str,
    categories: Mapping[str, Category],
    name: str,
) -> _CompactMarkerCluster:
    placed = _on_map(organizations)
    known = pd.Index(list(categories)).get_indexer(_column(placed, category_column))
    category_index = np.where(known < 0, len(categories), known)  # the last category is "Other"
    place_table, place_index = _lookup(*_places(placed))
    positions, code_lists = distinct_language_codes(_column(placed, "languages"))
    language_table, language_index = _lookup(positions, [_language_text(codes) for codes in code_lists])
    names = [html.escape(_shorten(str(label))) for label in _column(placed, "name").fillna("").tolist()]
    (south, west), _ = NYC_BOUNDS
    rows = _rows_json(
        _scaled(placed, "latitude", south),
        _scaled(placed, "longitude", west),
        category_index.tolist(),
        names,
        place_index,
        language_index,
    )
    lookup = {
        "origin": [south, west],
        "scale": COORDINATE_SCALE,
        "categories": [[html.escape(c.label), c.colour] for c in (*categories.values(), _UNKNOWN)],
        "districts": place_table,
        "languages": language_table,
    }
    return _CompactMarkerCluster(rows, len(placed), lookup, callback=_MARKER_CALLBACK, name=name)


class _CategoryLegend(MacroElement):
    """A fixed box listing marker colours (labels are ours, escaped anyway)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="kyr-legend" style="position: fixed; bottom: 24px; left: 12px; z-index: 9999;
             background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
             font: 12px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3);">
          <b>{{ this.title }}</b><br>
          {% for label, colour in this.items %}
          <span style="display:inline-block;width:10px;height:10px;border-radius:50%;
                background:{{ colour }};border:1px solid #333;margin-right:4px;"></span>{{ label }}<br>
          {% endfor %}
        </div>
        {% endmacro %}"""
    )

    def __init__(self, title: str, categories: Iterable[Category]) -> None:
        super().__init__()
        self._name = "CategoryLegend"
        self.title = html.escape(title)
        self.items = [(html.escape(c.label), c.colour) for c in categories]


def _base_map() -> folium.Map:
    return folium.Map(location=NYC_CENTER, zoom_start=NYC_ZOOM, tiles=TILES, control_scale=True)


def directory_map(organizations: pd.DataFrame) -> folium.Map:
    """The directory on a map: one clustered marker per organization, coloured active/paused.

    Columns: id, name, latitude, longitude, borough, community_district, status, languages.
    Rows without coordinates (or outside NYC) are skipped; see `not_on_map`.
    """
    fmap = _base_map()
    _marker_layer(
        organizations,
        category_column="status",
        categories=ORGANIZATION_STATUS,
        name="Organizations",
    ).add_to(fmap)
    fmap.get_root().add_child(_CategoryLegend("Organizations", ORGANIZATION_STATUS.values()))
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


# --- the coverage map ---------------------------------------------------------------------------------

# ColorBrewer PuOr ends around a light neutral: orange = short of the fair share, purple = above it.
GAP_COLOURS = ("#542788", "#998ec3", "#f7f7f7", "#f1a340", "#b35806")
DESERT_COLOURS = ("#ffffcc", "#fd8d3c", "#bd0026")  # ColorBrewer YlOrRd: ordered by lightness
_TOOLTIP_FIELDS = (
    ("label", "Area"),
    ("value_text", "Shown"),
    ("lep_text", "LEP speakers"),
    ("delivered_text", "Delivered (units)"),
    ("in_transit_text", "In transit (units)"),
    ("fair_share_text", "Fair share (units)"),
    ("gap_text", "Gap (units)"),
    ("organizations_text", "Active organizations"),
    ("deserts_text", "Deserts"),
)


def _colormap(values: pd.Series, metric: str, caption: str) -> cm.ColorMap:
    finite = values.dropna()
    if metric == "gap":
        reach = float(finite.abs().max()) if len(finite) else 0.0
        reach = reach or 1.0
        colormap: cm.ColorMap = cm.LinearColormap(list(GAP_COLOURS), vmin=-reach, vmax=reach)
    elif metric == "deserts":
        most = max(1, int(finite.max()) if len(finite) else 1)
        colormap = cm.LinearColormap(list(DESERT_COLOURS), vmin=0, vmax=most).to_step(n=most + 1)
    else:
        top = float(finite.max()) if len(finite) else 0.0
        colormap = cm.linear.viridis.scale(0, top or 1.0)  # type: ignore[attr-defined]
    colormap.caption = caption
    return colormap


def _number(value: object, decimals: int = 0) -> str:
    return format_number(value, decimals=decimals)


def _decorate(
    geojson: dict[str, Any],
    values: pd.DataFrame,
    colormap: cm.ColorMap,
    *,
    metric: str,
    labels: Mapping[object, str],
) -> dict[str, Any]:
    """Put the fill colour and escaped tooltip texts into each feature's properties."""
    by_area = {row["area"]: row for row in values.to_dict("records")}
    for feature in geojson["features"]:
        properties = feature["properties"]
        row = by_area.get(properties["area"], {})
        value = row.get("value", np.nan)
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        properties["fill"] = NO_DATA_COLOUR if missing else colormap(float(value))
        texts = {
            "label": labels.get(properties["area"], str(properties["area"])),
            "value_text": _number(value, 1 if metric == "coverage" else 0),
            "lep_text": _number(row.get("lep_speakers")),
            "delivered_text": _number(row.get("delivered", 0)),
            "in_transit_text": _number(row.get("in_transit", 0)),
            "fair_share_text": _number(row.get("fair_share")),
            "gap_text": _number(row.get("gap")),
            "organizations_text": _number(row.get("active_organizations", 0)),
            "deserts_text": _number(row.get("deserts", 0)),
        }
        # folium compiles the GeoJSON layer's script as a Jinja template: '{' as an entity keeps it text.
        properties.update({key: html.escape(text).replace("{", "&#123;") for key, text in texts.items()})
    return geojson


def coverage_map(
    values: pd.DataFrame,
    *,
    areas: dict[str, Any],
    borough_outlines: dict[str, Any],
    organizations: pd.DataFrame,
    metric: str,
    caption: str,
    area_labels: Mapping[object, str] | None = None,
) -> folium.Map:
    """Choropleth of one metric per area, borough outlines, organizations by request status, legends.

    `values`: `outreach.coverage.gaps.area_values` output (area, value, lep_speakers, delivered, ...).
    `areas` / `borough_outlines`: GeoJSON whose features carry `properties.area` (`outreach.coverage.need.boundaries`).
    `organizations`: id, name, latitude, longitude, borough, community_district, languages, request_status.
    Areas without a value (NaN) are grey and say "no data".
    """
    fmap = _base_map()
    colormap = _colormap(values["value"] if "value" in values else pd.Series(dtype=float), metric, caption)
    decorated = _decorate(areas, values, colormap, metric=metric, labels=area_labels or {})
    folium.GeoJson(
        decorated,
        name=caption,
        style_function=lambda feature: {
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": 0.65,
            "color": "#555555",
            "weight": 0.6,
        },
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=[field for field, _ in _TOOLTIP_FIELDS], aliases=[alias for _, alias in _TOOLTIP_FIELDS]
        ),
    ).add_to(fmap)
    folium.GeoJson(
        borough_outlines,
        name="Borough outlines",
        style_function=lambda _feature: {"fill": False, "color": "#111111", "weight": 2.2},
        interactive=False,
    ).add_to(fmap)
    _marker_layer(
        organizations, category_column="request_status", categories=REQUEST_STATUS, name="Organizations"
    ).add_to(fmap)
    colormap.add_to(fmap)
    fmap.get_root().add_child(_CategoryLegend("Organizations", REQUEST_STATUS.values()))
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap
