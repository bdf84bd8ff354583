"""The campaign report: stable columns per campaign, borough and district; the PDF renders every script."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid

import pytest

from outreach import exports, inventory, organizations
from outreach.catalog import LANGUAGE_CODES, language_of
from outreach.field import handouts, receipts, report, report_pdf
from outreach.restock import links as restock_links
from outreach.restock import submission as restock
from tests.conftest import ACTOR, ship_until


@pytest.fixture
def campaign(sessions, ref):
    unit = ref.units[("flyer", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=1000, reference="r", actor=ACTOR
    )
    org = organizations.create_organization(
        sessions,
        name="Baitul Aman",
        languages=["bn", "en"],
        actor=ACTOR,
        borough="Queens",
        latitude=40.7557,
        longitude=-73.9249,
    )
    other = organizations.create_organization(
        sessions,
        name="Quiet Temple",
        languages=["bn"],
        actor=ACTOR,
        borough="Queens",
        latitude=40.7557,
        longitude=-73.9249,
    )
    shipment = ship_until(sessions, ref, org, {unit: 200})
    ship_until(sessions, ref, other, {unit: 100})
    receipts.confirm_receipt(
        sessions, shipment_id=shipment, organization_id=org, channel="link", language="bn", actor="x"
    )
    checked = handouts.check_report(
        sessions, organization_id=org, typed={("flyer", "bn"): ("150", "50")}, unit="pieces"
    )
    handouts.report_handouts(
        sessions, organization_id=org, report=checked, submission_key="k", language="bn", actor="x"
    )
    token = restock_links.issue_link(sessions, organization_id=org, actor=ACTOR)
    restock.submit_request(sessions, token=token, idempotency_key=uuid.uuid4().hex, lines={unit: 2})
    return org, organizations.get_organization(sessions, org).community_district


def test_rows_per_campaign_borough_and_district(sessions, ref, campaign):
    _, district = campaign
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=8)
    table = report.campaign_report(sessions, now=later)
    assert list(table.columns) == report.COLUMNS
    bangla = table[table["language"] == "bn"].set_index("level")
    expected = {
        "delivered": 300,
        "confirmed": 200,
        "handed_out": 150,
        "open_requests": 1,
        "silent_organizations": 1,
    }
    for level in ("campaign", "borough", "district"):
        row = bangla.loc[level]
        assert {k: int(row[k]) for k in expected} == expected, level
    assert int(bangla.loc["campaign", "received"]) == 1000
    assert (
        bangla.loc["district", "community_district"] == district
        and bangla.loc["borough", "borough"] == "Queens"
    )
    assert set(table[table["level"] == "campaign"]["language"]) == set(LANGUAGE_CODES)
    shaped = exports.shape(table, exports.CAMPAIGN_REPORT)
    assert list(shaped.columns) == exports.CAMPAIGN_REPORT.columns


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_pdf_renders_every_script(sessions, ref, campaign, tmp_path):
    table = report.campaign_report(sessions)
    pdf = report_pdf.report_pdf(table, generated_at=dt.datetime(2026, 12, 3, 18, 0))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "from print run to people" in text and "About these figures" in text
    for code in LANGUAGE_CODES:
        assert language_of(code).english in text
    # Text extraction of shaped Arabic and Nastaliq is unreliable; the Latin, Cyrillic, Bengali, Hebrew and
    # Chinese names come back as written.
    for code in ("ru", "bn", "yi", "zh", "ht"):
        assert language_of(code).native in text, code
