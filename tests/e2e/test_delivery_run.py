"""A delivery run, end to end in a real browser: a coordinator plans the demo data's packed shipments across
two drivers and prints the run sheets; a driver on a phone-sized browser (375 x 812) delivers two stops and
reports one closed; the coordinator's run, the shipments, the ledger and coverage reflect exactly that.

The tests run in file order and hand the run on through the module-scoped `run` dict.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlalchemy import func, select

from outreach import inventory
from outreach.catalog import material_of
from outreach.models import Shipment, StockMovement
from outreach.shipments import totals
from tests.e2e.conftest import DESKTOP, DOCS, download, open_tab, screenshot, wait_until_idle

PHONE_812 = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}


@pytest.fixture(scope="module", autouse=True)
def patient_expectations():
    """Two cores shared by many test runs: a planned run or a page load can take longer than 5 s here."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def run(e2e_sessions) -> dict:
    """The depot with the most packed demo shipments, their packs, and a weekday for the run (today or later:
    the driver's link lives to the end of the run date)."""
    with e2e_sessions() as session:
        packed = list(session.scalars(select(Shipment).where(Shipment.status == "packed")))
    by_depot: dict[int, list[Shipment]] = {}
    for shipment in packed:
        by_depot.setdefault(shipment.depot_id, []).append(shipment)
    depot, shipments = max(by_depot.items(), key=lambda item: len(item[1]))
    packs = sum(
        math.ceil(line.quantity / material_of(line.unit.material).pack_size)
        for s in shipments
        for line in s.lines
    )
    # Stock for every line at the depot: the demo data may have handed some items out already, and this run
    # is about delivering, not about running short (sending out is all or nothing).
    needed: dict[int, int] = {}
    for shipment in shipments:
        for line in shipment.lines:
            needed[line.unit_id] = needed.get(line.unit_id, 0) + line.quantity
    for unit_id, quantity in needed.items():
        inventory.receive(
            e2e_sessions, unit_id=unit_id, location_id=depot, quantity=quantity, reference="e2e delivery run",
            actor="e2e",
        )  # fmt: skip
    day = dt.date.today()
    while day.weekday() > 3:  # Monday to Thursday: every tradition's default window is open
        day += dt.timedelta(days=1)
    return {"depot": depot, "shipments": [s.id for s in shipments], "packs": packs, "day": day}


def _scroll_to_stops(page) -> None:
    """The Stops heading at the top of the window, for the screenshot."""
    page.get_by_role("heading", name="Stops").evaluate("element => element.scrollIntoView({block: 'start'})")


def _fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)


def _pick_in_form(page, label: str, option: str) -> None:
    """Open a select box and take `option`; open it again when a rerun that ended just after the click closed
    the list (seen under load on a full `make test`: the box kept the typed text, its list was gone)."""
    box = page.get_by_role("combobox", name=label)
    for _attempt in range(4):
        wait_until_idle(page)
        box.click()
        choice = page.get_by_role("option", name=option).first
        try:
            choice.click(timeout=5_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"the {label!r} list never offered {option!r}")


def test_coordinator_plans_two_drivers_and_prints_run_sheets(open_page, run, e2e_sessions) -> None:
    assert len(run["shipments"]) >= 3, "the demo data needs three packed shipments from one depot"
    page = open_page("demo-coordinator", "Delivery runs")
    page.get_by_text("New delivery run").click()
    if run["day"] != dt.date.today():  # a date field of segments: type year, month and day in turn
        page.get_by_label("Date", exact=True).get_by_role("spinbutton").first.click()
        page.keyboard.type(run["day"].strftime("%Y%m%d"))
    from outreach.models import Location

    with e2e_sessions() as session:
        depot_name = session.get(Location, run["depot"]).name
    _pick_in_form(page, "From depot", depot_name)
    page.get_by_role("button", name="Create the run").click()
    expect(page.get_by_text(re.compile(r"Run #\d+ created"))).to_be_visible()
    run["id"] = int(
        re.search(
            r"Run #(\d+) created", page.get_by_text(re.compile(r"Run #\d+ created")).inner_text()
        ).group(1)
    )
    # Two drivers, each able to take about six tenths of the packs: the plan needs both.
    capacity = str(max(2, math.ceil(run["packs"] * 0.6)))
    for name, phone in (("Rosa", "718-555-0142"), ("Sam", "")):
        wait_until_idle(page)
        _fill(page, "Name", name)
        _fill(page, "Phone (optional)", phone)
        _fill(page, "Capacity (packs)", capacity)
        page.get_by_role("button", name="Add the driver").click()
        expect(page.get_by_text(f"Driver {name} added.")).to_be_visible()
    wait_until_idle(page)
    page.get_by_text(re.compile(r"^All \d+ packed shipments$")).click()
    wait_until_idle(page)
    page.get_by_role("button", name="Put them on the run").click()
    on_run = page.get_by_test_id("stMetric").filter(has_text="On the run").get_by_test_id("stMetricValue")
    expect(on_run).to_have_text(str(len(run["shipments"])))
    wait_until_idle(page)
    page.get_by_role("button", name="Plan the run").click()
    expect(page.get_by_text("Run planned.")).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    planned = page.get_by_test_id("stMetric").filter(has_text="Planned").get_by_test_id("stMetricValue")
    assert int(planned.inner_text()) == len(run["shipments"])
    _scroll_to_stops(page)
    screenshot(page, "runs")
    names = set()
    for driver in ("Rosa", "Sam"):
        pdf = download(page, page.get_by_role("button", name=f"Run sheet: {driver}"))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sheet.pdf"
            path.write_bytes(pdf)
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
            if driver == "Rosa":
                page_one = ["-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile"]
                subprocess.run(["pdftoppm", *page_one, str(path), str(DOCS / "run-sheet")], check=True)
        assert f"Driver: {driver}" in text and "Run sheet" in text
        names |= set(re.findall(r"Shipment #(\d+)", text))
    assert names == {str(s) for s in run["shipments"]}, "every planned shipment is on exactly one sheet"
    wait_until_idle(page)
    page.get_by_role("button", name="Send the run out").click()
    expect(page.get_by_text(re.compile(r"is out: \d+ shipment\(s\) shipped"))).to_be_visible(timeout=30_000)
    links = page.locator("input[value*='/driver?t=']")
    expect(links).to_have_count(2)
    run["links"] = [links.nth(i).input_value() for i in range(2)]


