"""The follow-up page (AppTest): coordinators see contacts, note calls and download the list; organizers see
counts only, never a contact. The restock page's short-parcel section closes a mismatch."""

from __future__ import annotations

import pytest

from outreach import config
from outreach.field import receipts
from outreach.ui import state
from tests.field.builders import delivered_to
from tests.pages.conftest import open_page, page_text

PAGE = "pages/followup.py"
PHONE = "+1 718-555-0199"


@pytest.fixture
def quiet(page_db, monkeypatch):
    sessions, ref = page_db
    monkeypatch.setenv("KYR_CONFIRM_AFTER_DAYS", "0")  # delivered today counts as overdue
    config.settings.cache_clear()
    org, shipment = delivered_to(
        sessions,
        ref,
        ("flyer", "yi"),
        100,
        name="Kehilas Yaakov",
        borough="Brooklyn",
        languages=["yi"],
        contact_name="Reb Moshe",
        contact_phone="718-555-0199",
    )
    return sessions, ref, org, shipment


def test_organizers_see_counts_and_no_contact(quiet):
    at = open_page(PAGE, "organizer")
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "0"]
    text = page_text(at)
    assert "Kehilas Yaakov" not in text and PHONE not in text and "Reb Moshe" not in text
    assert not at.get("download_button")


def test_coordinators_call_note_and_download(quiet, downloads):
    sessions, ref, org, shipment = quiet
    at = open_page(PAGE, "coordinator")
    assert not at.exception
    text = page_text(at)
    assert "Kehilas Yaakov" in text and PHONE in text
    at.text_area(key=state.FIELD_SILENT_NOTE).set_value("Spoke to Reb Moshe; the box is in the office")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert "Call noted." in page_text(at)
    assert "the box is in the office" in page_text(at)  # the list shows the note at once
    rows = downloads.csv("follow-up.csv")
    assert rows[0][:5] == ["organization_id", "name", "borough", "community_district", "reason"]
    assert (
        rows[1][1] == "Kehilas Yaakov" and rows[1][4] == "not_confirmed" and rows[1][9].lstrip("'") == PHONE
    )  # formula-safe: a leading + gets a quote


def test_a_short_parcel_waits_in_the_restock_queue_until_closed(quiet):
    sessions, ref, org, shipment = quiet
    receipts.confirm_receipt(
        sessions,
        shipment_id=shipment,
        organization_id=org,
        channel="link",
        language="yi",
        received_packs={ref.units[("flyer", "yi")]: "1"},
        actor="restock-link",
    )
    at = open_page("pages/restock_requests.py", "coordinator")
    assert "Parcels that arrived short, waiting for you: 1." in page_text(at)
    at.segmented_control(key=state.REQ_SECTION).set_value("short").run()
    text = page_text(at)
    assert "Kehilas Yaakov" in text and "50" in text
    at.text_input(key=state.FIELD_MISMATCH_NOTE).set_value("Sent one more pack")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert "Receipt #1 closed." in page_text(at) and "No short parcels waiting." in page_text(at)
