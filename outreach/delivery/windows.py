"""When an organization can receive a delivery: its weekly hours, the defaults of its faith tradition, and
its closed dates.

Defaults keep clear of the main time of worship (times in New York, minutes after midnight):

- synagogue: 09:00-18:00, but Friday only until two hours before sunset and Saturday only after nightfall
  (the sun 8.5 degrees below the horizon, "three stars"), both computed for that date with `astral`;
- mosque: 09:00-18:00, but Friday 12:00-14:30 closed (midday prayer);
- church: 09:00-18:00, but Sunday 08:00-13:00 closed;
- a tradition not known: weekdays 10:00-17:00.

A coordinator, or the leader through the restock link, can set the week by hand (`set_week`); then the
set week is used instead of the defaults. Closed dates (holidays) apply either way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from astral import LocationInfo
from astral.sun import dusk, sunset
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from outreach import audit, i18n
from outreach.db import SessionFactory, get_or_not_found
from outreach.errors import InvalidInput
from outreach.models import ClosedDate, DeliveryHours, DeliverySchedule, Organization
from outreach.text import clean_text

Interval = tuple[int, int]  # minutes after midnight, [opens, closes)
Week = dict[int, list[Interval]]  # weekday (0 = Monday) -> open intervals
NEW_YORK = LocationInfo("New York", "USA", "America/New_York", 40.7128, -74.0060)
DAY = (9 * 60, 18 * 60)
NIGHTFALL_DEPRESSION = 8.5
TRADITIONS = ("synagogue", "mosque", "church", "unknown")
_WORDS = {
    "synagogue": ("jewish", "judaism", "synagogue", "shul", "congregation beth", "temple beth"),
    "mosque": ("muslim", "islam", "mosque", "masjid"),
    "church": ("christian", "church", "catholic", "baptist", "pentecostal", "methodist", "lutheran",
               "episcopal", "presbyterian", "evangelical", "parish", "cathedral"),
}  # fmt: skip
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")


def tradition_of(faith_tradition: str | None, name: str | None = None) -> str:
    """'synagogue', 'mosque', 'church' or 'unknown', from the directory's free-text tradition, else the name."""
    for text in (faith_tradition, name):
        lowered = (text or "").lower()
        for tradition, words in _WORDS.items():
            if any(word in lowered for word in words):
                return tradition
    return "unknown"


@lru_cache(maxsize=512)
def sun_times(day: dt.date) -> tuple[int, int]:
    """Sunset and nightfall in New York on `day`, in minutes after local midnight."""
    tz = NEW_YORK.timezone
    set_ = sunset(NEW_YORK.observer, date=day, tzinfo=tz)
    night = dusk(NEW_YORK.observer, date=day, tzinfo=tz, depression=NIGHTFALL_DEPRESSION)
    return set_.hour * 60 + set_.minute, night.hour * 60 + night.minute


def _minus(intervals: list[Interval], closed: Interval) -> list[Interval]:
    out: list[Interval] = []
    for opens, closes in intervals:
        if closes <= closed[0] or opens >= closed[1]:
            out.append((opens, closes))
            continue
        if opens < closed[0]:
            out.append((opens, closed[0]))
        if closes > closed[1]:
            out.append((closed[1], closes))
    return out


def default_windows(tradition: str, day: dt.date) -> list[Interval]:
    """The tradition's default open intervals on `day` (before closed dates)."""
    weekday = day.weekday()
    if tradition == "unknown":
        return [(10 * 60, 17 * 60)] if weekday < 5 else []
    hours = [DAY]
    if tradition == "church" and weekday == 6:
        hours = _minus(hours, (8 * 60, 13 * 60))
    elif tradition == "mosque" and weekday == 4:
        hours = _minus(hours, (12 * 60, 14 * 60 + 30))
    elif tradition == "synagogue" and weekday == 4:
        hours = _minus(hours, (sun_times(day)[0] - 120, 24 * 60))
    elif tradition == "synagogue" and weekday == 5:
        hours = _minus(hours, (0, sun_times(day)[1]))
    return hours


