"""Run-out forecasts as properties: no reports, no forecast; a constant rate gives the exact run-out date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.field import forecast, handouts
from tests.field.builders import delivered_to, reported

START = dt.datetime(2026, 3, 1, 9, 30)
REPORT_COLUMNS = ["organization_id", "material", "language", "handed_out", "remaining", "reported_at"]


def reports_at_constant_rate(rate: int, gaps: list[int], left: int | None) -> pd.DataFrame:
    moments, when = [], START
    for gap in gaps:
        when += dt.timedelta(days=gap)
        moments.append(when)
    rows = [(7, "flyer", "bn", rate * gap, None, moment) for gap, moment in zip(gaps, moments, strict=True)]
    rows[-1] = (*rows[-1][:4], left, rows[-1][5])
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def arrival(at: dt.datetime = START, units: int = 500) -> pd.DataFrame:
    return pd.DataFrame(
        [(7, "flyer", "bn", at, units)],
        columns=["organization_id", "material", "language", "arrived_at", "units"],
    )


def test_no_reports_no_forecast():
    empty = pd.DataFrame(columns=REPORT_COLUMNS)
    assert forecast.forecasts(empty, arrival()).empty
    assert list(forecast.forecasts(empty).columns) == forecast.COLUMNS


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=500))
def test_one_report_without_an_arrival_has_no_rate(handed):
    frame = reports_at_constant_rate(1, [5], 100).assign(handed_out=handed)
    assert forecast.forecasts(frame).empty


@settings(max_examples=200, deadline=None)
@given(
    rate=st.integers(min_value=1, max_value=300),
    gaps=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8),
    left=st.integers(min_value=0, max_value=20_000),
)
def test_a_constant_rate_gives_the_exact_run_out_date(rate, gaps, left):
    reports = reports_at_constant_rate(rate, gaps, left)
    [row] = forecast.forecasts(reports, arrival()).itertuples()
    assert row.rate_per_day == rate
    last = START + dt.timedelta(days=sum(gaps))
    expected = last + dt.timedelta(days=left / rate)
    assert abs(row.run_out_at - expected) < dt.timedelta(seconds=1)
    if left % rate == 0:  # whole days: the very moment
        assert row.run_out_at == last + dt.timedelta(days=left // rate)
    assert row.run_out_at.date() == expected.date() or abs(row.run_out_at - expected) < dt.timedelta(
        seconds=1
    )


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=300), st.integers(min_value=0, max_value=2_000))
def test_a_parcel_after_the_last_report_pushes_the_date_back(rate, extra):
    reports = reports_at_constant_rate(rate, [10, 10], 100)
    later = pd.concat([arrival(), arrival(START + dt.timedelta(days=25), extra)])
    [row] = forecast.forecasts(reports, later).itertuples()
    assert row.remaining == 100 + extra
    assert row.run_out_at == START + dt.timedelta(days=20) + dt.timedelta(days=(100 + extra) / rate)


def test_nothing_left_counted_or_nothing_handed_out_gives_no_date():
    assert forecast.forecasts(reports_at_constant_rate(5, [3, 4], None)).iloc[0]["run_out_at"] is None
    idle = reports_at_constant_rate(5, [3, 4], 100).assign(handed_out=0)
    assert forecast.forecasts(idle).iloc[0]["run_out_at"] is None


def test_recent_reports_weigh_more():
    slow_then_fast = pd.DataFrame(
        [
            (7, "flyer", "bn", 10, None, START + dt.timedelta(days=10)),  # 1 a day
            (7, "flyer", "bn", 100, 50, START + dt.timedelta(days=20)),  # 10 a day
        ],
        columns=REPORT_COLUMNS,
    )
    [row] = forecast.forecasts(slow_then_fast, arrival()).itertuples()
    assert 5.5 < row.rate_per_day < 10  # nearer the newer rate than a plain mean


def test_running_out_soonest_first_on_a_database(sessions, ref):
    org, _ = delivered_to(
        sessions, ref, ("flyer", "bn"), 200, name="Baitul Mamur", borough="Queens", languages=["bn"]
    )
    reported(sessions, org, ("flyer", "bn"), "100", "100")
    frame = forecast.current(sessions)  # 100 handed out within moments of the delivery: a very fast rate
    soon = forecast.running_out(frame, now=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    assert list(soon[["organization_id", "material", "language"]].itertuples(index=False, name=None)) == [
        (org, "flyer", "bn")
    ]
    assert soon.iloc[0]["days_left"] == 0


def test_the_database_forecast_reads_only_what_it_needs_and_agrees_with_reading_everything(sessions, ref):
    reporting, _ = delivered_to(
        sessions, ref, ("flyer", "bn"), 200, name="Baitul Mamur", borough="Queens", languages=["bn", "zh"]
    )
    delivered_to(sessions, ref, ("flyer", "zh"), 100, name="Quiet Temple", borough="Queens", languages=["zh"])
    reported(sessions, reporting, ("flyer", "bn"), "100", "100")
    everything = forecast.forecasts(handouts.reports(sessions), handouts.arrivals(sessions))
    pd.testing.assert_frame_equal(forecast.current(sessions), everything)
    bangla = forecast.current(sessions, language="bn")
    assert list(bangla["organization_id"]) == [reporting] and list(bangla["language"]) == ["bn"]
    assert forecast.current(sessions, language="zh").empty  # nobody reported Chinese
    # Only the reporting organization's parcels are read for the forecast; the dashboard counts them all.
    assert set(handouts.arrivals(sessions, reporting_only=True)["organization_id"]) == {reporting}
    assert handouts.receiving_count(sessions) == handouts.arrivals(sessions)["organization_id"].nunique() == 2
