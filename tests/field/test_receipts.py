"""Receipts on a real database: the packing slip's signed code, one confirmation per parcel, mismatches."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach import audit, inventory, organizations
from outreach.errors import Conflict, InvalidInput, NotFound
from outreach.field import receipts
from outreach.models import Receipt, Shipment
from tests.conftest import ACTOR, ship_until


@pytest.fixture
def shipped(sessions, ref):
    """An organization in Queens district 401 with a delivered parcel (2 packs of Arabic flyers) and one
    on the road (1 pack of Haitian booklets)."""
    for unit in (ref.units[("flyer", "ar")], ref.units[("booklet", "ht")]):
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=1000, reference="run", actor=ACTOR
        )
    org = organizations.create_organization(
        sessions,
        name="Masjid Al-Noor",
        borough="Queens",
        languages=["ar", "ht"],
        actor=ACTOR,
        latitude=40.7557,
        longitude=-73.9249,
    )
    delivered = ship_until(sessions, ref, org, {ref.units[("flyer", "ar")]: 100})
    on_road = ship_until(sessions, ref, org, {ref.units[("booklet", "ht")]: 25}, until="shipped")
    return org, delivered, on_road


def test_a_code_opens_its_own_parcel_and_nothing_else(sessions, ref, shipped):
    org, delivered, on_road = shipped
    code = receipts.receipt_code(sessions, delivered)
    assert receipts.receipt_code(sessions, delivered) == code  # the same slip printed twice
    slip = receipts.resolve_code(sessions, code)
    assert (slip.parcel.shipment_id, slip.organization_name) == (delivered, "Masjid Al-Noor")
    assert [(line.material, line.language, line.packs) for line in slip.parcel.lines] == [("flyer", "ar", 2)]
    shipment_part, signature = code.split(".")
    forged = [
        f"{on_road}.{signature}",  # another shipment's number with this signature
        code[:-1] + ("A" if code[-1] != "A" else "B"),
        shipment_part,
        "",
        "1.x",
        code + "x",
    ]
    for bad in forged:
        with pytest.raises(NotFound) as caught:
            receipts.resolve_code(sessions, bad)
        assert "packing slip" in str(caught.value)  # the same polite words every time


def test_a_draft_parcel_cannot_be_confirmed(sessions, ref, shipped):
    org, _, _ = shipped
    draft = ship_until(sessions, ref, org, {ref.units[("flyer", "ar")]: 50}, until="draft")
    with pytest.raises(NotFound):
        receipts.resolve_code(sessions, receipts.receipt_code(sessions, draft))


def test_confirm_once_records_who_and_when_and_is_audited(sessions, ref, shipped):
    org, delivered, _ = shipped
    done = receipts.confirm_receipt(
        sessions,
        shipment_id=delivered,
        organization_id=org,
        channel="slip",
        language="ar",
        confirmed_by="  Imam   Yusuf ",
        actor="receipt-code",
    )
    assert not done.mismatch
    with sessions() as session:
        row = session.get(Receipt, done.receipt_id)
        assert (row.confirmed_by, row.channel, row.language, row.mismatch) == (
            "Imam Yusuf",
            "slip",
            "ar",
            False,
        )
        assert session.get(Shipment, delivered).status == "delivered"  # the shipment is never written
    trail = audit.history(sessions, entity="receipt")
    assert list(trail["action"]) == ["confirm_receipt"]
    with pytest.raises(Conflict) as caught:
        receipts.confirm_receipt(
            sessions, shipment_id=delivered, organization_id=org, channel="link", language="ht", actor="x"
        )
    assert "already confirmed" in str(caught.value)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1
    [parcel] = [p for p in receipts.parcels(sessions, organization_id=org) if p.shipment_id == delivered]
    assert parcel.confirmed_at is not None


def test_another_organizations_parcel_is_refused(sessions, ref, shipped):
    _, delivered, _ = shipped
    other = organizations.create_organization(
        sessions, name="Other", borough="Bronx", languages=["es"], actor=ACTOR
    )
    with pytest.raises(NotFound):
        receipts.confirm_receipt(
            sessions, shipment_id=delivered, organization_id=other, channel="link", language="es", actor="x"
        )


def test_fewer_packs_are_recorded_and_wait_for_a_coordinator(sessions, ref, shipped):
    org, delivered, on_road = shipped
    unit = ref.units[("flyer", "ar")]
    done = receipts.confirm_receipt(
        sessions,
        shipment_id=delivered,
        organization_id=org,
        channel="link",
        language="ar",
        received_packs={unit: "١"},  # one pack, typed in Arabic-Indic digits
        actor="restock-link",
    )
    assert done.mismatch
    queue = receipts.open_mismatches(sessions)
    assert list(
        queue[["shipment_id", "units_listed", "units_received"]].itertuples(index=False, name=None)
    ) == [(delivered, 100, 50)]
    # Coverage counts what arrived: 50 Arabic flyers confirmed in Queens district 401.
    confirmed = receipts.confirmed_units(sessions)
    assert confirmed.set_index("language").loc["ar", "units"] == 50
    receipts.close_mismatch(sessions, receipt_id=done.receipt_id, note="Sent the other pack", actor="cora")
    assert receipts.open_mismatches(sessions).empty
    with pytest.raises(Conflict):
        receipts.close_mismatch(sessions, receipt_id=done.receipt_id, note=None, actor="cora")


def test_bad_counts_are_refused_in_the_leaders_language_and_store_nothing(sessions, ref, shipped):
    org, delivered, _ = shipped
    unit = ref.units[("flyer", "ar")]
    for typed in ("-1", "two", "1.5"):
        with pytest.raises(InvalidInput) as caught:
            receipts.confirm_receipt(
                sessions,
                shipment_id=delivered,
                organization_id=org,
                channel="link",
                language="ar",
                received_packs={unit: typed},
                actor="x",
            )
        assert caught.value.__dict__.get("message_key", "").startswith("quantity.")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 0


def test_the_packing_slip_carries_the_parcels_code(sessions, ref, shipped, tmp_path):
    import shutil
    import subprocess

    from outreach.documents import pdf as documents
    from outreach.documents.shipment import shipment_details

    _, delivered, _ = shipped
    details = shipment_details(sessions, delivered)
    assert details.receipt_url and details.receipt_url.endswith(
        f"/restock?r={receipts.receipt_code(sessions, delivered)}"
    )
    slip = documents.packing_slip(details)
    if shutil.which("pdftotext"):
        path = tmp_path / "slip.pdf"
        path.write_bytes(slip)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert "Scan this code with your phone" in " ".join(text.split())
