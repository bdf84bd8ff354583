"""Paged reads for long tables (shipments, the ledger) and the organization search behind large pickers."""

from __future__ import annotations

from outreach import inventory, organizations
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.ui.paging import Page, total_caption
from tests.conftest import ACTOR


def test_page_arithmetic():
    page = Page(number=3, size=50)
    assert (page.offset, page.fetch) == (100, 51)  # one row more than shown: "is there a next page"


def test_a_caption_for_a_table_of_known_size_stops_at_its_last_row():
    assert total_caption(Page(number=1, size=100), 590) == "Rows 1–100 of 590"
    assert (
        total_caption(Page(number=6, size=100), 1_590, noun="Organizations")
        == "Organizations 501–600 of 1,590"
    )
    assert total_caption(Page(number=6, size=100), 590) == "Rows 501–590 of 590"
    assert total_caption(Page(number=9, size=100), 590) == "Rows 590–590 of 590"  # past the end: the last row
    assert total_caption(Page(number=1, size=100), 0) == ""


def make_orgs(sessions, names, *, borough="Queens"):
    return [
        organizations.create_organization(sessions, name=name, borough=borough, languages=["bn"], actor=ACTOR)
        for name in names
    ]


def test_shipments_page_newest_first_with_offset_and_no_limit(sessions, ref):
    unit = ref.units[("flyer", "bn")]
    (org,) = make_orgs(sessions, ["Jamaica Masjid"])
    made = [
        shipments.create_shipment(
            sessions, organization_id=org, depot_id=ref.main_depot, lines={unit: 50 * (n + 1)}, actor=ACTOR
        )
        for n in range(5)
    ]
    newest_first = list(reversed(made))
    assert shipment_reads.shipments(sessions, limit=2)["shipment_id"].tolist() == newest_first[:2]
    second = shipment_reads.shipments(sessions, limit=2, offset=2)
    assert second["shipment_id"].tolist() == newest_first[2:4]
    assert second["units"].tolist() == [150, 100]  # each page sums its own shipments' lines
    assert shipment_reads.shipments(sessions, limit=2, offset=4)["shipment_id"].tolist() == newest_first[4:]
    assert shipment_reads.shipments(sessions, limit=None)["shipment_id"].tolist() == newest_first
    assert shipment_reads.shipments(sessions, language="bn", limit=1, offset=1)["shipment_id"].tolist() == [
        made[3]
    ]
    assert shipment_reads.shipments(sessions, borough="Bronx", limit=None).empty


def test_ledger_history_pages(sessions, ref):
    unit = ref.units[("flyer", "es")]
    for quantity in (10, 20, 30):
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=quantity, reference=None, actor=ACTOR
        )
    assert inventory.movements(sessions, limit=2)["quantity"].tolist() == [30, 20]
    assert inventory.movements(sessions, limit=2, offset=2)["quantity"].tolist() == [10]
    assert inventory.movements(sessions, kind="receipt", limit=None)["quantity"].tolist() == [30, 20, 10]


def test_recipients_search_active_organizations_by_name_or_address(sessions):
    lantern, cedar, paused = make_orgs(
        sessions, ["Lantern Hill Masjid", "Cedar Park Parish", "Lantern Temple"]
    )
    organizations.pause_organization(
        sessions, organization_id=paused, reason="closed for repairs", actor=ACTOR
    )

    assert shipment_reads.recipients(sessions, search="lantern")["id"].tolist() == [
        lantern
    ]  # paused: not offered
    assert shipment_reads.recipients(sessions, search="  CEDAR park ")["id"].tolist() == [
        cedar
    ]  # folded like the directory
    assert set(shipment_reads.recipients(sessions, search="")["id"]) == {lantern, cedar}
    assert len(shipment_reads.recipients(sessions, search="", limit=1)) == 1
    assert shipment_reads.recipients(sessions, search="100%_").empty  # LIKE wildcards are matched literally
    assert shipment_reads.recipient_count(sessions) == 2
