"""The coverage page: organizers and coordinators see the map and the ranked table; no contact details."""

from __future__ import annotations

import io

import pandas as pd

from outreach import exports, inventory
from outreach.shipments import steps as shipments
from tests.conftest import ACTOR
from tests.coverage.test_inputs import make_org
from tests.pages.conftest import empty_cell_text, open_page, page_text, seen_table, table_headers

PAGE = "pages/coverage.py"


def seed(sessions, ref):
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=1000,
        reference="run",
        actor=ACTOR,
    )
    placed = make_org(sessions, "Jamaica Masjid", languages=["bn"], district=412)
    make_org(sessions, "Pinless Mosque", languages=["bn"], district=404, coordinates=False)
    shipment = shipments.create_shipment(
        sessions,
        organization_id=placed,
        depot_id=ref.main_depot,
        lines={ref.units[("flyer", "bn")]: 200},
        actor=ACTOR,
    )
    for step in (shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment):
        step(sessions, shipment_id=shipment, actor=ACTOR)


def test_organizer_sees_map_table_and_caveats_without_contact_details(page_db):
    seed(*page_db)
    at = open_page(PAGE, "organizer")
    assert not at.exception, at.exception
    text = page_text(at)
    assert "Coverage map" in text and "Largest gaps first" in text
    assert "Mandarin and Cantonese" in text and "margins of" in text and "Yiddish" in text
    assert "Jamaica" in text or "QN 12" in text  # the ranked table
    assert "Pinless Mosque" in text  # listed as not on map
    for private in ("Private Person", "718-555-0199", "private@example.org"):
        assert private not in text
    assert at.get("download_button"), "the table can be exported"


def test_switching_language_metric_and_level(page_db):
    seed(*page_db)
    at = open_page(PAGE, "coordinator")
    at.selectbox(key="cov_language").set_value("bn")
    at.radio(key="cov_metric").set_value("deserts")
    at.run()
    assert not at.exception, at.exception
    assert "Deserts" in page_text(at)
    table = at.dataframe[0].value
    assert set(table["language"]) <= {"Bangla"}
    at.radio(key="cov_level").set_value("borough").run()
    at.radio(key="cov_metric").set_value("gap").run()
    assert not at.exception
    boroughs = set(at.dataframe[0].value["area_label"])
    assert boroughs == {"Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"}


def test_english_shows_supply_and_says_no_data(page_db):
    seed(*page_db)
    at = open_page(PAGE, "organizer")
    at.selectbox(key="cov_language").set_value("en").run()
    assert not at.exception
    assert "English has no limited-English-proficiency figure" in page_text(at)


def test_empty_campaign_renders(page_db):
    at = open_page(PAGE, "organizer")
    assert not at.exception, at.exception
    assert "Largest gaps first" in page_text(at)


def test_anonymous_visitor_sees_nothing(page_db):
    at = open_page(PAGE)
    assert not at.dataframe and "sign in" in page_text(at).lower()


def test_the_ranking_reads_in_words_and_its_csv_numbers_parse_as_integers(page_db, downloads):
    seed(*page_db)
    at = open_page(PAGE, "organizer")
    at.selectbox(key="cov_language").set_value("bn").run()
    table = at.dataframe[0]
    assert table_headers(table)[:4] == ["Area", "Language", "LEP speakers", "Delivered"]
    jamaica = seen_table(table).set_index("Area").filter(like="QN 12", axis=0).iloc[0]
    assert (jamaica["Language"], jamaica["Delivered"]) == ("Bangla", 200)

    data = downloads.named("coverage_district_bn_")
    read = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(read.columns) == exports.COVERAGE.columns
    for name in ("lep_speakers", "delivered", "in_transit", "fair_share", "gap", "active_organizations"):
        assert pd.api.types.is_integer_dtype(read[name]), f"{name} reads as {read[name].dtype}"
    written = read.set_index("area").loc[412]
    assert written["delivered"] == 200 and written["lep_speakers"] > 1_000  # "1234", never "1,234"


def test_english_figures_say_no_data_on_screen_and_are_empty_in_the_csv(page_db, downloads):
    seed(*page_db)
    at = open_page(PAGE, "organizer")
    at.selectbox(key="cov_language").set_value("en").run()
    table = at.dataframe[0]
    assert empty_cell_text(table) == "no data" and seen_table(table)["LEP speakers"].isna().all()
    rows = downloads.csv("coverage_district_en_")
    assert {row[rows[0].index("gap")] for row in rows[1:]} == {""}


def test_above_the_marker_limit_the_map_counts_organizations_per_district(page_db, monkeypatch):
    from outreach import config

    sessions, ref = page_db
    seed(sessions, ref)
    make_org(sessions, "Second Masjid", languages=["bn", "es"], district=412)
    monkeypatch.setenv("KYR_MAP_MARKER_LIMIT", "1")
    config.settings.cache_clear()
    at = open_page(PAGE, "organizer")
    assert not at.exception, at.exception
    text = page_text(at)
    assert "2 active organizations on the map (too many to draw one by one: a circle per district" in text
    at.selectbox(key="cov_language").set_value("es").run()  # one language narrows the list below the limit
    text = page_text(at)
    assert "1 active organizations on the map." in text and "circle per district" not in text
