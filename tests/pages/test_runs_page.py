"""The delivery runs page, the driver's public page and the leader's hours on the restock page (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach import i18n, inventory, organizations
from outreach.delivery import driver_links, runs, windows
from outreach.restock import links as restock_links
from outreach.ui import state
from outreach.ui.restock_form import say
from tests.conftest import ship_until
from tests.pages.conftest import open_page, page_text

NAME = "Beacon <b>Bold</b> Church"


@pytest.fixture
def out_run(page_db):
    """A run of two shipments, planned and sent out, with one driver's link (the run is today)."""
    sessions, ref = page_db
    unit = ref.units[("flyer", "ar")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=500, reference="r", actor="t"
    )
    shipments = []
    for index, name in enumerate((NAME, "Masjid Test")):
        org = organizations.create_organization(
            sessions, name=name, borough="Brooklyn", languages=["ar"], actor="t", latitude=40.68 + index / 100,
            longitude=-73.95, contact_phone="718-555-0101",
        )  # fmt: skip
        windows.set_week(
            sessions, organization_id=org, days=dict.fromkeys(range(7), "00:00-24:00"), actor="t"
        )
        shipments.append(ship_until(sessions, ref, org, {unit: 50}, until="packed"))
    run_id = runs.create_run(
        sessions, run_date=driver_links.today(), depot_id=ref.main_depot, actor="t", hours="00:00-24:00"
    )
    runs.add_driver(sessions, run_id=run_id, name="Rosa", phone=None, capacity=10, actor="t")
    runs.add_shipments(sessions, run_id=run_id, shipment_ids=shipments, actor="t")
    runs.plan(sessions, run_id=run_id, actor="t", seconds=0.5)
    runs.send_out(sessions, run_id=run_id, actor="t")
    token = next(iter(driver_links.issue(sessions, run_id=run_id, actor="t").values()))
    return sessions, run_id, token


def test_runs_page_shows_the_run_and_its_outcomes(out_run):
    sessions, run_id, token = out_run
    at = open_page("pages/runs.py", "coordinator")
    assert not at.exception
    text = page_text(at)
    assert "Out for delivery" in text and NAME in text  # the organization's name in the table, as typed
    assert {m.label: m.value for m in at.metric}["Planned"] == "2"


def test_organizer_cannot_open_runs(page_db):
    at = open_page("pages/runs.py", "organizer")
    assert "cannot open this page" in page_text(at)
    assert not at.button


def test_driver_page_delivers_once_and_reports_in_arabic(out_run):
    sessions, run_id, token = out_run
    at = open_page("pages/driver.py", query={"t": token, "lang": "ar"})
    assert not at.exception
    assert say("delivery.driver.title", "ar") in page_text(at)
    delivered = [b for b in at.button if b.label == i18n.t("delivery.driver.delivered", "ar")]
    assert len(delivered) == 2
    at = delivered[0].click().run()
    assert say("delivery.driver.done_delivered", "ar") in page_text(at)
    stop_id = int(
        next(b.key for b in at.button if b.key.startswith(state.DRIVER_NOT_DELIVERED)).rsplit("_", 1)[1]
    )
    at.radio(key=f"{state.DRIVER_REASON}_{stop_id}").set_value("address_wrong")
    at = next(b for b in at.button if b.key.startswith(state.DRIVER_NOT_DELIVERED)).click().run()
    reason = i18n.t("delivery.driver.reason.address_wrong", "ar")
    assert say("delivery.driver.done_not_delivered", "ar", reason=reason) in page_text(at)
    assert say("delivery.driver.all_done", "ar") in page_text(at)


@pytest.mark.parametrize("token", ["", "nonsense", "A" * 43])
def test_driver_page_without_a_live_link_shows_nothing(page_db, token):
    at = open_page("pages/driver.py", query={"t": token})
    assert say("delivery.driver.invalid", "en") in page_text(at)
    assert not [b for b in at.button if b.key and b.key.startswith(state.DRIVER_DELIVERED)]


def save(at):
    return next(b for b in at.button if b.label == i18n.t("delivery.windows.save", "yi"))


def test_leader_corrects_the_hours_on_the_restock_link(page_db):
    sessions, _ = page_db
    org = organizations.create_organization(
        sessions, name="Shul", borough="Brooklyn", languages=["yi"], preferred_language="yi", actor="t",
        faith_tradition="Jewish",
    )  # fmt: skip
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    at = open_page("pages/restock.py", query={"t": token})
    assert say("delivery.windows.title", "yi") in page_text(at)
    at.text_input(key=f"{state.LEADER_HOURS_DAY}_4").set_value("10:00-12:00")
    at.text_input(key=f"{state.LEADER_HOURS_DAY}_6").set_value("nonsense")
    at = save(at).click().run()
    assert "nonsense" in page_text(at)  # refused, naming what was typed; nothing saved
    assert windows.schedule_of(sessions, org).week is None
    at.text_input(key=f"{state.LEADER_HOURS_DAY}_6").set_value("")
    at = save(at).click().run()
    assert say("delivery.windows.saved", "yi") in page_text(at)
    friday = dt.date(2026, 12, 11)
    assert windows.schedule_of(sessions, org).on(friday) == [(600, 720)]