def test_driver_on_a_phone_delivers_two_and_reports_one_closed(browser, server, run, e2e_sessions) -> None:
    assert "links" in run, "the coordinator's test did not send the run out"
    # The links name the configured public address; the test server listens on its own port.
    run["links"] = [f"{server}/driver?t={link.split('?t=')[1]}" for link in run["links"]]
    with e2e_sessions() as session:
        before = {
            s.id: s.status for s in session.scalars(select(Shipment).where(Shipment.id.in_(run["shipments"])))
        }
    assert set(before.values()) == {"shipped"}
    run["coverage_before"] = _coverage(e2e_sessions)
    with open_tab(browser, **PHONE_812) as phone:
        # The driver with the most stops (capacities make each take a share).
        counts = []
        for link in run["links"]:
            phone.goto(link)
            wait_until_idle(phone)
            counts.append(phone.get_by_role("button", name="Delivered").count())
        link = run["links"][counts.index(max(counts))]
        assert max(counts) >= 3, counts
        phone.goto(link)
        phone.get_by_role("heading", name="Your deliveries").wait_for()
        wait_until_idle(phone)
        screenshot(phone, "driver-phone")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 2, f"the page scrolls sideways at 375 px ({width} px)"
        maps = phone.get_by_role("link", name="Open in maps").first
        assert (maps.get_attribute("href") or "").startswith(
            "https://www.google.com/maps/dir/?api=1&destination="
        )
        for _ in range(2):
            phone.get_by_role("button", name="Delivered").first.click()
            expect(phone.get_by_test_id("stAlert").filter(has_text="Delivered ✓").first).to_be_visible()
            wait_until_idle(phone)
        expect(phone.get_by_text("Delivered ✓", exact=True)).to_have_count(2)
        phone.get_by_text("Could not deliver").first.click()
        phone.get_by_text("Closed", exact=True).first.click()
        phone.get_by_role("button", name="Report it").first.click()
        expect(phone.get_by_text("Not delivered: Closed")).to_be_visible()
        wait_until_idle(phone)
        phone.get_by_text("Delivered ✓", exact=True).last.scroll_into_view_if_needed()
        screenshot(phone, "driver-phone-done")
    run["delivered"], run["closed"] = _outcomes(e2e_sessions, run)
    assert len(run["delivered"]) == 2 and len(run["closed"]) == 1


def _coverage(sessions) -> dict[str, int]:
    """Units in transit and delivered, as coverage, the dashboard and the planner read them."""
    frame = totals.shipped_units(sessions)
    return {status: int(frame[frame.status == status]["units"].sum()) for status in ("shipped", "delivered")}


def _outcomes(sessions, run) -> tuple[list[int], list[int]]:
    from outreach.models import DeliveryStop

    with sessions() as session:
        stops = list(session.scalars(select(DeliveryStop).where(DeliveryStop.run_id == run["id"])))
    return (
        [s.shipment_id for s in stops if s.outcome == "delivered"],
        [s.shipment_id for s in stops if s.outcome == "not_delivered"],
    )


def test_the_coordinator_sees_exactly_that(browser, server, signed_in, run, e2e_sessions) -> None:
    assert "closed" in run, "the driver's test did not finish"
    with open_tab(browser, **DESKTOP, storage_state=signed_in["demo-coordinator"]) as page:
        page.goto(f"{server}/runs")
        page.get_by_role("heading", name="Delivery runs", level=1).wait_for()
        _coordinator_sees(page)
        _scroll_to_stops(page)
        screenshot(page, "runs-after-delivery")
    _ledger_and_coverage(run, e2e_sessions)


