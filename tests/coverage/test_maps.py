"""Map builders: inspect the folium objects and their rendered HTML (no browser, no network)."""

from __future__ import annotations

import html
import json
import re

import folium
import pandas as pd
import pytest
from branca.colormap import ColorMap

from outreach.catalog import language_of
from outreach.coverage import gaps as coverage
from outreach.coverage import maps, need

EVIL = "<script>alert(1)</script>"


def directory_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (1, EVIL, 40.75, -73.99, "Manhattan", 104, "active", ["es", "en"]),
            (2, "Bethel & Sons 'Chapel'", 40.65, -73.95, "Brooklyn", None, "paused", "ht"),
            (3, "No Coordinates Church", None, None, "Queens", 404, "active", "es"),
            (4, "Paris Mosque", 48.85, 2.35, None, None, "active", "fr"),  # not in NYC: a bad geocode
        ],
        columns=[
            "id",
            "name",
            "latitude",
            "longitude",
            "borough",
            "community_district",
            "status",
            "languages",
        ],
    ).astype({"community_district": "Int64"})


def marker_layers(fmap: folium.Map) -> list:
    return [child for child in fmap._children.values() if isinstance(child, folium.plugins.FastMarkerCluster)]


def choropleth_features(fmap: folium.Map) -> list[dict]:
    layer = next(child for child in fmap._children.values() if isinstance(child, folium.GeoJson))
    return layer.data["features"]


def payload(layer) -> list:
    return json.loads(layer.payload)


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
    assert maps.decode_row(rows[0]) == pytest.approx((40.75, -73.99), abs=1e-9)
    assert rows[0][2] == 0 and rows[1][2] == 1  # active, paused
    assert rows[0][3] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert rows[1][3] == "Bethel &amp; Sons &#x27;Chapel&#x27;"
    lookup = json.loads(layer.lookup)
    assert lookup["districts"][rows[0][4]] == "MN 04"
    assert lookup["districts"][rows[1][4]] == "Brooklyn"
    assert lookup["languages"][rows[0][5]] == "English, Spanish"
    assert set(maps.not_on_map(directory_frame())["id"]) == {3, 4}
    assert any(isinstance(child, folium.LayerControl) for child in fmap._children.values())


def test_directory_map_with_no_organizations():
    empty = directory_frame().iloc[0:0]
    fmap = maps.directory_map(empty)
    assert payload(marker_layers(fmap)[0]) == []
    assert "var data = []" in fmap.get_root().render()


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


def build(metric: str, language: str | None = "bn") -> folium.Map:
    values, orgs, labels = coverage_inputs(metric, language)
    return maps.coverage_map(
        values,
        areas=need.boundaries("district"),
        borough_outlines=need.boundaries("borough"),
        organizations=orgs,
        metric=metric,
        caption=f"Bangla: {metric}",
        area_labels=labels,
    )


def test_coverage_map_has_choropleth_outlines_markers_legends_and_layer_control():
    fmap = build("coverage")
    children = list(fmap._children.values())
    geojson = [child for child in children if isinstance(child, folium.GeoJson)]
    assert [layer.layer_name for layer in geojson] == ["Bangla: coverage", "Borough outlines"]
    assert len(geojson[0].data["features"]) == 59 and len(geojson[1].data["features"]) == 5
    assert len(marker_layers(fmap)) == 1
    colormaps = [child for child in children if isinstance(child, ColorMap)]
    assert len(colormaps) == 1 and colormaps[0].caption == "Bangla: coverage"
    assert any(isinstance(child, folium.LayerControl) for child in children)
    html = fmap.get_root().render()
    assert "Bangla: coverage" in html and "kyr-legend" in html
    for category in maps.REQUEST_STATUS.values():
        assert category.label in html


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
    html = fmap.get_root().render()
    assert EVIL not in html
    # The gap legend is diverging and symmetric around zero.
    colormap = next(child for child in fmap._children.values() if isinstance(child, ColorMap))
    assert colormap.vmin == -colormap.vmax


def test_deserts_and_all_languages_and_no_data():
    deserts = build("deserts", language=None)
    colormap = next(child for child in deserts._children.values() if isinstance(child, ColorMap))
    assert colormap.vmin == 0 and colormap.vmax >= 1
    english = build("coverage", language="en")  # no LEP figure: every area is "no data"
    features = choropleth_features(english)
    assert {f["properties"]["fill"] for f in features} == {maps.NO_DATA_COLOUR}


