"""Handouts reported by the organization: how many pieces it handed out since its last report, how many left.

Any time, per material and language, in packs or pieces (stored as pieces). Each report is a new row, nothing
is ever overwritten; the newest row per organization and item is its current state. Checks speak the leader's
language: a negative or garbled number is refused (the quantity parser's messages), while handing out more
than it had (received since the last report plus what was left then) is only a warning, because a leader may
know better (materials from another source, a count that was off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from outreach import audit, i18n
from outreach.catalog import LANGUAGE_CODES, MATERIAL_CODES, material_of
from outreach.db import SessionFactory, read_frame
from outreach.errors import InvalidInput
from outreach.models import HandoutReport, Organization, Receipt, Shipment, ShipmentLine, StockUnit
from outreach.quantities import parse_quantity
from outreach.text import clean_text

UNITS = ("packs", "pieces")
MAX_PIECES = 100_000  # per item and report: far above any congregation's stock
Item = tuple[str, str]  # (material, language)


@dataclass(frozen=True)
class ItemState:
    """What the check knows about one item before a new report."""

    material: str
    language: str
    received_total: int  # pieces that arrived, ever
    received_since: int  # pieces that arrived since the last report (all, without a report)
    last_remaining: int | None  # pieces left at the last report
    last_reported_at: dt.datetime | None

    @property
    def available(self) -> int:
        """What the organization could have handed out since its last report."""
        return self.received_since + (self.last_remaining or 0)


@dataclass(frozen=True)
class CheckedReport:
    """A report that passed the checks: pieces handed out and left per item, and the warnings to show."""

    lines: dict[Item, tuple[int, int | None]]
    warnings: list[tuple[Item, int, int]] = field(default_factory=list)  # item, handed out, available
    reported_by: str | None = None


def _sort_key(item: Item) -> tuple[int, int]:
    material, language = item
    return (
        LANGUAGE_CODES.index(language) if language in LANGUAGE_CODES else 99,
        MATERIAL_CODES.index(material) if material in MATERIAL_CODES else 99,
    )


def arrivals(
    sessions: SessionFactory,
    organization_id: int | None = None,
    *,
    language: str | None = None,
    reporting_only: bool = False,
) -> pd.DataFrame:
    """Pieces that reached organizations: organization_id, material, language, arrived_at, units. A parcel
    counts once it is delivered or confirmed (when confirmed, at the confirmation). `reporting_only`: only
    the organizations that sent a handout report (the forecast needs no other: at fifty times the campaign
    every delivery read cost the planner four seconds)."""
    arrived = func.coalesce(Receipt.confirmed_at, Shipment.delivered_at)
    statement = (
        select(
            Shipment.organization_id,
            StockUnit.material,
            StockUnit.language,
            arrived.label("arrived_at"),
            ShipmentLine.quantity.label("units"),
        )
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(StockUnit, StockUnit.id == ShipmentLine.unit_id)
        .outerjoin(Receipt, Receipt.shipment_id == Shipment.id)
        .where(_arrived())
    )
    if organization_id is not None:
        statement = statement.where(Shipment.organization_id == organization_id)
    if language is not None:
        statement = statement.where(StockUnit.language == language)
    if reporting_only:
        statement = statement.where(Shipment.organization_id.in_(select(HandoutReport.organization_id)))
    return read_frame(sessions, statement)


def receiving_count(sessions: SessionFactory) -> int:
    """How many organizations something has reached (delivered or confirmed), counted in SQL."""
    statement = (
        select(func.count(func.distinct(Shipment.organization_id)))
        .outerjoin(Receipt, Receipt.shipment_id == Shipment.id)
        .where(_arrived())
    )
    with sessions() as session:
        return int(session.execute(statement).scalar_one())


def _arrived() -> Any:
    """A parcel has arrived: delivered, or confirmed by the organization."""
    return (Shipment.status == "delivered") | Receipt.id.is_not(None)


def reports(
    sessions: SessionFactory, organization_id: int | None = None, *, language: str | None = None
) -> pd.DataFrame:
    """Every handout report, oldest first: organization_id, material, language, handed_out, remaining,
    reported_at (no names)."""
    statement = select(
        HandoutReport.organization_id,
        HandoutReport.material,
        HandoutReport.language,
        HandoutReport.handed_out,
        HandoutReport.remaining,
        HandoutReport.reported_at,
    ).order_by(HandoutReport.reported_at, HandoutReport.id)
    if organization_id is not None:
        statement = statement.where(HandoutReport.organization_id == organization_id)
    if language is not None:
        statement = statement.where(HandoutReport.language == language)
    return read_frame(sessions, statement)


def item_states(sessions: SessionFactory, organization_id: int) -> dict[Item, ItemState]:
    """Per item the organization has received or reported: what arrived, and its last report."""
    came = arrivals(sessions, organization_id)
    told = reports(sessions, organization_id)
    items = {(str(r.material), str(r.language)) for r in came.itertuples()} | {
        (str(r.material), str(r.language)) for r in told.itertuples()
    }
    states: dict[Item, ItemState] = {}
    for material, language in sorted(items, key=_sort_key):
        mine = came[(came["material"] == material) & (came["language"] == language)]
        theirs = told[(told["material"] == material) & (told["language"] == language)]
        last = theirs.iloc[-1] if not theirs.empty else None
        last_at = None if last is None else pd.Timestamp(last["reported_at"]).to_pydatetime()
        since = mine if last_at is None else mine[pd.to_datetime(mine["arrived_at"]) > last_at]
        remaining = None if last is None or pd.isna(last["remaining"]) else int(last["remaining"])
        states[(material, language)] = ItemState(
            material=material,
            language=language,
            received_total=int(mine["units"].sum()),
            received_since=int(since["units"].sum()),
            last_remaining=remaining,
            last_reported_at=last_at,
        )
    return states


def _pieces(typed: object, item: Item, unit: str) -> int | None:
    if typed is None or not str(typed).strip():
        return None
    size = material_of(item[0]).pack_size if unit == "packs" else 1
    return parse_quantity(typed, field=item, allow_zero=True, maximum=MAX_PIECES // size) * size


def check_report(
    sessions: SessionFactory,
    *,
    organization_id: int,
    typed: Mapping[Item, tuple[object, object]],
    unit: str = "packs",
    reported_by: str | None = None,
) -> CheckedReport:
    """Parse what the leader typed per item, (handed out, left), in `unit` (packs or pieces).

    An item with both fields empty is left out; handed out empty with something left means 0 handed out.
    Refused (InvalidInput, in the leader's language): a negative or garbled number, an empty report. Warned:
    more handed out than the organization had.
    """
    if unit not in UNITS:
        raise InvalidInput(f"Unit {unit!r} is not one of {', '.join(UNITS)}.")
    name = clean_text(reported_by, field="The name", max_length=200) or None
    states = item_states(sessions, organization_id)
    lines: dict[Item, tuple[int, int | None]] = {}
    warnings: list[tuple[Item, int, int]] = []
    for item, (handed_typed, left_typed) in typed.items():
        handed, left = _pieces(handed_typed, item, unit), _pieces(left_typed, item, unit)
        if handed is None and left is None:
            continue
        lines[item] = (handed or 0, left)
        state = states.get(item)
        available = state.available if state is not None else 0
        if (handed or 0) > available:
            warnings.append((item, handed or 0, available))
    if not lines:
        raise i18n.localized(InvalidInput, "handouts.empty")
    return CheckedReport(lines=lines, warnings=warnings, reported_by=name)


def report_handouts(
    sessions: SessionFactory,
    *,
    organization_id: int,
    report: CheckedReport,
    submission_key: str,
    language: str,
    channel: str = "link",
    actor: str,
) -> list[int]:
    """Store a checked report, one new row per item; the same `submission_key` twice stores it once."""
    with sessions() as session:
        earlier = list(
            session.scalars(select(HandoutReport.id).where(HandoutReport.submission_key == submission_key))
        )
    if earlier:
        return earlier
    ids: list[int] = []
    try:
        with sessions.begin() as session:
            if session.get(Organization, organization_id) is None:
                raise InvalidInput(f"Organization #{organization_id} does not exist.")
            for (material, item_language), (handed, left) in report.lines.items():
                row = HandoutReport(
                    organization_id=organization_id,
                    material=material,
                    language=item_language,
                    handed_out=handed,
                    remaining=left,
                    reported_by=report.reported_by,
                    reported_in=i18n.normalize(language),
                    channel=channel,
                    submission_key=submission_key,
                )
                ids.append(
                    audit.add_and_record(
                        session,
                        row,
                        actor=actor,
                        entity="handout_report",
                        action="report_handouts",
                        after={
                            "organization_id": organization_id,
                            "item": [material, item_language],
                            "handed_out": handed,
                            "remaining": left,
                        },
                    )
                )
    except IntegrityError:  # the same submission from a second click at the same moment
        with sessions() as session:
            return list(
                session.scalars(
                    select(HandoutReport.id).where(HandoutReport.submission_key == submission_key)
                )
            )
    return ids


def handed_out_units(sessions: SessionFactory) -> pd.DataFrame:
    """Pieces reported handed out per language, borough and community district: language, borough,
    community_district, units."""
    statement = (
        select(
            HandoutReport.language,
            Organization.borough,
            Organization.community_district,
            func.sum(HandoutReport.handed_out).label("units"),
        )
        .join(Organization, Organization.id == HandoutReport.organization_id)
        .group_by(HandoutReport.language, Organization.borough, Organization.community_district)
    )
    return read_frame(sessions, statement)
