"""What the screen shows right after each page's main write (issue 13.2), in a real browser.

Every write reruns its page, so no table drawn before the write survives: right after the click, with no
other navigation, each test finds the new figure on screen, the person still in the section they were in,
and one confirmation. Each test makes its own data: through the page, or in the database for what a browser
cannot set up quickly (a print run in stock, a request waiting in the queue), as conftest.fresh_link does.
Tables are read from the grid's accessible rows, loosely (the row naming the item holds the new figure), so
a relabelled column does not break them. The download buttons are in test_downloads.py.
"""

from __future__ import annotations

import csv
import io
import re
import uuid

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import exists, select

from outreach import i18n, inventory
from outreach.accounts import auth
from outreach.catalog import MATERIALS
from outreach.coverage import planning
from outreach.models import Organization, RestockToken, Shipment
from outreach.restock import links as restock_links
from outreach.restock import submission
from outreach.shipments import steps as shipment_steps
from outreach.shipments import totals as shipment_totals
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    PHONE,
    choose,
    download,
    fresh_link,
    go_to,
    open_tab,
)

DEPOT = "Manhattan central depot"  # the first depot: the one the approval and planner forms offer first
PACK = {material.code: material.pack_size for material in MATERIALS}
PHONE_WIDTH = 375
SCROLL_TOLERANCE = 2  # px: sub-pixel rounding, not a scrollbar


# --- set-up ---------------------------------------------------------------------------------------------


def _depot_id(sessions) -> int:
    depots = inventory.locations(sessions)
    return int(depots.loc[depots["name"] == DEPOT, "location_id"].iloc[0])


def _current_unit(sessions, material: str, language: str) -> int:
    units = inventory.units(sessions, include_retired=False).sort_values("unit_id")
    chosen = units[(units["material"] == material) & (units["language"] == language)]
    return int(chosen["unit_id"].iloc[-1])


def _on_hand(sessions, unit_id: int, location_id: int) -> int:
    levels = inventory.stock_levels(sessions, location_id=location_id)
    return int(levels.loc[levels["unit_id"] == unit_id, "on_hand"].iloc[0])


def _stock(sessions, material: str, language: str, units: int) -> int:
    """A print run at the first depot, so a test never runs short of what the demo data left; the unit id."""
    unit_id = _current_unit(sessions, material, language)
    inventory.receive(
        sessions,
        unit_id=unit_id,
        location_id=_depot_id(sessions),
        quantity=units,
        reference="e2e writes-show set-up",
        actor="e2e-setup",
    )
    return unit_id


def _free_booklets(sessions, language: str) -> int:
    """Booklets of the current edition the planner may allocate from the first depot (may be below zero)."""
    depot_id = _depot_id(sessions)
    items = planning.free_stock(
        inventory.stock_levels(sessions, language=language, location_id=depot_id),
        shipment_totals.pending_units(sessions, language=language),
        depot_id=depot_id,
    ).set_index("unit_id")
    item = items.loc[_current_unit(sessions, "booklet", language)]
    return int(item["available"] - item["promised"])


def _organization(sessions, *, with_shipments: bool) -> Organization:
    """An active organization: one that has had shipments (so the pool of fresh ones that conftest.fresh_link
    draws from stays whole), or, for a new link, one with no link, taken from the end of the list."""
    with sessions() as session:
        query = select(Organization).where(Organization.status == "active")
        if with_shipments:
            query = query.where(exists().where(Shipment.organization_id == Organization.id))
        else:
            query = query.where(~exists().where(RestockToken.organization_id == Organization.id))
        organization = session.scalars(query.order_by(Organization.id.desc()).limit(1)).one()
        session.expunge(organization)
    return organization


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


# --- what is on screen ----------------------------------------------------------------------------------


def _table(page):
    """The page's first table (the list the write changes, on every page tested here)."""
    return page.get_by_test_id("stDataFrame").first


def _rows(table, *texts: str | re.Pattern[str]):
    """The table's rows on screen holding every one of `texts` (the grid's accessible rows, which follow what
    it draws on its canvas)."""
    rows = table.locator("tbody tr[role='row']")
    for text in texts:
        rows = rows.filter(has_text=text)
    return rows


def _cells(row, figure: int | str):
    """The row's cells that hold exactly `figure` (as 757 or 1,757)."""
    shown = {str(figure), f"{figure:,}"} if isinstance(figure, int) else {figure}
    pattern = "|".join(re.escape(text) for text in shown)
    return row.locator("td").filter(has_text=re.compile(rf"^\s*(?:{pattern})\s*$", re.IGNORECASE))


