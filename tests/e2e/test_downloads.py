"""Download buttons deliver a file on every click (issue 14.6: lazily built download buttons that sometimes
spun: directory, queue, shipments, history, PDFs, backup), in a real browser.

Each button is clicked twice in a row. Each click must deliver a non-empty file, leave the button ready, and
not rerun the page: in Streamlit 1.67 a rerun started by the click could drop a lazily built file's reply,
and the button spun (outreach/ui/widgets.csv_download; tests/ui/test_widgets.py checks every button).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import choose, download, wait_until_idle

# Counts the page's reruns from now on, in window.kyrReruns: Streamlit marks the app root "running" during a
# run (counted from the records: a change away from "running"). A very short run can go by unmarked, so this
# catches a rerun on click most of the time, not always: tests/ui/test_widgets.py is the strict check.
COUNT_RERUNS = """() => {
  window.kyrReruns = 0;
  new MutationObserver((records) => {
    window.kyrReruns += records.filter((record) => record.oldValue === "running").length;
  }).observe(document.querySelector("[data-testid='stApp']"), {
    attributes: true,
    attributeFilter: ["data-test-script-state"],
    attributeOldValue: true,
  });
}"""


def _download_twice(page, button) -> list[bytes]:
    expect(button).to_be_enabled()  # drawn by the run that is going (if any), so the wait below sees it end
    wait_until_idle(page)
    page.evaluate(COUNT_RERUNS)
    files = []
    for _ in range(2):
        files.append(download(page, button))
        expect(button).to_be_enabled()  # not left spinning
        expect(page.get_by_test_id("stDownloadButtonError")).to_have_count(0)
    assert all(files), [len(content) for content in files]
    assert page.evaluate("window.kyrReruns") == 0, "a download click reran the page"
    return files


def _csv_lines(content: bytes) -> int:
    return len(list(csv.reader(io.StringIO(content.decode("utf-8-sig")))))


def test_directory_csv_downloads_every_time(open_page):
    page = open_page("demo-coordinator", "Directory")
    button = page.get_by_role("button", name=re.compile(r"^Download all [\d,]+ matching organizations"))
    for content in _download_twice(page, button):
        assert _csv_lines(content) > 1  # a header and the organizations


def test_triage_queue_csv_downloads_every_time(open_page):
    page = open_page("demo-coordinator", "Restock requests")
    button = page.get_by_role("button", name=re.compile(r"^Download all [\d,]+ matching requests"))
    for content in _download_twice(page, button):
        assert _csv_lines(content) > 1


def test_shipments_csv_downloads_every_time(open_page):
    page = open_page("demo-coordinator", "Shipments")
    button = page.get_by_role("button", name="Download shipments CSV (every page)")
    for content in _download_twice(page, button):
        assert _csv_lines(content) > 1


def test_inventory_history_csv_downloads_every_time(open_page):
    page = open_page("demo-coordinator", "Inventory")
    button = page.get_by_role("button", name="Download history CSV (every page)")
    for content in _download_twice(page, button):
        assert _csv_lines(content) > 1


def test_packing_slip_pdf_downloads_every_time(open_page):
    page = open_page("demo-coordinator", "Shipments")
    choose(page, re.compile(r"^Shipment$"), re.compile(r"^#\d+ "), typed="#")
    button = page.get_by_role("button", name="Packing slip (PDF)")
    for content in _download_twice(page, button):
        assert content.startswith(b"%PDF-")


def test_backup_zip_downloads_every_time(open_page):
    page = open_page("demo-admin", "Backups")
    button = page.get_by_role("button", name="Download backup")
    for content in _download_twice(page, button):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert archive.testzip() is None and archive.namelist()


def test_campaign_report_pdf_and_csv_download_every_time(open_page):
    # Built only when pressed (the report reads the silent lists): the callable must deliver on each click.
    page = open_page("demo-coordinator", "Dashboard")
    for content in _download_twice(page, page.get_by_role("button", name="Campaign report (PDF)")):
        assert content.startswith(b"%PDF-")
    for content in _download_twice(page, page.get_by_role("button", name="Campaign report (CSV)")):
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert "language" in [name.lower() for name in header] and _csv_lines(content) > 1


def test_coverage_csv_downloads_every_time(open_page):
    # Built only when pressed, from the rerun's gap table: every row, not the page shown.
    page = open_page("demo-coordinator", "Coverage map")
    button = page.get_by_role("button", name="Download table (CSV, every row)")
    for content in _download_twice(page, button):
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert "fair_share" in header and _csv_lines(content) > 101  # more rows than the page of 100


def test_allocation_plan_csv_downloads_every_time(open_page):
    # Built only when pressed, from the plan of the rerun: every line, not the page shown.
    page = open_page("demo-coordinator", "Allocation planner")
    button = page.get_by_role("button", name="Download plan (CSV, every line)")
    for content in _download_twice(page, button):
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert header[:3] == ["district", "organization_id", "organization"] and _csv_lines(content) > 1
