"""Folium map builders: the directory map and the coverage choropleth. Pure: DataFrames in, `folium.Map` out;
no database, no Streamlit.

Every script and stylesheet a map loads is the app's own copy (static/vendor, served by Streamlit); only the
background tiles come from OpenStreetMap, and when they cannot load the map says so in a notice while the
boundaries and markers are still drawn. Organizations are drawn by `outreach.coverage.markers`. Every text
that reaches the browser is `html.escape`d here, in Python.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import branca.colormap as cm
import folium
import numpy as np
import pandas as pd
import xyzservices
from branca.element import MacroElement
from folium.template import Template

from outreach.coverage.district_summary import SUMMARY_NAME, summary_layer
from outreach.coverage.gaps import format_number
from outreach.coverage.geojson_text import encoded
from outreach.coverage.markers import (
    ORGANIZATION_STATUS,
    REQUEST_STATUS,
    VENDOR_URL,
    Category,
    js_literal,
    marker_layer,
)
from outreach.coverage.markers import not_on_map as not_on_map  # the pages ask the map what it cannot draw

NYC_CENTER = (40.7128, -73.95)
NYC_ZOOM = 10
# The provider itself, not its name: folium looks a name up among a thousand providers, ~9 ms per map.
TILES = xyzservices.providers.OpenStreetMap.Mapnik
TILES_NAME = "openstreetmap"  # the layer's name, as folium gives it when asked for "OpenStreetMap"
NO_DATA_COLOUR = "#d9d9d9"
LEAFLET_URL = f"{VENDOR_URL}/leaflet-1.9.3"
# Leaflet only. folium's defaults add jQuery, Bootstrap, Font Awesome and Awesome Markers from CDNs: these
# maps use none of them (no popups, no icon markers), so they are left out rather than vendored.
MAP_JS = [("leaflet", f"{LEAFLET_URL}/leaflet.js")]
MAP_CSS = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]
TILES_FAILED_WITH_AREAS = "Background map could not load; boundaries and markers are still shown."
TILES_FAILED = "Background map could not load; the markers are still shown."
_BOX_STYLE = (
    "background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px; font: 12px/1.4 sans-serif;"
    " box-shadow: 0 1px 4px rgba(0,0,0,0.3); color: #222;"
)


class _Legend(MacroElement):
    """A legend box as a Leaflet control: it stacks with the other controls of its corner instead of covering
    them, and its title wraps instead of being cut off. `markup` is built by `_legend_markup` (escaped)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var legend = L.control({position: {{ this.position|tojson }}});
                legend.onAdd = function () {
                    var box = L.DomUtil.create("div", "kyr-legend");
                    box.style.cssText = {{ this.style }};
                    box.innerHTML = {{ this.markup }};
                    return box;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}"""
    )

    def __init__(self, markup: str, *, position: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.position = position
        self.markup = js_literal(markup)
        self.style = js_literal(_BOX_STYLE + " max-width: 260px;")


class _TileNotice(MacroElement):
    """A notice over the map, shown once the first background tile fails (no internet, OpenStreetMap
    blocked): without it the failure looks like a broken map rather than a missing background."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map) {
                var shown = false;
                function show() {
                    if (shown) { return; }
                    shown = true;
                    var notice = L.DomUtil.create("div", "kyr-tile-notice", map.getContainer());
                    notice.setAttribute("role", "status");
                    notice.style.cssText = {{ this.style }};
                    notice.textContent = {{ this.message }};
                }
                function watch(layer) {
                    if (layer instanceof L.TileLayer) { layer.on("tileerror", show); }
                }
                map.eachLayer(watch);
                map.on("layeradd", function (event) { watch(event.layer); });
            })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, message: str) -> None:
        super().__init__()
        self._name = "TileNotice"
        self.message = js_literal(message)
        self.style = js_literal(
            _BOX_STYLE + " position: absolute; top: 10px; left: 50%; transform: translateX(-50%);"
            " z-index: 1000; max-width: calc(100% - 120px); text-align: center; pointer-events: none;"
        )


def _legend_markup(title: str, body: str) -> str:
    """`title` is escaped here; `body` is markup built from escaped texts by the callers."""
    return f'<div style="font-weight: bold; margin-bottom: 4px;">{html.escape(title)}</div>{body}'


def _swatches(items: Iterable[tuple[str, str]], *, round_: bool) -> str:
    shape = "border-radius: 50%;" if round_ else ""
    return "".join(
        f'<div><span style="display: inline-block; width: 10px; height: 10px; {shape} background: {colour};'
        f' border: 1px solid #333; margin-right: 4px; vertical-align: middle;"></span>{html.escape(label)}</div>'
        for label, colour in items
    )


def _category_legend(title: str, categories: Iterable[Category]) -> _Legend:
    """The marker colours (round swatches, as the markers)."""
    items = [(c.label, c.colour) for c in categories]
    return _Legend(_legend_markup(title, _swatches(items, round_=True)), position="bottomleft")


def _base_map(tiles_failed: str) -> folium.Map:
    fmap = folium.Map(location=NYC_CENTER, zoom_start=NYC_ZOOM, tiles=None, control_scale=True)
    folium.TileLayer(TILES, name=TILES_NAME).add_to(fmap)
    # Per instance: folium's class-level lists are shared by every map in the process.
    fmap.default_js = list(MAP_JS)
    fmap.default_css = list(MAP_CSS)
    _TileNotice(tiles_failed).add_to(fmap)
    return fmap


