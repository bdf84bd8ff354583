"""Right-to-left pages keep typed values in their own order, in Chromium: a phone number and a Latin name
ending in "Inc." on the restock page (Arabic, Urdu, Yiddish) and on the HTML poster.

The check is what the reader sees: the horizontal position of each character of the value on screen
(Range.getClientRects), which must grow from its first character to its last. A phone number shown as
"555-1234 (718)", or a name shown as ".Grace Church Inc", fails it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from outreach import i18n
from outreach.models import Organization
from outreach.restock import links as restock_links
from outreach.ui import state
from tests.e2e.conftest import PHONE, choose, fresh_link, open_tab, screenshot, wait_until_idle

NAME = "Grace Church Inc."
TYPED_PHONE = "(718) 555-1234"
STORED_PHONE = "+1 718-555-1234"  # how outreach.phones stores and shows it
RTL = ("ar", "ur", "yi")

# The x centre of each character of `needle` (isolate marks skipped) in the first text under `root` that
# holds it, in logical order; null when it is not there.
CHARACTER_POSITIONS = """
([root, needle]) => {
  const marks = new Set(["\\u2068", "\\u2069", "\\u2066", "\\u2067", "\\u200e", "\\u200f"]);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (!marks.has(node.data[i])) chars.push({ node, i, c: node.data[i] });
    }
  }
  const text = chars.map((x) => x.c).join("");
  const start = text.indexOf(needle);
  if (start < 0) return null;
  return chars.slice(start, start + needle.length).map(({ node, i }) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rect = range.getClientRects()[0];
    return rect.left + rect.width / 2;
  });
}
"""


def positions(locator, needle: str) -> list[float]:
    found = locator.evaluate(f"(root) => ({CHARACTER_POSITIONS})([root, {needle!r}])")
    assert found, f"{needle!r} is not in {locator.inner_text()!r}"
    return found


def assert_reads_left_to_right(locator, needle: str) -> None:
    xs = [x for x, char in zip(positions(locator, needle), needle, strict=True) if not char.isspace()]
    assert xs == sorted(xs), f"{needle!r} is shown out of order: x = {[round(x) for x in xs]}"


@pytest.fixture(scope="module")
def grace_link(e2e_sessions) -> tuple[str, str]:
    organization, token = fresh_link(e2e_sessions, serving="ar")
    with e2e_sessions.begin() as session:  # set-up straight in the database, as fresh_link does
        session.execute(update(Organization).where(Organization.id == organization.id).values(name=NAME))
    return token, organization.preferred_language


@pytest.mark.parametrize("lang", RTL)
def test_phone_number_and_latin_name_keep_their_order_on_the_restock_page(browser, server, grace_link, lang):
    token, start = grace_link
    with open_tab(browser, **PHONE) as phone:
        phone.goto(f"{server}/restock?t={token}")
        phone.get_by_role("heading", name=NAME).wait_for()
        expect(phone.locator("html")).to_have_attribute("lang", start)
        if start != lang:
            choose(phone, "🌐 " + i18n.t("language.label", start), i18n.language_choices()[lang])
            expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", lang))
        main = phone.locator("[data-testid='stMainBlockContainer']")
        expect(phone.locator("html")).to_have_attribute("lang", lang)
        expect(main).to_have_attribute("dir", "rtl")
        expect(main).to_have_attribute("lang", lang)
        assert_reads_left_to_right(phone.get_by_role("heading", name=NAME), NAME)

        phone.locator(f"[class*='st-key-{state.RESTOCK_PACKS}_'] input").first.fill("1")
        phone.get_by_label(i18n.t("form.contact_name", lang), exact=True).fill(NAME)
        phone.get_by_label(i18n.t("form.contact_phone", lang), exact=True).fill(TYPED_PHONE)
        phone.get_by_label(i18n.t("form.contact_phone", lang), exact=True).press("Tab")
        wait_until_idle(phone)
        phone.get_by_role("button", name=i18n.t("form.review", lang)).click()
        phone.get_by_text(i18n.t("confirm.heading", lang)).wait_for()
        contact = phone.get_by_test_id("stMarkdownContainer").filter(has_text=STORED_PHONE)
        expect(contact).to_have_count(1)
        assert_reads_left_to_right(contact, STORED_PHONE)
        assert_reads_left_to_right(contact, NAME)
        if lang == "ar":
            screenshot(phone, "restock-phone-bidi-ar")


@pytest.mark.parametrize("lang", RTL)
def test_the_html_poster_keeps_a_latin_name_in_order(browser, lang):
    poster = restock_links.poster_html(organization_name=NAME, language=lang, url="http://127.0.0.1/restock")
    with open_tab(browser) as tab:
        tab.set_content(poster)
        expect(tab.locator("html")).to_have_attribute("dir", "rtl")
        assert_reads_left_to_right(tab.locator("h2"), NAME)
        sentence = tab.locator("p").filter(has_text=NAME)
        assert_reads_left_to_right(sentence, NAME)
        # The name sits where the sentence puts it, not flipped to the far end by its full stop: the
        # isolate is one block, so the full stop stays inside it, at its right.
        xs = positions(sentence, NAME)
        assert xs[-1] == max(xs)
