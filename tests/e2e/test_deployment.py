"""The deployment, whole, on loopback (scripts/stack.py: PostgreSQL, two app processes, Caddy with TLS):

- a faith leader submits a restock request through the proxy, over HTTPS (Caddy's local CA), on a
  phone-sized Chromium, while a coordinator signed in on the other app process sees it in the queue;
- the app process the leader used is killed (kill -9): the request is in the database exactly once, and
  the proxy sends the leader's next visit and a brand-new session to the live process;
- the responses carry the security headers and come compressed.

Which process a browser reaches is decided by Caddy's `lb` cookie, the HMAC-SHA256 (empty key) of the upstream
address: the test gives each browser the cookie of the process it wants, and checks the cookie Caddy issues.
It starts its own PostgreSQL, so it runs once, in the SQLite half of `make test` (postgres_servers).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import os
import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from outreach import i18n
from outreach.db import make_engine, make_sessions
from outreach.models import RestockRequest
from scripts.stack import AppProcess, Stack, insecure_context, running_stack
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    DOCS,
    choose,
    fresh_link,
    go_to,
    open_tab,
    wait_until_idle,
)

pytestmark = [pytest.mark.postgres_servers, pytest.mark.slow]

PHONE_375 = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
    "ignore_https_errors": True,
}
DESKTOP_TLS = {"viewport": {"width": 1366, "height": 900}, "ignore_https_errors": True}
SERVING = "es"
ITEM = ("flyer", SERVING)


def lb_cookie(app: AppProcess) -> str:
    return hmac.new(b"", app.dial.encode(), hashlib.sha256).hexdigest()


def pin(tab, stack: Stack, app: AppProcess) -> None:
    """Send this browser to one app process (as if Caddy had chosen it on the first visit)."""
    tab.context.add_cookies([{"name": "lb", "value": lb_cookie(app), "url": stack.url + "/"}])


def routed_to(tab) -> str:
    return next(c["value"] for c in tab.context.cookies() if c["name"] == "lb")


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    if os.environ.get("KYR_TEST_DATABASE_URL"):
        pytest.skip("the deployment test starts its own PostgreSQL: it runs once, in the SQLite half")
    with running_stack(
        processes=2, demo_data=True, environment={"KYR_DEMO_PASSWORD": DEMO_PASSWORD}
    ) as running:
        yield running


@pytest.fixture(scope="module")
def stack_sessions(stack: Stack):
    engine = make_engine(stack.database_url)
    yield make_sessions(engine)
    engine.dispose()


def sign_in_over_tls(tab, stack: Stack, username: str) -> None:
    tab.goto(stack.url)
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_text(f"({username.split('-')[-1]})").first.wait_for()


def submit_request(phone, stack: Stack, token: str, language: str, packs: int) -> str:
    phone.goto(f"{stack.url}/restock?t={token}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", language), timeout=30_000)
    field = phone.get_by_label(i18n.t("form.packs", language, item=ITEM), exact=True)
    field.fill(str(packs))
    field.press("Tab")
    phone.get_by_role("button", name=i18n.t("form.review", language)).click()
    phone.get_by_role("button", name=i18n.t("confirm.send", language)).click()
    phone.get_by_text(i18n.t("done.heading", language)).wait_for()
    return phone.locator("[data-testid='stCode']").inner_text().strip()


def stored(sessions, reference: str) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(RestockRequest).where(RestockRequest.reference == reference)
        )


def test_responses_carry_security_headers_and_come_compressed(stack):
    request = urllib.request.Request(stack.url + "/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, context=insecure_context(), timeout=10) as response:
        headers = response.headers
        body = response.read()
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(body).lower()
    assert headers.get("Server") is None
    assert re.fullmatch(r"lb=[0-9a-f]{64}; Path=/", headers["Set-Cookie"].split(", ")[0]) or "lb=" in str(
        headers.get_all("Set-Cookie")
    )
    with urllib.request.urlopen(
        stack.url + "/_stcore/health", context=insecure_context(), timeout=10
    ) as health:
        assert health.status == 200


def test_a_leader_submits_through_the_proxy_and_a_killed_process_loses_nothing(
    browser, stack, stack_sessions
):
    first, second = stack.apps
    organization, token = fresh_link(stack_sessions, serving=SERVING)
    language = organization.preferred_language
    with open_tab(browser, **DESKTOP_TLS) as desk, open_tab(browser, **PHONE_375) as phone:
        # The coordinator works on the second process: signing in hands a one-time code from the process
        # that runs the page to the route that sets the cookie; through Caddy both must be the same process.
        pin(desk, stack, second)
        sign_in_over_tls(desk, stack, "demo-coordinator")
        session_cookie = next(c for c in desk.context.cookies() if c["name"] == "kyr_session")
        assert session_cookie["secure"] and session_cookie["httpOnly"]
        assert routed_to(desk) == lb_cookie(second)

        # The faith leader, on a small phone, on the first process.
        pin(phone, stack, first)
        reference = submit_request(phone, stack, token, language, packs=2)
        assert re.fullmatch(r"KYR-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
        assert routed_to(phone) == lb_cookie(first)
        assert phone.evaluate("document.scrollingElement.scrollWidth") <= 377  # no sideways scrolling
        wait_until_idle(phone)
        phone.screenshot(path=str(DOCS / "screenshot-deploy-phone-over-tls.png"), animations="disabled")

        # The coordinator, on the other process, finds it in the queue.
        go_to(desk, "Restock requests")
        choose(desk, "Work on request", re.compile(re.escape(reference)), typed=reference)
        desk.get_by_role("heading", name=f"{reference}: submitted").wait_for()

        # The leader's process dies mid-campaign. The request is stored once, and nothing is lost.
        first.process.kill()
        first.process.wait(timeout=10)
        assert stored(stack_sessions, reference) == 1

        # The leader opens the link again: Caddy moves the browser to the live process (a new `lb` cookie),
        # and the request is listed there.
        phone.goto(f"{stack.url}/restock?t={token}")
        expect(phone.get_by_role("heading", level=1)).to_have_text(
            i18n.t("page.title", language), timeout=30_000
        )
        expect(phone.get_by_text(reference)).to_be_visible(timeout=30_000)
        assert routed_to(phone) == lb_cookie(second)

    # A brand-new visitor (no cookie at all) reaches the live process and can submit.
    with open_tab(browser, **PHONE_375) as newcomer:
        again = submit_request(newcomer, stack, token, language, packs=1)
        assert routed_to(newcomer) == lb_cookie(second)
    assert again != reference
    assert stored(stack_sessions, reference) == 1 and stored(stack_sessions, again) == 1


def test_the_admin_pages_warn_when_links_would_point_at_this_machine(browser, stack):
    """Behind the proxy, with KYR_PUBLIC_URL naming 127.0.0.1 (right for this loopback stack, wrong for
    phones): the admin pages say so."""
    live = next(app for app in stack.apps if app.alive())
    with open_tab(browser, **DESKTOP_TLS) as tab:
        pin(tab, stack, live)
        sign_in_over_tls(tab, stack, "demo-admin")
        for title in ("Users", "Backups"):
            go_to(tab, title)
            warning = tab.get_by_test_id("stAlertContentWarning").filter(has_text="KYR_PUBLIC_URL")
            expect(warning).to_contain_text("through a reverse proxy", timeout=30_000)
            expect(warning).to_contain_text(stack.url)
        wait_until_idle(tab)
        tab.screenshot(path=str(DOCS / "screenshot-public-url-warning.png"), animations="disabled")
