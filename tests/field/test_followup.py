"""Silent organizations: the list rules as properties (Hypothesis), then the list and calls on a database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach import audit, inventory
from outreach.errors import InvalidInput
from outreach.field import followup, handouts, receipts
from tests.conftest import ACTOR, ship_until
from tests.field.builders import delivered_to

NOW = dt.datetime(2026, 6, 1, 12, 0)
ORGS = st.integers(min_value=1, max_value=5)
AGE = st.integers(min_value=0, max_value=90)  # days before NOW


@st.composite
def histories(draw):
    """Delivered shipments (some confirmed, some days later) and handout reports of a few organizations."""
    shipments = draw(st.lists(st.tuples(ORGS, AGE, st.one_of(st.none(), AGE)), max_size=12))
    delivered, confirmed = [], []
    for shipment_id, (org, delivered_age, confirmed_age) in enumerate(shipments, start=1):
        delivered.append((shipment_id, org, NOW - dt.timedelta(days=delivered_age)))
        if confirmed_age is not None:
            confirmed.append((shipment_id, org, NOW - dt.timedelta(days=min(confirmed_age, delivered_age))))
    reports = [
        (org, NOW - dt.timedelta(days=age)) for org, age in draw(st.lists(st.tuples(ORGS, AGE), max_size=8))
    ]
    return (
        pd.DataFrame(delivered, columns=["shipment_id", "organization_id", "delivered_at"]),
        pd.DataFrame(confirmed, columns=["shipment_id", "organization_id", "confirmed_at"]),
        pd.DataFrame(reports, columns=["organization_id", "reported_at"]),
    )


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=60))
def test_the_lists_follow_their_rules(history, confirm_after, report_after):
    delivered, confirmed, reported = history
    found = followup.silent_lists(
        delivered,
        confirmed,
        reported,
        now=NOW,
        confirm_after_days=confirm_after,
        report_after_days=report_after,
    )
    listed = {(int(r.organization_id), r.reason) for r in found.itertuples()}
    assert len(listed) == len(found)  # an organization at most once per reason
    for org in range(1, 6):
        # not confirmed: some delivery of this organization old enough and without a receipt
        waiting = delivered[
            (delivered["organization_id"] == org)
            & ~delivered["shipment_id"].isin(confirmed["shipment_id"])
            & (delivered["delivered_at"] <= NOW - dt.timedelta(days=confirm_after))
        ]
        assert ((org, "not_confirmed") in listed) == (not waiting.empty)
        # not reporting: confirmed something, and the newest confirmation or report is old enough
        mine = confirmed[confirmed["organization_id"] == org]
        signs = [*mine["confirmed_at"], *reported[reported["organization_id"] == org]["reported_at"]]
        expected = not mine.empty and max(signs) <= NOW - dt.timedelta(days=report_after)
        assert ((org, "not_reporting") in listed) == expected
    assert (found["days"] >= 0).all()
    assert list(found["days"]) == sorted(found["days"], reverse=True)  # longest silence first


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(min_value=1, max_value=30))
def test_receipts_counted_per_organization_give_the_same_lists(history, confirm_after):
    """What `current_lists` reads (late unconfirmed deliveries and receipts counted per organization in SQL,
    done here with pandas) gives the same lists as every delivery and receipt."""
    delivered, confirmed, reported = history
    unconfirmed = delivered[
        ~delivered["shipment_id"].isin(confirmed["shipment_id"])
        & (delivered["delivered_at"] <= NOW - dt.timedelta(days=confirm_after))
    ]
    late = (
        unconfirmed.groupby("organization_id")
        .agg(delivered_at=("delivered_at", "min"), parcels=("shipment_id", "count"))
        .reset_index()
    )
    counted = (
        confirmed.groupby("organization_id")
        .agg(confirmed_at=("confirmed_at", "max"), parcels=("shipment_id", "count"))
        .reset_index()
    )
    every = followup.silent_lists(delivered, confirmed, reported, now=NOW, confirm_after_days=confirm_after)
    read = followup.silent_lists(late, counted, reported, now=NOW, confirm_after_days=confirm_after)
    pd.testing.assert_frame_equal(every, read)


@settings(deadline=None)
@given(histories())
def test_a_report_today_takes_everyone_off_the_reporting_list(history):
    delivered, confirmed, reported = history
    today = pd.DataFrame({"organization_id": range(1, 6), "reported_at": [NOW] * 5})
    found = followup.silent_lists(
        delivered, confirmed, pd.concat([reported, today]), now=NOW, confirm_after_days=7
    )
    assert "not_reporting" not in set(found["reason"])


def test_no_history_no_list():
    empty = followup.silent_lists(
        pd.DataFrame(columns=["shipment_id", "organization_id", "delivered_at"]),
        pd.DataFrame(columns=["shipment_id", "organization_id", "confirmed_at"]),
        pd.DataFrame(columns=["organization_id", "reported_at"]),
        now=NOW,
        confirm_after_days=7,
    )
    assert empty.empty and list(empty.columns) == followup.LIST_COLUMNS


# --- on a database ------------------------------------------------------------------------------------


@pytest.fixture
def silent(sessions, ref):
    org, first = delivered_to(
        sessions,
        ref,
        ("flyer", "bn"),
        50,
        name="Baitul Aman",
        borough="Queens",
        languages=["bn"],
        contact_name="Rahim Uddin",
        contact_phone="718-555-0134",
    )
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=50,
        reference="r",
        actor=ACTOR,
    )
    second = ship_until(sessions, ref, org, {ref.units[("flyer", "bn")]: 50})
    return org, first, second


def test_the_list_on_a_database_with_contacts_only_on_request(sessions, ref, silent):
    org, first, second = silent
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=8)
    staff = followup.silent_organizations(
        sessions, followup.current_lists(sessions, now=later), include_contacts=True
    )
    assert list(staff[["name", "reason", "parcels"]].itertuples(index=False, name=None)) == [
        ("Baitul Aman", "not_confirmed", 2)
    ]
    assert staff.iloc[0]["contact_phone"] == "+1 718-555-0134"
    public = followup.silent_organizations(
        sessions, followup.current_lists(sessions, now=later), include_contacts=False
    )
    assert not {"contact_name", "contact_phone"} & set(public.columns)
    assert followup.silent_counts(followup.current_lists(sessions, now=later)) == {
        "not_confirmed": 1,
        "not_reporting": 0,
    }
    receipts.confirm_receipt(
        sessions, shipment_id=first, organization_id=org, channel="link", language="bn", actor="x"
    )
    receipts.confirm_receipt(
        sessions, shipment_id=second, organization_id=org, channel="link", language="bn", actor="x"
    )
    assert followup.silent_counts(followup.current_lists(sessions, now=later)) == {
        "not_confirmed": 0,
        "not_reporting": 0,
    }
    month = later + dt.timedelta(days=31)
    assert followup.silent_counts(followup.current_lists(sessions, now=month)) == {
        "not_confirmed": 0,
        "not_reporting": 1,
    }
    checked = handouts.check_report(sessions, organization_id=org, typed={("flyer", "bn"): ("1", "1")})
    handouts.report_handouts(
        sessions, organization_id=org, report=checked, submission_key="k", language="bn", actor="x"
    )
    assert followup.silent_counts(followup.current_lists(sessions, now=later + dt.timedelta(days=20))) == {
        "not_confirmed": 0,
        "not_reporting": 0,
    }


def test_a_call_is_noted_audited_and_shown(sessions, ref, silent):
    org, _, _ = silent
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=8)
    followup.record_call(
        sessions, organization_id=org, reason="not_confirmed", note="Left a voicemail", actor="cora"
    )
    row = followup.silent_organizations(
        sessions, followup.current_lists(sessions, now=later), include_contacts=True
    ).iloc[0]
    assert row["last_call_note"] == "Left a voicemail"
    assert list(audit.history(sessions, entity="follow_up_call")["action"]) == ["record_call"]
    with pytest.raises(InvalidInput):
        followup.record_call(sessions, organization_id=org, reason="whatever", note=None, actor="cora")
