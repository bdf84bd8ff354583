"""The planner page: coordinators get a suggestion and turn it into drafts; organizers cannot open it."""

from __future__ import annotations

from outreach import inventory
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipment_steps
from outreach.ui.resources import invalidate_reads
from tests.conftest import ACTOR
from tests.coverage.test_inputs import make_org
from tests.pages.conftest import open_page, page_text

PAGE = "pages/planner.py"


def seed(sessions, ref):
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=5000,
        reference="run",
        actor=ACTOR,
    )
    return [
        make_org(sessions, f"Fresh Meadows Masjid {n}", languages=["bn"], district=408, usual_request_packs=4)
        for n in (1, 2)
    ]


def open_bangla(ref, role="coordinator"):
    at = open_page(PAGE, role)
    at.selectbox(key="plan_language").set_value("bn").run()
    at.selectbox(key="plan_unit").set_value(ref.units[("flyer", "bn")]).run()
    return at


def test_organizer_cannot_open_the_planner(page_db):
    seed(*page_db)
    at = open_page(PAGE, "organizer")
    assert "cannot open this page" in page_text(at)
    assert not at.dataframe and not at.button and not at.number_input


def test_coordinator_turns_the_suggestion_into_drafts(page_db):
    sessions, ref = page_db
    org_ids = seed(sessions, ref)
    at = open_bangla(ref)
    assert not at.exception, at.exception
    lines = at.dataframe[1].value
    assert set(lines["organization_id"]) == set(org_ids)
    assert list(lines["units"]) == [200, 200]  # each capped at its usual 4 packs of 50
    button = next(b for b in at.button if b.label.startswith("Create 2 draft"))
    button.click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Created 2 draft shipments. Pack and ship them on the Shipments page."
    ]
    drafts = shipment_reads.shipments(sessions, status="draft")
    assert len(drafts) == 2 and set(drafts["units"]) == {200}
    # The drafts count as on the way: the next suggestion covers only what is left of the fair share
    # (5,000 x 5,446 / 59,237 Bangla LEP speakers = 460 units for QN 08, minus 400 drafted: 2 packs).
    assert list(at.dataframe[1].value["units"]) == [50, 50]


def test_planner_offers_no_retired_edition(page_db):
    sessions, ref = page_db
    seed(sessions, ref)
    inventory.adjust(
        sessions,
        unit_id=ref.retired_units[("flyer", "es")],
        location_id=ref.main_depot,
        change=500,
        reason="old",
        actor=ACTOR,
    )
    at = open_page(PAGE, "coordinator")
    at.selectbox(key="plan_language").set_value("es").run()
    assert not any("2025-01" in option for option in at.selectbox(key="plan_unit").options)


def test_a_suggestion_that_changed_since_it_was_shown_is_not_drafted(page_db):
    sessions, ref = page_db
    org_ids = seed(sessions, ref)
    at = open_bangla(ref)
    # Meanwhile someone else drafts a shipment to the first organization: the plan on screen is stale.
    shipment_steps.create_shipment(
        sessions,
        organization_id=org_ids[0],
        depot_id=ref.main_depot,
        lines={ref.units[("flyer", "bn")]: 300},
        actor=ACTOR,
    )
    invalidate_reads()  # what that other coordinator's write did to every session's cached reads
    next(b for b in at.button if b.label.startswith("Create 2 draft")).click().run()
    assert not at.exception, at.exception
    assert any("The suggestion changed since it was shown" in w.value for w in at.warning)
    assert len(shipment_reads.shipments(sessions, status="draft")) == 1  # only the other one
    # The new suggestion is on screen now; pressing again drafts what was shown.
    assert list(at.dataframe[1].value["units"]) == [100, 100]
    next(b for b in at.button if b.label.startswith("Create 2 draft")).click().run()
    assert len(shipment_reads.shipments(sessions, status="draft")) == 3