def windows_on(
    day: dt.date, *, tradition: str, week: Week | None = None, closed: frozenset[dt.date] = frozenset()
) -> list[Interval]:
    """The open intervals on `day`: the set week if there is one, else the tradition's defaults."""
    if day in closed:
        return []
    if week is not None:
        return sorted(week.get(day.weekday(), []))
    return default_windows(tradition, day)


# --- reading and writing hours as people type them --------------------------------------------------------


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_intervals(intervals: list[Interval]) -> str:
    """'09:00-12:00, 14:30-18:00'; '' when closed."""
    return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in intervals)


def _minute(text: str, whole: str) -> int:
    match = _TIME.match(text)
    if not match:
        raise i18n.localized(InvalidInput, "delivery.hours.invalid", value=whole)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise i18n.localized(InvalidInput, "delivery.hours.invalid", value=whole)
    return hours * 60 + minutes


def parse_intervals(text: str | None) -> list[Interval]:
    """'9-12, 14:30-18:00' -> [(540, 720), (870, 1080)]; empty text: closed that day.

    Overlapping or touching intervals are merged. Raises a localized InvalidInput naming the text.
    """
    whole = (text or "").strip()
    if not whole:
        return []
    intervals = []
    for part in re.split(r"[,;]", whole):
        if not part.strip():
            continue
        pieces = re.split(r"\s*[-–—]\s*", part.strip())
        if len(pieces) != 2:
            raise i18n.localized(InvalidInput, "delivery.hours.invalid", value=whole)
        opens, closes = _minute(pieces[0], whole), _minute(pieces[1], whole)
        if opens >= closes:
            raise i18n.localized(InvalidInput, "delivery.hours.invalid", value=whole)
        intervals.append((opens, closes))
    merged: list[Interval] = []
    for opens, closes in sorted(intervals):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


# --- the database -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """An organization's delivery windows as shown and edited."""

    organization_id: int
    tradition: str
    week: Week | None  # None: the tradition's defaults
    closed: tuple[tuple[dt.date, str | None], ...]

    @property
    def closed_dates(self) -> frozenset[dt.date]:
        return frozenset(day for day, _ in self.closed)

    def on(self, day: dt.date) -> list[Interval]:
        return windows_on(day, tradition=self.tradition, week=self.week, closed=self.closed_dates)

    def week_from(self, start: dt.date) -> Week:
        """What the next seven days look like from `start` (defaults depend on the date), by weekday."""
        days = [start + dt.timedelta(days=offset) for offset in range(7)]
        return {day.weekday(): windows_on(day, tradition=self.tradition, week=self.week) for day in days}


def schedules(session: Session, organization_ids: list[int]) -> dict[int, Schedule]:
    """Each organization's schedule, read in three queries."""
    ids = list(dict.fromkeys(organization_ids))
    orgs = session.execute(
        select(Organization.id, Organization.faith_tradition, Organization.name).where(
            Organization.id.in_(ids)
        )
    ).all()
    custom = set(
        session.scalars(
            select(DeliverySchedule.organization_id).where(DeliverySchedule.organization_id.in_(ids))
        )
    )
    weeks: dict[int, Week] = {org_id: {} for org_id in custom}
    for row in session.scalars(
        select(DeliveryHours).where(DeliveryHours.organization_id.in_(ids)).order_by(DeliveryHours.opens)
    ):
        weeks.setdefault(row.organization_id, {}).setdefault(row.weekday, []).append((row.opens, row.closes))
    closed: dict[int, list[tuple[dt.date, str | None]]] = {}
    for day in session.scalars(
        select(ClosedDate).where(ClosedDate.organization_id.in_(ids)).order_by(ClosedDate.closed_on)
    ):
        closed.setdefault(day.organization_id, []).append((day.closed_on, day.note))
    return {
        org.id: Schedule(
            organization_id=org.id,
            tradition=tradition_of(org.faith_tradition, org.name),
            week=weeks.get(org.id) if org.id in custom else None,
            closed=tuple(closed.get(org.id, [])),
        )
        for org in orgs
    }


