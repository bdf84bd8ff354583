"""The allocation planner: never more than available, never a retired edition, whole packs, usual sizes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from outreach import allocation, inventory, organizations, shipments
from outreach.errors import InvalidInput, OutOfStock
from outreach.models import AuditEntry, Shipment
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
    frame = shipments.shipments(sessions, status="draft")
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
