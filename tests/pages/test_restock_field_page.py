"""The public restock page's field sections (AppTest): "We received it" by link and by packing-slip code,
fewer packs than listed, and the handout report in a right-to-left language and in Haitian Kreyòl."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from outreach import i18n, i18n_format
from outreach.field import receipts
from outreach.models import HandoutReport, Receipt
from outreach.restock import links as restock_links
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.conftest import ACTOR
from tests.field.builders import delivered_to
from tests.pages.conftest import open_page, page_text

PAGE = "pages/restock.py"


@pytest.fixture
def parcel(page_db):
    sessions, ref = page_db
    org, shipment = delivered_to(
        sessions,
        ref,
        ("flyer", "ur"),
        150,
        name="Masjid Noor",
        borough="Queens",
        languages=["ur", "ht"],
        preferred_language="ur",
    )
    token = restock_links.issue_link(sessions, organization_id=org, actor=ACTOR)
    return sessions, ref, org, shipment, token


def shown(key, lang, **params):
    """A message as the page writes it into markdown (escaped)."""
    return escape_markdown(i18n.t(key, lang, **params))


def button(at, label):
    return next(b for b in [*at.button, *at.form_submit_button] if b.label == label)


def test_we_received_it_through_the_link(parcel):
    sessions, ref, org, shipment, token = parcel
    at = open_page(PAGE, query={"t": token})
    assert not at.exception
    text = page_text(at)
    assert i18n.t("receipt.parcel", "ur", number=str(shipment), date="")[:12] in text
    at.text_input(key=f"{state.FIELD_RECEIPT_NAME}_{shipment}").set_value("امام یوسف")
    button(at, i18n.t("receipt.confirm", "ur")).click().run()
    assert not at.exception
    text = page_text(at)
    assert shown("receipt.done", "ur", number=shipment) in text
    assert i18n.t("receipt.confirm", "ur") not in [b.label for b in at.form_submit_button]
    with sessions() as session:
        receipt = session.scalar(select(Receipt))
    assert (receipt.shipment_id, receipt.confirmed_by, receipt.channel) == (shipment, "امام یوسف", "link")


def test_the_packing_slip_code_opens_that_parcel_and_records_fewer_packs(parcel):
    sessions, ref, org, shipment, _ = parcel
    code = receipts.receipt_code(sessions, shipment)
    at = open_page(PAGE, query={"r": code})
    assert not at.exception
    assert at.selectbox(key=state.RESTOCK_LANG).value == "ur"  # the organization's language
    assert "Masjid Noor" in page_text(at)
    unit = ref.units[("flyer", "ur")]
    at.text_input(key=f"{state.FIELD_SHORT_PACKS}_{shipment}_{unit}").set_value("2")
    button(at, i18n.t("receipt.send_fewer", "ur")).click().run()
    assert shown("receipt.done_short", "ur", number=shipment) in page_text(at)
    [row] = receipts.open_mismatches(sessions).itertuples()
    assert (row.units_listed, row.units_received) == (150, 100)


def test_a_bad_code_shows_the_same_polite_words(parcel):
    at = open_page(PAGE, query={"r": "1.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "lang": "ht"})
    assert not at.exception
    assert shown("receipt.invalid", "ht") in page_text(at)
    assert "Masjid Noor" not in page_text(at)


def test_handouts_in_kreyol_warn_and_store_one_row_per_item(parcel):
    sessions, ref, org, shipment, token = parcel
    at = open_page(PAGE, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value("ht").run()
    at.radio(key=state.FIELD_HANDOUT_UNIT).set_value("pieces").run()
    at.text_input(key=f"{state.FIELD_HANDOUT_OUT}_flyer_ur").set_value("-5")
    button(at, i18n.t("handouts.review", "ht")).click().run()
    assert at.error and "-5" in at.error[0].value  # refused, in Kreyòl
    at.text_input(key=f"{state.FIELD_HANDOUT_OUT}_flyer_ur").set_value("200")
    at.text_input(key=f"{state.FIELD_HANDOUT_LEFT}_flyer_ur").set_value("0")
    button(at, i18n.t("handouts.review", "ht")).click().run()
    text = page_text(at)
    assert shown("handouts.confirm_heading", "ht") in text
    assert at.warning and "150" in at.warning[0].value  # more than it had: a warning, sending still works
    button(at, i18n.t("handouts.send", "ht")).click().run()
    assert not at.exception
    assert shown("handouts.done", "ht") in page_text(at)
    with sessions() as session:
        rows = session.execute(
            select(HandoutReport.handed_out, HandoutReport.remaining, HandoutReport.reported_in)
        ).all()
    assert rows == [(200, 0, "ht")]


def test_the_handout_review_writes_numbers_as_the_reader_does(parcel):
    at = open_page(PAGE, query={"t": parcel[4]})
    at.selectbox(key=state.RESTOCK_LANG).set_value("fr").run()
    at.radio(key=state.FIELD_HANDOUT_UNIT).set_value("pieces").run()
    at.text_input(key=f"{state.FIELD_HANDOUT_OUT}_flyer_ur").set_value("1200")
    at.text_input(key=f"{state.FIELD_HANDOUT_LEFT}_flyer_ur").set_value("0")
    button(at, i18n.t("handouts.review", "fr")).click().run()
    text = page_text(at) + " ".join(w.value for w in at.warning)
    assert i18n_format.number(1200, "fr") == "1\u202f200" and "1\u202f200" in text  # not "1,200"
    assert "1,200" not in text
