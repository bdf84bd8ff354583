"""Restock requests: submission checks, idempotency, limits, and the coordinators' decisions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from outreach import i18n, inventory, organizations
from outreach.config import settings
from outreach.errors import Conflict, InvalidInput, NotFound, OutOfStock, RateLimited
from outreach.models import AuditEntry, Organization, RestockRequest
from outreach.restock import fulfilment, triage
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock.queue import QueueFilters
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments

ACTOR = "cora"


def key() -> str:
    return uuid.uuid4().hex


def count_requests(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(RestockRequest))


@pytest.fixture
def org(sessions, ref):
    return organizations.create_organization(
        sessions,
        name="Lantern Hill Shul",
        borough="Brooklyn",
        languages=["yi", "en"],
        preferred_language="yi",
        actor="t",
    )


@pytest.fixture
def token(sessions, org):
    return restock_links.issue_link(sessions, organization_id=org, actor="t")


@pytest.fixture
def stocked(sessions, ref):
    for unit in (("flyer", "yi"), ("booklet", "yi"), ("flyer", "en")):
        inventory.receive(
            sessions,
            unit_id=ref.units[unit],
            location_id=ref.main_depot,
            quantity=500,
            reference="run",
            actor="t",
        )
    return ref


def backdate(sessions, request_id=None, *, hours):
    """Test-only: move requests into the past (the app never edits created_at)."""
    with sessions.begin() as session:
        for request in session.scalars(select(RestockRequest)):
            if request_id in (None, request.id):
                request.created_at = request.created_at - dt.timedelta(hours=hours)


def submit(sessions, token, lines, **fields):
    return restock.submit_request(sessions, token=token, lines=lines, idempotency_key=key(), **fields)


# --- submission ---------------------------------------------------------------------------------------


def test_submit_stores_lines_and_a_readable_reference(sessions, ref, org, token):
    sent = submit(
        sessions,
        token,
        {ref.units[("flyer", "yi")]: 3, ref.units[("booklet", "yi")]: "2"},
        contact_name="  Reb   Moshe ",
        contact_phone="(718) 555-0101",
        language="yi",
    )
    assert sent.reference.startswith("KYR-") and len(sent.reference) == 13
    lines = restock_queue.request_lines(sessions, sent.request_id)
    assert sorted(lines["packs_requested"]) == [2, 3]
    detail = restock_queue.request_detail(sessions, sent.request_id)
    assert (detail.status, detail.channel, detail.language) == ("submitted", "link", "yi")
    assert detail.contact_name == "Reb Moshe" and detail.organization_id == org
    assert detail.contact_phone == "+1 718-555-0101"  # outreach.phones: one stored form


def test_audit_holds_neither_token_nor_contact(sessions, ref, token):
    submit(
        sessions,
        token,
        {ref.units[("flyer", "yi")]: 1},
        contact_name="Secret Name",
        contact_phone="212-555-9999",
    )
    with sessions() as session:
        entries = session.scalars(select(AuditEntry)).all()
    text = " ".join(f"{a.before} {a.after}" for a in entries)
    assert token not in text and "Secret Name" not in text and "555-9999" not in text
    assert "submit" in {a.action for a in entries}


def test_same_key_returns_the_same_request(sessions, ref, token):
    lines = {ref.units[("flyer", "yi")]: 2}
    first = restock.submit_request(sessions, token=token, lines=lines, idempotency_key="form-123456")
    again = restock.submit_request(
        sessions, token=token, lines={ref.units[("flyer", "yi")]: 9}, idempotency_key="form-123456"
    )
    assert again == first and count_requests(sessions) == 1


def test_a_key_from_another_organization_reveals_nothing(sessions, ref, token):
    sent = restock.submit_request(
        sessions, token=token, lines={ref.units[("flyer", "yi")]: 1}, idempotency_key="shared-key-1"
    )
    other = organizations.create_organization(
        sessions, name="Other", borough=None, languages=["es"], actor="t"
    )
    other_token = restock_links.issue_link(sessions, organization_id=other, actor="t")
    with pytest.raises(Conflict) as caught:
        restock.submit_request(
            sessions, token=other_token, lines={ref.units[("flyer", "es")]: 1}, idempotency_key="shared-key-1"
        )
    assert sent.reference not in str(caught.value) and "Lantern" not in str(caught.value)


@pytest.mark.parametrize(
    ("packs", "message_key"),
    [
        (0, "quantity.too_small"),
        (-3, "quantity.too_small"),
        ("+3", "quantity.sign"),
        ("abc", "quantity.not_number"),
        ("2.5", "quantity.not_whole"),
        ("١٫٥", "quantity.not_whole"),
        ("1e3", "quantity.exponent"),
        ("1,00", "quantity.grouping"),
        ("", "quantity.missing"),
        (None, "quantity.missing"),
        (10**12, "error.packs_over_limit"),
        ("41", "error.packs_over_limit"),
        ("٤١", "error.packs_over_limit"),
    ],
)
def test_bad_packs_are_refused_with_a_translatable_message(sessions, ref, token, packs, message_key):
    with pytest.raises(InvalidInput) as caught:
        submit(sessions, token, {ref.units[("flyer", "yi")]: packs})
    assert caught.value.__dict__["message_key"] == message_key
    yiddish = i18n.localize(caught.value, "yi")  # the leader reads it in Yiddish, the item named in Yiddish
    assert yiddish != str(caught.value) and "ייִדיש" in yiddish
    assert count_requests(sessions) == 0


def test_packs_typed_in_the_leaders_script_are_read(sessions, ref, token):
    lines = {
        ref.units[("flyer", "ar")]: "١٢",
        ref.units[("booklet", "ur")]: "۳",
        ref.units[("flyer", "bn")]: "৪",
    }
    sent = submit(sessions, token, lines, on_hand_reported="١٠")
    stored = restock_queue.request_lines(sessions, sent.request_id)
    assert dict(zip(stored["unit_id"], stored["packs_requested"], strict=True)) == {
        ref.units[("flyer", "ar")]: 12,
        ref.units[("booklet", "ur")]: 3,
        ref.units[("flyer", "bn")]: 4,
    }
    assert restock_queue.request_detail(sessions, sent.request_id).on_hand_reported == 10


def test_same_item_twice_counts_as_one_line_for_the_cap(sessions, ref, token):
    unit = ref.units[("flyer", "yi")]
    with pytest.raises(InvalidInput, match="at most 40"):
        submit(sessions, token, [(unit, 30), (unit, 30)])
    sent = submit(sessions, token, [(unit, 3), (unit, 4)])
    assert restock_queue.request_lines(sessions, sent.request_id)["packs_requested"].tolist() == [7]


@pytest.mark.parametrize(
    ("lines", "fields", "message_key"),
    [
        ({}, {}, "error.empty"),
        (None, {"note": "x" * 100_000}, "error.note_too_long"),
        (None, {"contact_name": "n" * 201}, "error.contact_too_long"),
        (None, {"contact_phone": "5" * 41}, "error.contact_too_long"),
        (None, {"contact_phone": "555-0134"}, "error.phone_invalid"),  # no area code
        (None, {"contact_phone": "call me"}, "error.phone_invalid"),
        (None, {"on_hand_reported": "lots"}, "error.on_hand_invalid"),
        (None, {"on_hand_reported": -1}, "error.on_hand_invalid"),
        ({999_999: 1}, {}, "error.unknown_item"),
        ({"1 OR 1=1": 1}, {}, "error.unknown_item"),
    ],
)
def test_bad_submissions_store_nothing(sessions, ref, token, lines, fields, message_key):
    lines = {ref.units[("flyer", "yi")]: 1} if lines is None else lines
    with pytest.raises(InvalidInput) as caught:
        submit(sessions, token, lines, **fields)
    assert caught.value.__dict__["message_key"] == message_key
    assert count_requests(sessions) == 0


def test_retired_edition_cannot_be_requested(sessions, ref, token):
    with pytest.raises(InvalidInput, match="no longer available"):
        submit(sessions, token, {ref.retired_units[("flyer", "es")]: 1})


def test_script_tags_and_control_characters_are_stored_as_plain_text(sessions, ref, token):
    note = "<script>alert('x')</script>\nline two\x00"
    sent = submit(sessions, token, {ref.units[("flyer", "yi")]: 1}, note=note, on_hand_reported="3")
    detail = restock_queue.request_detail(sessions, sent.request_id)
    assert detail.note == "<script>alert('x')</script>\nline two" and detail.on_hand_reported == 3


def test_dead_tokens_cannot_submit(sessions, ref, org, token):
    restock_links.revoke_link(sessions, organization_id=org, actor="t")
    for bad in (token, token[:-2], "x" * 43, None):
        with pytest.raises(NotFound):
            submit(sessions, bad, {ref.units[("flyer", "yi")]: 1})
    assert count_requests(sessions) == 0


def test_rate_limit_per_token_per_hour(sessions, ref, org, token, monkeypatch):
    monkeypatch.setenv("KYR_RESTOCK_MAX_PER_HOUR", "2")
    settings.cache_clear()
    try:
        unit = ref.units[("flyer", "yi")]
        submit(sessions, token, {unit: 1})
        submit(sessions, token, {unit: 1})
        with pytest.raises(RateLimited) as caught:
            submit(sessions, token, {unit: 1})
        assert (
            "2" in i18n.localize(caught.value, "fr")
            and caught.value.__dict__["message_key"] == "error.rate_limited"
        )
        # Coordinators entering a phone request are not limited, and an hour later the link works again.
        restock.submit_request(
            sessions,
            organization_id=org,
            channel="phone",
            lines={unit: 1},
            idempotency_key=key(),
            actor=ACTOR,
        )
        backdate(sessions, hours=2)
        submit(sessions, token, {unit: 1})
        assert count_requests(sessions) == 4
    finally:
        settings.cache_clear()


def test_phone_request_needs_an_existing_organization(sessions, ref):
    with pytest.raises(NotFound):
        restock.submit_request(
            sessions,
            organization_id=4242,
            channel="phone",
            lines={ref.units[("flyer", "es")]: 1},
            idempotency_key=key(),
            actor=ACTOR,
        )
    with pytest.raises(InvalidInput):
        restock.submit_request(
            sessions,
            channel="phone",
            lines={ref.units[("flyer", "es")]: 1},
            idempotency_key=key(),
            actor=ACTOR,
        )
    with pytest.raises(InvalidInput, match="idempotency"):
        restock.submit_request(
            sessions, organization_id=1, channel="phone", lines={}, idempotency_key="x", actor=ACTOR
        )


def test_a_checked_draft_counts_its_packs_and_pieces(sessions, ref):
    flyers, booklets = ref.units[("flyer", "ur")], ref.units[("booklet", "ur")]
    draft = restock.validate_submission(sessions, lines={flyers: 3, booklets: "2"}, language="ur")
    assert (draft.pack_size(flyers), draft.pack_size(booklets)) == (50, 25)
    assert (draft.pieces(flyers), draft.pieces(booklets)) == (150, 50)
    assert (draft.total_packs, draft.total_pieces) == (5, 200)
    assert draft.items[booklets] == ("booklet", "ur")


def test_far_above_usual(sessions, ref, org, token):
    assert restock.far_above_usual(sessions, organization_id=org, total_packs=100) is None  # no history yet
    unit = ref.units[("flyer", "yi")]
    for packs in (2, 4, 3):
        submit(sessions, token, {unit: packs})
    assert restock.usual_packs(sessions, org) == 3
    assert restock.far_above_usual(sessions, organization_id=org, total_packs=12) == 3
    assert restock.far_above_usual(sessions, organization_id=org, total_packs=6) is None
    with sessions.begin() as session:
        session.get(Organization, org).usual_request_packs = 10
    assert restock.far_above_usual(sessions, organization_id=org, total_packs=12) is None
    assert restock.far_above_usual(sessions, organization_id=org, total_packs=30) == 10


# --- triage -------------------------------------------------------------------------------------------


@pytest.fixture
def request_id(sessions, stocked, token):
    return submit(
        sessions, token, {stocked.units[("flyer", "yi")]: 4, stocked.units[("booklet", "yi")]: 2}
    ).request_id


def line_ids(sessions, request_id):
    lines = restock_queue.request_lines(sessions, request_id)
    return dict(zip(lines["material"], lines["line_id"].astype(int), strict=True))


def reserved(sessions, ref, material, depot=None):
    with sessions() as session:
        return inventory.balance(session, ref.units[(material, "yi")], depot or ref.main_depot)[1]


def test_claim_names_the_holder_and_can_be_released(sessions, request_id):
    triage.claim_request(sessions, request_id=request_id, actor="cora")
    with pytest.raises(Conflict, match="claimed by cora"):
        triage.claim_request(sessions, request_id=request_id, actor="dan")
    with pytest.raises(Conflict, match="claimed by cora"):
        triage.reject_request(sessions, request_id=request_id, reason="no", actor="dan")
    with pytest.raises(Conflict):
        triage.unclaim_request(sessions, request_id=request_id, actor="dan")
    triage.unclaim_request(sessions, request_id=request_id, actor="dan", force=True)
    triage.claim_request(sessions, request_id=request_id, actor="dan")
    assert restock_queue.request_detail(sessions, request_id).claimed_by == "dan"


def test_approve_whole_reserves_stock(sessions, stocked, request_id):
    triage.approve_request(sessions, request_id=request_id, depot_id=stocked.main_depot, actor=ACTOR)
    assert reserved(sessions, stocked, "flyer") == 200 and reserved(sessions, stocked, "booklet") == 50
    assert restock_queue.request_detail(sessions, request_id).status == "approved"
    with pytest.raises(Conflict, match="is approved"):
        triage.approve_request(sessions, request_id=request_id, depot_id=stocked.main_depot, actor=ACTOR)


def test_reduced_lines_need_a_reason(sessions, stocked, request_id):
    lines = line_ids(sessions, request_id)
    with pytest.raises(InvalidInput, match="Say why"):
        triage.approve_request(
            sessions,
            request_id=request_id,
            depot_id=stocked.main_depot,
            actor=ACTOR,
            packs={lines["flyer"]: 1},
        )
    with pytest.raises(InvalidInput, match="more than the maximum of 4"):
        triage.approve_request(
            sessions,
            request_id=request_id,
            depot_id=stocked.main_depot,
            actor=ACTOR,
            packs={lines["flyer"]: 5},
        )
    with pytest.raises(InvalidInput, match="reject"):
        triage.approve_request(
            sessions,
            request_id=request_id,
            depot_id=stocked.main_depot,
            actor=ACTOR,
            packs={lines["flyer"]: 0, lines["booklet"]: 0},
            reason="none",
        )
    triage.approve_request(
        sessions,
        request_id=request_id,
        depot_id=stocked.main_depot,
        actor=ACTOR,
        packs={lines["flyer"]: 1, lines["booklet"]: 0},
        reasons={lines["flyer"]: "low stock"},
        reason="booklets next month",
    )
    frame = restock_queue.request_lines(sessions, request_id).set_index("material")
    assert frame.loc["flyer", "packs_approved"] == 1 and frame.loc["flyer", "reason"] == "low stock"
    assert frame.loc["booklet", "reason"] == "booklets next month"
    assert reserved(sessions, stocked, "flyer") == 50 and reserved(sessions, stocked, "booklet") == 0


def test_approval_refuses_more_than_available_and_reserves_nothing(sessions, stocked, request_id):
    brooklyn = stocked.depots["Brooklyn depot"]
    with pytest.raises(OutOfStock, match="only 0 are available at Brooklyn depot"):
        triage.approve_request(sessions, request_id=request_id, depot_id=brooklyn, actor=ACTOR)
    inventory.adjust(
        sessions,
        unit_id=stocked.units[("booklet", "yi")],
        location_id=stocked.main_depot,
        change=-480,
        reason="water damage",
        actor="t",
    )
    with pytest.raises(OutOfStock, match="needs 50 units, but only 20"):
        triage.approve_request(sessions, request_id=request_id, depot_id=stocked.main_depot, actor=ACTOR)
    assert reserved(sessions, stocked, "flyer") == 0  # all or nothing
    assert restock_queue.request_detail(sessions, request_id).status == "submitted"


def test_substitute_before_and_after_approval(sessions, stocked, request_id):
    lines = line_ids(sessions, request_id)
    english = stocked.units[("flyer", "en")]
    with pytest.raises(InvalidInput, match="reason|why"):
        triage.substitute_line(
            sessions,
            request_id=request_id,
            line_id=lines["booklet"],
            unit_id=english,
            reason=" ",
            actor=ACTOR,
        )
    with pytest.raises(InvalidInput, match="already has a line"):
        triage.substitute_line(
            sessions,
            request_id=request_id,
            line_id=lines["booklet"],
            unit_id=stocked.units[("flyer", "yi")],
            reason="x",
            actor=ACTOR,
        )
    with pytest.raises(InvalidInput, match="retired"):
        triage.substitute_line(
            sessions,
            request_id=request_id,
            line_id=lines["booklet"],
            unit_id=stocked.retired_units[("flyer", "es")],
            reason="x",
            actor=ACTOR,
        )
    triage.approve_request(sessions, request_id=request_id, depot_id=stocked.main_depot, actor=ACTOR)
    triage.substitute_line(
        sessions,
        request_id=request_id,
        line_id=lines["booklet"],
        unit_id=english,
        reason="booklets out",
        actor=ACTOR,
    )
    assert reserved(sessions, stocked, "booklet") == 0
    with sessions() as session:
        assert inventory.balance(session, english, stocked.main_depot)[1] == 100  # 2 packs of 50 flyers
    row = restock_queue.request_lines(sessions, request_id).set_index("line_id").loc[lines["booklet"]]
    assert row["substituted_from_material"] == "booklet" and row["reason"] == "booklets out"


def test_reject_and_cancel_release_reservations(sessions, stocked, request_id, token):
    with pytest.raises(InvalidInput, match="Say why"):
        triage.reject_request(sessions, request_id=request_id, reason="", actor=ACTOR)
    triage.approve_request(sessions, request_id=request_id, depot_id=stocked.main_depot, actor=ACTOR)
    triage.cancel_request(sessions, request_id=request_id, reason="they found a box", actor=ACTOR)
    assert reserved(sessions, stocked, "flyer") == 0
    detail = restock_queue.request_detail(sessions, request_id)
    assert (detail.status, detail.decision_reason) == ("cancelled", "they found a box")
    with pytest.raises(Conflict, match="is cancelled"):
        triage.reject_request(sessions, request_id=request_id, reason="x", actor=ACTOR)
    other = submit(sessions, token, {stocked.units[("flyer", "yi")]: 1}).request_id
    triage.reject_request(sessions, request_id=other, reason="duplicate of an earlier request", actor=ACTOR)
    assert restock_queue.request_detail(sessions, other).status == "rejected"


def test_fulfilment_follows_the_shipment_and_happens_once(sessions, stocked, request_id):
    with pytest.raises(Conflict, match="is submitted"):
        fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    triage.approve_request(sessions, request_id=request_id, depot_id=stocked.main_depot, actor=ACTOR)
    shipment_id = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    lines = shipment_reads.shipment_lines(sessions, shipment_id).set_index("material")
    assert lines.loc["flyer", "quantity"] == 200 and lines.loc["flyer", "reserved_quantity"] == 200
    with pytest.raises(Conflict, match=f"shipment #{shipment_id}"):
        fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    with pytest.raises(Conflict, match="Cancel that shipment"):
        triage.cancel_request(sessions, request_id=request_id, reason="x", actor=ACTOR)
    # A cancelled shipment frees the request for a new one; the reservation stays with the request.
    shipments.cancel_shipment(sessions, shipment_id=shipment_id, reason="wrong van", actor=ACTOR)
    assert reserved(sessions, stocked, "flyer") == 200
    second = fulfilment.create_shipment_from_request(sessions, request_id=request_id, actor=ACTOR)
    for step in (shipments.pack_shipment, shipments.ship_shipment):
        step(sessions, shipment_id=second, actor=ACTOR)
    assert restock_queue.request_detail(sessions, request_id).status == "shipped"
    shipments.deliver_shipment(sessions, shipment_id=second, actor=ACTOR)
    row = restock_queue.queue(sessions, QueueFilters(statuses=("delivered",))).iloc[0]
    assert (row["packs_shipped"], row["shipment_id"]) == (6, second)
    with sessions() as session:
        assert inventory.balance(session, stocked.units[("flyer", "yi")], stocked.main_depot) == (300, 0)


# --- reads --------------------------------------------------------------------------------------------


def test_queue_filters_and_export(sessions, stocked, org, token):
    old = submit(sessions, token, {stocked.units[("flyer", "yi")]: 1}, contact_name="Private Person")
    new = submit(sessions, token, {stocked.units[("flyer", "en")]: 2})
    elsewhere = organizations.create_organization(
        sessions, name="Bronx Temple", borough="Bronx", languages=["en"], actor="t"
    )
    restock.submit_request(
        sessions,
        organization_id=elsewhere,
        channel="phone",
        actor=ACTOR,
        lines={stocked.units[("flyer", "en")]: 1},
        idempotency_key=key(),
    )
    backdate(sessions, old.request_id, hours=9 * 24)
    assert set(restock_queue.queue(sessions, QueueFilters(language="yi"))["reference"]) == {old.reference}
    assert set(restock_queue.queue(sessions, QueueFilters(min_age_days=7))["reference"]) == {old.reference}
    assert len(restock_queue.queue(sessions, QueueFilters(borough="Brooklyn"))) == 2
    assert restock_queue.queue(sessions, QueueFilters(statuses=("approved",))).empty
    frame = restock_queue.queue(sessions)
    assert frame.iloc[0]["reference"] == old.reference and frame.iloc[0]["age_days"] >= 9  # oldest first
    export = restock_queue.export_frame(sessions)
    assert len(export) == 3 and "Private Person" not in export.to_csv()
    assert not any("contact" in column for column in export.columns)
    mine = restock_queue.organization_requests(sessions, org)
    assert set(mine["reference"]) == {old.reference, new.reference}
    assert not any("contact" in c or "note" in c for c in mine.columns)
