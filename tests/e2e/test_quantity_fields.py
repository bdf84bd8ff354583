"""Quantities on a phone, in a real browser: the leader's packs fields open the digit keyboard, read Bengali
digits, and refuse a negative number with a message the leader can see, in the leader's language."""

from __future__ import annotations

from playwright.sync_api import expect

from outreach import i18n
from tests.e2e.conftest import PHONE, choose, fresh_link, open_tab, wait_until_idle


def _open_form(phone, server: str, token: str, start: str, lang: str) -> None:
    phone.goto(f"{server}/restock?t={token}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", start))
    choose(phone, "🌐 " + i18n.t("language.label", start), i18n.language_choices()[lang])
    expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", lang))
    wait_until_idle(phone)


def test_a_bangla_leader_types_bengali_digits_on_the_digit_keyboard(browser, server, e2e_sessions):
    organization, token = fresh_link(e2e_sessions, serving="bn")
    with open_tab(browser, **PHONE) as phone:
        assert phone.viewport_size == {"width": 375, "height": 740}
        _open_form(phone, server, token, organization.preferred_language, "bn")
        packs = phone.get_by_role(
            "textbox", name=i18n.t("form.packs", "bn", item=("flyer", "bn")), exact=True
        )
        expect(packs).to_have_attribute("inputmode", "numeric")  # phones open the digit keyboard
        on_hand = phone.get_by_role("textbox", name=i18n.t("form.on_hand", "bn"), exact=True)
        expect(on_hand).to_have_attribute("inputmode", "numeric")
        packs.fill("১০")
        phone.get_by_role("button", name=i18n.t("form.review", "bn")).click()

        phone.get_by_text(i18n.t("confirm.heading", "bn")).wait_for()
        line = i18n.t("confirm.line", "bn", item=("flyer", "bn"), packs=10, size=50, pieces=500)
        expect(phone.get_by_text(line)).to_be_visible()  # ten packs, read from the Bengali digits

        # Back to the form (a rerun that draws the fields again): they open the digit keyboard again.
        phone.get_by_role("button", name=i18n.t("confirm.back", "bn")).click()
        packs = phone.get_by_role(
            "textbox", name=i18n.t("form.packs", "bn", item=("flyer", "bn")), exact=True
        )
        expect(packs).to_have_value("10")
        expect(packs).to_have_attribute("inputmode", "numeric")


def test_a_negative_number_shows_the_spanish_message_on_the_page(browser, server, e2e_sessions):
    organization, token = fresh_link(e2e_sessions, serving="es")
    with open_tab(browser, **PHONE) as phone:
        _open_form(phone, server, token, organization.preferred_language, "es")
        packs = phone.get_by_role(
            "textbox", name=i18n.t("form.packs", "es", item=("flyer", "es")), exact=True
        )
        packs.fill("-1")
        phone.get_by_role("button", name=i18n.t("form.review", "es")).click()

        message = i18n.t("quantity.too_small", "es", field=("flyer", "es"), value="-1", minimum=1)
        shown = phone.get_by_test_id("stAlertContentError").get_by_text(message, exact=True)
        expect(shown).to_be_visible()  # an alert on the page, not only text for screen readers
        expect(shown).to_be_in_viewport()  # next to the button the leader pressed, not off screen
        expect(phone.get_by_text(i18n.t("confirm.heading", "es"))).to_have_count(0)  # still on the form
