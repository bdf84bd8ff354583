"""Bad input through the pages themselves (AppTest): the message reaches the page, in the leader's language
on the public restock page, nothing crashes and nothing is half-written.

The domain side of the corpus is tests/test_bad_input_corpus.py. Not repeated here: dead tokens (unknown,
truncated, revoked, rotated) in English and Kreyòl, an empty request in Arabic, over-limit packs and a
100,000-character note in Bengali, the rate limit in Spanish (tests/pages/test_restock_page.py); bad
receive quantities (tests/pages/test_stock_flow.py); an empty organization name and an unreadable CSV
header (tests/pages/test_directory_page.py); short and mismatched passwords (tests/pages/test_users_page.py).

A 10,000-character paste into the typed fields (name, contact, reasons, notes, the leader's name) is refused
with its length and stays in the box (below, "a long paste").
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from outreach import i18n, inventory, organizations
from outreach.models import RestockRequest
from outreach.restock import links as restock_links
from outreach.restock import submission as restock
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.pages.conftest import open_page, page_text
from tests.pages.test_restock_page import packs_input, review, send
from tests.test_bad_input_corpus import snapshot_counts

RESTOCK = "pages/restock.py"


def errors(at) -> list[str]:
    """The error messages as a reader sees them (markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", str(error.value)) for error in at.error]


def press(at, label: str):
    next(button for button in at.button if button.label == label).click()
    return at.run()


@pytest.fixture
def linked(page_db):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions,
        name="Ohel Torah",
        borough="Brooklyn",
        languages=["yi", "en"],
        preferred_language="yi",
        actor="t",
    )
    for unit in (ref.units[("flyer", "yi")], ref.units[("flyer", "es")]):
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=1_000, reference="run", actor="t"
        )
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    return sessions, ref, org, token


# --- the public restock page: links -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "lang", "expected_lang"),
    [
        ("A" * 10_240, "es", "es"),  # 10 KB
        ("' OR 1=1 --", None, "en"),  # SQL-looking
        ("ü" * 43, "ar", "ar"),  # the right length, not ASCII
        ("%00" + "A" * 40, "ur", "ur"),  # an encoded NUL, as a browser would send it
        ("A" * 43, "<script>alert(1)</script>", "en"),  # a garbage language falls back to English
    ],
    ids=["10kb", "sql", "non-ascii", "encoded-nul", "garbage-language"],
)
def test_a_bad_link_gets_the_polite_message_in_the_asked_language(linked, token, lang, expected_lang):
    sessions = linked[0]
    before = snapshot_counts(sessions)
    at = open_page(RESTOCK, query={"t": token, **({"lang": lang} if lang else {})})
    assert not at.exception
    assert [w.value for w in at.warning] == [escape_markdown(i18n.t("token.invalid", expected_lang))]
    assert "Ohel Torah" not in page_text(at) and not at.form and not at.text_input
    assert snapshot_counts(sessions) == before


def test_an_empty_link_explains_how_to_get_one(linked):
    at = open_page(RESTOCK, query={"t": "", "lang": "bn"})
    assert not at.exception and [i.value for i in at.info] == [escape_markdown(i18n.t("token.missing", "bn"))]


# --- the public restock page: fields ------------------------------------------------------------------


def test_a_long_note_is_refused_in_yiddish_and_nothing_is_stored(linked):
    sessions, ref, _org, token = linked
    before = snapshot_counts(sessions)
    at = open_page(RESTOCK, query={"t": token})
    assert at.selectbox(key=state.RESTOCK_LANG).value == "yi"  # the organization's language
    packs_input(at, ref, "flyer", "yi").set_value("2")
    at.text_area(key=state.RESTOCK_NOTE).set_value("א" * (restock.MAX_NOTE_CHARS + 1))
    review(at)
    expected = i18n.t(
        "error.note_too_long", "yi", length=2001, limit=2000
    )  # numbers, as the form passes them
    assert errors(at) == [expected]
    assert snapshot_counts(sessions) == before


