"""The Messages page (staff): the outbox with its SMTP notice and retry, previews, my notifications, opt-outs."""

from __future__ import annotations

import uuid

import pytest

from outreach import config, i18n, organizations
from outreach.accounts import auth
from outreach.db import make_engine, make_sessions
from outreach.demo import seed_reference
from outreach.messages import preferences, sender
from outreach.restock import submission as restock
from outreach.ui import state
from tests.messages.conftest import free_port
from tests.pages.conftest import open_page, page_text


@pytest.fixture
def sessions_for_page(app_env):
    engine = make_engine(app_env)
    yield make_sessions(engine)
    engine.dispose()


def _pending_message(sessions) -> int:
    ref = seed_reference(sessions)
    org = organizations.create_organization(
        sessions,
        name="Masjid <b>Noor</b>",
        borough="Queens",
        languages=["ur"],
        actor="t",
        contact_email="noor@example.org",
    )
    restock.submit_request(
        sessions,
        organization_id=org,
        channel="phone",
        actor="cora",
        lines={ref.units[("flyer", "ur")]: 2},
        idempotency_key=uuid.uuid4().hex,
    )
    return org


def test_organizers_cannot_open_it(app_env):
    at = open_page("pages/messages.py", "organizer")
    assert "cannot open this page" in page_text(at) and not at.get("segmented_control")


def test_without_smtp_the_page_says_messages_wait(sessions_for_page):
    _pending_message(sessions_for_page)
    at = open_page("pages/messages.py", "admin")
    assert not at.exception
    text = page_text(at)
    assert "No mail server is configured" in text and "1 messages wait" in text
    assert "noor@example.org" in text


def test_a_failed_message_can_be_retried(sessions_for_page, monkeypatch):
    _pending_message(sessions_for_page)
    monkeypatch.setenv("KYR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KYR_SMTP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("KYR_SMTP_TLS", "none")
    monkeypatch.setenv("KYR_MAIL_MAX_ATTEMPTS", "1")
    config.settings.cache_clear()
    assert sender.send_once(sessions_for_page).failed == 1
    monkeypatch.delenv("KYR_SMTP_HOST")  # the page must not start a sender thread in the test
    config.settings.cache_clear()

    at = open_page("pages/messages.py", "admin")
    at.segmented_control(key=state.MSG_STATUS).set_value("failed").run()
    assert "Cannot reach 127.0.0.1" in page_text(at)
    next(b for b in at.button if b.label == "Retry").click().run()
    assert not at.exception
    assert "is pending again" in page_text(at)
    assert [metric.value for metric in at.metric] == ["1", "0", "0"]  # pending, sent, failed


def test_previews_render_each_language(app_env):
    at = open_page("pages/messages.py", "admin")
    at.segmented_control(key=state.MSG_SECTION).set_value("previews").run()
    at.selectbox(key=state.MSG_PREVIEW_LANG).set_value("ur").run()
    assert not at.exception
    subject = i18n.t("mail.submitted.subject", "ur", reference="KYR-7F3K-92QX")
    assert f"Subject: {subject}" in page_text(at)


def test_my_notifications_are_saved_and_shown(sessions_for_page):
    auth.create_user(
        sessions_for_page,
        username="cora",
        password="long-enough-pw",
        role="coordinator",
        email="cora@example.org",
        actor="t",
    )
    at = open_page("pages/messages.py", "coordinator")
    at.segmented_control(key=state.MSG_SECTION).set_value("mine").run()
    at.radio(key=state.MSG_MINE_MODE).set_value("digest")
    at.multiselect(key=state.MSG_MINE_BOROUGHS).set_value(["Bronx"])
    next(b for b in at.button if b.label == "Save").click().run()
    assert "Your notifications are saved" in page_text(at)
    assert at.radio(key=state.MSG_MINE_MODE).value == "digest"
    assert at.multiselect(key=state.MSG_MINE_BOROUGHS).value == ["Bronx"]
    user_id, _ = preferences.account(sessions_for_page, "cora")
    assert preferences.notifications(sessions_for_page, user_id) == ("digest", ["Bronx"])
    assert "/_kyr/calendar.ics?token=" in at.code[0].value
