"""Delivery windows: defaults by faith tradition (sunset from astral), hours typed by hand, closed dates."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach import organizations
from outreach.db import SessionFactory
from outreach.delivery import windows
from outreach.errors import InvalidInput
from outreach.models import AuditEntry
from tests.conftest import ACTOR

FRIDAY, SATURDAY, SUNDAY = dt.date(2026, 12, 11), dt.date(2026, 12, 12), dt.date(2026, 12, 13)


@pytest.mark.parametrize(
    ("tradition", "name", "expected"),
    [
        ("Jewish", "Beth Israel", "synagogue"),
        (None, "Lantern Grove Shul", "synagogue"),
        ("Muslim", "Al-Noor", "mosque"),
        ("Christian", "Hope", "church"),
        ("Hindu", "Mandir", "unknown"),
        (None, None, "unknown"),
    ],
)
def test_tradition_from_the_directory(tradition: str | None, name: str | None, expected: str) -> None:
    assert windows.tradition_of(tradition, name) == expected


def test_synagogue_closes_two_hours_before_sunset_and_opens_after_nightfall() -> None:
    sunset, _ = windows.sun_times(FRIDAY)
    assert 16 * 60 + 20 <= sunset <= 16 * 60 + 40  # New York in mid-December: about 16:30
    assert windows.default_windows("synagogue", FRIDAY) == [(9 * 60, sunset - 120)]
    _, nightfall = windows.sun_times(SATURDAY)
    assert windows.default_windows("synagogue", SATURDAY) == [(nightfall, 18 * 60)]
    assert sunset < nightfall
    june_friday = dt.date(2026, 6, 19)  # sunset after 20:00: open all the working day
    assert windows.default_windows("synagogue", june_friday) == [(9 * 60, 18 * 60)]


def test_mosque_church_and_unknown_defaults() -> None:
    assert windows.default_windows("mosque", FRIDAY) == [(540, 720), (870, 1080)]
    assert windows.default_windows("church", SUNDAY) == [(780, 1080)]
    assert windows.default_windows("unknown", SUNDAY) == []
    assert windows.default_windows("unknown", FRIDAY) == [(600, 1020)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("9-12, 14:30-18:00", [(540, 720), (870, 1080)]), ("", []), ("10:00–12:00; 11:00-13:00", [(600, 780)])],
)
def test_typed_hours(typed: str, expected: list[tuple[int, int]]) -> None:
    assert windows.parse_intervals(typed) == expected


@pytest.mark.parametrize("typed", ["noon", "12-9", "25:00-26:00", "9:75-10", "9-"])
def test_bad_hours_are_refused_naming_them(typed: str) -> None:
    with pytest.raises(InvalidInput, match=typed.replace("(", r"\(")):
        windows.parse_intervals(typed)


def test_set_week_replaces_defaults_and_closed_dates_apply(sessions: SessionFactory) -> None:
    org = organizations.create_organization(
        sessions, name="Masjid Test", borough="Queens", languages=["ur"], actor=ACTOR, faith_tradition="Muslim",
        latitude=40.74, longitude=-73.89,
    )  # fmt: skip
    assert windows.schedule_of(sessions, org).on(FRIDAY) == [(540, 720), (870, 1080)]
    windows.set_week(sessions, organization_id=org, days={4: "15:00-17:00", 0: "10-12"}, actor=ACTOR)
    schedule = windows.schedule_of(sessions, org)
    assert schedule.on(FRIDAY) == [(900, 1020)] and schedule.on(SATURDAY) == []
    windows.add_closed_date(sessions, organization_id=org, day=FRIDAY, note="Eid", actor=ACTOR)
    windows.add_closed_date(sessions, organization_id=org, day=FRIDAY, note="Eid", actor=ACTOR)  # once
    assert windows.schedule_of(sessions, org).on(FRIDAY) == []
    windows.reset_week(sessions, organization_id=org, actor=ACTOR)
    assert windows.schedule_of(sessions, org).week is None
    with sessions() as session:
        actions = [a.action for a in session.query(AuditEntry).filter(AuditEntry.entity_id == str(org))]
    assert {"set_delivery_hours", "add_closed_date", "reset_delivery_hours"} <= set(actions)
    assert actions.count("add_closed_date") == 1
