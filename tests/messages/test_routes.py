"""The HTTP routes on a real server (uvicorn on a free port): one-click unsubscribe from the header URL, and
the signed calendar feed, parsed with icalendar."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
import uvicorn
from icalendar import Calendar
from starlette.applications import Starlette

from outreach import config
from outreach.accounts import users
from outreach.messages import calendar, preferences, sender
from outreach.restock import triage
from tests.conftest import ship_until
from tests.messages.conftest import coordinator, free_port, organization, submit_by_link


@pytest.fixture
def server(sessions, mail_env, monkeypatch):
    """Our routes served by uvicorn on 127.0.0.1; links in mail point at it."""
    from outreach.messages.routes import routes

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("KYR_PUBLIC_URL", base)
    config.settings.cache_clear()
    app = Starlette(routes=routes(lambda: sessions))
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield base
    uv.should_exit = True
    thread.join(timeout=10)


def fetch(url: str, *, data: bytes | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def test_one_click_unsubscribe_from_the_header_stops_further_mail(sessions, ref, smtp_server, server):
    from outreach import inventory

    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=5000,
        reference="run",
        actor="t",
    )
    coordinator(sessions, "ana")
    org = organization(sessions, "مسجد النور", lang="ar", email="imam@example.org")
    first = submit_by_link(sessions, ref, org)
    sender.send_once(sessions)
    (confirmation,) = smtp_server.to("imam@example.org")
    url = confirmation["List-Unsubscribe"].strip("<>")
    assert url.startswith(server + "/_kyr/mail/unsubscribe?token=")
    html = confirmation.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and "<bdi>مسجد النور</bdi>" in html

    status, _, page = fetch(url)  # a link scanner's GET changes nothing
    assert status == 200 and 'dir="rtl"' in page and '<form method="post"' in page
    with sessions() as session:
        assert not preferences.opted_out(session, org)

    status, _, page = fetch(url, data=b"List-Unsubscribe=One-Click")  # what a mail client posts (RFC 8058)
    assert status == 200 and "<bdi>مسجد النور</bdi>" in page
    with sessions() as session:
        assert preferences.opted_out(session, org)

    triage.approve_request(sessions, request_id=first.request_id, depot_id=ref.main_depot, actor="ana")
    submit_by_link(sessions, ref, org)
    sender.send_once(sessions)
    assert len(smtp_server.to("imam@example.org")) == 1  # nothing more to the organization
    assert len(smtp_server.to("ana@example.org")) == 2  # coordinators still hear of its requests

    status, _, _ = fetch(url.replace("token=", "token=9"), data=b"List-Unsubscribe=One-Click")
    assert status == 404


def test_the_calendar_feed_parses_and_matches_the_open_shipments(sessions, ref, server):
    from outreach import inventory, organizations

    unit = ref.units[("flyer", "es")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=5000, reference="r", actor="t"
    )
    org = organizations.create_organization(
        sessions,
        name="Iglesia <b>San Juan</b>",
        borough="Bronx",
        languages=["es"],
        actor="t",
        address="10 Grand Concourse",
        zip_code="10451",
    )
    planned = ship_until(sessions, ref, org, {unit: 100}, until="draft")
    packed = ship_until(sessions, ref, org, {unit: 100}, until="packed")
    moving = ship_until(sessions, ref, org, {unit: 150}, until="shipped")
    ship_until(sessions, ref, org, {unit: 50}, until="delivered")
    user = coordinator(sessions, "dana", mode=None)

    status, kind, body = fetch(calendar.feed_url(user, server))
    assert status == 200 and kind.startswith("text/calendar")
    events = {e["uid"]: e for e in Calendar.from_ical(body).walk("VEVENT")}
    assert set(events) == {f"shipment-{i}@kyr-tracker" for i in (planned, packed, moving)}
    assert str(events[f"shipment-{moving}@kyr-tracker"]["status"]) == "CONFIRMED"
    assert str(events[f"shipment-{planned}@kyr-tracker"]["status"]) == "TENTATIVE"
    assert "Iglesia <b>San Juan</b>" in str(events[f"shipment-{moving}@kyr-tracker"]["summary"])
    assert "3 packs" in str(events[f"shipment-{moving}@kyr-tracker"]["description"])
    assert "10 Grand Concourse" in str(events[f"shipment-{moving}@kyr-tracker"]["location"])

    assert fetch(f"{server}/_kyr/calendar.ics?token={uuid.uuid4().hex}")[0] == 404
    url = calendar.feed_url(user, server)
    users.set_active(sessions, user_id=user, active=False, actor="admin")
    assert fetch(url)[0] == 404  # a deactivated account's feed stops
