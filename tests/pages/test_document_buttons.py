"""The download buttons of outreach/ui/documents.py, as the shipments and restock pages will show them."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from outreach import organizations
from outreach.shipments import steps as shipments
from outreach.ui import state


def buttons(shipment_id: int) -> None:
    from outreach.ui.documents import poster_button, shipment_document_buttons

    shipment_document_buttons(shipment_id)
    poster_button(organization_name="Bay Ridge مسجد النور", url="http://127.0.0.1/restock?t=x", language="ar")


def test_pick_list_packing_slip_and_poster_buttons(page_db):
    sessions, ref = page_db
    organization = organizations.create_organization(
        sessions,
        name="Bay Ridge Masjid",
        borough="Brooklyn",
        languages=["ar"],
        preferred_language="ar",
        actor="t",
    )
    shipment_id = shipments.create_shipment(
        sessions,
        organization_id=organization,
        depot_id=ref.main_depot,
        lines={ref.units[("flyer", "ar")]: 50},
        actor="t",
    )
    at = AppTest.from_function(buttons, args=(shipment_id,), default_timeout=30).run()
    assert not at.exception
    found = {button.key: button for button in at.get("download_button")}
    assert set(found) == {state.DOC_PICK_LIST, state.DOC_PACKING_SLIP, state.DOC_POSTER}
    assert found[state.DOC_PICK_LIST].proto.label == "Pick list (PDF)"
    assert found[state.DOC_PACKING_SLIP].proto.label == "Packing slip (PDF)"
    assert not at.error  # the fonts are installed, so no warning
