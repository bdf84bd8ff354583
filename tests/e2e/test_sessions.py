"""In a real browser: a sign-in survives a reload and a new tab (an HttpOnly cookie naming a server-side session);
sign-out and deactivation end it in every tab on the next rerun; a page asked for signed out opens after sign-in."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from outreach.accounts import auth
from outreach.accounts import users as accounts
from outreach.ui.session_cookie import COOKIE_NAME
from tests.e2e.conftest import DEMO_PASSWORD, sign_in, wait_until_idle


def _session_cookie(page) -> dict | None:
    return next((cookie for cookie in page.context.cookies() if cookie["name"] == COOKIE_NAME), None)


def _nav_link(page, title: str):
    return page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title)


def _expect_signed_out(page, because: str) -> None:
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_text(because)).to_be_visible()
    expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
    assert page.locator("[data-testid='stDataFrame']").count() == 0


@pytest.fixture
def leaving_coordinator(e2e_sessions) -> tuple[int, str]:
    """A coordinator account of this test's own (the demo accounts are shared with the other browser tests)."""
    username = f"leaving{uuid.uuid4().hex[:8]}-coordinator"
    user_id = auth.create_user(
        e2e_sessions, username=username, password=DEMO_PASSWORD, role="coordinator", actor="e2e-setup"
    )
    return user_id, username


def test_a_reload_keeps_you_signed_in_with_a_cookie_scripts_cannot_read(page, server):
    sign_in(page, server, "demo-coordinator")
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    cookie = _session_cookie(page)
    assert cookie is not None
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Lax", "/")
    assert COOKIE_NAME not in page.evaluate("document.cookie")

    _nav_link(page, "Inventory").click()
    page.get_by_role("heading", name="Inventory", level=1).wait_for()
    page.reload()  # F5: a new Streamlit session, the same browser
    page.get_by_role("heading", name="Inventory", level=1).wait_for()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_count(0)


def test_a_new_tab_is_signed_in_too(page, server):
    sign_in(page, server, "demo-organizer")
    second_tab = page.context.new_page()
    second_tab.goto(f"{server}/coverage")
    second_tab.get_by_role("heading", name="Coverage map", level=1).wait_for()
    expect(second_tab.get_by_text("(organizer)")).to_be_visible()


def test_signing_out_in_one_tab_signs_out_the_other_on_its_next_rerun(page, server, leaving_coordinator):
    _, username = leaving_coordinator
    sign_in(page, server, username)
    other_tab = page.context.new_page()
    other_tab.goto(f"{server}/inventory")
    other_tab.get_by_role("heading", name="Inventory", level=1).wait_for()
    wait_until_idle(other_tab)

    with page.expect_response(lambda response: response.url.endswith("/_kyr/session/end")) as ended:
        page.get_by_role("button", name="Sign out").click()
    assert ended.value.status == 204
    expect(page.get_by_label("Username")).to_be_visible()
    assert _session_cookie(page) is None  # cleared by the sign-out, for every tab of the browser

    _nav_link(other_tab, "Shipments").click()  # the other tab's next rerun
    _expect_signed_out(other_tab, "You were signed out")
    # ... and signing in again there brings the person back to the page they were opening.
    other_tab.get_by_label("Username").fill(username)
    other_tab.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    other_tab.get_by_role("button", name="Sign in").click()
    other_tab.get_by_role("heading", name="Shipments", level=1).wait_for()


def test_a_deactivated_user_is_out_on_their_next_rerun(page, server, e2e_sessions, leaving_coordinator):
    user_id, username = leaving_coordinator
    sign_in(page, server, username)
    _nav_link(page, "Inventory").click()
    page.get_by_role("heading", name="Inventory", level=1).wait_for()

    accounts.set_active(e2e_sessions, user_id=user_id, active=False, actor="demo-admin")

    _nav_link(page, "Shipments").click()
    _expect_signed_out(page, "You were signed out")
    page.reload()  # the cookie is still in the browser, but names a session that has ended
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)


def test_a_page_opened_signed_out_opens_after_signing_in(page, server):
    page.goto(f"{server}/inventory")
    page.get_by_label("Username").fill("demo-coordinator")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Inventory", level=1).wait_for()
    assert re.search(r"/inventory$", page.url), page.url
    expect(page.get_by_text("(coordinator)")).to_be_visible()


def test_the_cookie_routes_refuse_a_post_from_another_site(page, server):
    """A form on another site cannot swap a code for a cookie (nor clear one): 403, nothing set."""
    response = page.request.post(
        f"{server}/_kyr/session/begin",
        form={"code": "made-up"},
        headers={"Origin": "https://evil.example"},
        max_redirects=0,
    )
    assert response.status == 403
    assert _session_cookie(page) is None
