"""Directory import in a real browser: a list of congregations with only names and coordinates (as open-data
lists give them) is previewed, imported without an address lookup, and then seen in the list, flagged
"languages to confirm", and on the map."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_until_idle

OPEN_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "congregations_open_data.csv"
SLOW = 30_000  # ms for what waits on the server (a preview, the import, the map): the machine may be loaded


def _names_and_points(folder: Path) -> tuple[Path, list[str]]:
    """The open-data sample cut down to a name and a point per row: `name,lat,lon`."""
    rows = list(csv.DictReader(io.StringIO(OPEN_DATA.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "lat", "lon"])
    writer.writerows([row["NAME"], row["LAT"], row["LON"]] for row in rows)
    path = folder / "congregations.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, [row["NAME"] for row in rows]


def _section(tab, name: str) -> None:
    tab.get_by_role("radiogroup", name="Section").get_by_role("radio", name=name).click()
    wait_until_idle(tab)


def test_congregations_with_only_names_and_coordinates_are_imported_and_listed(open_page, tmp_path):
    path, names = _names_and_points(tmp_path)
    tab = open_page("demo-coordinator", "Directory")
    _section(tab, "Import")
    tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    placed = tab.get_by_test_id("stMetric").filter(has_text="Placed by coordinates")
    expect(placed).to_contain_text("10", timeout=SLOW)
    expect(tab.get_by_test_id("stMetric").filter(has_text="Languages to confirm")).to_contain_text("10")
    expect(tab.get_by_test_id("stMetric").filter(has_text="Rows with a problem")).to_contain_text("0")
    preview = tab.get_by_test_id("stDataFrame").first
    expect(preview.locator("tbody tr[role='row']").filter(has_text="Staten Island Mosque")).to_contain_text(
        "SI 01"
    )
    wait_until_idle(tab)
    # The help (the columns' rule) at the top of the window, then the figures and as much preview as fits.
    tab.get_by_test_id("stDownloadButton").first.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(tab, "directory-import-coordinates")

    tab.get_by_role("button", name="Import 10 valid row(s)").click()
    confirmation = tab.get_by_test_id("stAlertContentSuccess")
    expect(confirmation).to_contain_text(
        "Imported 10 organization(s): 10 placed by their coordinates", timeout=SLOW
    )
    expect(confirmation).to_contain_text("10 with languages to confirm")

    _section(tab, "List")
    expect(tab.get_by_test_id("stAlertContentInfo")).to_contain_text(
        "have languages to confirm", timeout=SLOW
    )
    tab.get_by_test_id("stCheckbox").get_by_text("Only languages to confirm").click()
    expect(tab.get_by_text("Rows 1–10 of 10 organization(s).")).to_be_visible(timeout=SLOW)
    wait_until_idle(tab)
    rows = tab.get_by_test_id("stDataFrame").first.locator("tbody tr[role='row']")
    expect(rows).to_have_count(10)
    for name in names:
        expect(rows.filter(has_text=name).first).to_be_attached()
    expect(rows.filter(has_text="Iglesia Pentecostal Monte Sinai")).to_contain_text("BX 11")
    expect(rows.filter(has_text="St. Mary's Church")).to_have_count(2)  # one name, two places
    screenshot(tab, "directory-languages-to-confirm")

    _section(tab, "Map")
    expect(tab.get_by_text("The 10 organization(s) matching the filters above")).to_be_visible(timeout=SLOW)
    drawn = tab.frame_locator("[data-testid='stIFrame']")
    expect(drawn.locator(".leaflet-container")).to_be_visible(timeout=SLOW)
    expect(drawn.locator(".marker-cluster, path.leaflet-interactive").first).to_be_visible()
    expect(tab.get_by_text("are not on the map")).to_have_count(0)  # every one of them was placed
