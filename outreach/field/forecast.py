"""Run-out forecast: per organization and item (material x language), how fast it hands materials out and when
it runs out, from its handout reports.

The rate of each report is the pieces it says were handed out over the days since the report before (for
the first report, since the first parcel of that item arrived, when known). The organization's rate is the
exponentially weighted mean of those rates (pandas `ewm`, span SPAN: recent reports weigh more), and the
run-out moment is the last report plus (what was left then + what arrived since) / rate. No report, no rate,
no count of what is left, or a rate of zero: no forecast. Pure pandas: frames in, frame out.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from outreach.db import SessionFactory
from outreach.field import handouts

SPAN = 3  # reports: the weight of a report halves about every two newer ones
RATE_DECIMALS = 6  # pieces per day: a constant rate reads back exactly
SOON_DAYS = 21  # the planner suggests a restock for items that run out within this many days
COLUMNS = [
    "organization_id",
    "material",
    "language",
    "reports",
    "rate_per_day",
    "remaining",
    "last_report_at",
    "run_out_at",
]
KEYS = ["organization_id", "material", "language"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS})


def _rates(group: pd.DataFrame, start: pd.Timestamp | None) -> list[float]:
    rates: list[float] = []
    previous = start
    for row in group.itertuples():
        moment = pd.Timestamp(row.reported_at)
        if previous is not None and moment > previous:
            days = (moment - previous) / pd.Timedelta(days=1)
            rates.append(float(row.handed_out) / days)
        previous = moment
    return rates


def forecasts(reports: pd.DataFrame, arrivals: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per organization and item with a forecast (COLUMNS); `run_out_at` is None when nothing says
    when (no count of what is left, or nothing handed out).

    reports: organization_id, material, language, handed_out, remaining, reported_at;
    arrivals: organization_id, material, language, arrived_at, units (what reached the organization).
    """
    if reports.empty:
        return _empty()
    arrivals = arrivals if arrivals is not None else pd.DataFrame(columns=[*KEYS, "arrived_at", "units"])
    arrived = arrivals.assign(arrived_at=pd.to_datetime(arrivals["arrived_at"]))
    first_arrival = (
        arrived.groupby(KEYS)["arrived_at"].min() if not arrived.empty else pd.Series(dtype=object)
    )
    rows = []
    ordered = reports.assign(reported_at=pd.to_datetime(reports["reported_at"])).sort_values("reported_at")
    for key, group in ordered.groupby(KEYS, sort=True):
        start = first_arrival.get(key)
        rates = _rates(group, None if start is None or pd.isna(start) else pd.Timestamp(start))
        if not rates:
            continue
        rate = round(float(pd.Series(rates).ewm(span=SPAN, adjust=True).mean().iloc[-1]), RATE_DECIMALS)
        last = group.iloc[-1]
        last_at = pd.Timestamp(last["reported_at"])
        remaining = None
        run_out = None
        if not pd.isna(last["remaining"]):
            mine = arrived
            for column, value in zip(KEYS, key, strict=True):
                mine = mine[mine[column] == value]
            remaining = int(last["remaining"]) + int(mine[mine["arrived_at"] > last_at]["units"].sum())
            if rate > 0:
                run_out = last_at.to_pydatetime() + dt.timedelta(days=remaining / rate)
        rows.append(
            {
                "organization_id": int(key[0]),
                "material": str(key[1]),
                "language": str(key[2]),
                "reports": len(group),
                "rate_per_day": rate,
                "remaining": remaining,
                "last_report_at": last_at.to_pydatetime(),
                "run_out_at": run_out,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS) if rows else _empty()


def running_out(frame: pd.DataFrame, *, now: dt.datetime, within_days: int = SOON_DAYS) -> pd.DataFrame:
    """Forecasts that run out within `within_days` of `now` (or already have), soonest first, with
    `days_left` (whole days, 0 when already out)."""
    dated = frame[frame["run_out_at"].notna()]
    if dated.empty:
        return dated.assign(days_left=pd.Series(dtype="int64"))
    left = (pd.to_datetime(dated["run_out_at"]) - pd.Timestamp(now)) / pd.Timedelta(days=1)
    dated = dated.assign(days_left=left.clip(lower=0).round().astype("int64"))
    return dated[left <= within_days].sort_values("run_out_at").reset_index(drop=True)


def current(sessions: SessionFactory, *, language: str | None = None) -> pd.DataFrame:
    """Every organization's forecasts from the database (for one language's items, or all). Only what the
    reporting organizations received is read: no report, no forecast."""
    told = handouts.reports(sessions, language=language)
    if told.empty:
        return _empty()
    return forecasts(told, handouts.arrivals(sessions, language=language, reporting_only=True))