def _scroll_to_row(table, *texts: str | re.Pattern[str]):
    """Scroll the grid from its top until a row holding `texts` is drawn (a grid draws only the rows in
    view); the rows found, or none."""
    rows = _rows(table, *texts)
    expect(_rows(table).first).to_be_attached()  # the grid has drawn its first rows
    scroller = table.locator(".dvn-scroller")
    scroller.evaluate("el => { el.scrollTop = 0; }")
    for _ in range(50):
        try:
            rows.first.wait_for(state="attached", timeout=1_000)
            return rows
        except PlaywrightTimeout:
            pass
        moved = scroller.evaluate(
            "el => { const top = el.scrollTop; el.scrollTop = top + el.clientHeight * 0.8; "
            "return el.scrollTop !== top; }"
        )
        if not moved:
            break
    return rows


def _expect_one_confirmation(page, text: str) -> None:
    """The confirmation shows once (show_flash on the run after the write), and no error with it."""
    confirmations = page.get_by_test_id("stAlertContentSuccess")
    expect(confirmations.filter(has_text=text)).to_have_count(1)
    expect(confirmations.filter(has_text=text)).to_be_visible()
    expect(page.get_by_text(text, exact=False)).to_have_count(1)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def _expect_section(page, group: str, section: str) -> None:
    expect(page.get_by_role("radiogroup", name=group).get_by_role("radio", name=section)).to_be_checked()


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- each page's main write -----------------------------------------------------------------------------


def test_receiving_a_print_run_shows_the_new_stock_at_once(open_page, e2e_sessions):
    """The issue's case: 'Received 7' used to sit above a depot table and a stock CSV still saying 750."""
    received = 7
    unit_id = _current_unit(e2e_sessions, "flyer", "ar")
    before = _on_hand(e2e_sessions, unit_id, _depot_id(e2e_sessions))
    after = before + received
    page = open_page("demo-coordinator", "Inventory")
    # Each choice reruns the page; the next waits for what it shows (a list opened during a rerun can close).
    table = _table(page)
    choose(page, re.compile(r"^Depot$"), DEPOT, typed="Manhattan")
    choose(page, "Language", re.compile(r"^Arabic"), typed="Arabic")
    expect(_rows(table).filter(has_not_text="Arabic")).to_have_count(0)  # runs after the depot's rerun
    choose(page, "Material", "flyer", typed="flyer")
    expect(_rows(table).filter(has_not_text=re.compile(r"flyer", re.IGNORECASE))).to_have_count(0)
    row = _rows(table, "Arabic", re.compile(r"flyer", re.IGNORECASE))
    expect(row).to_have_count(1)
    expect(_cells(row, before)).not_to_have_count(0)
    expect(_cells(row, after)).to_have_count(0)
    _expect_section(page, "Record", "Receive a print run")

    choose(page, "Item", re.compile(r"^Flyer · Arabic · "), typed="Flyer · Arabic")
    choose(page, "Into depot", DEPOT, typed="Manhattan")
    page.get_by_label("Units received").fill(str(received))
    page.get_by_label("Print run reference").fill("e2e print run")
    page.get_by_label("Print run reference").press("Tab")
    page.get_by_role("button", name="Record receipt").click()

    _expect_one_confirmation(page, f"Received {received} × Flyer · Arabic")
    expect(_cells(row, after)).not_to_have_count(0)  # the depot's table, redrawn by the rerun
    _expect_section(page, "Record", "Receive a print run")
    stock_csv = _csv_rows(download(page, page.get_by_role("button", name="Download stock CSV")))
    arabic_flyers = [
        line
        for line in stock_csv
        if any(cell.startswith("Arabic") for cell in line) and any(c.lower() == "flyer" for c in line)
    ]
    assert len(arabic_flyers) == 1, stock_csv[:3]
    assert str(after) in arabic_flyers[0], (after, stock_csv[0], arabic_flyers[0])


