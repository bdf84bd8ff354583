"""Scheduled messages: low stock once a day, the digest once a day, unconfirmed deliveries through the receipts
hook (none until it is connected)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from outreach import inventory
from outreach.field import receipts
from outreach.messages import schedule
from outreach.models import OutboxMessage
from tests.conftest import ship_until
from tests.messages.conftest import coordinator, organization, submit_by_link

NOON_NY = dt.datetime(2026, 12, 3, 17, 0)  # naive UTC: noon in New York


def kinds(sessions) -> list[tuple[str, int | None]]:
    with sessions() as session:
        return [
            (r.kind, r.user_id) for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def test_low_stock_once_a_day_per_coordinator(sessions, ref, mail_env):
    ana = coordinator(sessions, "ana")
    unit = ref.units[("booklet", "ru")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=100, reference="r", actor="t"
    )
    assert [item.item for item in schedule.low_stock_items(sessions)] == ["Booklet · Russian"]
    assert schedule.run_checks(sessions, NOON_NY) == 1
    assert schedule.run_checks(sessions, NOON_NY + dt.timedelta(hours=3)) == 0
    assert schedule.run_checks(sessions, NOON_NY + dt.timedelta(days=1)) == 1
    assert kinds(sessions) == [("low_stock", ana), ("low_stock", ana)]


def test_the_digest_once_a_day_after_its_hour(sessions, ref, mail_env, monkeypatch):
    from outreach import config

    monkeypatch.setenv("KYR_DIGEST_HOUR", "7")
    config.settings.cache_clear()
    dov = coordinator(sessions, "dov", mode="digest", boroughs=["Bronx"])
    bronx = organization(sessions, "Bronx Church", borough="Bronx", lang="es")
    organization_elsewhere = organization(
        sessions, "Staten Island Temple", borough="Staten Island", lang="zh"
    )
    submit_by_link(sessions, ref, bronx)
    submit_by_link(sessions, ref, organization_elsewhere)
    assert kinds(sessions) == []  # a digest reader gets no message per request
    early = dt.datetime(2026, 12, 3, 10, 0)  # 05:00 in New York
    assert schedule.run_checks(sessions, early) == 0
    assert schedule.run_checks(sessions, NOON_NY) == 1
    assert schedule.run_checks(sessions, NOON_NY + dt.timedelta(hours=1)) == 0
    with sessions() as session:
        digest = session.scalar(select(OutboxMessage))
    assert digest.user_id == dov and "Bronx Church" in digest.text_body
    assert "Staten Island Temple" not in digest.text_body


def test_a_delivery_the_organization_has_not_confirmed_is_reported_once(sessions, ref, mail_env):
    ana = coordinator(sessions, "ana")
    unit = ref.units[("flyer", "ht")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=5000, reference="r", actor="t"
    )
    org = organization(sessions, "Eglise Bethel", lang="ht")
    confirmed = ship_until(sessions, ref, org, {unit: 50})
    waiting = ship_until(sessions, ref, org, {unit: 100})
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=8)
    early = later - dt.timedelta(days=2)  # within KYR_CONFIRM_AFTER_DAYS (7): not overdue yet
    assert schedule.run_checks(sessions, early) == 0
    receipts.confirm_receipt(
        sessions, shipment_id=confirmed, organization_id=org, channel="link", language="ht", actor="leader"
    )

    assert schedule.run_checks(sessions, later) == 1
    assert schedule.run_checks(sessions, later + dt.timedelta(days=1)) == 0  # once per shipment
    with sessions() as session:
        row = session.scalar(select(OutboxMessage))
    assert row.user_id == ana and f"#{waiting}" in row.subject
