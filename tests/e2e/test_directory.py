"""The directory in a real browser: the Map section draws a map that can be seen (not a frame of height 0)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import go_to, sign_in, wait_until_idle


def test_the_directory_map_section_draws_a_visible_map(page, server):
    sign_in(page, server, "demo-coordinator")
    page.get_by_role("heading", name="Dashboard").wait_for()
    go_to(page, "Directory")
    page.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Map").click()
    page.get_by_text("organization(s) matching the filters above").wait_for()
    wait_until_idle(page)
    # The CDN scripts are served from tests/e2e/assets (conftest.offline_web); tiles cannot load offline.
    drawn = page.frame_locator("[data-testid='stIFrame']")
    expect(drawn.locator(".leaflet-container")).to_be_visible()
    expect(drawn.locator(".marker-cluster").first).to_be_visible()  # the demo organizations, clustered
    box = page.get_by_test_id("stIFrame").bounding_box()
    assert box is not None and box["height"] > 300, box


def test_a_name_is_confirmed_exactly_as_typed(page, server):
    """Streamlit turns a lone "--" into "—" (and ":smile:" into 😄) after markdown escapes are undone;
    escape_markdown keeps what was typed: the browser shows it, with only zero-width word joiners added."""
    typed = "Robert'); -- DROP TABLE :smile: -> end"
    sign_in(page, server, "demo-coordinator")
    page.get_by_role("heading", name="Dashboard").wait_for()
    go_to(page, "Directory")
    page.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Add or edit").click()
    wait_until_idle(page)
    page.get_by_label("Name", exact=True).fill(typed)
    page.get_by_role("combobox", name="Languages served").click()
    page.get_by_role("option", name="Spanish").first.click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Add organization").click()
    confirmation = page.get_by_test_id("stAlertContentSuccess")
    expect(confirmation).to_contain_text("Added")  # drawn, not a skeleton
    shown = confirmation.get_by_test_id("stMarkdownContainer").inner_text().replace("\u2060", "")  # no width
    assert shown == f"Added {typed}.", shown