def test_a_link_rotated_while_the_form_is_open_is_refused_in_french(linked):
    sessions, ref, org, token = linked
    at = open_page(RESTOCK, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value("fr").run()
    packs_input(at, ref, "flyer", "yi").set_value("1")
    review(at)
    restock_links.rotate_link(sessions, organization_id=org, actor="cora")  # the coordinator replaces it
    before = snapshot_counts(sessions)
    send(at).click().run()
    assert not at.exception
    # The page checks the link again on every run: the dead link's message, in French, and no form.
    assert [warning.value for warning in at.warning] == [escape_markdown(i18n.t("token.invalid", "fr"))]
    assert not at.form and snapshot_counts(sessions) == before


def test_control_characters_are_dropped_and_everything_else_is_kept(linked):
    sessions, ref, org, token = linked
    at = open_page(RESTOCK, query={"t": token})
    packs_input(at, ref, "flyer", "yi").set_value("1")
    at.text_input(key=state.RESTOCK_CONTACT_NAME).set_value("ר׳ משה\x00 🙂 \u202eRTL")
    at.text_area(key=state.RESTOCK_NOTE).set_value("after\x1b[2J shabbos\nthank you 🙏")
    review(at)
    send(at).click().run()
    assert not at.exception and not at.error
    with sessions() as session:
        request = session.scalar(select(RestockRequest).where(RestockRequest.organization_id == org))
        assert (request.contact_name, request.note) == (
            "ר׳ משה 🙂 RTL",  # the right-to-left override is removed (outreach.text)
            "after[2J shabbos\nthank you 🙏",
        )


# --- staff pages --------------------------------------------------------------------------------------


def test_a_nul_in_the_audit_record_number_is_explained(page_db):
    sessions, _ref = page_db
    at = open_page("pages/audit.py", "admin")
    at.text_input(key=state.AUDIT_ENTITY_ID).set_value("4\x002").run()
    assert not at.exception
    assert any("not a record number" in error for error in errors(at))


def test_a_nul_in_the_username_is_a_wrong_sign_in(page_db):
    sessions, _ref = page_db
    before = snapshot_counts(sessions)
    at = open_page("pages/sign_in.py")
    at.text_input(key=state.SIGN_IN_USERNAME).set_value("ada\x00")
    at.text_input(key=state.SIGN_IN_PASSWORD).set_value("whatever-password")
    at = press(at, "Sign in")
    assert not at.exception and any("Wrong username or password" in error for error in errors(at))
    assert state.USER not in at.session_state and snapshot_counts(sessions) == before


def test_a_script_username_is_refused_and_shown_as_text(page_db):
    sessions, _ref = page_db
    before = snapshot_counts(sessions)
    at = open_page("pages/users.py", "admin")
    at.segmented_control(key=state.USERS_SECTION).set_value("add").run()
    at.text_input(key=state.USERS_NEW_USERNAME).set_value("<script>alert(1)</script>")
    at.text_input(key=state.USERS_NEW_PASSWORD).set_value("a-long-password")
    at.text_input(key=state.USERS_NEW_PASSWORD_AGAIN).set_value("a-long-password")
    at = press(at, "Add user")
    assert not at.exception
    (message,) = [str(error.value) for error in at.error]  # as markdown: the tags escaped
    assert "is not valid" in message and "<script>" not in message and "\\<script\\>" in message
    assert snapshot_counts(sessions) == before


def test_a_bad_zip_in_the_directory_form_is_named(page_db):
    sessions, _ref = page_db
    before = snapshot_counts(sessions)
    at = open_page("pages/directory.py", "coordinator")
    at.segmented_control(key=state.DIR_SECTION).set_value("Add or edit").run()
    at.text_input(key=state.DIR_EDIT_NAME).input("Nueva Vida")
    at.text_input(key=state.DIR_EDIT_ZIP).input("ABCDE")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception and any("5-digit ZIP" in error for error in errors(at))
    assert snapshot_counts(sessions) == before


def test_a_utf16_file_without_a_byte_order_mark_is_explained(page_db):
    sessions, _ref = page_db
    before = snapshot_counts(sessions)
    data = "name,address,zip_code,languages\nA,1 St,11372,es\n".encode("utf-16-le")
    at = open_page("pages/directory.py", "coordinator")
    at.segmented_control(key=state.DIR_SECTION).set_value("Import").run()
    at.file_uploader(key=state.DIR_IMPORT_FILE).set_value(("partners.csv", data, "text/csv")).run()
    assert not at.exception and any("NUL bytes" in error for error in errors(at))
    assert snapshot_counts(sessions) == before


def test_an_adjustment_whose_reason_is_only_control_characters_is_refused(page_db):
    sessions, ref = page_db
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "es")],
        location_id=ref.main_depot,
        quantity=100,
        reference="r",
        actor="t",
    )
    before = snapshot_counts(sessions)
    at = open_page("pages/inventory.py", "coordinator")
    at.segmented_control(key=state.INV_SECTION).set_value("adjust").run()
    at.selectbox(key=state.INV_ADJUST_UNIT).set_value(ref.units[("flyer", "es")])
    at.selectbox(key=state.INV_ADJUST_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_ADJUST_QTY).set_value("-3")
    at.text_input(key=state.INV_ADJUST_REASON).set_value("\x00\x1b\x07")
    at = press(at, "Record adjustment")
    assert not at.exception and any("Reason is required" in error for error in errors(at))
    assert snapshot_counts(sessions) == before


