"""Every page, fed with HTML, script, markdown and formula payloads in every typed field (AppTest).

Tables show the payloads as literal strings (st.dataframe renders text). Everything rendered as markdown
(titles, captions, alerts, toasts, markdown) must never hold a payload as typed: escaped, it no longer
matches the raw string. The directory page and the public restock page have their own payload tests
(test_directory_page.py, test_restock_page.py); here they are only part of the sweep.
"""

from __future__ import annotations

import uuid

import pytest

from outreach.accounts import users as accounts
from outreach.models import REQUEST_STATUSES
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock import triage
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.pages.conftest import open_page
from tests.test_escaping import ALL, PAYLOADS, seed_payloads

MARKDOWN_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
)


def markdown_texts(at) -> list[str]:
    texts = [str(element.value) for kind in MARKDOWN_KINDS for element in getattr(at, kind)]
    texts += [str(toast.value) for toast in at.toast]
    texts += [str(expander.label) for expander in at.expander]
    return texts


def assert_shown_as_text(at) -> None:
    assert not at.exception, [str(e.value) for e in at.exception]
    for text in markdown_texts(at):
        for payload in ALL:
            assert payload not in text, (payload, text)
    for block in at.markdown:
        if block.proto.allow_html:  # constant CSS only
            assert not any(payload in block.value for payload in ALL)


def table_cells(at) -> set[str]:
    return {str(value) for frame in at.dataframe for value in frame.value.to_numpy().ravel()}


@pytest.fixture
def seeded(page_db):
    sessions, ref = page_db
    return sessions, ref, seed_payloads(sessions, ref)


@pytest.mark.parametrize(
    ("page", "role", "expected_in_tables"),
    [
        ("pages/dashboard.py", "coordinator", set()),
        ("pages/inventory.py", "coordinator", {PAYLOADS["md_link"], PAYLOADS["svg"], PAYLOADS["formula"]}),
        ("pages/shipments.py", "coordinator", {PAYLOADS["script"], PAYLOADS["md_bold"]}),
        ("pages/restock_requests.py", "coordinator", {PAYLOADS["script"], PAYLOADS["svg"]}),
        ("pages/directory.py", "coordinator", set(ALL)),
        ("pages/coverage.py", "organizer", set()),
        ("pages/planner.py", "coordinator", set()),
        ("pages/audit.py", "admin", set()),
        ("pages/users.py", "admin", {PAYLOADS["script"]}),
    ],
)
def test_every_page_shows_the_payloads_as_text(seeded, page, role, expected_in_tables):
    at = open_page(page, role)
    assert_shown_as_text(at)
    assert expected_in_tables <= table_cells(at)  # the payloads did reach the page, as literal strings


def test_a_request_full_of_payloads_is_shown_as_text(seeded):
    sessions, _ref, data = seeded
    at = open_page("pages/restock_requests.py", "coordinator")
    at.multiselect(key=state.REQ_FILTER_STATUS).set_value(list(REQUEST_STATUSES)).run()
    for request_id in data.request_ids:
        at.selectbox(key=state.REQ_SELECTED).set_value(request_id).run()
        assert_shown_as_text(at)
        texts = [element.value for element in at.text]  # st.text: typed text shown exactly as typed
        assert any(f"{PAYLOADS['img']} · +1 718-555-0134" in text for text in texts)
        assert any("\n".join(ALL) in text for text in texts)


def test_the_restock_page_shows_the_payload_name_escaped(seeded):
    sessions, _ref, data = seeded
    token = restock_links.rotate_link(sessions, organization_id=data.organizations["md_link"], actor="t")
    at = open_page("pages/restock.py", query={"t": token})
    assert_shown_as_text(at)
    assert at.subheader[0].value == escape_markdown(PAYLOADS["md_link"])  # the name heads the page


def test_confirmations_escape_the_organization_name_they_repeat(page_db):
    """The toast and the flash message after adding an organization repeat its name: escaped."""
    at = open_page("pages/directory.py", "coordinator")
    at.segmented_control(key=state.DIR_SECTION).set_value("Add or edit").run()
    at.text_input(key=state.DIR_EDIT_NAME).input(PAYLOADS["md_image"])
    at.text_input(key=state.DIR_EDIT_ZIP).input("11230")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert_shown_as_text(at)
    confirmations = [s.value for s in at.success] + [t.value for t in at.toast]
    assert f"Added {escape_markdown(PAYLOADS['md_image'])}." in confirmations


def test_confirmations_escape_the_depot_name_they_repeat(seeded):
    sessions, ref, data = seeded
    at = open_page("pages/inventory.py", "coordinator")
    at.selectbox(key=state.INV_RECEIVE_UNIT).set_value(ref.units[("flyer", "fr")])
    at.selectbox(key=state.INV_RECEIVE_DEPOT).set_value(data.depot)
    at.text_input(key=state.INV_RECEIVE_QTY).set_value("100")
    next(button for button in at.button if button.label == "Record receipt").click()
    at.run()
    assert_shown_as_text(at)
    confirmations = [s.value for s in at.success] + [t.value for t in at.toast]
    assert any(escape_markdown(PAYLOADS["md_image"]) in text for text in confirmations)


def test_the_fulfil_heading_escapes_the_depot_name(seeded):
    sessions, ref, data = seeded
    token = restock_links.rotate_link(sessions, organization_id=data.organizations["img"], actor="t")
    sent = restock.submit_request(
        sessions, token=token, idempotency_key=uuid.uuid4().hex, lines={ref.units[("flyer", "es")]: 1}
    )
    triage.approve_request(sessions, request_id=sent.request_id, depot_id=data.depot, actor="cora")
    assert restock_queue.request_detail(sessions, sent.request_id).depot == PAYLOADS["md_image"]
    at = open_page("pages/restock_requests.py", "coordinator")
    at.selectbox(key=state.REQ_SELECTED).set_value(sent.request_id).run()
    assert_shown_as_text(at)
    assert f"#### Fulfil (stock reserved at {escape_markdown(PAYLOADS['md_image'])})" in [
        md.value for md in at.markdown
    ]


def test_user_confirmations_escape_the_name(page_db):
    sessions, _ref = page_db
    accounts.create_account(sessions, username="ada", password="a-long-password", role="admin", actor="t")
    target = accounts.create_account(
        sessions, username="pay_load_", password="a-long-password", role="organizer", actor="t"
    )
    at = open_page("pages/users.py", "admin")
    at.selectbox(key=state.USERS_MANAGE_USER).set_value(target)
    at.radio(key=state.USERS_MANAGE_ACTION).set_value("role")
    at.selectbox(key=state.USERS_MANAGE_ROLE).set_value("coordinator")
    next(button for button in at.button if button.label == "Apply").click()
    at.run()
    assert not at.exception
    assert escape_markdown("pay_load_ (organizer)") + " is now coordinator." in [s.value for s in at.success]