def schedule_of(sessions: SessionFactory, organization_id: int) -> Schedule:
    with sessions() as session:
        _organization(session, organization_id)
        return schedules(session, [organization_id])[organization_id]


def _organization(session: Session, organization_id: int) -> Organization:
    return get_or_not_found(
        session, Organization, organization_id, f"Organization #{organization_id} does not exist."
    )


def set_week(sessions: SessionFactory, *, organization_id: int, days: dict[int, str], actor: str) -> Week:
    """Replace the organization's week with the typed hours (weekday -> '09:00-12:00, 14:00-17:00')."""
    week = {weekday: parse_intervals(days.get(weekday)) for weekday in range(7)}
    with sessions.begin() as session:
        _organization(session, organization_id)
        before = schedules(session, [organization_id])[organization_id].week
        session.execute(delete(DeliveryHours).where(DeliveryHours.organization_id == organization_id))
        marker = session.get(DeliverySchedule, organization_id)
        if marker is None:
            session.add(DeliverySchedule(organization_id=organization_id, updated_by=actor))
        else:
            marker.updated_by = actor
        session.add_all(
            DeliveryHours(organization_id=organization_id, weekday=weekday, opens=opens, closes=closes)
            for weekday, intervals in week.items()
            for opens, closes in intervals
        )
        audit.record(
            session,
            actor=actor,
            action="set_delivery_hours",
            entity="organization",
            entity_id=organization_id,
            before={"week": _plain(before)},
            after={"week": _plain(week)},
        )
    return week


def reset_week(sessions: SessionFactory, *, organization_id: int, actor: str) -> None:
    """Back to the tradition's defaults."""
    with sessions.begin() as session:
        before = schedules(session, [organization_id]).get(organization_id)
        session.execute(delete(DeliveryHours).where(DeliveryHours.organization_id == organization_id))
        session.execute(delete(DeliverySchedule).where(DeliverySchedule.organization_id == organization_id))
        audit.record(
            session,
            actor=actor,
            action="reset_delivery_hours",
            entity="organization",
            entity_id=organization_id,
            before={"week": _plain(before.week if before else None)},
            after={"week": None},
        )


def add_closed_date(
    sessions: SessionFactory, *, organization_id: int, day: dt.date, note: str | None, actor: str
) -> None:
    text = clean_text(note, field="The note", max_length=200) or None
    with sessions.begin() as session:
        _organization(session, organization_id)
        exists = session.scalar(
            select(ClosedDate.id).where(
                ClosedDate.organization_id == organization_id, ClosedDate.closed_on == day
            )
        )
        if exists is not None:
            return  # already closed that day: adding it again changes nothing
        session.add(ClosedDate(organization_id=organization_id, closed_on=day, note=text, created_by=actor))
        audit.record(
            session,
            actor=actor,
            action="add_closed_date",
            entity="organization",
            entity_id=organization_id,
            after={"closed_on": day.isoformat(), "note": text},
        )


def remove_closed_date(sessions: SessionFactory, *, organization_id: int, day: dt.date, actor: str) -> None:
    with sessions.begin() as session:
        session.execute(
            delete(ClosedDate).where(
                ClosedDate.organization_id == organization_id, ClosedDate.closed_on == day
            )
        )
        audit.record(
            session,
            actor=actor,
            action="remove_closed_date",
            entity="organization",
            entity_id=organization_id,
            before={"closed_on": day.isoformat()},
        )


def _plain(week: Week | None) -> dict[str, str] | None:
    return None if week is None else {str(day): format_intervals(week.get(day, [])) for day in range(7)}


def set_week_by_link(sessions: SessionFactory, *, token: str, days: dict[int, str]) -> Week:
    """The leader's correction through the organization's restock link (checked live first)."""
    from outreach.restock import links as restock_links  # restock never imports delivery

    link = restock_links.resolve(sessions, token)
    return set_week(
        sessions, organization_id=link.organization_id, days=days, actor=f"restock link #{link.token_id}"
    )
