"""The maps draw with no internet. Every request that would leave 127.0.0.1 is refused (conftest.open_tab):
Leaflet and its plugin come from the app itself, the districts and markers are drawn, and the map says why
its background is missing."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import expect

from outreach.coverage import maps
from tests.e2e.conftest import OUTSIDE, go_to, sign_in, wait_until_idle

TILE_HOST = "tile.openstreetmap.org"
MIN_MAP_HEIGHT = 100  # px: a blank or collapsed map area is a few pixels high


def outside_requests(page) -> list[str]:
    """Every URL the tab (and its iframes) asks for outside the test server, from now on."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if OUTSIDE.match(request.url) else None)
    return seen


def assert_only_tiles_were_asked_outside(seen: list[str]) -> None:
    assert seen, "the map asked for no background tile: is the tile layer there?"
    assert {urlparse(url).hostname for url in seen} == {TILE_HOST}, sorted(set(seen))[:5]


def assert_map_drawn(drawn, notice: str) -> None:
    container = drawn.locator(".leaflet-container")
    container.wait_for()
    box = container.bounding_box()
    assert box is not None and box["height"] > MIN_MAP_HEIGHT
    expect(drawn.locator(".kyr-tile-notice")).to_have_text(notice)
    expect(drawn.locator(".kyr-tile-notice")).to_be_visible()
    # The layer list starts collapsed: an icon, not a panel over the map.
    expect(drawn.locator(".leaflet-control-layers-toggle")).to_be_visible()
    expect(drawn.locator(".leaflet-control-layers-expanded")).to_have_count(0)
    # Every legend sits inside the map, whole.
    legends = drawn.locator(".kyr-legend")
    expect(legends.first).to_be_visible()
    for index in range(legends.count()):
        legend = legends.nth(index).bounding_box()
        assert legend is not None
        assert box["x"] <= legend["x"] and legend["x"] + legend["width"] <= box["x"] + box["width"]
        assert box["y"] <= legend["y"] and legend["y"] + legend["height"] <= box["y"] + box["height"]


def test_coverage_map_draws_without_outside_sites(page, server):
    seen = outside_requests(page)
    sign_in(page, server, "demo-organizer")
    page.mouse.move(0, 0)  # a pointer resting over the map would open the layer list
    go_to(page, "Coverage map")
    wait_until_idle(page)
    drawn = page.frame_locator("[data-testid='stIFrame']")
    assert_map_drawn(drawn, maps.TILES_FAILED_WITH_AREAS)
    assert drawn.locator("path.leaflet-interactive").count() >= 59  # every community district
    expect(drawn.locator(".marker-cluster").first).to_be_visible()

    page.get_by_text("Deserts", exact=True).click()  # the metric: deserts are yes or no
    expect(page.get_by_test_id("stIFrame")).to_have_attribute("title", re.compile(r": Deserts"))
    scale = drawn.locator(".kyr-legend").filter(has_text="Deserts")
    expect(scale).to_contain_text("Yes")
    expect(scale).to_contain_text("No data")
    expect(drawn.locator(".kyr-tile-notice")).to_be_visible()
    assert_only_tiles_were_asked_outside(seen)


def test_directory_map_draws_without_outside_sites(page, server):
    seen = outside_requests(page)
    sign_in(page, server, "demo-coordinator")
    page.mouse.move(0, 0)
    go_to(page, "Directory")
    wait_until_idle(page)
    page.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Map").click()
    wait_until_idle(page)
    drawn = page.frame_locator("[data-testid='stIFrame']")
    assert_map_drawn(drawn, maps.TILES_FAILED)
    expect(drawn.locator(".marker-cluster").first).to_be_visible()  # the organizations, clustered
    expect(drawn.locator(".kyr-legend")).to_contain_text("Active")
    assert_only_tiles_were_asked_outside(seen)
