"""Accessibility in a real browser: every input has an accessible name, and a faith leader can send a restock
request with the keyboard alone. Also saves the screenshots of the main coordinator screens to docs/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from outreach import i18n
from tests.e2e.conftest import (
    PHONE,
    choose,
    fresh_link,
    go_to,
    open_tab,
    screenshot,
    sign_in,
    wait_until_idle,
)

# The accessible name as a screen reader gets it (simplified from the accname spec: aria-labelledby,
# aria-label, <label for> / wrapping <label>, title). Also flags names carrying markdown escapes ("\(") that
# Streamlit copies from a widget label into aria-label, which screen readers would read out.
UNNAMED_INPUTS = """() => {
  const text = (node) => (node ? node.textContent : "").trim();
  const nameOf = (el) => {
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const byIds = ids.map((id) => text(document.getElementById(id))).join(" ").trim();
    if (byIds) return byIds;
    const aria = (el.getAttribute("aria-label") || "").trim();
    if (aria) return aria;
    const labels = el.labels ? [...el.labels].map(text).join(" ").trim() : "";
    return labels || (el.getAttribute("title") || "").trim();
  };
  return [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden" && !el.closest("[aria-hidden='true']"))
    .map((el) => ({ name: nameOf(el), html: el.outerHTML.slice(0, 160) }))
    .filter(({ name }) => !name || /\\\\[()\\[\\]*_#`.!-]/.test(name));
}"""
COORDINATOR_PAGES = {  # page title -> screenshot name (None: checked, not photographed)
    "Dashboard": "dashboard",
    "Inventory": "inventory",
    "Shipments": None,  # photographed with a shipment under way (test_restock_journey)
    "Restock requests": None,  # likewise, with the leader's request open
    "Directory": "directory",
    "Allocation planner": "planner",
    "Audit trail": None,
}


def _assert_every_input_named(page, where: str) -> int:
    wait_until_idle(page)
    inputs = page.locator("input:not([type=hidden]), select, textarea").count()
    unnamed = page.evaluate(UNNAMED_INPUTS)
    assert unnamed == [], f"{where}: inputs without a usable accessible name: {unnamed}"
    return inputs


def test_sign_in_form_inputs_are_labelled(page, server):
    page.goto(server)
    page.get_by_role("button", name="Sign in").wait_for()
    assert _assert_every_input_named(page, "sign-in") >= 2
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "password")


def test_restock_form_inputs_are_labelled_in_both_directions(browser, server, e2e_sessions):
    organization, token = fresh_link(e2e_sessions, serving="ur")
    start = organization.preferred_language
    with open_tab(browser, **PHONE) as phone:
        phone.goto(f"{server}/restock?t={token}")
        phone.get_by_role("heading", name=organization.name).wait_for()
        for lang in (start, "ur"):  # a left-to-right language, then a right-to-left one
            if lang != start:
                choose(phone, "🌐 " + i18n.t("language.label", start), i18n.language_choices()[lang])
                expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", lang))
            phone.get_by_role("button", name=i18n.t("form.review", lang)).wait_for()
            assert _assert_every_input_named(phone, f"restock form ({lang})") >= 5
            packs = phone.get_by_role("textbox", name=i18n.t("form.packs", lang, item=("flyer", "ur")))
            expect(packs).to_have_count(1)  # named exactly by its visible label


def _focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def _tab_to(page, target, *, limit: int = 80) -> int:
    """Press Tab until `target` has the focus; return how many presses it took."""
    target.wait_for()
    for presses in range(limit):
        if _focused(target):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target} in {limit} presses")


def test_restock_form_works_with_the_keyboard_alone(browser, server, e2e_sessions):
    organization, token = fresh_link(e2e_sessions, serving="ur")
    lang = organization.preferred_language
    with open_tab(browser) as page:
        page.goto(f"{server}/restock?t={token}")
        page.get_by_role("heading", name=organization.name).wait_for()
        wait_until_idle(page)
        packs = page.get_by_role("textbox", name=i18n.t("form.packs", lang, item=("booklet", "ur")))
        _tab_to(page, packs)
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("3")
        review = page.get_by_role("button", name=i18n.t("form.review", lang))
        _tab_to(page, review)
        page.keyboard.press("Enter")

        page.get_by_text(i18n.t("confirm.heading", lang)).wait_for()
        wait_until_idle(page)
        send = page.get_by_role("button", name=i18n.t("confirm.send", lang))
        _tab_to(page, send)
        page.keyboard.press("Enter")

        page.get_by_text(i18n.t("done.heading", lang)).wait_for()
        reference = page.get_by_test_id("stCode").inner_text().strip()
        assert re.fullmatch(r"KYR-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
        line = page.get_by_test_id("stMarkdownContainer").locator("strong", has_text=reference)
        expect(line).to_contain_text(i18n.status_label("submitted", lang))
        expect(page.get_by_text(re.compile(rf"{i18n.item_label('booklet', 'ur', lang)}: 3"))).to_be_visible()


@pytest.mark.parametrize("role", ["demo-coordinator"])
def test_coordinator_pages_label_every_input(page, server, role):
    sign_in(page, server, role)
    page.get_by_role("heading", name="Dashboard").wait_for()
    checked = 0
    for title, shot in COORDINATOR_PAGES.items():
        go_to(page, title)
        checked += _assert_every_input_named(page, title)
        if shot:
            page.mouse.move(0, 0)
            screenshot(page, shot)
    assert checked > 20  # the pages really had inputs to check
