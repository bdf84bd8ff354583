"""One restock, end to end, in a real browser: a faith leader asks on a phone (in Bangla, then Urdu), a
coordinator claims, approves, ships and delivers it, and an organizer sees the delivery on the coverage page.

The tests run in file order and hand the request on through the module-scoped `journey` dict; each later
step says so plainly if an earlier one did not happen.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from outreach import i18n, inventory
from outreach.catalog import MATERIALS, district_label, language_of
from tests.e2e.conftest import (
    PHONE,
    choose,
    fresh_link,
    go_to,
    open_tab,
    screenshot,
    sign_in,
    wait_until_idle,
)

ITEM = ("flyer", "bn")  # the leader asks for Bangla flyers: the coverage of Bangla is what must change
PACKS = 2
UNITS = PACKS * next(m.pack_size for m in MATERIALS if m.code == ITEM[0])
SCROLL_TOLERANCE = 2  # px: sub-pixel rounding, not a scrollbar


def coverage_view(page, *, area: str, language: str) -> tuple[dict[str, object], str]:
    """Open the coverage page (signed in) for one language; return the area's figures as the map's tooltip
    holds them (the same row as the gap table, which is drawn on a canvas) and the map's HTML.

    Not the table's CSV download: Streamlit 1.67's lazily built downloads sometimes leave the button
    spinning and never deliver the file (seen here on the second or third click)."""
    go_to(page, "Coverage map")
    name = language_of(language).english
    choose(page, "Language", re.compile(rf"^{name}\b"), typed=name)
    the_map = page.get_by_test_id("stIFrame")
    expect(the_map).to_have_attribute("title", re.compile(rf"^{name}: "))  # the server has redrawn it
    html = the_map.get_attribute("srcdoc") or ""
    tooltips = [json.loads(block) for block in re.findall(r'"properties": (\{[^{}]*\})', html)]
    matching = [t for t in tooltips if str(t.get("label", "")).split(" · ")[0] == area]
    assert len(matching) == 1, f"no single area {area} on the {name} map: {len(tooltips)} areas"
    return matching[0], html


@pytest.fixture(scope="module")
def journey(browser, server, e2e_sessions) -> dict:
    organization, token = fresh_link(e2e_sessions, serving=ITEM[1])
    # A print run at the depot the approval form offers first: the demo data may have handed out every
    # Bangla flyer already, and this journey is about the flow, not about running short.
    units = inventory.units(e2e_sessions, include_retired=False).sort_values("unit_id")
    unit_id = int(units[(units["material"] == ITEM[0]) & (units["language"] == ITEM[1])]["unit_id"].iloc[-1])
    inventory.receive(
        e2e_sessions,
        unit_id=unit_id,
        location_id=int(inventory.locations(e2e_sessions)["location_id"].iloc[0]),
        quantity=UNITS,
        reference="e2e print run",
        actor="e2e-setup",
    )
    area = district_label(organization.community_district)
    with open_tab(browser) as page:  # the organizer's view before anything is delivered
        sign_in(page, server, "demo-organizer")
        before, _ = coverage_view(page, area=area, language=ITEM[1])
    with open_tab(browser) as page:  # a coordinator looks at the queue first: its cached reads must not hide
        sign_in(page, server, "demo-coordinator")  # the request that arrives next
        go_to(page, "Restock requests")
        page.get_by_role("combobox", name="Work on request").wait_for()
    return {"organization": organization, "token": token, "area": area, "before": before}


def _number(text: object) -> int:
    return int(str(text).replace(",", ""))


def _direction(page) -> str:
    return page.locator("[data-testid='stMainBlockContainer']").evaluate(
        "el => getComputedStyle(el).direction"
    )


def _assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375 + SCROLL_TOLERANCE, f"the page scrolls sideways on a phone: {width}px wide"


def _history_row(page, reference: str):
    """The request's line in "your organization's requests" (reference · date · status, in bold)."""
    return page.get_by_test_id("stMarkdownContainer").locator("strong", has_text=reference)


