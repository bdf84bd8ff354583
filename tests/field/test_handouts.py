"""Handout reports on a real database: packs or pieces, refusals in the leader's language, a warning when more
was handed out than the organization had, one row per report and item, a double click stored once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach import audit, i18n, inventory
from outreach.errors import InvalidInput
from outreach.field import handouts, receipts
from outreach.models import HandoutReport
from tests.conftest import ACTOR, ship_until
from tests.field.builders import delivered_to

FLYER_HT = ("flyer", "ht")


@pytest.fixture
def org(sessions, ref):
    """A church that received 4 packs (200) of Haitian flyers."""
    org, _ = delivered_to(
        sessions, ref, FLYER_HT, 200, name="Legliz Bondye", borough="Brooklyn", languages=["ht"]
    )
    inventory.receive(
        sessions,
        unit_id=ref.units[FLYER_HT],
        location_id=ref.main_depot,
        quantity=800,
        reference="r",
        actor=ACTOR,
    )
    return org


def report(sessions, org, typed, *, unit="packs", key="k1"):
    checked = handouts.check_report(sessions, organization_id=org, typed=typed, unit=unit)
    handouts.report_handouts(
        sessions, organization_id=org, report=checked, submission_key=key, language="ht", actor="restock-link"
    )
    return checked


def rows(sessions):
    with sessions() as session:
        return session.execute(
            select(HandoutReport.handed_out, HandoutReport.remaining).order_by(HandoutReport.id)
        ).all()


def test_packs_become_pieces_and_each_report_is_a_new_row(sessions, ref, org):
    states = handouts.item_states(sessions, org)
    assert states[FLYER_HT].available == 200
    checked = report(sessions, org, {FLYER_HT: ("3", "1")})  # 3 packs out, 1 left
    assert checked.lines == {FLYER_HT: (150, 50)} and checked.warnings == []
    report(sessions, org, {FLYER_HT: ("40", "10")}, unit="pieces", key="k2")
    assert rows(sessions) == [(150, 50), (40, 10)]  # nothing overwritten
    assert handouts.item_states(sessions, org)[FLYER_HT].last_remaining == 10
    assert len(audit.history(sessions, entity="handout_report")) == 2


def test_more_than_it_had_is_a_warning_not_a_refusal(sessions, ref, org):
    report(sessions, org, {FLYER_HT: ("3", "1")})  # 50 left
    checked = handouts.check_report(sessions, organization_id=org, typed={FLYER_HT: ("2", "")}, unit="packs")
    assert checked.warnings == [(FLYER_HT, 100, 50)]  # 100 handed out, 50 available (left, nothing new)
    handouts.report_handouts(
        sessions, organization_id=org, report=checked, submission_key="k2", language="ht", actor="x"
    )
    assert rows(sessions)[-1] == (100, None)


def test_new_parcels_count_after_the_last_report(sessions, ref, org):
    report(sessions, org, {FLYER_HT: ("4", "0")})
    shipment = ship_until(sessions, ref, org, {ref.units[FLYER_HT]: 100}, until="shipped")
    assert handouts.item_states(sessions, org)[FLYER_HT].available == 0  # on the road: not arrived yet
    receipts.confirm_receipt(
        sessions, shipment_id=shipment, organization_id=org, channel="link", language="ht", actor="x"
    )
    assert handouts.item_states(sessions, org)[FLYER_HT].available == 100


@pytest.mark.parametrize("typed", [("-3", ""), ("", "-1"), ("deux", ""), ("1.5", "")])
def test_bad_numbers_are_refused_in_the_leaders_language(sessions, ref, org, typed):
    with pytest.raises(InvalidInput) as caught:
        handouts.check_report(sessions, organization_id=org, typed={FLYER_HT: typed})
    message = i18n.localize(caught.value, "ht")
    assert message != i18n.t("error.generic", "ht") and "Flyer" not in message  # Kreyòl, naming the item
    assert rows(sessions) == []


def test_an_empty_report_is_refused(sessions, ref, org):
    with pytest.raises(InvalidInput) as caught:
        handouts.check_report(sessions, organization_id=org, typed={FLYER_HT: ("", " ")})
    assert i18n.localize(caught.value, "ur") == i18n.t("handouts.empty", "ur")


def test_the_same_submission_twice_is_stored_once(sessions, ref, org):
    report(sessions, org, {FLYER_HT: ("1", "3")}, key="same")
    report(sessions, org, {FLYER_HT: ("1", "3")}, key="same")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(HandoutReport)) == 1


def test_handed_out_units_per_district(sessions, ref, org):
    report(sessions, org, {FLYER_HT: ("2", "2")})
    frame = handouts.handed_out_units(sessions)
    assert list(frame[["language", "borough", "units"]].itertuples(index=False, name=None)) == [
        ("ht", "Brooklyn", 100)
    ]
