"""Map builders: inspect the folium objects and their rendered HTML (no browser, no network)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import folium
import pandas as pd
import pytest
from branca.colormap import ColorMap
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin

from outreach.coverage import district_summary, geojson_text, maps, markers, need
from outreach.coverage import gaps as coverage
from tests.coverage.test_markers import EVIL, directory_frame

ROOT = Path(__file__).resolve().parents[2]
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# The tiles' attribution: a link the person may follow, not something the map loads.
ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"


def marker_layers(fmap: folium.Map) -> list:
    return [child for child in fmap._children.values() if isinstance(child, folium.plugins.FastMarkerCluster)]


def choropleth_features(fmap: folium.Map) -> list[dict]:
    layer = next(child for child in fmap._children.values() if isinstance(child, folium.GeoJson))
    return layer.data["features"]


def legends(fmap: folium.Map) -> list[str]:
    """The markup of each legend box, as the browser puts it in the page."""
    return [json.loads(child.markup) for child in fmap._children.values() if isinstance(child, maps._Legend)]


def layer_control(fmap: folium.Map) -> folium.LayerControl:
    (control,) = [child for child in fmap._children.values() if isinstance(child, folium.LayerControl)]
    return control


def payload(layer) -> list:
    return json.loads(layer.payload)


def coverage_inputs(metric: str, language: str | None = "bn"):
    need_frame = need.need("district")
    shipped = pd.DataFrame(
        [("bn", 401, "Queens", "delivered", 500), ("bn", 312, "Brooklyn", "shipped", 50)],
        columns=["language", "community_district", "borough", "status", "units"],
    )
    orgs = directory_frame().assign(
        request_status=["waiting", "in_transit", "recently_delivered", "long_ago"], languages="bn"
    )
    table = coverage.gap_table(
        need_frame, shipped, orgs, {"bn": 5000}, level="district", desert_min_lep=1000, language=language
    )
    values = coverage.area_values(table, metric=metric)
    labels = dict(zip(table["area"], table["area_label"], strict=False))
    labels[101] = "<b>Tribeca</b>"  # pretend a label carries markup: it must be escaped too
    labels[102] = "{{ 7*7 }}"  # and template syntax: it must stay text
    return values, orgs, labels


def build(metric: str, language: str | None = "bn", caption: str | None = None) -> folium.Map:
    values, orgs, labels = coverage_inputs(metric, language)
    return maps.coverage_map(
        values,
        areas=need.boundaries("district"),
        borough_outlines=need.boundaries("borough"),
        organizations=orgs,
        metric=metric,
        caption=caption or f"Bangla: {metric}",
        area_labels=labels,
    )


def test_directory_map_escapes_names_and_skips_rows_without_coordinates():
    fmap = maps.directory_map(directory_frame())
    html = fmap.get_root().render()
    assert EVIL not in html
    assert "<script>alert" not in html
    # Escaped in Python (&lt;) and then made script-safe (\u0026): never raw markup.
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;" in html
    (layer,) = marker_layers(fmap)
    rows = payload(layer)
    assert len(rows) == 2  # no coordinates / outside NYC are skipped
    assert markers.decode_row(rows[0]) == pytest.approx((40.75, -73.99), abs=1e-9)
    assert rows[0][2] == 0 and rows[1][2] == 1  # active, paused
    assert rows[0][3] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert rows[1][3] == "Bethel &amp; Sons &#x27;Chapel&#x27;"
    lookup = json.loads(layer.lookup)
    assert lookup["districts"][rows[0][4]] == "MN 04"
    assert lookup["districts"][rows[1][4]] == "Brooklyn"
    assert lookup["languages"][rows[0][5]] == "English, Spanish"
    assert set(maps.not_on_map(directory_frame())["id"]) == {3, 4}
    (legend,) = legends(fmap)
    assert "Organizations" in legend and "Active" in legend and "Paused" in legend


def test_directory_map_with_no_organizations():
    empty = directory_frame().iloc[0:0]
    fmap = maps.directory_map(empty)
    assert payload(marker_layers(fmap)[0]) == []
    assert "var data = []" in fmap.get_root().render()


def test_coverage_map_has_choropleth_outlines_markers_legends_and_layer_control():
    fmap = build("coverage")
    children = list(fmap._children.values())
    geojson = [child for child in children if isinstance(child, folium.GeoJson)]
    assert [layer.layer_name for layer in geojson] == ["Bangla: coverage", "Borough outlines"]
    assert len(geojson[0].data["features"]) == 59 and len(geojson[1].data["features"]) == 5
    assert len(marker_layers(fmap)) == 1
    scale, categories = legends(fmap)
    assert "Bangla: coverage" in scale and "linear-gradient" in scale and "No data" in scale
    for category in markers.REQUEST_STATUS.values():
        assert category.label in categories
    html = fmap.get_root().render()
    assert "kyr-legend" in html
    # branca's colour scale is an SVG 450 px wide that cut long titles off; the legend is HTML now.
    assert not any(isinstance(child, ColorMap) for child in children) and "d3.min.js" not in html


@pytest.mark.parametrize("metric", ["coverage", "deserts"])
def test_the_areas_and_outlines_are_written_exactly_as_folium_would_encode_them(metric):
    # Shapes are encoded once per process (geojson_text): the text written must stay what Jinja's tojson
    # makes of the layer's data after rendering, whatever folium did to the data meanwhile.
    fmap = build(metric)
    html = fmap.get_root().render()
    layers = [child for child in fmap._children.values() if isinstance(child, folium.GeoJson)]
    for layer in layers:
        assert isinstance(layer.data, geojson_text.EncodedJson)
        assert layer.data.text == json.dumps(dict(layer.data), sort_keys=True)
        assert layer.data.text.replace("<", "\\u003c").replace("&", "\\u0026") in html
    # Escaped labels and template syntax in the properties stay as they were (see the escaping tests).
    assert (
        "&lt;b&gt;Tribeca&lt;/b&gt;" in layers[0].data.text and "&#123;&#123; 7*7 }}" in layers[0].data.text
    )


def test_each_shape_keeps_its_own_text_and_other_values_are_encoded_as_before():
    def collection(*shapes):
        features = [
            {"type": "Feature", "properties": {"n": i}, "geometry": shape} for i, shape in enumerate(shapes)
        ]
        return {"type": "FeatureCollection", "features": features}

    squares = [
        {"type": "Polygon", "coordinates": [[[k, k], [k, k + 1], [k + 1, k + 1], [k, k]]]} for k in range(3)
    ]
    for _ in range(2):  # the second time from the kept texts
        for shapes in (squares, squares[::-1], [squares[1]]):
            data = collection(*shapes)
            assert geojson_text.encoded(data).text == json.dumps(data, sort_keys=True)
    dumps = folium.GeoJson._template.environment.policies["json.dumps_function"]
    assert dumps({"b": [1, "<"], "a": None}, sort_keys=True) == json.dumps({"a": None, "b": [1, "<"]})


@pytest.mark.parametrize("metric", ["coverage", "gap", "deserts"])
def test_legend_titles_are_whole_and_wrap(metric):
    caption = f"All languages: {coverage.METRIC_LABELS[metric]}"  # the longest titles the page makes
    fmap = build(metric, language=None, caption=caption)
    scale, _ = legends(fmap)
    assert f">{caption}</div>" in scale  # the full title, in a block that wraps
    box = next(child for child in fmap._children.values() if isinstance(child, maps._Legend))
    assert "max-width: 260px" in json.loads(box.style)  # a box that grows downwards, not a fixed-size drawing


def test_coverage_map_colours_and_tooltips():
    fmap = build("coverage")
    features = {f["properties"]["area"]: f["properties"] for f in choropleth_features(fmap)}
    assert features[401]["delivered_text"] == "500"
    assert features[312]["in_transit_text"] == "50"
    # A district with no Bangla speakers has no coverage figure: grey, "no data".
    zero = next(area for area, props in features.items() if props["lep_text"] == "0")
    assert features[zero]["value_text"] == coverage.NO_DATA
    assert features[zero]["fill"] == maps.NO_DATA_COLOUR
    assert features[401]["fill"] != maps.NO_DATA_COLOUR
    assert features[101]["label"] == "&lt;b&gt;Tribeca&lt;/b&gt;"
    assert features[102]["label"] == "&#123;&#123; 7*7 }}"
    rendered = fmap.get_root().render()
    assert "<b>Tribeca</b>" not in rendered
    assert "7*7 }}" in rendered and "{{ 7*7 }}" not in rendered  # kept as text, not evaluated


def test_coverage_map_markers_are_coloured_by_request_status_and_escaped():
    fmap = build("gap")
    (layer,) = marker_layers(fmap)
    rows = payload(layer)
    lookup = json.loads(layer.lookup)
    assert [lookup["categories"][row[2]][0] for row in rows] == ["Waiting (request open)", "In transit"]
    assert EVIL not in fmap.get_root().render()


def test_gap_legend_is_symmetric_around_zero():
    values, _, _ = coverage_inputs("gap")
    reach = coverage.format_number(values["value"].abs().max(), decimals=0)
    scale, _ = legends(build("gap"))
    ticks = re.findall(r"<span>([^<]*)</span>", scale)
    assert ticks == [f"-{reach}", "0", reach]
    assert "ahead of the fair share" in scale


@pytest.mark.parametrize("language", [None, "bn"])
def test_deserts_are_yes_or_no(language):
    fmap = build("deserts", language=language)
    values, _, _ = coverage_inputs("deserts", language)
    by_area = dict(zip(values["area"], values["value"], strict=False))
    for feature in choropleth_features(fmap):
        value = by_area.get(feature["properties"]["area"])
        expected = (
            maps.NO_DATA_COLOUR
            if value is None or pd.isna(value)
            else maps.DESERT_COLOURS[1]
            if value >= 1
            else maps.DESERT_COLOURS[0]
        )
        assert feature["properties"]["fill"] == expected
    if language is None:  # an area can be a desert for several languages: still one "yes" colour
        assert values["value"].max() > 1
    else:
        assert {f["properties"]["fill"] for f in choropleth_features(fmap)} >= set(maps.DESERT_COLOURS)
    scale, _ = legends(fmap)
    assert "linear-gradient" not in scale and "0.0" not in scale  # no 0.0-1.0 colour scale
    swatches = re.findall(r"background: (#\w+);[^>]*></span>([^<]*)</div>", scale)
    assert swatches == [
        (maps.DESERT_COLOURS[1], "Yes"),
        (maps.DESERT_COLOURS[0], "No"),
        (maps.NO_DATA_COLOUR, "No data"),
    ]


def test_english_has_no_data_anywhere():
    english = build("coverage", language="en")  # no LEP figure: every area is "no data"
    assert {f["properties"]["fill"] for f in choropleth_features(english)} == {maps.NO_DATA_COLOUR}


@pytest.mark.parametrize("which", ["directory", "coverage"])
def test_layer_control_starts_collapsed(which):
    fmap = maps.directory_map(directory_frame()) if which == "directory" else build("coverage")
    assert layer_control(fmap).options["collapsed"] is True
    assert '"collapsed": true' in fmap.get_root().render()


def _elements(element):
    yield element
    for child in element._children.values():
        yield from _elements(child)


@pytest.mark.parametrize("which", ["directory", "coverage"])
def test_maps_load_only_the_apps_own_assets(which):
    fmap = maps.directory_map(directory_frame()) if which == "directory" else build("deserts", language=None)
    html = fmap.get_root().render()
    loaded = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(
        r'<link[^>]*\shref="([^"]+)"', html
    )
    # streamlit-folium (the directory page) does not read the HTML: it loads each element's default_js/css.
    mixins = [element for element in _elements(fmap) if isinstance(element, JSCSSMixin)]
    asked = [url for element in mixins for _, url in [*element.default_js, *element.default_css]]
    assert {f"{maps.LEAFLET_URL}/leaflet.js", f"{markers.MARKERCLUSTER_URL}/leaflet.markercluster.js"} <= set(
        loaded
    )
    assert set(asked) == set(loaded)
    for url in loaded:
        assert url.startswith("/app/static/vendor/"), url
        assert (ROOT / "static" / url.removeprefix("/app/static/")).is_file(), url  # served by Streamlit
    # The only outside address: the background tiles (and the attribution link under them).
    outside = {url.rstrip("\\") for url in re.findall(r"https?://[^\s\"'<>)]+", html)}
    assert outside == {TILE_URL, ATTRIBUTION_URL}
    assert {urlparse(url).hostname for url in outside} <= {"tile.openstreetmap.org", "www.openstreetmap.org"}


def test_leaflet_css_finds_its_images():
    """The collapsed layer control is an icon from leaflet.css's images/ folder: it must be there."""
    css = (ROOT / "static" / maps.LEAFLET_URL.removeprefix("/app/static/") / "leaflet.css").read_text()
    for image in re.findall(r"url\((images/[^)]+)\)", css):
        assert (ROOT / "static" / maps.LEAFLET_URL.removeprefix("/app/static/") / image).is_file(), image


