"""One restock, end to end, in a real browser: a faith leader asks on a phone (in Bangla, then Urdu), a
coordinator claims, approves, ships and delivers it, and an organizer sees the delivery on the coverage page.

The tests run in file order and hand the request on through the module-scoped `journey` dict; each later
step says so plainly if an earlier one did not happen.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import exists, select

from outreach import i18n, inventory, restock_links
from outreach.catalog import MATERIALS, district_label
from outreach.catalog import language as language_of
from outreach.models import Organization, OrganizationLanguage, RestockRequest, RestockToken, Shipment
from tests.e2e.conftest import PHONE, go_to, open_tab, screenshot, sign_in, wait_until_idle

ITEM = ("flyer", "bn")  # the leader asks for Bangla flyers: the coverage of Bangla is what must change
PACKS = 2
UNITS = PACKS * next(m.pack_size for m in MATERIALS if m.code == ITEM[0])
SCROLL_TOLERANCE = 2  # px: sub-pixel rounding, not a scrollbar


def _pick_organization(sessions) -> Organization:
    """An active organization placed in a district, serving Bangla but preferring another language (so the
    page opens in that language first), with no link, request or shipment yet (a clean history)."""
    with sessions() as session:
        organization = session.scalars(
            select(Organization)
            .where(
                Organization.status == "active",
                Organization.community_district.is_not(None),
                Organization.preferred_language.not_in(["bn", "ur"]),
                exists().where(
                    OrganizationLanguage.organization_id == Organization.id,
                    OrganizationLanguage.language == ITEM[1],
                ),
                ~exists().where(RestockRequest.organization_id == Organization.id),
                ~exists().where(RestockToken.organization_id == Organization.id),
                ~exists().where(Shipment.organization_id == Organization.id),
            )
            .order_by(Organization.id)
            .limit(1)
        ).one()
        session.expunge(organization)
        return organization


def choose(page, label: str | re.Pattern[str], option: str | re.Pattern[str], *, typed: str = "") -> None:
    """Pick an option of a Streamlit selectbox by its accessible name, typing `typed` first to filter the
    list (a bare click on a box near the bottom of the window sometimes leaves the list closed)."""
    wait_until_idle(page)  # a rerun that ends after the click would close the list again
    box = page.get_by_role("combobox", name=label)
    box.click()
    if typed:
        box.press_sequentially(typed)
    page.get_by_role("option", name=option).first.click()


def coverage_view(page, *, area: str, language: str) -> tuple[dict[str, str], dict[str, object], str]:
    """Open the coverage page (signed in) for one language. Return the gap table's row for the area (read
    from the CSV the page offers: the table itself is drawn on a canvas), the area's tooltip data from the
    map, and the map's HTML."""
    go_to(page, "Coverage map")
    name = language_of(language).english
    choose(page, "Language", re.compile(rf"^{name}\b"), typed=name)
    the_map = page.get_by_test_id("stIFrame")
    expect(the_map).to_have_attribute("title", re.compile(rf"^{name}: "))  # the server has redrawn it
    wait_until_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Download table")).click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    matching = [r for r in rows if r["Area"].split(" · ")[0] == area and r["Language"] == name]
    assert len(matching) == 1, f"no single coverage row for {area} / {language}: {matching or rows[:3]}"
    html = the_map.get_attribute("srcdoc") or ""
    tooltips = [json.loads(block) for block in re.findall(r'"properties": (\{[^{}]*\})', html)]
    return matching[0], next(t for t in tooltips if str(t.get("label", "")).startswith(f"{area} ·")), html


@pytest.fixture(scope="module")
def journey(browser, server, e2e_sessions) -> dict:
    organization = _pick_organization(e2e_sessions)
    token = restock_links.issue_link(e2e_sessions, organization_id=organization.id, actor="e2e-setup")
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
        before, before_map, _ = coverage_view(page, area=area, language=ITEM[1])
    with open_tab(browser) as page:  # a coordinator looks at the queue first: its cached reads must not hide
        sign_in(page, server, "demo-coordinator")  # the request that arrives next
        go_to(page, "Restock requests")
        page.get_by_role("combobox", name="Work on request").wait_for()
    return {"organization": organization, "token": token, "area": area, "before": before, "before_map": before_map}


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _direction(page) -> str:
    return page.locator("[data-testid='stMainBlockContainer']").evaluate("el => getComputedStyle(el).direction")


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
        expect(phone.get_by_text(i18n.t("confirm.total", "ur", packs=PACKS, pieces=f"{UNITS:,}"))).to_be_visible()
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
        page.get_by_role("radio", name=action).check(force=True)
        page.get_by_role("button", name="Confirm").click()
        page.get_by_text(f"Shipment #{shipment_id}: {action.lower()} done.").first.wait_for()
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
    after, after_map, html = coverage_view(page, area=journey["area"], language=ITEM[1])
    before, before_map = journey["before"], journey["before_map"]
    assert _number(after["Delivered"]) == _number(before["Delivered"]) + UNITS
    assert _number(after["Gap"]) == _number(before["Gap"]) - UNITS
    # The map's tooltip for the district says the same. Only the map's HTML can be checked: Leaflet, its
    # plugins and the tiles come from public CDNs that test machines cannot reach, so nothing is drawn here
    # (outreach/maps.py's unit tests check the layers the map is built from).
    assert _number(str(after_map["delivered_text"])) == _number(str(before_map["delivered_text"])) + UNITS
    assert "Recently delivered" in html  # the marker legend
    assert journey["organization"].name in html  # the organization's marker
    screenshot(page, "coverage")
