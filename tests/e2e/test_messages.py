"""Messages in Chromium: two rendered e-mails (Bangla, and Urdu right to left) as a mail client shows their HTML
part, the Messages page with its previews, and the one-click unsubscribe page served by serve.py's route."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from outreach.messages import preferences, templates
from outreach.models import Organization
from tests.e2e.conftest import DOCS, PHONE, open_tab, wait_until_idle

MAIL = {"viewport": {"width": 640, "height": 900}}


def _overflows(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_two_rendered_emails_one_right_to_left(browser):
    for kind, lang, direction in (("submitted", "bn", "ltr"), ("approved", "ur", "rtl")):
        rendered = templates.preview(kind, lang)
        for options, name in ((MAIL, f"mail-{kind}-{lang}.png"), (PHONE, None)):
            with open_tab(browser, **options) as tab:
                tab.set_content(rendered.html)
                body = tab.locator(f'div[lang="{lang}"]')
                expect(body).to_have_attribute("dir", direction)
                assert (
                    tab.evaluate("getComputedStyle(document.querySelector('div[lang]')).direction")
                    == direction
                )
                expect(tab.get_by_text("KYR-7F3K-92QX").first).to_be_visible()
                assert not _overflows(tab), f"{lang} mail overflows at {options['viewport']['width']} px"
                if name:
                    tab.screenshot(path=str(DOCS / name), full_page=True)


def test_the_messages_page_and_its_previews(open_page):
    tab = open_page("demo-admin", "Messages")
    expect(tab.get_by_text("No mail server is configured")).to_be_visible()
    tab.screenshot(path=str(DOCS / "screenshot-messages.png"), full_page=True)
    tab.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Template previews").click()
    wait_until_idle(tab)
    frame = tab.locator("iframe").first
    expect(frame).to_be_visible()
    assert frame.bounding_box()["height"] > 300
    expect(tab.frame_locator("iframe").first.get_by_text("KYR-7F3K-92QX").first).to_be_visible()
    tab.screenshot(path=str(DOCS / "screenshot-messages-previews.png"), full_page=True)


def test_one_click_unsubscribe_page_in_the_organizations_language(browser, server, e2e_sessions):
    with e2e_sessions() as session:
        organization = session.scalar(
            select(Organization).where(Organization.preferred_language == "ur").order_by(Organization.id)
        )
        assert organization is not None
    url = preferences.unsubscribe_url(organization.id, server)
    try:
        with open_tab(browser, **PHONE) as tab:
            tab.goto(url)
            expect(tab.locator("html")).to_have_attribute("dir", "rtl")
            expect(tab.get_by_role("button")).to_be_visible()
            assert not _overflows(tab)
            tab.screenshot(path=str(DOCS / "screenshot-unsubscribe-ur.png"), full_page=True)
            with e2e_sessions() as session:
                assert not preferences.opted_out(session, organization.id)  # opening the page changes nothing
            tab.get_by_role("button").click()
            expect(tab.locator("bdi").first).to_have_text(organization.name)
            with e2e_sessions() as session:
                assert preferences.opted_out(session, organization.id)
    finally:
        preferences.set_opt_out(e2e_sessions, organization_id=organization.id, opted_out=False, actor="e2e")
