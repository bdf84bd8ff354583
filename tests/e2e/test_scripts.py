"""Scripts as Chromium really draws them on a phone: Urdu in the Nastaliq face the app serves itself, and
Traditional Chinese (繁體中文) as its own catalog in the Traditional faces.

"Which font drew this text" is asked of Chromium itself (DevTools `CSS.getPlatformFontsForNode`): a font-family
in the CSS only says what was asked for, and a browser silently falls back to another face when a font file
does not load. `isCustomFont` is true for a font the page loaded (an @font-face), false for a system font.
"""

from __future__ import annotations

from playwright.sync_api import expect

from outreach import i18n, organizations
from outreach.restock import links as restock_links
from tests.e2e.conftest import PHONE, choose, fresh_link, open_tab, screenshot, wait_until_idle

NASTALIQ_FILE = "/app/static/fonts/noto-nastaliq-urdu/NotoNastaliqUrdu-Regular.ttf"
SCROLL_LIMIT = PHONE["viewport"]["width"] + 2  # px: sub-pixel rounding, not a scrollbar


def drawn_with(page, selector: str) -> list[dict]:
    """The fonts Chromium used for the text of the first element matching `selector`, most glyphs first."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"nothing matches {selector}"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return sorted(fonts, key=lambda font: -font["glyphCount"])


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= SCROLL_LIMIT, f"the page scrolls sideways on a phone: {width}px wide"


def test_urdu_is_drawn_in_the_nastaliq_the_app_serves(browser, server, e2e_sessions):
    organization, token = fresh_link(e2e_sessions, serving="ur")
    start = organization.preferred_language
    with open_tab(browser, **PHONE) as phone:
        phone.goto(f"{server}/restock?t={token}")
        phone.get_by_role("heading", level=1).wait_for()  # the first page of a fresh server takes a while
        expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", start))
        with phone.expect_response(lambda response: response.url.endswith(NASTALIQ_FILE)) as served:
            choose(phone, "🌐 " + i18n.t("language.label", start), i18n.language_choices()["ur"])
        assert served.value.status == 200 and served.value.url.startswith(server)  # the app, no CDN
        expect(phone.get_by_role("heading", level=1)).to_have_text(i18n.t("page.title", "ur"))
        assert phone.evaluate(
            "document.fonts.ready.then(() => document.fonts.check('20px \"Noto Nastaliq Urdu\"', 'اردو'))"
        )
        wait_until_idle(phone)
        for selector in ("h1", "[data-testid='stCaptionContainer'] p", "label p"):
            used = drawn_with(phone, selector)[0]
            assert (used["familyName"], used["isCustomFont"]) == ("Noto Nastaliq Urdu", True), (
                selector,
                used,
            )
        # The confirmation number and links stay in their monospace face; the page still fits a phone.
        no_sideways_scroll(phone)
        screenshot(phone, "restock-phone-urdu-nastaliq")


def test_the_urdu_html_poster_is_nastaliq_from_the_file_itself(browser):
    poster = restock_links.poster_html(
        organization_name="Coney Island مسجد مکی", language="ur", url="http://127.0.0.1:1/restock?t=x"
    )
    with open_tab(browser) as page:
        page.set_content(poster)  # as opened from disk: nothing but the file itself
        page.evaluate("document.fonts.ready")
        used = drawn_with(page, "p")[0]
        assert (used["familyName"], used["isCustomFont"]) == ("Noto Nastaliq Urdu", True), used


def test_a_traditional_chinese_organization_gets_its_own_catalog(browser, server, e2e_sessions):
    organization, token = fresh_link(e2e_sessions, serving="zh")
    organizations.update_organization(
        e2e_sessions, organization_id=organization.id, actor="e2e-setup", preferred_language="zh-Hant"
    )
    with open_tab(browser, **PHONE) as phone:
        phone.goto(f"{server}/restock?t={token}")
        heading = phone.get_by_role("heading", level=1)
        heading.wait_for()
        expect(heading).to_have_text("索取「了解您的權利」宣傳資料")
        wait_until_idle(phone)
        expect(phone.get_by_role("combobox", name="🌐 本頁語言")).to_be_visible()
        flyers = phone.get_by_role("textbox", name="單張 · 中文（包）", exact=True)
        expect(flyers).to_be_visible()  # the Chinese stock, named in Traditional words
        used = drawn_with(phone, "h1")[0]
        assert used["familyName"] == "Noto Sans CJK TC", used  # Traditional glyph forms, not SC or JP
        no_sideways_scroll(phone)
        screenshot(phone, "restock-phone-zh-hant")

        flyers.fill("2")
        flyers.press("Tab")
        phone.get_by_role("button", name="核對我的申請").click()
        phone.get_by_text("請核對您的申請").wait_for()
        expect(phone.get_by_text("合共：2 包（100 份）")).to_be_visible()
        phone.get_by_role("button", name="提交申請").click()
        phone.get_by_text("多謝！我們已收到您的申請。").wait_for()
        no_sideways_scroll(phone)
