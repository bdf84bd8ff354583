"""The reviewer round trip in a real browser: an admin downloads the Yiddish spreadsheet, uploads it back with
one correction, sees the change before applying it, applies it, and the page names the reviewer."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from outreach import i18n
from tests.e2e.conftest import choose, download, screenshot, wait_until_idle

KEY = "poster.private"  # a text no other browser test reads
REVIEWED = "דער קאָד געהערט צו אײַער אָרגאַניזאַציע. ביטע טיילט אים נישט אויף סאָציאַלע נעצן."


def test_admin_exports_yiddish_and_imports_the_reviewed_file(open_page):
    page = open_page("demo-admin", "Translations")
    expect(page.get_by_text("Haitian Kreyòl: not reviewed")).to_be_visible()
    choose(page, "Language to export", re.compile("^Yiddish"), typed="Yidd")
    data = download(page, page.get_by_role("button", name=re.compile("Download the Yiddish spreadsheet")))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert next(row for row in rows if row["key"] == KEY)["current"] == i18n.t(KEY, "yi")

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "reviewed_text": REVIEWED if row["key"] == KEY else ""})
    choose(page, "Language of the file", re.compile("^Yiddish"), typed="Yidd")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[
            {"name": "yi-reviewed.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode("utf-8-sig")}
        ]
    )
    expect(page.get_by_text("1 change(s) to Yiddish")).to_be_visible()
    page.get_by_label("Reviewer's name").fill("Chaya Weiss")
    wait_until_idle(page)
    screenshot(page, "translations")
    page.get_by_role("button", name="Apply 1 change(s) and record the review").click()
    expect(page.get_by_text("Yiddish: 1 text(s) changed, review recorded.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Yiddish: reviewed by Chaya Weiss, \d{4}-\d\d-\d\d"))).to_be_visible()