def test_packing_a_draft_shows_it_packed_in_the_list(open_page, e2e_sessions):
    unit_id = _stock(e2e_sessions, "booklet", "es", PACK["booklet"])
    organization = _organization(e2e_sessions, with_shipments=True)
    shipment_id = shipment_steps.create_shipment(
        e2e_sessions,
        organization_id=organization.id,
        depot_id=_depot_id(e2e_sessions),
        lines=[(unit_id, PACK["booklet"])],
        actor="e2e-setup",
    )
    page = open_page("demo-coordinator", "Shipments")
    row = _scroll_to_row(_table(page), organization.name, re.compile(rf"^{shipment_id}\D"))
    expect(_cells(row, "draft")).to_have_count(1)

    choose(page, re.compile(r"^Shipment$"), re.compile(rf"^#{shipment_id} "), typed=f"#{shipment_id}")
    page.get_by_role("radiogroup", name=f"Shipment #{shipment_id} is draft").get_by_role(
        "radio", name="Pack"
    ).check(force=True)
    page.get_by_role("button", name="Confirm").click()

    _expect_one_confirmation(page, f"Packed. Shipment #{shipment_id} is ready to ship.")
    row = _scroll_to_row(_table(page), organization.name, re.compile(rf"^{shipment_id}\D"))
    expect(_cells(row, "packed")).to_have_count(1)  # the list above, redrawn
    expect(_cells(row, "draft")).to_have_count(0)
    # Still on the same shipment, now one step further.
    expect(page.get_by_role("combobox", name=re.compile(r"^Shipment$"))).to_have_value(
        re.compile(rf"^#{shipment_id} ")
    )
    expect(page.get_by_role("radiogroup", name=f"Shipment #{shipment_id} is packed")).to_be_visible()


def test_approving_a_request_shows_it_approved_with_the_stock_reserved(open_page, e2e_sessions):
    packs = 2
    organization, token = fresh_link(e2e_sessions, serving="en")
    unit_id = _stock(e2e_sessions, "flyer", "en", packs * PACK["flyer"])
    reference = submission.submit_request(
        e2e_sessions,
        token=token,
        lines={unit_id: packs},
        idempotency_key=uuid.uuid4().hex,
        language="en",
    ).reference
    page = open_page("demo-coordinator", "Restock requests")
    choose(page, "Work on request", re.compile(re.escape(reference)), typed=reference)
    page.get_by_role("heading", name=f"{reference}: submitted").wait_for()

    page.get_by_role("button", name="Approve and reserve stock").click()

    _expect_one_confirmation(page, f"Approved {reference}; stock reserved.")
    expect(page.get_by_role("heading", name=f"{reference}: approved")).to_be_visible()
    reserved = packs * PACK["flyer"]
    expect(page.get_by_text(f"{reserved:,} units reserved ({packs} packs).")).to_be_visible()
    _expect_section(page, "Section", "Queue")
    expect(page.get_by_role("combobox", name="Work on request")).to_have_value(
        re.compile(re.escape(reference))
    )


def test_a_new_restock_link_is_shown_at_once_in_the_links_section(open_page, e2e_sessions):
    organization = _organization(e2e_sessions, with_shipments=False)
    page = open_page("demo-coordinator", "Restock requests")
    page.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Restock links").click()
    choose(page, "Organization (link)", re.compile(re.escape(organization.name)), typed=organization.name)
    expect(page.get_by_text("This organization has no active link.")).to_be_visible()

    page.get_by_role("button", name="Apply").click()

    _expect_one_confirmation(page, "Link created.")
    link = page.get_by_test_id("stCode").filter(has_text="/restock?t=")
    expect(link).to_have_count(1)
    expect(page.get_by_text("Copy or print this link now: it will not be shown again.")).to_be_visible()
    expect(page.get_by_text("Active link made")).to_be_visible()
    _expect_section(page, "Section", "Restock links")
    token = link.inner_text().strip().rsplit("t=", 1)[1]
    assert restock_links.resolve(e2e_sessions, token).organization_id == organization.id  # the live link


def test_adding_an_organization_opens_it_for_editing_and_lists_it(open_page):
    name = _unique("Writes Test Fellowship")
    page = open_page("demo-coordinator", "Directory")
    page.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Add or edit").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Street address").fill("2 Writes Plaza")
    page.get_by_label("ZIP code").fill("10027")
    choose(page, "Languages served", re.compile(r"^Spanish"), typed="Spanish")
    page.keyboard.press("Escape")  # close the list of languages
    page.get_by_role("button", name="Add organization").click()

    # By design the page stays in "Add or edit" with the new organization picked, ready for its pin.
    _expect_one_confirmation(page, f"Added {name}.")
    _expect_section(page, "Section", "Add or edit")
    expect(page.get_by_role("combobox", name="Organization", exact=True)).to_have_value(
        re.compile(re.escape(name))
    )
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    expect(page.get_by_role("heading", name="Location")).to_be_visible()

    page.get_by_role("radiogroup", name="Section").get_by_role("radio", name="List").click()
    page.get_by_label("Search name, address or ZIP").fill(name)
    page.get_by_label("Search name, address or ZIP").press("Enter")
    expect(_rows(_table(page), name)).to_have_count(1)