def directory_map(organizations: pd.DataFrame) -> folium.Map:
    """The directory on a map: one clustered marker per organization, coloured active/paused.

    Columns: id, name, latitude, longitude, borough, community_district, status, languages.
    Rows without coordinates (or outside NYC) are skipped; see `not_on_map`.
    """
    fmap = _base_map(TILES_FAILED)
    marker_layer(
        organizations,
        category_column="status",
        categories=ORGANIZATION_STATUS,
        name="Organizations",
    ).add_to(fmap)
    _category_legend("Organizations", ORGANIZATION_STATUS.values()).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


# --- the coverage map ---------------------------------------------------------------------------------

# ColorBrewer PuOr ends around a light neutral: orange = short of the fair share, purple = above it.
GAP_COLOURS = ("#542788", "#998ec3", "#f7f7f7", "#f1a340", "#b35806")
# ColorBrewer YlOrRd, its light and dark ends: an area is a desert (for at least one language shown) or not.
DESERT_COLOURS = ("#ffffcc", "#bd0026")
DESERT_LABELS = ("No", "Yes")
_GRADIENT_STOPS = 11
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


@dataclass(frozen=True)
class _Scale:
    """How the choropleth colours an area's value, and the legend body that explains it (markup)."""

    colour: Callable[[float], str]
    legend: str


def _number(value: object, decimals: int = 0) -> str:
    return format_number(value, decimals=decimals)


def _desert_colour(value: float) -> str:
    return DESERT_COLOURS[1] if value >= 1 else DESERT_COLOURS[0]


def _gradient(colormap: cm.ColorMap, ticks: Iterable[str]) -> str:
    steps = [
        colormap.rgb_hex_str(colormap.vmin + (colormap.vmax - colormap.vmin) * i / (_GRADIENT_STOPS - 1))
        for i in range(_GRADIENT_STOPS)
    ]
    labels = "".join(f"<span>{html.escape(tick)}</span>" for tick in ticks)
    return (
        f'<div style="width: 220px; height: 10px; border: 1px solid #999;'
        f' background: linear-gradient(to right, {", ".join(steps)});"></div>'
        f'<div style="width: 220px; display: flex; justify-content: space-between;">{labels}</div>'
    )


def _scale(values: pd.Series, metric: str) -> _Scale:
    finite = values.dropna()
    no_data = _swatches([("No data", NO_DATA_COLOUR)], round_=False)
    if metric == "deserts":
        # Yes or no: a 0-1 colour ramp would suggest "half a desert". The tooltip gives the count.
        items = [(DESERT_LABELS[1], DESERT_COLOURS[1]), (DESERT_LABELS[0], DESERT_COLOURS[0])]
        return _Scale(_desert_colour, _swatches(items, round_=False) + no_data)
    if metric == "gap":
        reach = float(finite.abs().max()) if len(finite) else 0.0
        reach = reach or 1.0
        colormap: cm.ColorMap = cm.LinearColormap(list(GAP_COLOURS), vmin=-reach, vmax=reach)
        ticks = [_number(-reach), "0", _number(reach)]
        hint = "<div>Purple: ahead of the fair share; orange: behind.</div>"
        return _Scale(colormap, _gradient(colormap, ticks) + hint + no_data)
    top = float(finite.max()) if len(finite) else 0.0
    colormap = cm.linear.viridis.scale(0, top or 1.0)  # type: ignore[attr-defined]
    ticks = [_number(0.0, 1), _number((top or 1.0) / 2, 1), _number(top or 1.0, 1)]
    return _Scale(colormap, _gradient(colormap, ticks) + no_data)


def _decorate(
    geojson: dict[str, Any],
    values: pd.DataFrame,
    colour: Callable[[float], str],
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
        properties["fill"] = NO_DATA_COLOUR if missing else colour(float(value))
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
    district_counts: pd.DataFrame | None = None,
) -> folium.Map:
    """Choropleth of one metric per area, borough outlines, organizations by request status, legends.

    `values`: `outreach.coverage.gaps.area_values` output (area, value, lep_speakers, delivered, ...).
    `areas` / `borough_outlines`: GeoJSON whose features carry `properties.area` (`outreach.coverage.need.boundaries`).
    `organizations`: id, name, latitude, longitude, borough, community_district, languages, request_status.
    Areas without a value (NaN) are grey and say "no data". With `district_counts` (too many organizations
    to draw one by one: `outreach.coverage.district_summary`), one circle per district replaces the markers.
    """
    fmap = _base_map(TILES_FAILED_WITH_AREAS)
    scale = _scale(values["value"] if "value" in values else pd.Series(dtype=float), metric)
    decorated = _decorate(areas, values, scale.colour, metric=metric, labels=area_labels or {})
    folium.GeoJson(
        encoded(decorated),
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
        encoded(borough_outlines),
        name="Borough outlines",
        style_function=lambda _feature: {"fill": False, "color": "#111111", "weight": 2.2},
        interactive=False,
    ).add_to(fmap)
    if district_counts is None:
        marker_layer(
            organizations, category_column="request_status", categories=REQUEST_STATUS, name="Organizations"
        ).add_to(fmap)
    else:
        summary_layer(district_counts).add_to(fmap)
    _Legend(_legend_markup(caption, scale.legend), position="bottomright").add_to(fmap)
    legend_title = "Organizations" if district_counts is None else f"{SUMMARY_NAME} (colour: most of them)"
    _category_legend(legend_title, REQUEST_STATUS.values()).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap
