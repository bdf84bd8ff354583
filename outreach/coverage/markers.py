"""The organizations on a map: one compact, clustered marker layer. Pure: a DataFrame in, a folium layer out.

One HTML block per marker would weigh ~1 KB each, far too much at tens of thousands of organizations, so the
layer is a single JSON array of short rows plus small lookup tables, turned into markers in the browser.
Every text that reaches the browser is `html.escape`d here, in Python, so the JavaScript only ever joins
already-escaped strings.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pandas as pd
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template

from outreach.catalog import LANGUAGES, district_label
from outreach.coverage.gaps import distinct_language_codes

# The map's JavaScript and CSS, served by the app itself (Streamlit static serving of ./static, see
# static/vendor/README.md): the map draws with no third-party site reachable. An absolute path, because the
# coverage map is a srcdoc iframe (resolved against the page) and the directory map a component iframe
# (resolved against /component/...); both share the app's origin.
VENDOR_URL = "/app/static/vendor"
MARKERCLUSTER_URL = f"{VENDOR_URL}/leaflet.markercluster-1.1.0"
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
UNKNOWN = Category("Other", "#666666")
_LANGUAGE_NAMES = {language.code: language.english for language in LANGUAGES}
# A '{' that opens a Jinja tag ('{{', '{%', '{#'). In compact JSON such a pair can only be inside a string.
_JINJA_OPENING = re.compile(r"\{(?=[{%#])")


def js_literal(value: Any) -> str:
    """Compact JSON that is safe inside a <script> block (see `script_safe`)."""
    return script_safe(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def script_safe(text: str) -> str:
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
    """The tooltip's languages; none yet (an organization imported without them) reads as what to do."""
    return ", ".join(_LANGUAGE_NAMES.get(code, code) for code in sorted(codes)) or "Languages to confirm"


class _Verbatim(Element):
    """Text added to the figure as it is. `Element(text)`, which folium uses for rendered macros, compiles
    the text as a Jinja template: seconds of lexing for megabytes of markers, and any '{{ ... }}' typed
    in a name would run on the server."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _render_macros_verbatim(self: MacroElement, **kwargs: Any) -> None:
    """branca's `MacroElement.render`, with each rendered macro added to the figure as text (`_Verbatim`).

    branca adds it as `Element(text)`, which compiles the already rendered text as a Jinja template a second
    time: on every coverage map that lexed the choropleth's GeoJSON and each district circle (a third of the
    map's build time at fifty times the campaign), and made any '{{' in the data live. Same output otherwise
    (tests/coverage/test_maps.py compares it with branca's own render)."""
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = self._template.module.__dict__.get(part)
        if macro is not None:
            target.add_child(_Verbatim(str(macro(self, kwargs))), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


BRANCA_MACRO_RENDER = MacroElement.render  # kept for the test that compares the two
MacroElement.render = _render_macros_verbatim  # type: ignore[method-assign]  # every folium map of the app


class _CompactMarkerCluster(FastMarkerCluster):
    """FastMarkerCluster with a compact payload: minified JSON rows and lookup tables, `addLayers` in bulk.

    The stock template writes the rows with spaces and adds markers one at a time; at 50,000 rows that
    costs ~300 KB and seconds in the browser. The script is added verbatim (`render`), not as a template.
    streamlit-folium does not render the figure: it calls each element's `script` macro itself, so the
    script must be a macro named `script`.
    """

    default_js = [("markerclusterjs", f"{MARKERCLUSTER_URL}/leaflet.markercluster.js")]
    default_css = [
        ("markerclustercss", f"{MARKERCLUSTER_URL}/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{MARKERCLUSTER_URL}/MarkerCluster.Default.css"),
    ]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
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
        self.payload = script_safe(rows)
        self.lookup = js_literal(lookup)
        self.row_count = row_count

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # MacroElement renders into the figure
        """The parent classes' `render` is not called: MacroElement.render would add the `script` macro
        through `Element`, and the script already adds the layer to the map."""
        figure: Any = self.get_root()
        figure.script.add_child(
            _Verbatim(str(self._template.module.script(self, kwargs))), name=self.get_name()
        )
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)


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


def marker_layer(
    organizations: pd.DataFrame,
    *,
    category_column: str,
    categories: Mapping[str, Category],
    name: str,
) -> _CompactMarkerCluster:
    """One clustered layer of the organizations that can be drawn, coloured by `category_column` (values not
    in `categories` are "Other"). Columns: name, latitude, longitude, borough, community_district,
    languages and the category column; missing ones are read as empty."""
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
        "categories": [[html.escape(c.label), c.colour] for c in (*categories.values(), UNKNOWN)],
        "districts": place_table,
        "languages": language_table,
    }
    return _CompactMarkerCluster(rows, len(placed), lookup, callback=_MARKER_CALLBACK, name=name)
