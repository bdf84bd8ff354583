"""A real Streamlit server on 127.0.0.1 with a fresh demo database, driven by Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from scripts.stack import app_command

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Any URL not on the test server (127.0.0.1).
OUTSIDE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])https?://")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "e2e-demo-password"
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
# A small phone (iPhone SE class): the faith leaders' device.
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
# Streamlit marks the app root with the script state; "notRunning" once a rerun has finished.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SERVER_LOGS: list[Path] = []  # each test server's stderr, newest last


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "KYR_DEMO_DATA": "1",
        "KYR_DEMO_PASSWORD": DEMO_PASSWORD,
    }


@contextmanager
def running_server(database_url: str) -> Iterator[str]:
    """Start `streamlit run serve.py` (app.py and its sign-in cookie routes) on a free loopback port; yield its
    URL once healthy; stop it after."""
    port = _free_port()
    log_path = Path(tempfile.gettempdir()) / f"kyr-e2e-server-{port}-{os.getpid()}.log"
    SERVER_LOGS.append(log_path)
    log = log_path.open("w")  # its tracebacks go into a failing test's report (see print_server_errors)
    process = subprocess.Popen(
        app_command(port),
        cwd=ROOT,
        env=_server_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)  # polling a process that is starting: there is nothing to wait on
        else:
            pytest.fail("The Streamlit server did not become healthy within 60 s.")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def print_server_errors() -> None:
    """The last traceback each test server logged: a page's "This app has encountered an error" says no more."""
    for log_path in SERVER_LOGS:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        if "Traceback" in text:
            print(f"Last error in {log_path}:\n" + "Traceback" + text.rsplit("Traceback", 1)[1][-6000:])


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite file with the demo data, shared by the servers and the tests' own set-up."""
    if os.environ.get("KYR_TEST_DATABASE_URL"):
        pytest.skip("browser tests run once, in the SQLite half")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system-deps` (Debian package chromium).")
    database_url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'kyr.db'}"
    subprocess.run(
        [sys.executable, "-m", "outreach.demo", "--if-empty"],
        cwd=ROOT,
        env=_server_env(database_url),
        check=True,
        capture_output=True,
    )
    return database_url


@pytest.fixture(scope="session")
def e2e_sessions(e2e_database_url: str):
    """The e2e database, for set-up the browser cannot do (a restock link is shown once, when made)."""
    from outreach.db import make_engine, make_sessions

    engine = make_engine(e2e_database_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def server(e2e_database_url: str) -> Iterator[str]:
    with running_server(e2e_database_url) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def offline_web(route) -> None:
    """Refuse every request that would leave the test server (map tiles and anything else): the tests never
    use the network. The maps need nothing from outside but their background tiles: the app serves Leaflet
    itself (static/vendor)."""
    route.abort("internetdisconnected")


@contextmanager
def open_tab(browser, **context_options) -> Iterator[object]:
    """A new browser context (a new Streamlit session: nobody signed in) with one tab."""
    context = browser.new_context(**(context_options or DESKTOP))
    context.route(OUTSIDE, offline_web)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, server, tmp_path):
    with open_tab(browser, **DESKTOP) as tab:
        yield tab
        if getattr(request.node, "e2e_failed", False):  # what the browser showed, for the failure report
            tab.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"Screenshot of the failure: {tmp_path / 'failure.png'}")
            print_server_errors()


@pytest.fixture
def phone(browser, server):
    with open_tab(browser, **PHONE) as tab:
        yield tab


@pytest.fixture(scope="module")
def signed_in(browser, server) -> dict[str, dict]:
    """The demo coordinator and admin, each signed in once for the module; their session cookies."""
    cookies = {}
    for username in ("demo-coordinator", "demo-admin"):
        with open_tab(browser) as tab:
            sign_in(tab, server, username)
            cookies[username] = tab.context.storage_state()
    return cookies


@pytest.fixture
def open_page(request, browser, server, signed_in, tmp_path):
    """open_page(username, title): a new tab (its own Streamlit session) signed in by the account's session
    cookie, on that page once its first run has finished. Faster than signing in again for every test."""
    from outreach.ui.navigation import PAGES, signed_in_address

    paths = {spec.title: signed_in_address(spec) for spec in PAGES}
    opened = []
    with ExitStack() as tabs:

        def open_as(username: str, title: str):
            tab = tabs.enter_context(open_tab(browser, **DESKTOP, storage_state=signed_in[username]))
            opened.append(tab)
            tab.goto(f"{server}/{paths[title]}")
            tab.get_by_role("heading", name=title, level=1).wait_for()
            wait_until_idle(tab)
            return tab

        yield open_as
        if getattr(request.node, "e2e_failed", False) and opened:  # what the browser showed, for the report
            opened[-1].screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"Screenshot of the failure: {tmp_path / 'failure.png'}")
            print_server_errors()


def wait_until_idle(page) -> None:
    """Wait until Streamlit has finished the current rerun and every widget is mounted (use after a visible
    change, not instead). Widgets' code loads lazily: a skeleton stands in for a moment, so a form's
    button can be on screen before its inputs are."""
    from playwright.sync_api import expect

    page.locator(IDLE).wait_for()
    # A loaded machine (several test runs at once) takes more than expect's 5 s to load them.
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=20_000)


def sign_in(page, server: str, username: str) -> None:
    page.goto(server)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"({username.split('-')[-1]})").first.wait_for()


def download(page, button, *, seconds: int = 20) -> bytes:
    """Click a download button once the page is idle; the file it delivered. A button left spinning fails
    after `seconds`, not after the browser's three-minute wait for the file."""
    wait_until_idle(page)
    with page.expect_download(timeout=seconds * 1000) as info:
        button.click()
    delivered = info.value
    assert delivered.failure() is None, delivered.failure()
    return Path(delivered.path()).read_bytes()


def screenshot(page, name: str) -> None:
    """Save the visible viewport (not the full page: small PNGs) as docs/screenshot-<name>.png."""
    wait_until_idle(page)
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / f"screenshot-{name}.png"), animations="disabled", caret="hide")


def go_to(page, title: str) -> None:
    """Open a page from the sidebar menu. (page.goto would start a new Streamlit session: still signed in, by
    the session cookie, but every page's state is gone.)"""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for()


def choose(page, label: str | re.Pattern[str], option: str | re.Pattern[str], *, typed: str = "") -> None:
    """Pick an option of a Streamlit selectbox by its accessible name, typing `typed` first to filter the
    list (a bare click on a box near the bottom of the window sometimes leaves the list closed)."""
    wait_until_idle(page)  # a rerun that ends after the click would close the list again
    box = page.get_by_role("combobox", name=label)
    box.click()
    if typed:
        box.press_sequentially(typed)
    page.get_by_role("option", name=option).first.click()


def fresh_link(sessions, *, serving: str) -> tuple[object, str]:
    """A restock link for an active organization placed in a district, serving `serving` but preferring
    another language (so the page opens in that one first, and not in Bangla or Urdu), with no link,
    request or shipment yet (a clean history). Returns (organization, token).

    Made straight in the database: a link is shown once, when it is made, and the demo loader runs in
    another process."""
    from sqlalchemy import exists, select

    from outreach.models import Organization, OrganizationLanguage, RestockRequest, RestockToken, Shipment
    from outreach.restock import links as restock_links

    with sessions() as session:
        organization = session.scalars(
            select(Organization)
            .where(
                Organization.status == "active",
                Organization.community_district.is_not(None),
                Organization.preferred_language.not_in(["bn", "ur", serving]),
                exists().where(
                    OrganizationLanguage.organization_id == Organization.id,
                    OrganizationLanguage.language == serving,
                ),
                ~exists().where(RestockRequest.organization_id == Organization.id),
                ~exists().where(RestockToken.organization_id == Organization.id),
                ~exists().where(Shipment.organization_id == Organization.id),
            )
            .order_by(Organization.id)
            .limit(1)
        ).one()
        session.expunge(organization)
    token = restock_links.issue_link(sessions, organization_id=organization.id, actor="e2e-setup")
    return organization, token
