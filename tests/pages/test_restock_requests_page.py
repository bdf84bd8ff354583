"""The coordinators' restock queue (AppTest): role guard, the flow from submission to delivered, links, phone."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from outreach import inventory, organizations
from outreach.models import RestockRequest
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock.queue import QueueFilters
from outreach.shipments import steps as shipments
from outreach.ui import paging, state
from outreach.ui.widgets import escape_markdown
from tests.pages.conftest import open_page, page_text

PAGE = "pages/restock_requests.py"


def button(at, label):
    return next(b for b in at.button if b.label == label)


def open_section(at, section):
    """Choose a section of the page ("queue", "phone" or "links"); only that one runs."""
    return at.segmented_control(key=state.REQ_SECTION).set_value(section).run()


def request_through_a_link(sessions, ref, *, name, borough, language, catalog, items, **details):
    """An organization serving `language` (reading `catalog`), stock of `items`, its link, and one request
    sent through it in `catalog` for 4 packs of the first item and 2 of any other."""
    org = organizations.create_organization(
        sessions,
        name=name,
        borough=borough,
        languages=[language, "en"],
        preferred_language=catalog,
        actor="t",
    )
    for item in items:
        inventory.receive(
            sessions,
            unit_id=ref.units[item],
            location_id=ref.main_depot,
            quantity=1_000,
            reference="run",
            actor="t",
        )
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    sent = restock.submit_request(
        sessions,
        token=token,
        idempotency_key=uuid.uuid4().hex,
        language=catalog,
        lines={ref.units[item]: 4 if index == 0 else 2 for index, item in enumerate(items)},
        **details,
    )
    return org, sent


@pytest.fixture
def submitted(page_db):
    sessions, ref = page_db
    org, sent = request_through_a_link(
        sessions,
        ref,
        name="Harbor Masjid",
        borough="Brooklyn",
        language="ar",
        catalog="ar",
        items=(("flyer", "ar"), ("booklet", "ar")),
        contact_name="Imam Y",
        contact_phone="(718) 555-0100",
        note="<b>after Friday</b>",
    )
    return sessions, ref, org, sent


@pytest.mark.parametrize("role", [None, "organizer"])
def test_only_staff_see_the_queue(submitted, role):
    at = open_page(PAGE, role)
    text = page_text(at)
    assert "Harbor Masjid" not in text and "Imam Y" not in text and not at.dataframe
    assert ("Please sign in" in text) if role is None else ("cannot open this page" in text)


def test_queue_flow_from_submission_to_delivered(submitted):
    sessions, ref, org, sent = submitted
    at = open_page(PAGE, "coordinator")
    assert not at.exception
    text = page_text(at)
    assert (
        sent.reference in text and "Imam Y · +1 718-555-0100" in text and "Note: <b>after Friday</b>" in text
    )

    button(at, "Claim this request").click().run()
    assert restock_queue.request_detail(sessions, sent.request_id).claimed_by == "cora"
    assert "You have claimed this request." in page_text(at)

    lines = restock_queue.request_lines(sessions, sent.request_id)
    flyer = int(lines.loc[lines["material"] == "flyer", "line_id"].iloc[0])
    at.text_input(key=f"{state.REQ_APPROVE_PACKS}_{flyer}").set_value("3")
    button(at, "Approve and reserve stock").click().run()
    assert "Say why" in at.error[0].value  # reduced without a reason: nothing approved
    assert restock_queue.request_detail(sessions, sent.request_id).status == "submitted"
    at.text_input(key=f"{state.REQ_APPROVE_REASON}_{flyer}").set_value("low stock")
    button(at, "Approve and reserve stock").click().run()
    assert restock_queue.request_detail(sessions, sent.request_id).status == "approved"
    with sessions() as session:
        assert inventory.balance(session, ref.units[("flyer", "ar")], ref.main_depot) == (1_000, 150)

    button(at, "Create the shipment from the approved lines").click().run()
    shipment_id = restock_queue.request_detail(sessions, sent.request_id).shipment_id
    assert shipment_id and f"Shipment #{shipment_id} is draft" in page_text(at)

    for step in (shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment):
        step(sessions, shipment_id=shipment_id, actor="cora")  # the Shipments page's flow
    at.multiselect(key=state.REQ_FILTER_STATUS).set_value(["delivered"]).run()
    # The delivered filter finds it (labels carry no status: see pages/restock_requests.py).
    assert at.selectbox(key=state.REQ_SELECTED).options == [f"{sent.reference} · Harbor Masjid"]
    row = restock_queue.queue(sessions, QueueFilters(statuses=("delivered",))).iloc[0]
    assert (row["packs_approved"], row["packs_shipped"]) == (5, 5)
    with sessions() as session:
        assert inventory.balance(session, ref.units[("flyer", "ar")], ref.main_depot) == (850, 0)


def test_approving_shows_the_approved_request_and_its_reserved_stock_at_once(submitted):
    sessions, ref, org, sent = submitted
    at = open_page(PAGE, "coordinator")
    assert at.subheader[0].value == f"{sent.reference}: submitted"
    button(at, "Approve and reserve stock").click().run()
    assert not at.exception
    assert [message.value for message in at.success] == [f"Approved {sent.reference}; stock reserved."]
    assert at.subheader[0].value == f"{sent.reference}: approved"
    assert at.dataframe[0].value["status"].tolist() == ["Approved"]  # the queue's cached page was cleared
    request_lines = next(frame.value for frame in at.dataframe if "pack_size" in frame.value.columns)
    assert request_lines["packs_approved"].tolist() == [4, 2]
    assert "250 units reserved (6 packs)." in page_text(at)  # 4 packs of 50 flyers, 2 of 25 booklets
    assert button(at, "Create the shipment from the approved lines")  # the next step, right away


@pytest.mark.parametrize(
    ("name", "phone", "shown"),
    [
        (None, None, "Contact for this request: none given"),  # not "- · -"
        ("Imam Y", None, "Contact for this request: Imam Y\n"),
        (None, "212 555 0111", "Contact for this request: +1 212-555-0111\n"),
    ],
)
def test_the_contact_line_shows_only_what_was_given(submitted, name, phone, shown):
    sessions, ref, org, _sent = submitted
    token = restock_links.rotate_link(sessions, organization_id=org, actor="t")
    restock.submit_request(
        sessions,
        token=token,
        idempotency_key=uuid.uuid4().hex,
        lines={ref.units[("flyer", "ar")]: 1},
        contact_name=name,
        contact_phone=phone,
    )
    at = open_page(PAGE, "coordinator")
    newest = restock_queue.queue(sessions, QueueFilters())["request_id"].max()
    at.selectbox(key=state.REQ_SELECTED).set_value(int(newest)).run()
    (details,) = [text.value for text in at.text if text.value.startswith("Organization:")]
    assert shown in details and " - · " not in details and "· -" not in details


def test_a_phone_request_with_an_impossible_number_names_it(submitted):
    sessions, ref, org, _sent = submitted
    at = open_section(open_page(PAGE, "coordinator"), "phone")
    at.selectbox(key=state.REQ_PHONE_ORG).set_value(org).run()
    at.text_input(key=f"{state.REQ_PHONE_PACKS}_{ref.units[('flyer', 'ar')]}").set_value("2")
    at.text_input(key=state.REQ_PHONE_CONTACT_PHONE).input("555-0134")
    button(at, "Save request").click().run()
    assert not at.exception
    (error,) = [e.value.replace("\\", "") for e in at.error]
    assert "“555-0134” is not a phone number we can call" in error and "area code" in error
    assert at.text_input(key=state.REQ_PHONE_CONTACT_PHONE).value == "555-0134"
    assert restock_queue.queue_count(sessions) == 1  # only the fixture's request


def test_a_claim_by_someone_else_is_shown_and_blocks(submitted):
    sessions, ref, org, sent = submitted
    from outreach.restock import triage as restock_triage

    restock_triage.claim_request(sessions, request_id=sent.request_id, actor="dan")
    at = open_page(PAGE, "coordinator")
    assert "Claimed by **dan**" in at.warning[0].value
    at.text_input(key=state.REQ_CLOSE_REASON).set_value("duplicate")
    button(at, "Confirm").click().run()
    assert "claimed by dan" in at.error[0].value
    assert restock_queue.request_detail(sessions, sent.request_id).status == "submitted"


def test_reject_with_a_reason(submitted):
    sessions, ref, org, sent = submitted
    at = open_page(PAGE, "coordinator")
    at.text_input(key=state.REQ_CLOSE_REASON).set_value("asked twice")
    button(at, "Confirm").click().run()
    detail = restock_queue.request_detail(sessions, sent.request_id)
    assert (detail.status, detail.decision_reason) == ("rejected", "asked twice")


def test_phone_request_saves_once_and_clears_the_form(submitted):
    sessions, ref, org, sent = submitted
    at = open_section(open_page(PAGE, "coordinator"), "phone")
    assert not at.button or "Save request" not in [b.label for b in at.button]  # pick the organization first
    at.selectbox(key=state.REQ_PHONE_ORG).set_value(org).run()
    at.text_input(key=f"{state.REQ_PHONE_PACKS}_{ref.units[('flyer', 'en')]}").set_value("2")
    at.text_input(key=state.REQ_PHONE_CONTACT_NAME).set_value("Called at 10am")
    first_key = at.session_state[state.REQ_PHONE_KEY]
    button(at, "Save request").click().run()
    assert not at.exception
    with sessions() as session:
        phone = session.scalars(select(RestockRequest).where(RestockRequest.channel == "phone")).all()
    assert len(phone) == 1 and phone[0].created_by == "cora" and phone[0].idempotency_key == first_key
    assert at.text_input(key=f"{state.REQ_PHONE_PACKS}_{ref.units[('flyer', 'en')]}").value == ""
    assert at.session_state[state.REQ_PHONE_KEY] != first_key


def test_links_are_shown_once_with_qr_and_poster(submitted):
    sessions, ref, org, sent = submitted
    at = open_section(open_page(PAGE, "coordinator"), "links")
    at.selectbox(key=state.REQ_LINK_ORG).set_value(org).run()
    at.radio(key=state.REQ_LINK_ACTION).set_value("rotate")
    button(at, "Apply").click().run()
    url = at.code[0].value
    new_token = url.split("t=", 1)[1]
    assert restock_links.resolve(sessions, new_token).organization_id == org
    assert at.image and {b.key for b in at.download_button} >= {state.REQ_LINK_QR, state.REQ_LINK_POSTER}
    button(at, "Hide the link").click().run()
    assert not at.code and new_token not in page_text(at)
    at.radio(key=state.REQ_LINK_ACTION).set_value("revoke")
    button(at, "Apply").click().run()
    assert restock_links.link_status(sessions, org) is None and "no active link" in page_text(at)


def test_creating_a_link_shows_it_at_once_in_the_links_section(submitted):
    sessions, ref, org, sent = submitted
    restock_links.revoke_link(sessions, organization_id=org, actor="t")
    at = open_section(open_page(PAGE, "coordinator"), "links")
    at.selectbox(key=state.REQ_LINK_ORG).set_value(org).run()
    assert "no active link" in page_text(at)
    assert at.radio(key=state.REQ_LINK_ACTION).value == "issue"
    button(at, "Apply").click().run()
    assert not at.exception
    assert at.segmented_control(key=state.REQ_SECTION).value == "links"  # not back on the queue
    assert "Link created." in page_text(at) and "Copy or print this link now" in page_text(at)
    [code] = at.code
    token = code.value.split("t=", 1)[1]
    assert restock_links.resolve(sessions, token).organization_id == org


def test_only_the_chosen_section_runs_and_the_queue_keeps_its_filters(submitted):
    sessions, ref, org, sent = submitted
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.REQ_FILTER_BOROUGH).set_value("Bronx").run()
    assert "No requests match these filters." in page_text(at)
    at = open_section(at, "phone")
    assert not at.dataframe and state.REQ_FILTER_BOROUGH not in {box.key for box in at.selectbox}
    assert {box.key for box in at.selectbox} == {state.REQ_PHONE_ORG}
    at = open_section(at, "queue")
    assert at.selectbox(key=state.REQ_FILTER_BOROUGH).value == "Bronx"
    assert "No requests match these filters." in page_text(at)


# --- paging at scale (issue 7) ---------------------------------------------------------------------------


def test_the_queue_comes_a_page_at_a_time(submitted, monkeypatch):
    sessions, ref, org, first = submitted
    monkeypatch.setattr(paging, "PAGE_SIZES", (2, 4))
    monkeypatch.setattr(paging, "DEFAULT_PAGE_SIZE", 2)
    references = [first.reference]
    for _ in range(4):
        sent = restock.submit_request(
            sessions,
            organization_id=org,
            channel="phone",
            lines={ref.units[("flyer", "ar")]: 1},
            idempotency_key=uuid.uuid4().hex,
            actor="cora",
        )
        references.append(sent.reference)
    at = open_page(PAGE, "coordinator")
    assert not at.exception, at.exception
    assert at.dataframe[0].value["reference"].tolist() == references[:2]
    assert "Rows 1–2 of 5 request(s), oldest first." in page_text(at)
    at.number_input(key=f"{state.REQ_PAGE}_number").set_value(2).run()
    assert at.dataframe[0].value["reference"].tolist() == references[2:4]  # page 2: the next rows
    assert [option.split(" · ")[0] for option in at.selectbox(key=state.REQ_SELECTED).options] == references[
        2:4
    ]
    at.number_input(key=f"{state.REQ_PAGE}_number").set_value(3).run()
    assert at.dataframe[0].value["reference"].tolist() == references[4:]
    # A filter goes back to page 1; the count and the export label follow it.
    at.multiselect(key=state.REQ_FILTER_STATUS).set_value(["approved"]).run()
    assert at.number_input(key=f"{state.REQ_PAGE}_number").value == 1
    assert at.dataframe[0].value.empty and "No requests match these filters." in page_text(at)
    assert at.get("download_button")[0].proto.label == "Download all 0 matching requests (CSV)"


def test_approved_packs_are_read_in_any_script_and_never_above_what_was_asked(submitted):
    sessions, ref, org, sent = submitted
    at = open_page(PAGE, "coordinator")
    lines = restock_queue.request_lines(sessions, sent.request_id)
    flyer = int(lines.loc[lines["material"] == "flyer", "line_id"].iloc[0])
    assert at.text_input(key=f"{state.REQ_APPROVE_PACKS}_{flyer}").value == "4"  # what was asked
    at.text_input(key=f"{state.REQ_APPROVE_PACKS}_{flyer}").set_value("5")
    button(at, "Approve and reserve stock").click().run()
    label = inventory.unit_label(next(lines.loc[lines["line_id"] == flyer].itertuples()))
    expected = f"Packs approved for {label}: 5 is more than the maximum of 4. Check for a typo."
    assert len(at.error) == 1 and at.error[0].value.endswith(escape_markdown(expected))
    assert restock_queue.request_detail(sessions, sent.request_id).status == "submitted"

    at.text_input(key=f"{state.REQ_APPROVE_PACKS}_{flyer}").set_value("٣")  # Arabic-Indic 3
    at.text_input(key=f"{state.REQ_APPROVE_REASON}_{flyer}").set_value("low stock")
    button(at, "Approve and reserve stock").click().run()
    assert not at.error, [e.value for e in at.error]
    assert restock_queue.request_lines(sessions, sent.request_id)["packs_approved"].tolist() == [3, 2]


@pytest.mark.parametrize(("typed", "packs"), [("১০", 10), ("1,000", None), ("1.5", None), ("0", None)])
def test_phone_request_packs_are_read_exactly(submitted, typed, packs):
    sessions, ref, org, sent = submitted
    at = open_section(open_page(PAGE, "coordinator"), "phone")
    at.selectbox(key=state.REQ_PHONE_ORG).set_value(org).run()
    at.text_input(key=f"{state.REQ_PHONE_PACKS}_{ref.units[('flyer', 'en')]}").set_value(typed)
    button(at, "Save request").click().run()
    with sessions() as session:
        phone = session.scalars(select(RestockRequest).where(RestockRequest.channel == "phone")).all()
        stored = [(line.unit_id, line.packs_requested) for request in phone for line in request.lines]
    if packs is None:  # refused, with a message naming the value (0 alone: no item chosen)
        assert stored == [] and len(at.error) == 1 and not at.success
        assert typed.replace(".", "\\.") in at.error[0].value or typed == "0"
    else:
        assert stored == [(ref.units[("flyer", "en")], packs)]
        assert [s.value for s in at.success] == ["Phone request saved; it is in the queue."]


def test_a_request_sent_in_traditional_chinese_names_its_script_for_the_coordinator(page_db):
    sessions, ref = page_db
    _, traditional = request_through_a_link(
        sessions,
        ref,
        name="華埠浸信會",
        borough="Manhattan",
        language="zh",
        catalog="zh-Hant",
        items=(("flyer", "zh"),),
    )
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.REQ_SELECTED).set_value(traditional.request_id).run()
    assert not at.exception
    assert "leader's language: Chinese (Traditional)" in page_text(at)