def test_payload_stays_compact():
    many = pd.concat([directory_frame().iloc[[1]]] * 1000, ignore_index=True).assign(
        id=range(1000), name="Harbor Street Community Church"
    )
    html = maps.directory_map(many).get_root().render()
    match = re.search(r"var data = (\[.*?\]\]);", html, re.S)
    assert match is not None
    assert len(match.group(1)) / 1000 < 55  # bytes per organization (the name is 30 of them)


def test_long_names_are_shortened_in_tooltips():
    frame = directory_frame().iloc[[0]].assign(name="A" * 300)
    row = payload(marker_layers(maps.directory_map(frame))[0])[0]
    assert len(row[3]) == maps.MAX_TOOLTIP_NAME and row[3].endswith("…")


def lookup_texts(frame: pd.DataFrame, table: str, column: int) -> list[str]:
    (layer,) = marker_layers(maps.directory_map(frame))
    lookup = json.loads(layer.lookup)
    return [lookup[table][row[column]] for row in payload(layer)]


@pytest.mark.parametrize("dtype", ["object", "str"])
def test_marker_languages_do_not_depend_on_how_they_are_spelled(dtype):
    spellings = ["zh es", "es, zh", "es  zh ", "", None, "xx"]
    frame = pd.concat([directory_frame().iloc[[0]]] * len(spellings), ignore_index=True)
    frame["languages"] = pd.Series(spellings, dtype=dtype)
    both = f"{language_of('es').english}, {language_of('zh').english}"  # sorted by code
    texts = lookup_texts(frame, "languages", 5)
    assert texts == [both] * 3 + ["", "", "xx"]  # unknown codes as typed
    (layer,) = marker_layers(maps.directory_map(frame))
    assert json.loads(layer.lookup)["languages"] == ["", both, "xx"]  # each text once
    with_list = frame.astype({"languages": "object"})
    with_list.at[5, "languages"] = ["zh", "es"]  # unhashable: read row by row, same texts
    assert lookup_texts(with_list, "languages", 5)[5] == both


def test_marker_places_prefer_the_district_then_the_borough():
    frame = pd.concat([directory_frame().iloc[[0]]] * 5, ignore_index=True)
    frame["community_district"] = pd.array([312, None, None, 312, None], dtype="Int64")
    frame["borough"] = ["Queens", "Queens", None, None, "<i>Bronx</i>"]
    assert lookup_texts(frame, "districts", 4) == ["BK 12", "Queens", "", "BK 12", "&lt;i&gt;Bronx&lt;/i&gt;"]


def test_unknown_statuses_are_drawn_as_other():
    frame = directory_frame().iloc[[0, 1]].assign(status=["closed", None])
    assert lookup_texts(frame, "categories", 2) == [["Other", "#666666"]] * 2


@pytest.mark.parametrize("name", ["{{ 7*7 }}", "{% if %}x", "{# note #}", "{{ lipsum.__globals__ }}"])
def test_template_syntax_in_names_stays_text(name):
    frame = directory_frame().iloc[[0]].assign(name=name)
    fmap = maps.directory_map(frame)
    rendered = fmap.get_root().render()  # a Jinja tag here used to be evaluated (or fail) on the server
    match = re.search(r"var data = (\[.*?\]\]);", rendered, re.S)
    assert match is not None
    assert json.loads(match.group(1))[0][3] == name  # what the browser reads: the name as typed
    assert "{{" not in match.group(1) and "{%" not in match.group(1) and "{#" not in match.group(1)


def test_names_with_json_and_script_specials_reach_the_browser_as_typed():
    names = [
        'say "hi"',
        "back\\slash\\",
        "tab\there\nnewline",
        "line\u2028sep\u2029",
        "</script><!--",
        "é 中文 ☃",
    ]
    frame = pd.concat([directory_frame().iloc[[0]]] * len(names), ignore_index=True).assign(name=names)
    fmap = maps.directory_map(frame)
    (layer,) = marker_layers(fmap)
    assert [row[3] for row in payload(layer)] == [html.escape(name) for name in names]
    assert "\u2028" not in layer.payload and "</" not in layer.payload
    assert "é 中文 ☃" in layer.payload  # non-ASCII travels as UTF-8, not \\u escapes (payload size)
    assert "</script><!--" not in fmap.get_root().render()