def test_static_serving_is_on():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r"^enableStaticServing\s*=\s*true", config, re.M)


@pytest.mark.parametrize(
    ("which", "message"), [("directory", maps.TILES_FAILED), ("coverage", maps.TILES_FAILED_WITH_AREAS)]
)
def test_a_notice_says_when_the_background_cannot_load(which, message):
    fmap = maps.directory_map(directory_frame()) if which == "directory" else build("coverage")
    html = fmap.get_root().render()
    assert 'layer.on("tileerror", show)' in html
    assert json.dumps(message) in html


def test_streamlit_folium_draws_the_markers_legends_and_notice():
    """The directory page hands the map to streamlit-folium, which runs each element's `script` macro itself
    instead of the rendered page: the marker layer must be among them, under the name the layer control uses."""
    from streamlit_folium import _get_map_string

    fmap = maps.directory_map(directory_frame())
    fmap.get_root().render()
    script = _get_map_string(fmap)
    assert script.count("L.markerClusterGroup(") == 1
    (defined,) = re.findall(r"var (fast_marker_cluster_\w+) = \(function", script)
    assert f'"Organizations" : {defined},' in script  # the layer control's overlay exists
    assert "kyr-legend" in script and "tileerror" in script


@pytest.mark.parametrize("circles", [False, True], ids=["markers", "district circles"])
def test_macros_are_rendered_once_with_the_same_html_as_branca(monkeypatch, circles):
    values, orgs, labels = coverage_inputs("coverage")
    counts = district_summary.status_counts(orgs.assign(community_district=[401, 401, 312, 101]))

    def rendered() -> str:  # a new map each time, with the same element ids
        ids = itertools.count()
        monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(ids):032x}"))
        fmap = maps.coverage_map(
            values,
            areas=need.boundaries("district"),
            borough_outlines=need.boundaries("borough"),
            organizations=orgs,
            metric="coverage",
            caption="Bangla",
            area_labels=labels,
            district_counts=counts if circles else None,
        )
        return fmap.get_root().render()

    ours = rendered()
    monkeypatch.setattr(MacroElement, "render", markers.BRANCA_MACRO_RENDER)
    theirs = rendered()
    assert ours.split() == theirs.split()  # Jinja drops a trailing newline per template: layout only differs
    assert "Tribeca" in ours and ("Organizations by district" in ours) == circles


def test_rendered_text_is_never_read_as_a_template_again(monkeypatch):
    typed = "{{ 7*7 }} {% if 1 %}x{% endif %}"

    def rendered() -> str:
        fmap = folium.Map(tiles=None)
        folium.CircleMarker((40.7, -73.9), radius=5, tooltip=folium.Tooltip(typed)).add_to(fmap)
        return fmap.get_root().render()

    assert typed in rendered()
    monkeypatch.setattr(MacroElement, "render", markers.BRANCA_MACRO_RENDER)
    assert typed not in rendered()  # branca's second pass would have run it: "49 x"
