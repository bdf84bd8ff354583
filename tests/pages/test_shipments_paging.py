"""The shipments page at scale: the list comes a page at a time, and a large directory is searched, not listed."""

from __future__ import annotations

from outreach import organizations
from outreach.shipments import steps as shipments
from outreach.ui import paging, pickers, state
from tests.conftest import ACTOR
from tests.pages.conftest import open_page, page_text

PAGE = "pages/shipments.py"


def make_org(sessions, name):
    return organizations.create_organization(
        sessions, name=name, borough="Queens", languages=["es"], actor=ACTOR
    )


def test_the_list_pages_and_a_new_filter_goes_back_to_page_one(page_db, monkeypatch):
    sessions, ref = page_db
    monkeypatch.setattr(paging, "PAGE_SIZES", (2, 5))
    monkeypatch.setattr(paging, "DEFAULT_PAGE_SIZE", 2)
    org = make_org(sessions, "Cedar Park Parish")
    made = [
        shipments.create_shipment(
            sessions,
            organization_id=org,
            depot_id=ref.main_depot,
            lines={ref.units[("flyer", "es")]: 50},
            actor=ACTOR,
        )
        for _ in range(3)
    ]
    at = open_page(PAGE, "coordinator")
    assert not at.exception, at.exception
    assert at.dataframe[0].value["shipment_id"].tolist() == [made[2], made[1]]
    assert "more on the next page" in page_text(at)

    at.number_input(key=f"{state.SHIP_PAGE}_number").set_value(2).run()
    assert at.dataframe[0].value["shipment_id"].tolist() == [made[0]]
    assert "Rows 3–3 · last page" in page_text(at)

    at.selectbox(key=state.SHIP_FILTER_STATUS).set_value("draft").run()
    assert at.number_input(key=f"{state.SHIP_PAGE}_number").value == 1
    assert len(at.dataframe[0].value) == 2


def test_a_large_directory_is_searched_before_picking(page_db, monkeypatch):
    sessions, _ref = page_db
    monkeypatch.setattr(pickers, "LIST_ALL_UP_TO", 1)  # two organizations count as "large" here
    make_org(sessions, "Lantern Hill Masjid")
    cedar = make_org(sessions, "Cedar Park Parish")
    at = open_page(PAGE, "coordinator")
    assert not at.exception, at.exception
    at.text_input(key=state.SHIP_NEW_ORG_SEARCH).set_value("cedar").run()
    assert at.selectbox(key=state.SHIP_NEW_ORG).options == ["Cedar Park Parish (Queens)"]
    at.selectbox(key=state.SHIP_NEW_ORG).set_value(cedar).run()
    assert at.selectbox(key=state.SHIP_NEW_ORG).value == cedar