def test_deactivating_a_user_shows_them_inactive(open_page, e2e_sessions):
    username = f"aaa.writes{uuid.uuid4().hex[:6]}"  # sorted first: in view in the users table
    auth.create_user(
        e2e_sessions, username=username, password=DEMO_PASSWORD, role="coordinator", actor="e2e-setup"
    )
    page = open_page("demo-admin", "Users")
    row = _scroll_to_row(_table(page), username)
    expect(_cells(row, "true")).to_have_count(1)  # active (the grid's checkbox, as text)

    choose(page, re.compile(r"^User$"), re.compile(rf"^{re.escape(username)} "), typed=username)
    page.get_by_role("radio", name="Deactivate (no more sign-ins; nothing is deleted)").check(force=True)
    page.get_by_role("button", name="Apply").click()

    _expect_one_confirmation(page, f"{username} (coordinator): deactivated.")
    row = _scroll_to_row(_table(page), username)
    expect(_cells(row, "false")).to_have_count(1)
    expect(_cells(row, "true")).to_have_count(0)
    _expect_section(page, "Manage", "Change a user")
    expect(page.get_by_role("combobox", name=re.compile(r"^User$"))).to_have_value(
        re.compile(rf"^{re.escape(username)} ")
    )


def test_drafting_the_plan_confirms_and_the_shipments_page_lists_the_drafts(open_page, e2e_sessions):
    # Haitian booklets, the item the planner offers first for Haitian (booklet sorts before flyer), with two
    # packs free: free = available - what draft and packed shipments will take, all of it in the demo data.
    free = _free_booklets(e2e_sessions, "ht")
    _stock(e2e_sessions, "booklet", "ht", max(-free, 0) + 2 * PACK["booklet"])
    free = _free_booklets(e2e_sessions, "ht")
    if free == _free_booklets(e2e_sessions, "es"):  # the budget's label must change with the language
        _stock(e2e_sessions, "booklet", "ht", PACK["booklet"])
        free += PACK["booklet"]
    unit_id = _current_unit(e2e_sessions, "booklet", "ht")
    note = _unique("e2e plan")
    page = open_page("demo-coordinator", "Allocation planner")
    choose(page, "Language", re.compile(r"^Haitian"), typed="Haitian")
    # The box of the Haitian booklets (the Spanish one it replaces can linger until the run ends).
    budget = page.get_by_label(re.compile(rf"^Units to allocate \(at most {free:,} free"))
    budget.fill(str(PACK["booklet"]))  # one pack: one organization
    budget.press("Tab")
    create = page.get_by_role("button", name=re.compile(r"^Create \d+ draft shipments$"))
    expect(create).to_have_text(re.compile(r"Create 1 draft shipments"), timeout=30_000)  # the plan reruns
    page.get_by_label("Note on the shipments (optional)").fill(note)
    create.click()

    _expect_one_confirmation(page, "Created 1 draft shipments. Pack and ship them on the Shipments page.")
    with e2e_sessions() as session:
        drafted = session.scalars(select(Shipment).where(Shipment.note == note)).all()
        made = [
            (shipment.id, shipment.status, [line.unit_id for line in shipment.lines]) for shipment in drafted
        ]
    assert [(status, units) for _, status, units in made] == [("draft", [unit_id])], made

    go_to(page, "Shipments")
    row = _scroll_to_row(_table(page), re.compile(rf"^{made[0][0]}\D"))
    expect(_cells(row, "draft")).to_have_count(1)


def test_a_leader_on_a_phone_sees_the_confirmation_number_and_the_request_in_the_list(
    browser, server, e2e_sessions
):
    organization, token = fresh_link(e2e_sessions, serving="en")
    lang = organization.preferred_language
    with open_tab(browser, **PHONE) as phone:
        phone.goto(f"{server}/restock?t={token}")
        phone.get_by_role("heading", name=organization.name).wait_for()
        expect(phone.get_by_text(i18n.t("history.empty", lang))).to_be_visible()
        packs = phone.get_by_label(i18n.t("form.packs", lang, item=("flyer", lang)), exact=True)
        packs.fill("1")
        packs.press("Tab")
        phone.get_by_role("button", name=i18n.t("form.review", lang)).click()
        phone.get_by_role("button", name=i18n.t("confirm.send", lang)).click()

        expect(phone.get_by_test_id("stAlertContentSuccess")).to_have_count(1)
        expect(phone.get_by_test_id("stAlertContentSuccess")).to_contain_text(i18n.t("done.heading", lang))
        reference = phone.get_by_test_id("stCode").inner_text().strip()
        assert re.fullmatch(r"KYR-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
        history = phone.get_by_test_id("stMarkdownContainer").locator("strong", has_text=reference)
        expect(history).to_have_count(1)
        expect(history).to_contain_text(i18n.status_label("submitted", lang))
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE_WIDTH + SCROLL_TOLERANCE, f"the page scrolls sideways on a phone: {width}px"
