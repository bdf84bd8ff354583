"""In a real browser: restricted pages stay closed to anonymous visitors; signed-in users see their pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from outreach.ui.navigation import PAGES
from tests.e2e.conftest import open_tab, running_server, sign_in, wait_until_idle

SECRETS = ("Demo Contact", "Manhattan central depot", "Received from print runs")


def _url_path(spec) -> str:
    return spec.url_path or Path(spec.path).stem


@pytest.fixture(scope="module")
def fresh_server(e2e_database_url: str) -> Iterator[str]:
    """A server of its own that nobody has signed in to: no session, cache or page state from other tests."""
    with running_server(e2e_database_url) as url:
        yield url


def _assert_nothing_restricted(page) -> None:
    # Depending on how the server routes a first hit, the visitor lands on the sign-in form or on the
    # page's own guard; either way nothing restricted is rendered.
    page.get_by_text("Please sign in").or_(page.get_by_role("button", name="Sign in")).first.wait_for()
    wait_until_idle(page)
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    content = page.content()
    for secret in SECRETS:
        assert secret not in content


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.path)
def test_anonymous_visitor_on_a_fresh_server_sees_nothing_restricted(browser, fresh_server, spec):
    with open_tab(browser) as page:
        page.goto(f"{fresh_server}/{_url_path(spec)}")
        _assert_nothing_restricted(page)


def test_signing_in_in_one_tab_opens_nothing_in_another(browser, page, server):
    """Sign-in lives in this browser's session cookie: another browser (context) opening a restricted URL on
    the same server is an anonymous visitor, whatever other browsers have done."""
    sign_in(page, server, "demo-coordinator")
    page.get_by_role("heading", name="Dashboard").wait_for()
    with open_tab(browser) as stranger:
        stranger.goto(f"{server}/inventory")
        _assert_nothing_restricted(stranger)
    # The signed-in tab itself is still signed in.
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Inventory").click()
    page.get_by_role("heading", name="Inventory").wait_for()


def test_organizer_menu_has_no_stock_pages(page, server):
    sign_in(page, server, "demo-organizer")
    page.get_by_role("heading", name="Dashboard").wait_for()
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav.get_by_role("link", name="Coverage map")).to_be_visible()
    for hidden in ("Inventory", "Shipments", "Restock requests", "Directory"):
        expect(nav.get_by_role("link", name=hidden)).to_have_count(0)
    # A new Streamlit session, still signed in (the session cookie): Inventory is not among the organizer's
    # pages, so they land on one of theirs (the dashboard's totals are theirs to see), not on stock or contacts.
    page.goto(f"{server}/inventory")
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    wait_until_idle(page)
    expect(page.get_by_text("(organizer)")).to_be_visible()
    expect(page.get_by_role("heading", name="Inventory", level=1)).to_have_count(0)
    content = page.content()
    for secret in ("Demo Contact", "Manhattan central depot"):
        assert secret not in content


def test_the_staff_menu_keeps_sign_out_and_has_no_leaders_restock_page(page, server):
    """The leaders' restock page collapses the sidebar (a phone layout): as a menu item it hid Sign out."""
    sign_in(page, server, "demo-coordinator")
    page.get_by_role("heading", name="Dashboard").wait_for()
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav.get_by_role("link", name="Restock requests")).to_be_visible()
    expect(nav.get_by_role("link", name="Restock", exact=True)).to_have_count(0)
    for title in ("Inventory", "Directory", "Dashboard"):
        nav.get_by_role("link", name=title).click()
        page.get_by_role("heading", name=title, level=1).wait_for()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
