"""The coverage page's view: the gap table, the map and the counts for one choice (pure, over read frames)."""

from __future__ import annotations

import pytest

from outreach import inventory, organizations
from outreach.coverage import inputs as coverage_data
from outreach.coverage import view
from outreach.shipments import totals as shipment_totals
from tests.conftest import ACTOR
from tests.conftest import ship_until as ship
from tests.coverage.test_inputs import make_org


@pytest.fixture
def campaign(sessions, ref):
    """Bangla: one organization placed in QN 12 with 200 delivered, one in QN 04 without a location,
    one paused; Haitian Kreyòl: one organization in BK 17 that nobody shipped to."""
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=1000,
        reference="run",
        actor=ACTOR,
    )
    ids = {
        "placed": make_org(sessions, "Jamaica Masjid", languages=["bn"], district=412),
        "pinless": make_org(sessions, "Pinless Mosque", languages=["bn"], district=404, coordinates=False),
        "paused": make_org(sessions, "Quiet Masjid", languages=["bn"], district=412),
        "kreyol": make_org(sessions, "Eglise Flatbush", languages=["ht"], district=317),
    }
    organizations.pause_organization(sessions, organization_id=ids["paused"], actor=ACTOR)
    ship(sessions, ref, ids["placed"], {ref.units[("flyer", "bn")]: 200})
    return ids


def build(sessions, *, language="bn", level="district", metric="gap"):
    return view.coverage_view(
        shipment_totals.shipped_units(sessions, language=language),
        coverage_data.organizations(sessions, language=language),
        coverage_data.campaign_totals(sessions),
        level=level,
        language=language,
        metric=metric,
        caption="Bangla: gap",
        desert_min_lep=1_000,
    )


def _marker_names(map_html: str) -> list[str]:
    """Which of the campaign's organizations the rendered map names (in its marker rows)."""
    names = ("Jamaica Masjid", "Pinless Mosque", "Quiet Masjid", "Eglise Flatbush")
    return [name for name in names if name in map_html]


def test_one_language_shows_its_areas_and_its_active_organizations_only(sessions, campaign):
    shown = build(sessions)
    assert set(shown.table["language"]) == {"bn"}
    jamaica = shown.table.set_index("area").loc[412]
    assert (int(jamaica["delivered"]), int(jamaica["active_organizations"])) == (200, 1)
    assert (shown.on_map, shown.not_on_map) == (1, 1)  # the paused one is neither
    assert _marker_names(shown.map_html) == ["Jamaica Masjid"]
    assert shown.not_on_map_listed.to_dict("records") == [
        {"name": "Pinless Mosque", "borough": "Brooklyn", "district": "QN 04", "languages": "bn"}
    ]


def test_all_languages_count_every_active_organization(sessions, campaign):
    shown = build(sessions, language=None)
    assert {"bn", "ht"} <= set(shown.table["language"])
    assert (shown.on_map, shown.not_on_map) == (2, 1)


def test_the_not_on_map_list_is_capped_but_the_count_is_not(sessions, campaign, monkeypatch):
    make_org(sessions, "Second Pinless", languages=["bn"], district=405, coordinates=False)
    monkeypatch.setattr(view, "NOT_ON_MAP_SHOWN", 1)
    shown = build(sessions)
    assert shown.not_on_map == 2 and list(shown.not_on_map_listed["name"]) == ["Pinless Mosque"]


def test_organizations_in_no_area_are_counted_apart(sessions, ref, campaign):
    loose = make_org(sessions, "Nowhere Chapel", languages=["bn"], district=None, borough=None)
    ship(sessions, ref, loose, {ref.units[("flyer", "bn")]: 50}, until="shipped")
    shown = build(sessions)
    assert shown.unplaced == {"delivered": 0, "in_transit": 50, "organizations": 1}
    by_borough = build(sessions, level="borough")
    assert set(by_borough.table["area"]) == {"Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"}


def test_ranked_rows_are_the_gap_table_and_deserts_list_only_deserts(sessions, campaign):
    table = build(sessions, metric="deserts").table
    everything = view.ranked(table, metric="gap")
    assert everything.equals(table.reset_index(drop=True))  # every area and language, largest gap first
    deserts = view.ranked(table, metric="deserts")
    assert len(deserts) == int(table["desert"].sum()) > 0
    assert deserts["desert"].all()
    assert not deserts["area_label"].str.startswith("QN 12").any()  # Jamaica Masjid serves it
    assert list(deserts["lep_speakers"]) == sorted(deserts["lep_speakers"], reverse=True)


def test_the_export_writes_figures_as_numbers_and_leaves_missing_ones_empty(sessions, campaign):
    english = view.export_frame(view.ranked(build(sessions, language="en").table, metric="gap"))
    assert english["lep_speakers"].isna().all() and english["gap"].isna().all()  # English has no LEP figure
    assert set(english["language"]) == {"English"}
    bangla = view.export_frame(view.ranked(build(sessions).table, metric="gap"))
    row = bangla[bangla["area_label"].str.startswith("QN 12")].iloc[0]
    assert row["delivered"] == 200 and row["language"] == "Bangla"
    assert str(bangla["lep_speakers"].dtype) == "Int64" and str(bangla["gap"].dtype) == "Int64"
    assert row["coverage_per_1000"] == round(row["coverage_per_1000"], 1) > 0


@pytest.mark.parametrize("limit, drawn_named", [(None, True), (1, True), (0, False)])
def test_only_the_names_shown_are_read(sessions, campaign, limit, drawn_named):
    """The page reads the directory without names and names what the view shows: the first not on the map,
    and the drawn ones while there are few enough to draw one by one. The view shows the same either way."""
    directory = coverage_data.organizations(sessions, language="bn", with_names=False)
    assert "name" not in directory.columns
    ids = view.names_shown(directory, language="bn", marker_limit=limit)
    assert campaign["pinless"] in ids and campaign["paused"] not in ids
    assert (campaign["placed"] in ids) == drawn_named
    names = coverage_data.organization_names(sessions, ids)
    # Most of them shown: the names of every organization serving the language, read without the ids.
    every_name = coverage_data.organization_names(sessions, language="bn")
    assert set(every_name.index) == set(directory["id"])
    assert every_name.loc[ids].tolist() == names.loc[ids].tolist()
    named = directory.assign(name=directory["id"].map(names))
    shown = view.coverage_view(
        shipment_totals.shipped_units(sessions, language="bn"),
        named,
        coverage_data.campaign_totals(sessions),
        level="district",
        language="bn",
        metric="gap",
        caption="Bangla: gap",
        desert_min_lep=1_000,
        marker_limit=limit,
    )
    assert list(shown.not_on_map_listed["name"]) == ["Pinless Mosque"]
    assert _marker_names(shown.map_html) == (["Jamaica Masjid"] if drawn_named else [])
    assert shown.by_district == (not drawn_named)