def _switch_language(page, current: str, new: str) -> None:
    choose(page, "🌐 " + i18n.t("language.label", current), i18n.language_choices()[new])
    expect(page.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", new))


def test_faith_leader_on_a_phone_requests_materials_in_urdu(browser, server, journey):
    organization = journey["organization"]
    start = organization.preferred_language
    with open_tab(browser, **PHONE) as phone:
        phone.goto(f"{server}/restock?t={journey['token']}")
        expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", start))
        phone.get_by_role("heading", name=organization.name).wait_for()
        assert _direction(phone) == "ltr"

        _switch_language(phone, start, "bn")
        assert _direction(phone) == "ltr"
        _assert_no_horizontal_scroll(phone)
        screenshot(phone, "restock-phone-bangla")

        _switch_language(phone, "bn", "ur")
        expect(phone.locator("[data-testid='stMainBlockContainer']")).to_have_css("direction", "rtl")
        _assert_no_horizontal_scroll(phone)
        screenshot(phone, "restock-phone-urdu")

        packs = phone.get_by_label(i18n.t("form.packs", "ur", item=ITEM), exact=True)
        packs.fill(str(PACKS))
        packs.press("Tab")
        phone.get_by_role("button", name=i18n.t("form.review", "ur")).click()

        phone.get_by_text(i18n.t("confirm.heading", "ur")).wait_for()
        expect(
            phone.get_by_text(
                i18n.t(
                    "confirm.total_counted",
                    "ur",
                    packs=i18n.counted("packs", PACKS, "ur"),
                    pieces=i18n.counted("pieces", UNITS, "ur"),
                )
            )
        ).to_be_visible()
        _assert_no_horizontal_scroll(phone)
        phone.get_by_role("button", name=i18n.t("confirm.send", "ur")).click()

        phone.get_by_text(i18n.t("done.heading", "ur")).wait_for()
        reference = phone.locator("[data-testid='stCode']").inner_text().strip()
        assert re.fullmatch(r"KYR-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
        expect(_history_row(phone, reference)).to_contain_text(i18n.status_label("submitted", "ur"))
        assert _direction(phone) == "rtl"
        _assert_no_horizontal_scroll(phone)
    journey["reference"] = reference


def _needs(journey: dict, key: str, step: str) -> object:
    assert key in journey, f"this step needs the earlier one ({step}) to have passed"
    return journey[key]


def test_coordinator_claims_approves_ships_and_delivers_the_request(page, server, journey):
    reference = _needs(journey, "reference", "the faith leader's request")
    sign_in(page, server, "demo-coordinator")
    go_to(page, "Restock requests")
    choose(page, "Work on request", re.compile(re.escape(reference)), typed=reference)
    page.get_by_role("heading", name=f"{reference}: submitted").wait_for()

    page.get_by_role("button", name="Claim this request").click()
    page.get_by_text("You have claimed this request.").wait_for()

    page.get_by_role("button", name="Approve and reserve stock").click()
    page.get_by_role("heading", name=f"{reference}: approved").wait_for()
    screenshot(page, "restock-requests")

    page.get_by_role("button", name="Create the shipment from the approved lines").click()
    notice = page.get_by_text(re.compile(r"Shipment #\d+ is draft"))
    notice.wait_for()
    shipment_id = int(re.search(r"#(\d+)", notice.inner_text()).group(1))

    page.get_by_role("link", name="Open Shipments").click()
    page.get_by_role("heading", name="Shipments").wait_for()
    for action, done in (("Pack", "packed"), ("Ship", "shipped"), ("Deliver", "delivered")):
        choose(page, "Shipment", re.compile(rf"^#{shipment_id} "), typed=f"#{shipment_id}")
        page.get_by_text(re.compile(rf"Shipment #{shipment_id} is ")).first.wait_for()
        expect(page.get_by_role("combobox", name="Shipment")).to_have_value(
            re.compile(re.escape(journey["organization"].name))  # the leader's shipment, not another
        )
        page.get_by_role("radio", name=action).check(force=True)
        page.get_by_role("button", name="Confirm").click()
        page.get_by_text(f"{done.capitalize()}. Shipment #{shipment_id} ").first.wait_for()
        wait_until_idle(page)
        if done == "shipped":
            screenshot(page, "shipments")
    journey["shipment_id"] = shipment_id

    # The leader's page now shows the request as delivered.
    page.goto(f"{server}/restock?t={journey['token']}")
    expect(_history_row(page, reference)).to_contain_text(
        i18n.status_label("delivered", journey["organization"].preferred_language)
    )


def test_organizer_sees_the_delivery_counted_on_the_coverage_map(page, server, journey):
    _needs(journey, "shipment_id", "the coordinator's delivery")
    sign_in(page, server, "demo-organizer")
    after, html = coverage_view(page, area=journey["area"], language=ITEM[1])
    before = journey["before"]
    assert _number(after["delivered_text"]) == _number(before["delivered_text"]) + UNITS
    assert _number(after["in_transit_text"]) == _number(
        before["in_transit_text"]
    )  # delivered, not on the way
    # The map is really drawn: the app serves Leaflet itself (static/vendor). Map tiles cannot load offline
    # (conftest.offline_web), so the districts sit on a blank background under a notice that says so.
    drawn = page.frame_locator("[data-testid='stIFrame']")
    drawn.locator(".leaflet-container").wait_for()
    expect(drawn.locator("path.leaflet-interactive")).not_to_have_count(0)
    assert drawn.locator("path.leaflet-interactive").count() >= 59  # every community district
    expect(drawn.locator(".marker-cluster").first).to_be_visible()  # the organizations, clustered
    expect(drawn.get_by_text("Recently delivered")).to_be_visible()  # the marker legend
    assert journey["organization"].name in html  # the organization's marker data
    page.mouse.move(0, 0)  # the layer control opens under a hovering pointer
    screenshot(page, "coverage")
