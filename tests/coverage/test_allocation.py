"""The allocation planner: never more than available, never a retired edition, whole packs, usual sizes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from outreach import inventory, organizations
from outreach.coverage import allocation
from outreach.coverage.gaps import area_of, language_codes
from outreach.errors import InvalidInput, OutOfStock
from outreach.models import AuditEntry, Shipment
from outreach.shipments import reads as shipment_reads
from tests.conftest import ACTOR

PACK = 50


def gap_rows(*rows: tuple[int, float, int]) -> pd.DataFrame:
    """(area, gap, in_transit) rows for Bangla."""
    return pd.DataFrame(
        [(area, f"Area {area}", "bn", gap, transit) for area, gap, transit in rows],
        columns=["area", "area_label", "language", "gap", "in_transit"],
    )


def org_rows(*rows: tuple) -> pd.DataFrame:
    """(id, district, status, languages, usual_request_packs, weekly_attendance) rows."""
    return pd.DataFrame(
        [
            (i, f"Org {i}", "Brooklyn", district, status, langs, usual, attendance)
            for i, district, status, langs, usual, attendance in rows
        ],
        columns=[
            "id",
            "name",
            "borough",
            "community_district",
            "status",
            "languages",
            "usual_request_packs",
            "weekly_attendance",
        ],
    ).astype({"community_district": "Int64"})


def suggest(table, orgs, available, **kwargs):
    return allocation.suggest(
        table, orgs, language="bn", level="district", available_units=available, pack_size=PACK, **kwargs
    )


def test_largest_gaps_first_spread_within_usual_sizes():
    table = gap_rows((301, 300, 0), (302, 400, 0), (303, 100, 0))
    orgs = org_rows(
        (1, 302, "active", "bn", 3, None),  # usual order: 3 packs
        (2, 302, "active", "bn en", None, 500),  # 500 attendees: 10 packs
        (3, 301, "active", "bn", None, None),  # unknown size: the default
        (4, 301, "paused", "bn", 10, None),  # paused: never
        (5, 301, "active", "zh", 10, None),  # does not serve Bangla
    )
    plan = suggest(table, orgs, 500)  # 10 packs
    lines = plan.lines.set_index("organization_id")
    # 302 (gap 400 = 8 packs) first: round robin, org 1 stops at its 3.
    assert lines.loc[1, "packs"] == 3 and lines.loc[2, "packs"] == 5
    # 301 next with the 2 packs left: org 3 (default cap 2).
    assert lines.loc[3, "packs"] == allocation.DEFAULT_CAP_PACKS == 2
    assert set(lines.index) == {1, 2, 3}
    assert plan.allocated_units == 500 == plan.available_units
    areas = plan.areas.set_index("area")
    assert areas.loc[303, "note"] == "no active organization serves this language here"
    assert list(plan.areas["area"]) == [302, 301, 303]


def test_an_organization_with_no_known_district_is_left_out_not_an_error():
    # Seen in the field: a congregation added without a pin or a district serves the language.
    table = gap_rows((301, 200, 0))
    orgs = org_rows(
        (1, None, "active", "bn", 5, None),  # no district yet: it cannot fill a district's gap
        (2, 301, "active", "bn", 2, None),
    )
    plan = suggest(table, orgs, 1_000)
    assert list(plan.lines["organization_id"]) == [2]
    assert plan.allocated_units == 2 * PACK


def test_never_more_than_available_and_whole_packs():
    table = gap_rows((301, 10_000, 0))
    orgs = org_rows((1, 301, "active", "bn", 40, None), (2, 301, "active", "bn", 40, None))
    plan = suggest(table, orgs, 1_234)  # 24 whole packs fit
    assert plan.allocated_units == 1_200
    assert (plan.lines["units"] % PACK == 0).all()
    assert suggest(table, orgs, 49).lines.empty  # less than one pack
    assert suggest(table, orgs, 0).lines.empty
    assert suggest(table, orgs, -10).allocated_units == 0


def test_units_on_the_way_reduce_the_need():
    table = gap_rows((301, 200, 100))  # 100 in transit already
    orgs = org_rows((1, 301, "active", "bn", 40, None))
    pending = pd.DataFrame(
        [("bn", 301, "Brooklyn", 50), ("zh", 301, "Brooklyn", 999)],
        columns=["language", "community_district", "borough", "units"],
    )
    plan = suggest(table, orgs, 10_000, pending=pending)
    assert plan.allocated_units == 50  # 200 - 100 in transit - 50 drafted
    assert plan.areas.iloc[0]["already_coming"] == 150
    covered = suggest(gap_rows((301, 100, 100)), orgs, 10_000)
    assert covered.lines.empty and covered.areas.iloc[0]["note"] == "already covered by shipments on the way"


def test_no_positive_gap_no_suggestion_and_english_has_none():
    orgs = org_rows((1, 301, "active", "bn", 5, None))
    assert suggest(gap_rows((301, -20, 0)), orgs, 1_000).lines.empty
    no_data = gap_rows((301, float("nan"), 0))
    assert suggest(no_data, orgs, 1_000).areas.empty


def test_retired_edition_is_never_allocated():
    with pytest.raises(InvalidInput, match="retired"):
        suggest(
            gap_rows((301, 100, 0)),
            org_rows((1, 301, "active", "bn", 5, None)),
            1_000,
            edition_status="retired",
        )


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=-500, max_value=5_000), min_size=1, max_size=6),
    caps=st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=8),
    available=st.integers(min_value=0, max_value=20_000),
)
def test_property_never_exceeds_available_or_caps(gaps, caps, available):
    table = gap_rows(*[(300 + i, gap, 0) for i, gap in enumerate(gaps)])
    orgs = org_rows(
        *[(i, 300 + i % len(gaps), "active", "bn", cap or None, None) for i, cap in enumerate(caps)]
    )
    plan = suggest(table, orgs, available, max_packs=40)
    assert plan.allocated_units <= available
    assert (plan.lines["units"] == plan.lines["packs"] * PACK).all()
    assert (plan.lines["packs"] <= plan.lines["cap_packs"]).all() and (plan.lines["cap_packs"] <= 40).all()
    per_area = plan.lines.groupby("area")["units"].sum()
    gap_by_area = table.set_index("area")["gap"]
    for area, units in per_area.items():  # never more than the gap rounded up to a pack
        assert units < gap_by_area[area] + PACK


# --- the vectorized planner against the straightforward one -----------------------------------------
# The planner once handed packs out one at a time and read each organization's size value by value; those
# loops are kept here as the reference the whole-column version must match exactly.


def reference_cap_packs(usual: object, attendance: object, *, pack_size: int, max_packs: int) -> int:
    def whole(value: object) -> int | None:
        number = pd.to_numeric(value, errors="coerce")
        return None if pd.isna(number) or number <= 0 else int(number)

    usual_packs, people = whole(usual), whole(attendance)
    if usual_packs is not None:
        packs = usual_packs
    elif people is not None:
        packs = math.ceil(people / pack_size)
    else:
        packs = allocation.DEFAULT_CAP_PACKS
    return max(1, min(packs, max_packs))


def reference_spread(packs: int, caps: list[int]) -> list[int]:
    given = [0] * len(caps)
    while packs > 0:
        progressed = False
        for i, cap in enumerate(caps):
            if packs and given[i] < cap:
                given[i] += 1
                packs -= 1
                progressed = True
        if not progressed:
            break
    return given


def reference_suggest(table, orgs, *, available, pending=None, max_packs=40) -> allocation.Plan:
    """The planner as it was, area by area and organization by organization (district level, Bangla)."""
    budget = max(0, available) // PACK
    rows = table[(table["language"] == "bn") & table["gap"].notna() & (table["gap"] > 0)].copy()
    coming = rows["in_transit"].astype("int64")
    if pending is not None and not pending.empty:
        mine = pending[pending["language"] == "bn"]
        by_area = mine.assign(area=area_of(mine, "district")).groupby("area")["units"].sum()
        coming = coming + rows["area"].map(by_area).fillna(0).astype("int64")
    rows["already_coming"] = coming
    rows["need_units"] = (rows["gap"] - rows["already_coming"]).clip(lower=0)
    rows = rows.sort_values(["need_units", "gap"], ascending=False, kind="mergesort")
    speaks = orgs["languages"].map(lambda value: "bn" in language_codes(value)).astype(bool)
    serving = orgs.loc[(orgs["status"] == "active") & speaks]
    serving = serving.assign(area=area_of(serving, "district"))
    serving = serving.assign(
        cap_packs=[
            reference_cap_packs(usual, people, pack_size=PACK, max_packs=max_packs)
            for usual, people in zip(
                serving["usual_request_packs"], serving["weekly_attendance"], strict=True
            )
        ]
    ).sort_values(["cap_packs", "id"], ascending=[False, True], kind="mergesort")
    groups = {area: group for area, group in serving.groupby("area", sort=False)}
    lines, summaries = [], []
    for row in rows.itertuples(index=False):
        here = groups.get(row.area)
        wanted = math.ceil(row.need_units / PACK) if row.need_units > 0 else 0
        note, given = "", []
        if here is None or here.empty:
            note = "no active organization serves this language here"
        elif wanted == 0:
            note = "already covered by shipments on the way"
        elif budget == 0:
            note = "no stock left for this area"
        else:
            given = reference_spread(min(wanted, budget), here["cap_packs"].tolist())
            budget -= sum(given)
            for org, packs in zip(here.itertuples(index=False), given, strict=True):
                if packs:
                    lines.append((row.area, row.area_label, int(org.id), org.name, int(org.cap_packs), packs))
            if sum(given) < wanted:
                note = "organizations here are at their usual size" if budget else "stock ran out"
        summaries.append(
            (row.area, row.area_label, float(row.gap), int(row.already_coming), float(row.need_units))
            + (0 if here is None else len(here), sum(given) * PACK, note)
        )
    return allocation.Plan(
        lines=pd.DataFrame([(*line, line[-1] * PACK) for line in lines], columns=allocation.LINE_COLUMNS),
        areas=pd.DataFrame(summaries, columns=allocation.AREA_COLUMNS),
        available_units=max(0, available),
        pack_size=PACK,
    )


sizes = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.integers(min_value=-5, max_value=3_000),
    st.floats(min_value=-5, max_value=1e12, allow_nan=False),
    st.sampled_from(["", "7", " 3 ", "2.9", "0", "-4", "many", "1e3"]),
)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.tuples(sizes, sizes), max_size=12),
    pack_size=st.integers(min_value=1, max_value=120),
    max_packs=st.integers(min_value=-2, max_value=60),
)
def test_property_usual_sizes_match_the_value_by_value_rule(values, pack_size, max_packs):
    usual = pd.Series([u for u, _ in values], dtype="object")
    attendance = pd.Series([a for _, a in values], dtype="object")
    expected = [reference_cap_packs(u, a, pack_size=pack_size, max_packs=max_packs) for u, a in values]
    got = allocation.cap_packs(usual, attendance, pack_size=pack_size, max_packs=max_packs)
    assert got.tolist() == expected


def test_usual_sizes_from_typed_columns_with_gaps():
    usual = pd.Series([3, pd.NA, pd.NA, 0, 99], dtype="Int64")
    attendance = pd.Series([pd.NA, 101, pd.NA, 50, pd.NA], dtype="Int64")
    caps = allocation.cap_packs(usual, attendance, pack_size=PACK, max_packs=40)
    # 101 attendees: 3 packs of 50; nothing told: the default; 99 usual: the per-line maximum.
    assert caps.tolist() == [3, 3, allocation.DEFAULT_CAP_PACKS, 1, 40]


@settings(max_examples=150, deadline=None)
@given(
    groups=st.lists(
        st.tuples(
            st.integers(min_value=-3, max_value=400),
            st.lists(st.integers(min_value=-2, max_value=45), min_size=1, max_size=12),
        ),
        max_size=6,
    )
)
def test_property_closed_form_spread_matches_one_pack_at_a_time(groups):
    packs = np.array([p for p, _ in groups], dtype="int64")
    caps = np.array([cap for _, group in groups for cap in group], dtype="int64")
    group = np.repeat(np.arange(len(groups)), [len(group) for _, group in groups])
    expected = [given for p, group in groups for given in reference_spread(p, group)]
    assert allocation.spread(packs, caps, group).tolist() == expected


def test_spread_gives_the_odd_packs_to_the_first_organizations_still_below_their_cap():
    # Two rounds give [1, 2, 2, 2] (7 packs); the 2 left go to the 2nd and 3rd, the 1st being full.
    given = allocation.spread(np.array([9]), np.array([1, 5, 3, 4]), np.zeros(4, dtype="int64"))
    assert given.tolist() == [1, 3, 3, 2] == reference_spread(9, [1, 5, 3, 4])


@settings(max_examples=150, deadline=None)
@given(
    areas=st.lists(
        st.tuples(st.integers(min_value=-100, max_value=800), st.integers(min_value=0, max_value=100)),
        max_size=4,
    ),
    orgs=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4),  # area index; 4 never has a gap row
            st.sampled_from(["active"] * 4 + ["paused", None]),
            st.sampled_from(["bn"] * 3 + ["en bn", "bn, ur", "zh", "", None]),
            st.one_of(st.integers(min_value=1, max_value=8), sizes),  # mostly small usual sizes
            sizes,
        ),
        max_size=16,
    ),
    drafted=st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5),
    available=st.integers(min_value=-100, max_value=3_000),
    max_packs=st.integers(min_value=1, max_value=40),
)
def test_property_plan_matches_the_area_by_area_planner(areas, orgs, drafted, available, max_packs):
    table = gap_rows(*[(301 + i, gap, transit) for i, (gap, transit) in enumerate(areas)])
    frame = org_rows(
        *[
            (i, 301 + where, status, langs, usual, attendance)
            for i, (where, status, langs, usual, attendance) in enumerate(orgs)
        ]
    )
    frame = frame.astype({"usual_request_packs": "object", "weekly_attendance": "object"})
    pending = pd.DataFrame(
        [("bn", 301 + i, "Brooklyn", units) for i, units in enumerate(drafted)],
        columns=["language", "community_district", "borough", "units"],
    )
    got = suggest(table, frame, available, pending=pending, max_packs=max_packs)
    expected = reference_suggest(table, frame, available=available, pending=pending, max_packs=max_packs)
    for mine, theirs in ((got.lines, expected.lines), (got.areas, expected.areas)):
        # An empty reference frame has untyped (object) columns; the values are what must match.
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=not theirs.empty, check_index_type=False)
    assert got.allocated_units == expected.allocated_units


# --- creating the drafts (real database) ---------------------------------------------------------------


@pytest.fixture
def two_orgs(sessions, ref):
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=300,
        reference="run",
        actor=ACTOR,
    )
    return [
        organizations.create_organization(
            sessions,
            name=f"Masjid {n}",
            borough="Queens",
            languages=["bn"],
            actor=ACTOR,
            community_district=404,
        )
        for n in (1, 2)
    ]


def count_shipments(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Shipment))


def test_create_drafts_makes_one_draft_per_organization_in_one_audited_transaction(sessions, ref, two_orgs):
    unit = ref.units[("flyer", "bn")]
    ids = allocation.create_drafts(
        sessions,
        unit_id=unit,
        depot_id=ref.main_depot,
        lines=[(two_orgs[0], 100), (two_orgs[1], 50)],
        actor=ACTOR,
    )
    frame = shipment_reads.shipments(sessions, status="draft")
    assert sorted(frame["shipment_id"]) == sorted(ids) and sorted(frame["units"]) == [50, 100]
    with sessions() as session:
        plans = session.scalars(select(AuditEntry).where(AuditEntry.entity == "allocation")).all()
    assert len(plans) == 1 and '"units": 150' in plans[0].after
    # The drafts promise 150 of the 300: a second plan for 200 more does not fit.
    with pytest.raises(OutOfStock, match="150"):
        allocation.create_drafts(
            sessions,
            unit_id=unit,
            depot_id=ref.main_depot,
            lines=[(two_orgs[0], 100), (two_orgs[1], 100)],
            actor=ACTOR,
        )
    assert count_shipments(sessions) == 2  # all or nothing


def test_create_drafts_refuses_retired_editions_odd_quantities_and_empty_plans(sessions, ref, two_orgs):
    retired = ref.retired_units[("flyer", "es")]
    inventory.adjust(
        sessions, unit_id=retired, location_id=ref.main_depot, change=500, reason="old stock", actor=ACTOR
    )
    with pytest.raises(InvalidInput, match="retired"):
        allocation.create_drafts(
            sessions, unit_id=retired, depot_id=ref.main_depot, lines=[(two_orgs[0], 50)], actor=ACTOR
        )
    with pytest.raises(InvalidInput, match="whole number of packs"):
        allocation.create_drafts(
            sessions,
            unit_id=ref.units[("flyer", "bn")],
            depot_id=ref.main_depot,
            lines=[(two_orgs[0], 60)],
            actor=ACTOR,
        )
    with pytest.raises(InvalidInput, match="empty"):
        allocation.create_drafts(
            sessions, unit_id=ref.units[("flyer", "bn")], depot_id=ref.main_depot, lines=[], actor=ACTOR
        )
    assert count_shipments(sessions) == 0