def test_cancelling_a_shipment_without_a_reason_is_refused(page_db):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions, name="Iglesia", borough="Bronx", languages=["es"], actor="t"
    )
    draft = shipments.create_shipment(
        sessions,
        organization_id=org,
        depot_id=ref.main_depot,
        lines={ref.units[("flyer", "es")]: 50},
        actor="t",
    )
    before = snapshot_counts(sessions)
    at = open_page("pages/shipments.py", "coordinator")
    at.selectbox(key=state.SHIP_SELECTED).set_value(draft).run()
    at.radio(key=state.SHIP_ACTION).set_value("cancel")
    at.text_input(key=state.SHIP_CANCEL_REASON).set_value(" \x00 ")
    at = press(at, "Confirm")
    assert not at.exception and any("Say why the shipment is cancelled" in error for error in errors(at))
    assert snapshot_counts(sessions) == before
    assert shipment_reads.shipments(sessions)["status"].tolist() == ["draft"]


def test_approving_fewer_packs_without_a_reason_is_refused(linked):
    sessions, ref, org, token = linked
    sent = restock.submit_request(
        sessions, token=token, idempotency_key=uuid.uuid4().hex, lines={ref.units[("flyer", "yi")]: 3}
    )
    before = snapshot_counts(sessions)
    at = open_page("pages/restock_requests.py", "coordinator")
    at.selectbox(key=state.REQ_SELECTED).set_value(sent.request_id).run()
    next(n for n in at.text_input if n.key.startswith(state.REQ_APPROVE_PACKS)).set_value("1")
    at = press(at, "Approve and reserve stock")
    assert not at.exception and any(
        "Say why" in error and "reduced from 3 to 1" in error for error in errors(at)
    )
    assert snapshot_counts(sessions) == before


# --- a long paste -------------------------------------------------------------------------------------
# `.input()` types as a browser would: a widget with max_chars drops a longer paste (the box stays empty and
# the message is about an empty field). Without max_chars the domain refuses it, saying how long it is, and
# the text stays in the box to be shortened.

PASTE = "x" * 10_000


def test_a_pasted_10000_character_name_is_refused_with_its_length_and_kept(page_db):
    sessions, _ref = page_db
    before = snapshot_counts(sessions)
    at = open_page("pages/directory.py", "coordinator")
    at.segmented_control(key=state.DIR_SECTION).set_value("Add or edit").run()
    at.text_input(key=state.DIR_EDIT_NAME).input(PASTE)
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception
    assert any(
        "The name is too long (10,000 of 200 characters). Shorten it." in error for error in errors(at)
    )
    assert at.text_input(key=state.DIR_EDIT_NAME).value == PASTE
    assert snapshot_counts(sessions) == before


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (state.DIR_EDIT_CONTACT_NAME, "The contact name is too long (10,000 of 200 characters)"),
        (state.DIR_EDIT_CONTACT_PHONE, "The phone number is too long (10,000 of 40 characters)"),
        (state.DIR_EDIT_ADDRESS, "The address is too long (10,000 of 300 characters)"),
        (state.DIR_EDIT_TRADITION, "The faith tradition is too long (10,000 of 60 characters)"),
    ],
)
def test_other_directory_fields_refuse_a_long_paste_and_keep_it(page_db, key, message):
    sessions, _ref = page_db
    at = open_page("pages/directory.py", "coordinator")
    at.segmented_control(key=state.DIR_SECTION).set_value("Add or edit").run()
    at.text_input(key=state.DIR_EDIT_NAME).input("Nueva Vida")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.text_input(key=key).input(PASTE)
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception and any(message in error for error in errors(at))
    assert at.text_input(key=key).value == PASTE
    assert organizations.list_organizations(sessions, include_contacts=False).empty


def test_a_long_pause_reason_is_refused_not_cut(page_db):
    sessions, _ref = page_db
    org = organizations.create_organization(
        sessions, name="Iglesia", borough="Bronx", languages=["es"], actor="t"
    )
    at = open_page("pages/directory.py", "coordinator")
    at.segmented_control(key=state.DIR_SECTION).set_value("Add or edit").run()
    at.selectbox(key=state.DIR_EDIT_PICK).select(org).run()
    at.text_input(key=state.DIR_STATUS_REASON).input(PASTE)
    at = press(at, "Pause")
    assert not at.exception
    assert any("The reason is too long (10,000 of 500 characters)" in error for error in errors(at))
    assert at.text_input(key=state.DIR_STATUS_REASON).value == PASTE
    assert organizations.get_organization(sessions, org).status == "active"


def test_a_leaders_long_name_is_refused_in_their_language_and_kept(linked):
    sessions, ref, _org, token = linked
    before = snapshot_counts(sessions)
    at = open_page(RESTOCK, query={"t": token})
    packs_input(at, ref, "flyer", "yi").set_value("1")
    at.text_input(key=state.RESTOCK_CONTACT_NAME).input(PASTE)
    review(at)
    assert errors(at) == [i18n.t("error.contact_too_long", "yi", length=10_000, limit=200)]
    assert at.text_input(key=state.RESTOCK_CONTACT_NAME).value == PASTE
    assert snapshot_counts(sessions) == before


