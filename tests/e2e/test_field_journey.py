"""The field loop in a real browser on a phone (375 x 812): a faith leader scans a packing slip's code and
confirms the parcel in Arabic (right to left), reports handouts in Arabic; another parcel is confirmed through
the restock link and handouts reported in Haitian Kreyòl; then the organizer's coverage page shows the new
confirmed and handed-out figures for that district. Screenshots go to docs/.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from outreach import i18n, inventory, organizations
from outreach.catalog import district_label
from outreach.field import receipts, stages
from outreach.restock import links as restock_links
from outreach.shipments import steps as shipments
from outreach.ui.parcel_receipts import isolated
from tests.e2e.conftest import PHONE, choose, download, go_to, open_tab, screenshot, sign_in, wait_until_idle

TALL_PHONE = {**PHONE, "viewport": {"width": 375, "height": 812}}
AR_FLYER = ("flyer", "ar")
HT_BOOKLET = ("booklet", "ht")
SCROLL_TOLERANCE = 2


def _unit(sessions, item) -> int:
    units = inventory.units(sessions, include_retired=False).sort_values("unit_id")
    chosen = units[(units["material"] == item[0]) & (units["language"] == item[1])]
    return int(chosen["unit_id"].iloc[-1])


def _deliver(sessions, organization_id: int, unit_id: int, units: int) -> int:
    depot = int(inventory.locations(sessions)["location_id"].iloc[0])
    inventory.receive(
        sessions,
        unit_id=unit_id,
        location_id=depot,
        quantity=units,
        reference="e2e field run",
        actor="e2e-setup",
    )
    shipment = shipments.create_shipment(
        sessions, organization_id=organization_id, depot_id=depot, lines={unit_id: units}, actor="e2e-setup"
    )
    for step in (shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment):
        step(sessions, shipment_id=shipment, actor="e2e-setup")
    return shipment


@pytest.fixture(scope="module")
def field(e2e_sessions) -> dict:
    """A mosque in Astoria serving Arabic and Haitian Kreyòl, with two delivered parcels and a private link."""
    org = organizations.create_organization(
        e2e_sessions,
        name="Masjid An-Nur (e2e)",
        borough="Queens",
        languages=["ar", "ht"],
        preferred_language="ar",
        latitude=40.7557,
        longitude=-73.9249,
        actor="e2e-setup",
    )
    arabic = _deliver(e2e_sessions, org, _unit(e2e_sessions, AR_FLYER), 150)
    kreyol = _deliver(e2e_sessions, org, _unit(e2e_sessions, HT_BOOKLET), 50)
    token = restock_links.issue_link(e2e_sessions, organization_id=org, actor="e2e-setup")
    district = organizations.get_organization(e2e_sessions, org).community_district
    return {"org": org, "arabic": arabic, "kreyol": kreyol, "token": token, "district": district}


def _direction(page) -> str:
    return page.locator("[data-testid='stMainBlockContainer']").evaluate(
        "el => getComputedStyle(el).direction"
    )


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375 + SCROLL_TOLERANCE, f"the page scrolls sideways on a phone: {width}px wide"


def _report(phone, lang: str, item: tuple[str, str], handed: str, left: str) -> None:
    phone.get_by_role("heading", name=i18n.t("handouts.heading", lang)).scroll_into_view_if_needed()
    out = phone.get_by_label(i18n.t("handouts.handed_out", lang, item=item), exact=True)
    out.fill(handed)
    out.press("Tab")
    remaining = phone.get_by_label(i18n.t("handouts.left", lang, item=item), exact=True)
    remaining.fill(left)
    remaining.press("Tab")
    phone.get_by_role("button", name=i18n.t("handouts.review", lang)).click()
    phone.get_by_text(i18n.t("handouts.confirm_heading", lang)).wait_for()
    phone.get_by_role("button", name=i18n.t("handouts.send", lang)).click()
    phone.get_by_text(i18n.t("handouts.done", lang)).wait_for()


def test_a_leader_confirms_by_the_slip_and_reports_in_arabic(browser, server, e2e_sessions, field):
    code = receipts.receipt_code(e2e_sessions, field["arabic"])
    with open_tab(browser, **TALL_PHONE) as phone:
        phone.goto(f"{server}/restock?r={code}")
        phone.get_by_role("heading", name="Masjid An-Nur (e2e)").wait_for()
        expect(phone.locator("[data-testid='stMainBlockContainer']")).to_have_css("direction", "rtl")
        line = i18n.t("receipt.line", "ar", item=isolated(AR_FLYER, "ar"), packs=3)
        expect(phone.get_by_text(line)).to_be_visible()
        phone.get_by_label(i18n.t("receipt.name", "ar")).first.fill("الإمام يوسف")
        phone.get_by_role("button", name=i18n.t("receipt.confirm", "ar")).click()
        phone.get_by_text(i18n.t("receipt.done", "ar", number=field["arabic"])).wait_for()
        _no_sideways_scroll(phone)
        screenshot(phone, "field-receipt-phone-arabic")

        phone.goto(f"{server}/restock?t={field['token']}")  # the organization's link, still in Arabic
        phone.get_by_role("heading", name=i18n.t("handouts.heading", "ar")).wait_for()
        expect(phone.locator("[data-testid='stMainBlockContainer']")).to_have_css("direction", "rtl")
        _report(phone, "ar", AR_FLYER, "2", "1")  # 2 packs handed out, 1 left
        _no_sideways_scroll(phone)
        phone.get_by_role("heading", name=i18n.t("handouts.heading", "ar")).scroll_into_view_if_needed()
        screenshot(phone, "field-handouts-phone-arabic")


def test_a_leader_confirms_by_the_link_and_reports_in_kreyol(browser, server, field):
    with open_tab(browser, **TALL_PHONE) as phone:
        phone.goto(f"{server}/restock?t={field['token']}")
        phone.get_by_role("heading", name="Masjid An-Nur (e2e)").wait_for()
        choose(phone, "🌐 " + i18n.t("language.label", "ar"), i18n.language_choices()["ht"])
        expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", "ht"))
        assert _direction(phone) == "ltr"
        parcel = phone.get_by_text(
            i18n.t("receipt.parcel", "ht", number=str(field["kreyol"]), date="").split("·")[0]
        )
        parcel.scroll_into_view_if_needed()
        phone.get_by_role("button", name=i18n.t("receipt.confirm", "ht")).click()
        phone.get_by_text(i18n.t("receipt.done", "ht", number=field["kreyol"])).wait_for()
        _report(phone, "ht", HT_BOOKLET, "1", "1")  # 1 pack of booklets handed out, 1 left
        _no_sideways_scroll(phone)
        phone.get_by_role("heading", name=i18n.t("handouts.heading", "ht")).scroll_into_view_if_needed()
        wait_until_idle(phone)
        screenshot(phone, "field-handouts-phone-kreyol")


def _tooltip(page, district: int, language_name: str) -> dict:
    the_map = page.get_by_test_id("stIFrame")
    expect(the_map).to_have_attribute("title", re.compile(rf"^{language_name}: "))
    html = the_map.get_attribute("srcdoc") or ""
    tooltips = [json.loads(block) for block in re.findall(r'"properties": (\{[^{}]*\})', html)]
    return next(t for t in tooltips if str(t.get("label", "")).split(" · ")[0] == district_label(district))


def test_the_organizer_sees_the_new_stage_figures(browser, server, e2e_sessions, field):
    confirmed = stages.stage_units(e2e_sessions, "confirmed", language="ar")
    here = int(confirmed[confirmed["community_district"] == field["district"]]["units"].sum())
    assert here >= 150  # the parcel the leader confirmed on the phone is counted
    with open_tab(browser) as page:
        sign_in(page, server, "demo-organizer")
        go_to(page, "Coverage map")
        choose(page, "Language", re.compile(r"^Arabic\b"), typed="Arabic")
        page.get_by_text("Confirmed received").first.click()
        wait_until_idle(page)
        tooltip = _tooltip(page, field["district"], "Arabic")
        assert int(str(tooltip["delivered_text"]).replace(",", "")) == here  # the map counts confirmed units
        section = page.get_by_text("From delivered to handed out")
        section.scroll_into_view_if_needed()
        section.click()  # closed by default: opening it computes the table
        wait_until_idle(page)
        stage_grid = page.get_by_test_id("stExpander").get_by_test_id("stDataFrame")
        expect(stage_grid).to_be_visible()
        stage_grid.scroll_into_view_if_needed()
        screenshot(page, "field-coverage-stages")
        go_to(page, "Dashboard")
        metric = page.get_by_test_id("stMetric").filter(has_text="Reported handed out")
        expect(metric).to_be_visible()
        handed = stages.campaign_stages(e2e_sessions)["handed_out"]
        assert handed >= 100 + 25
        expect(metric).to_contain_text(f"{handed:,}")


def test_the_coordinator_follows_up_and_sees_short_parcels(open_page, e2e_sessions, field):
    import datetime as dt

    from sqlalchemy import update

    from outreach.db import utcnow
    from outreach.models import Shipment

    silent = organizations.create_organization(
        e2e_sessions,
        name="Eglise Silencieuse (e2e)",
        borough="Brooklyn",
        languages=["ht", "fr"],
        contact_name="Pastor Jean",
        contact_phone="718-555-0142",
        actor="e2e-setup",
    )
    shipment = _deliver(e2e_sessions, silent, _unit(e2e_sessions, HT_BOOKLET), 50)
    with e2e_sessions.begin() as session:  # delivered ten days ago, never confirmed (test set-up only)
        session.execute(
            update(Shipment)
            .where(Shipment.id == shipment)
            .values(delivered_at=utcnow() - dt.timedelta(days=10))
        )
    page = open_page("demo-coordinator", "Follow-up")
    expect(page.get_by_text("+1 718-555-0142").first).to_be_attached()  # in the grid (a canvas)
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    listed = download(page, page.get_by_role("button", name="Download the follow-up list (CSV, every row)"))
    assert "+1 718-555-0142" in listed.decode("utf-8-sig")  # built when pressed: the whole list, contacts too
    screenshot(page, "field-follow-up")
    go_to(page, "Dashboard")
    page.get_by_text("Reached people").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Campaign report (PDF)")).to_be_visible()
    screenshot(page, "field-dashboard-stages")
