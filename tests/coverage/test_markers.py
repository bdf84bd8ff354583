"""The compact marker layer: rows, lookup tables and escaping (no browser, no network)."""

from __future__ import annotations

import html
import json
import re

import folium
import pandas as pd
import pytest

from outreach.catalog import language_of
from outreach.coverage import markers

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


def layer_of(frame: pd.DataFrame):
    return markers.marker_layer(
        frame, category_column="status", categories=markers.ORGANIZATION_STATUS, name="Organizations"
    )


def rendered(frame: pd.DataFrame) -> str:
    fmap = folium.Map(tiles=None)
    layer_of(frame).add_to(fmap)
    return fmap.get_root().render()


def payload(layer) -> list:
    return json.loads(layer.payload)


def lookup_texts(frame: pd.DataFrame, table: str, column: int) -> list[str]:
    layer = layer_of(frame)
    lookup = json.loads(layer.lookup)
    return [lookup[table][row[column]] for row in payload(layer)]


def test_rows_decode_to_the_coordinates_and_skip_what_cannot_be_drawn():
    layer = layer_of(directory_frame())
    rows = payload(layer)
    assert len(rows) == 2 and layer.row_count == 2  # no coordinates / outside NYC are skipped
    assert markers.decode_row(rows[0]) == pytest.approx((40.75, -73.99), abs=1e-9)
    assert markers.decode_row(rows[1]) == pytest.approx((40.65, -73.95), abs=1e-9)
    assert set(markers.not_on_map(directory_frame())["id"]) == {3, 4}


def test_the_layer_is_added_once_with_its_local_assets():
    html_text = rendered(directory_frame())
    assert html_text.count("L.markerClusterGroup(") == 1
    assert f'src="{markers.MARKERCLUSTER_URL}/leaflet.markercluster.js"' in html_text
    assert f'href="{markers.MARKERCLUSTER_URL}/MarkerCluster.css"' in html_text
    assert "ajax/libs/leaflet.markercluster" not in html_text  # folium's CDN copy


def test_payload_stays_compact():
    many = pd.concat([directory_frame().iloc[[1]]] * 1000, ignore_index=True).assign(
        id=range(1000), name="Harbor Street Community Church"
    )
    match = re.search(r"var data = (\[.*?\]\]);", rendered(many), re.S)
    assert match is not None
    assert len(match.group(1)) / 1000 < 55  # bytes per organization (the name is 30 of them)


def test_long_names_are_shortened_in_tooltips():
    frame = directory_frame().iloc[[0]].assign(name="A" * 300)
    row = payload(layer_of(frame))[0]
    assert len(row[3]) == markers.MAX_TOOLTIP_NAME and row[3].endswith("…")


@pytest.mark.parametrize("dtype", ["object", "str"])
def test_marker_languages_do_not_depend_on_how_they_are_spelled(dtype):
    spellings = ["zh es", "es, zh", "es  zh ", "", None, "xx"]
    frame = pd.concat([directory_frame().iloc[[0]]] * len(spellings), ignore_index=True)
    frame["languages"] = pd.Series(spellings, dtype=dtype)
    both = f"{language_of('es').english}, {language_of('zh').english}"  # sorted by code
    texts = lookup_texts(frame, "languages", 5)
    none = "Languages to confirm"  # an organization imported without its languages: what to do about it
    assert texts == [both] * 3 + [none, none, "xx"]  # unknown codes as typed
    assert json.loads(layer_of(frame).lookup)["languages"] == [none, both, "xx"]  # each text once
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
    text = rendered(frame)  # a Jinja tag here used to be evaluated (or fail) on the server
    match = re.search(r"var data = (\[.*?\]\]);", text, re.S)
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
    layer = layer_of(frame)
    assert [row[3] for row in payload(layer)] == [html.escape(name) for name in names]
    assert "\u2028" not in layer.payload and "</" not in layer.payload
    assert "é 中文 ☃" in layer.payload  # non-ASCII travels as UTF-8, not \\u escapes (payload size)
    assert "</script><!--" not in rendered(frame)
