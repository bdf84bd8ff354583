"""The audit page: staff see the trail with before/after as text, filter it, and export it; organizers don't."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach import audit, inventory
from outreach.db import utcnow
from outreach.models import AuditEntry
from outreach.ui import state
from tests.pages.conftest import open_page, page_text

PAYLOAD = '<script>alert("x")</script>'


@pytest.fixture
def trail(page_db):
    sessions, ref = page_db
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "es")],
        location_id=ref.main_depot,
        quantity=100,
        reference="PR",
        actor="cora",
    )
    with sessions.begin() as session:
        audit.record(
            session,
            actor="ada",
            action="update",
            entity="organization",
            entity_id=7,
            before={"name": PAYLOAD},
            after={"name": '=HYPERLINK("http://evil")'},
        )
        session.add(
            AuditEntry(
                at=utcnow() - dt.timedelta(days=40),
                actor="old",
                action="create",
                entity="edition",
                entity_id="1",
            )
        )
    return sessions


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_staff_see_the_trail_with_before_and_after_as_text(trail, role):
    at = open_page("pages/audit.py", role)
    assert not at.exception
    rows = at.dataframe[0].value
    assert {"actor", "action", "entity", "entity_id", "before", "after"} <= set(rows.columns)
    assert rows.iloc[0]["before"] == '{"name": "' + PAYLOAD.replace('"', '\\"') + '"}'  # the JSON, as typed
    assert "cora" in rows["actor"].tolist()


def test_organizers_cannot_open_it(trail):
    at = open_page("pages/audit.py", "organizer")
    assert not at.dataframe
    assert "cannot open this page" in page_text(at)


def test_filters_narrow_the_table(trail):
    at = open_page("pages/audit.py", "coordinator")
    everything = len(at.dataframe[0].value)
    at.selectbox(key=state.AUDIT_ACTOR).set_value("ada").run()
    assert at.dataframe[0].value["actor"].unique().tolist() == ["ada"]
    at.selectbox(key=state.AUDIT_ACTOR).set_value(None)
    at.selectbox(key=state.AUDIT_ENTITY).set_value("stock_unit").run()
    assert set(at.dataframe[0].value["entity"]) == {"stock_unit"}
    at.selectbox(key=state.AUDIT_ENTITY).set_value(None)
    today = utcnow().date()
    at.date_input(key=state.AUDIT_DATES).set_value((today - dt.timedelta(days=1), today)).run()
    assert "old" not in at.dataframe[0].value["actor"].tolist()
    assert len(at.dataframe[0].value) == everything - 1
    at.selectbox(key=state.AUDIT_ENTITY).set_value("organization")
    at.text_input(key=state.AUDIT_ENTITY_ID).set_value("7").run()
    assert at.dataframe[0].value["action"].tolist() == ["update"]


def test_a_reversed_date_range_is_explained(trail):
    at = open_page("pages/audit.py", "coordinator")
    today = utcnow().date()
    at.date_input(key=state.AUDIT_DATES).set_value((today, today - dt.timedelta(days=3))).run()
    assert not at.exception and not at.dataframe
    assert "The date range is reversed" in page_text(at)


def test_the_export_is_offered_as_csv(trail):
    at = open_page("pages/audit.py", "coordinator")
    button = at.get("download_button")[0]
    assert button.proto.label.startswith("Download these entries")