def test_a_long_name_in_a_phone_request_is_refused_and_kept(linked):
    sessions, ref, org, _token = linked
    before = snapshot_counts(sessions)
    at = open_page("pages/restock_requests.py", "coordinator")
    at.segmented_control(key=state.REQ_SECTION).set_value("phone").run()
    at.selectbox(key=state.REQ_PHONE_ORG).set_value(org).run()
    at.text_input(key=f"{state.REQ_PHONE_PACKS}_{ref.units[('flyer', 'yi')]}").set_value("2")
    at.text_input(key=state.REQ_PHONE_CONTACT_NAME).input(PASTE)
    at = press(at, "Save request")
    assert not at.exception
    assert any(i18n.t("error.contact_too_long", "en", length="10,000", limit="200") in e for e in errors(at))
    assert at.text_input(key=state.REQ_PHONE_CONTACT_NAME).value == PASTE
    assert snapshot_counts(sessions) == before


def test_a_long_full_name_of_a_new_user_is_refused_and_kept(page_db):
    sessions, _ref = page_db
    before = snapshot_counts(sessions)
    at = open_page("pages/users.py", "admin")
    at.segmented_control(key=state.USERS_SECTION).set_value("add").run()
    at.text_input(key=state.USERS_NEW_USERNAME).input("maria.r")
    at.text_input(key=state.USERS_NEW_DISPLAY_NAME).input(PASTE)
    at.text_input(key=state.USERS_NEW_PASSWORD).input("a-long-password")
    at.text_input(key=state.USERS_NEW_PASSWORD_AGAIN).input("a-long-password")
    at = press(at, "Add user")
    assert not at.exception
    assert any("The full name is too long (10,000 of 120 characters)" in error for error in errors(at))
    assert at.text_input(key=state.USERS_NEW_DISPLAY_NAME).value == PASTE
    assert snapshot_counts(sessions) == before


def test_a_long_print_run_reference_is_refused_with_its_length(page_db):
    sessions, ref = page_db
    before = snapshot_counts(sessions)
    at = open_page("pages/inventory.py", "coordinator")
    at.segmented_control(key=state.INV_SECTION).set_value("receive").run()
    at.selectbox(key=state.INV_RECEIVE_UNIT).set_value(ref.units[("flyer", "es")])
    at.selectbox(key=state.INV_RECEIVE_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_RECEIVE_QTY).set_value("100")
    at.text_input(key=state.INV_RECEIVE_REF).input(PASTE)
    at = press(at, "Record receipt")
    assert not at.exception
    assert any("Print run reference is too long (10,000 of 120 characters)" in error for error in errors(at))
    assert snapshot_counts(sessions) == before


def test_a_long_reason_to_reject_a_request_is_refused_and_kept(linked):
    sessions, ref, _org, token = linked
    sent = restock.submit_request(
        sessions, token=token, idempotency_key=uuid.uuid4().hex, lines={ref.units[("flyer", "yi")]: 3}
    )
    before = snapshot_counts(sessions)
    at = open_page("pages/restock_requests.py", "coordinator")
    at.selectbox(key=state.REQ_SELECTED).set_value(sent.request_id).run()
    at.text_input(key=state.REQ_CLOSE_REASON).input(PASTE)
    at = press(at, "Confirm")
    assert not at.exception
    assert any("The reason is too long (10,000 of 2,000 characters)" in error for error in errors(at))
    assert at.text_input(key=state.REQ_CLOSE_REASON).value == PASTE
    assert snapshot_counts(sessions) == before


def test_a_long_note_for_the_packing_team_is_refused_with_its_length(page_db):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions, name="Masjid", borough="Bronx", languages=["ar"], actor="t"
    )
    before = snapshot_counts(sessions)
    at = open_page("pages/shipments.py", "coordinator")
    at.selectbox(key=state.SHIP_NEW_ORG).set_value(org)
    at.selectbox(key=state.SHIP_NEW_DEPOT).set_value(ref.main_depot)
    at.selectbox(key=f"{state.SHIP_NEW_LINES}_unit_0").set_value(ref.units[("booklet", "ar")])
    at.text_input(key=f"{state.SHIP_NEW_LINES}_packs_0").set_value("2")
    at.text_area(key=state.SHIP_NEW_NOTE).input(PASTE)
    at = press(at, "Create draft shipment")
    assert not at.exception
    assert any("The shipment note is too long (10,000 of 2,000 characters)" in error for error in errors(at))
    assert snapshot_counts(sessions) == before
