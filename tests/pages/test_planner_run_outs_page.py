"""The planner's run-out suggestions and stage picker (AppTest)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from outreach.db import utcnow
from outreach.field import handouts
from outreach.models import HandoutReport
from outreach.ui import state
from tests.conftest import ship_until
from tests.pages.conftest import page_text
from tests.pages.test_planner_page import open_bangla, seed


def test_a_fast_handout_rate_suggests_a_restock_and_any_stage_plans(page_db):
    sessions, ref = page_db
    masjid, _ = seed(sessions, ref)
    ship_until(sessions, ref, masjid, {ref.units[("flyer", "bn")]: 200})
    for key, handed, left, days_ago in (("a", "50", None, 10), ("b", "50", "90", 0)):
        checked = handouts.check_report(
            sessions, organization_id=masjid, typed={("flyer", "bn"): (handed, left or "")}, unit="pieces"
        )
        handouts.report_handouts(
            sessions, organization_id=masjid, report=checked, submission_key=key, language="bn", actor="x"
        )
        with sessions.begin() as session:  # the first report ten days ago: 5 pieces a day since then
            session.execute(
                update(HandoutReport)
                .where(HandoutReport.submission_key == key)
                .values(reported_at=utcnow() - dt.timedelta(days=days_ago))
            )
    at = open_bangla(ref)
    assert not at.exception
    text = page_text(at)
    assert "Bangla flyers at **Fresh Meadows Masjid 1** run out in about 18 days" in text
    at.radio(key=state.FIELD_PLAN_STAGE).set_value("confirmed").run()
    assert not at.exception  # nothing confirmed: every district is behind, and the plan still draws