def _coordinator_sees(page) -> None:
    metric = page.get_by_test_id("stMetric")
    delivered = metric.filter(has_text=re.compile(r"^Delivered")).get_by_test_id("stMetricValue")
    expect(delivered).to_have_text("2", timeout=30_000)
    expect(metric.filter(has_text="Not delivered").get_by_test_id("stMetricValue")).to_have_text("1")


def _ledger_and_coverage(run, e2e_sessions) -> None:
    with e2e_sessions() as session:
        status = {
            s.id: s.status for s in session.scalars(select(Shipment).where(Shipment.id.in_(run["shipments"])))
        }
        returns = session.scalar(
            select(func.count())
            .select_from(StockMovement)
            .where(StockMovement.kind == "return", StockMovement.shipment_id.in_(run["shipments"]))
        )
        returned_lines = len(session.get(Shipment, run["closed"][0]).lines)
        units = {i: sum(line.quantity for line in session.get(Shipment, i).lines) for i in run["shipments"]}
    assert [status[i] for i in run["delivered"]] == ["delivered", "delivered"]
    assert status[run["closed"][0]] == "packed"  # back with the coordinators, at the depot
    others = [i for i in run["shipments"] if i not in run["delivered"] + run["closed"]]
    assert all(status[i] == "shipped" for i in others)
    assert returns == returned_lines  # the ledger took the closed stop's stock back, line by line
    assert totals.differences(e2e_sessions).empty  # coverage reads totals that match the shipments exactly
    before, after = run["coverage_before"], _coverage(e2e_sessions)
    delivered = sum(units[i] for i in run["delivered"])
    assert after["delivered"] - before["delivered"] == delivered
    assert before["shipped"] - after["shipped"] == delivered + units[run["closed"][0]]


def test_leader_corrects_delivery_hours_in_yiddish_on_a_phone(browser, server, e2e_sessions) -> None:
    """The restock link's "when can we receive a delivery?" section, right to left, at 375 px."""
    from outreach import i18n
    from outreach.catalog import language_of
    from outreach.delivery import windows
    from tests.e2e.conftest import choose, fresh_link

    organization, token = fresh_link(e2e_sessions, serving="yi")
    with open_tab(browser, **PHONE_812) as phone:
        phone.goto(f"{server}/restock?t={token}")
        wait_until_idle(phone)
        choose(phone, re.compile(r"🌐"), language_of("yi").native)
        heading = phone.get_by_role("heading", name=i18n.t("delivery.windows.title", "yi"))
        heading.wait_for()
        friday = phone.get_by_label(i18n.t("delivery.day.4", "yi"), exact=True)
        friday.fill("10:00-12:00")
        friday.press("Tab")
        phone.get_by_role("button", name=i18n.t("delivery.windows.save", "yi")).click()
        expect(phone.get_by_text(i18n.t("delivery.windows.saved", "yi"))).to_be_visible()
        wait_until_idle(phone)
        phone.get_by_role("heading", name=i18n.t("delivery.windows.title", "yi")).evaluate(
            "element => element.scrollIntoView({block: 'start'})"
        )
        screenshot(phone, "restock-hours-phone-yiddish")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 2, f"the page scrolls sideways at 375 px ({width} px)"
    schedule = windows.schedule_of(e2e_sessions, organization.id)
    assert schedule.on(dt.date(2026, 12, 11)) == [(600, 720)]  # a Friday: what the leader typed


def test_coordinator_sees_and_edits_an_organizations_delivery_windows(open_page, e2e_sessions) -> None:
    from outreach.delivery import windows
    from outreach.models import Organization

    with e2e_sessions() as session:
        mosque = session.scalars(
            select(Organization).where(Organization.faith_tradition == "Muslim").order_by(Organization.id)
        ).first()
        assert mosque is not None
        name, org_id, borough = mosque.name, mosque.id, mosque.borough
    page = open_page("demo-coordinator", "Delivery runs")
    page.get_by_role("radio", name="Delivery windows").or_(page.get_by_text("Delivery windows")).first.click()
    wait_until_idle(page)
    from tests.e2e.conftest import choose

    choose(page, "Organization", f"{name} ({borough})", typed=name[:12])
    expect(page.get_by_text("mosque defaults: closed Friday 12:00-14:30")).to_be_visible()
    expect(page.get_by_label("Friday", exact=True)).to_have_value("09:00-12:00, 14:30-18:00")
    page.get_by_label("Saturday", exact=True).fill("")
    page.get_by_role("button", name="Save the hours").click()
    expect(page.get_by_text("Delivery hours saved.")).to_be_visible()
    wait_until_idle(page)
    screenshot(page, "delivery-windows")
    assert windows.schedule_of(e2e_sessions, org_id).on(dt.date(2026, 12, 12)) == []  # a Saturday: closed now
