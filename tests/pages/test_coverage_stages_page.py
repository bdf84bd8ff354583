"""Coverage stages on the coverage page and the dashboard (AppTest): an organizer sees delivered, confirmed
and handed out per 1,000 LEP speakers, and can measure the gap table by any stage."""

from __future__ import annotations

from outreach.db import utcnow
from outreach.field import receipts
from outreach.ui import state
from tests.field.builders import ASTORIA, delivered_to, reported
from tests.pages.conftest import open_page, page_text


def seed(sessions, ref):
    org, shipment = delivered_to(
        sessions, ref, ("flyer", "ar"), 300, name="Masjid Al-Noor", languages=["ar"], **ASTORIA
    )
    receipts.confirm_receipt(
        sessions, shipment_id=shipment, organization_id=org, channel="link", language="ar", actor="x"
    )
    reported(sessions, org, ("flyer", "ar"), "120", "")
    return org


def stage_table(at):
    return next(frame.value for frame in at.dataframe if "handed_out_per_1000" in frame.value.columns)


def test_the_organizer_sees_three_stages_and_picks_one_for_the_gaps(page_db):
    sessions, ref = page_db
    seed(sessions, ref)
    at = open_page("pages/coverage.py", "organizer")
    assert not at.exception
    at.selectbox(key=state.COV_LANGUAGE).set_value("ar").run()
    assert not [f for f in at.dataframe if "handed_out_per_1000" in f.value.columns]  # closed: not computed
    at.session_state[state.FIELD_STAGES_OPEN] = True  # the organizer opens the section
    at.run()
    row = stage_table(at).iloc[0]
    lep = row["lep_speakers"]
    assert (row["delivered_per_1000"], row["confirmed_per_1000"], row["handed_out_per_1000"]) == (
        round(300 / lep * 1000, 1),
        round(300 / lep * 1000, 1),
        round(120 / lep * 1000, 1),
    )
    assert row["reporting_percent"] == 100
    at.radio(key=state.FIELD_STAGE).set_value("handed_out").run()
    assert not at.exception
    ranking = next(f.value for f in at.dataframe if "fair_share" in f.value.columns)
    assert ranking["delivered"].max() == 120  # the gap table now counts what was handed out


def test_the_dashboard_shows_the_stages_and_the_organizer_makes_the_report(page_db, downloads):
    sessions, ref = page_db
    seed(sessions, ref)
    at = open_page("pages/dashboard.py", "organizer")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Confirmed received"] == "300" and metrics["Reported handed out"] == "120"
    assert metrics["Organizations reporting"] == "1 of 1"
    assert "Reached people" in page_text(at)
    day = f"{utcnow():%Y-%m-%d}"
    assert downloads[f"campaign-report-{day}.pdf"].startswith(b"%PDF")
    rows = [
        row
        for row in downloads.csv(f"campaign-report-{day}.csv")
        if row[0] == "campaign" and row[3] == "Arabic"
    ]
    assert rows and rows[0][5:8] == ["300", "300", "120"]  # delivered, confirmed, handed out
