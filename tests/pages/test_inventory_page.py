"""The inventory page: each write shows its result at once, and the chosen form stays chosen."""

from __future__ import annotations

import pytest

from outreach import exports, inventory
from outreach.errors import InvalidInput
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.pages.conftest import column_format, empty_cell_text, open_page, seen_table, table_headers

PAGE = "pages/inventory.py"


def _press(at, label):
    next(button for button in at.button if button.label == label).click()
    return at.run()


def _on_hand(at, unit_id: int) -> int:
    table = at.dataframe[0].value.set_index("unit_id")
    return int(table.loc[unit_id, "on_hand"])


def test_a_receipt_shows_in_the_depot_table_right_away(page_db):
    sessions, ref = page_db
    unit = ref.units[("flyer", "es")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=750, reference="first run", actor="t"
    )
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.INV_FILTER_DEPOT).set_value(ref.main_depot).run()
    assert _on_hand(at, unit) == 750

    at.selectbox(key=state.INV_RECEIVE_UNIT).set_value(unit)
    at.selectbox(key=state.INV_RECEIVE_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_RECEIVE_QTY).set_value("7")
    at = _press(at, "Record receipt")

    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _on_hand(at, unit) == 757  # the same run: no stale cached read
    label = inventory.unit_label(
        next(row for row in inventory.units(sessions).itertuples() if row.unit_id == unit)
    )
    assert [s.value for s in at.success] == [
        f"Received 7 × {escape_markdown(label)} into {escape_markdown('Manhattan central depot')}."
    ]
    at.run()
    assert not at.success  # the confirmation is shown once


def test_the_chosen_form_stays_chosen_after_a_write(page_db):
    sessions, ref = page_db
    unit = ref.units[("booklet", "ur")]
    at = open_page(PAGE, "coordinator")
    assert at.segmented_control(key=state.INV_SECTION).value == "receive"
    assert at.selectbox(key=state.INV_RECEIVE_UNIT) is not None

    at.segmented_control(key=state.INV_SECTION).set_value("adjust").run()
    # Only the chosen form runs: the receipt form is not drawn at all.
    assert not any(box.key == state.INV_RECEIVE_UNIT for box in at.selectbox)
    at.selectbox(key=state.INV_ADJUST_UNIT).set_value(unit)
    at.selectbox(key=state.INV_ADJUST_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_ADJUST_QTY).set_value("40")
    at.text_input(key=state.INV_ADJUST_REASON).set_value("found a box")
    at = _press(at, "Record adjustment")

    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.segmented_control(key=state.INV_SECTION).value == "adjust"
    assert any(s.value.startswith("Adjusted Booklet · Urdu") for s in at.success)
    assert _on_hand(at, unit) == 40


def test_a_transfer_without_both_depots_says_what_is_missing(page_db):
    sessions, ref = page_db
    at = open_page(PAGE, "coordinator")
    at.segmented_control(key=state.INV_SECTION).set_value("transfer").run()
    at.selectbox(key=state.INV_TRANSFER_UNIT).set_value(ref.units[("flyer", "es")])
    at.selectbox(key=state.INV_TRANSFER_FROM).set_value(ref.main_depot)
    at.text_input(key=state.INV_TRANSFER_QTY).set_value("5")
    at = _press(at, "Transfer")
    assert [e.value for e in at.error] == ["Choose the item and both depots."]
    assert inventory.movements(sessions).empty
    assert at.segmented_control(key=state.INV_SECTION).value == "transfer"


def _receive(at, unit: int, depot: int, typed: str):
    at.selectbox(key=state.INV_RECEIVE_UNIT).set_value(unit)
    at.selectbox(key=state.INV_RECEIVE_DEPOT).set_value(depot)
    at.text_input(key=state.INV_RECEIVE_QTY).set_value(typed)
    return _press(at, "Record receipt")


@pytest.mark.parametrize(
    ("typed", "units"),
    [("٣", 3), ("১০", 10), ("1,000", 1_000), ("۱۲۰۰", 1_200), ("2 500", 2_500)],
)
def test_a_receipt_is_recorded_exactly_as_typed_in_any_script(page_db, typed, units):
    sessions, ref = page_db
    unit = ref.units[("flyer", "es")]
    at = _receive(open_page(PAGE, "coordinator"), unit, ref.main_depot, typed)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert inventory.movements(sessions)["quantity"].tolist() == [units]
    assert at.success[0].value.startswith(f"Received {units:,} × ")  # the number read, not the text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "1e6",
            "Units received: “1e6” is written with an exponent. Enter all the digits, for example 1000000.",
        ),
        ("1.5", "Units received: “1.5” is not a whole number. Enter it without decimals, for example 50."),
        ("-3", "Units received: the number must be at least 1, and “-3” was entered."),
        (
            "99999999999999999999",
            "Units received: 99999999999999999999 is more than the maximum of 1,000,000. Check for a typo.",
        ),
        ("", "Units received: the number is missing. Enter a whole number, for example 50."),
    ],
)
def test_a_receipt_that_is_not_a_whole_number_is_refused_with_what_to_type(page_db, typed, message):
    sessions, ref = page_db
    unit = ref.units[("flyer", "es")]
    at = open_page(PAGE, "coordinator")
    at = _receive(at, unit, ref.main_depot, "25")  # a first receipt: its green banner is on screen
    assert [s.value for s in at.success] and not at.error

    at = _receive(at, unit, ref.main_depot, typed)
    assert [e.value for e in at.error] == [f"**{InvalidInput.title}.** {escape_markdown(message)}"]
    assert not at.success  # the earlier confirmation is gone: only the refusal is on screen
    assert inventory.movements(sessions)["quantity"].tolist() == [25]  # nothing more recorded
    assert _on_hand(at, unit) == 25


def test_every_stock_form_reads_digits_in_any_script(page_db):
    sessions, ref = page_db
    unit = ref.units[("booklet", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=100, reference="r", actor="t"
    )
    at = open_page(PAGE, "coordinator")

    at.segmented_control(key=state.INV_SECTION).set_value("adjust").run()
    at.selectbox(key=state.INV_ADJUST_UNIT).set_value(unit)
    at.selectbox(key=state.INV_ADJUST_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_ADJUST_QTY).set_value("-১০")  # minus ten, Bengali digits
    at.text_input(key=state.INV_ADJUST_REASON).set_value("water damage")
    at = _press(at, "Record adjustment")
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.endswith(" by -10.")

    at.segmented_control(key=state.INV_SECTION).set_value("count").run()
    at.selectbox(key=state.INV_COUNT_UNIT).set_value(unit)
    at.selectbox(key=state.INV_COUNT_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_COUNT_QTY).set_value("٨٥")  # 85, Arabic-Indic
    at = _press(at, "Record count")
    assert not at.error, [e.value for e in at.error]

    at.segmented_control(key=state.INV_SECTION).set_value("threshold").run()
    at.selectbox(key=state.INV_THRESHOLD_UNIT).set_value(unit)
    at.text_input(key=state.INV_THRESHOLD_QTY).set_value("1.5")
    at = _press(at, "Save threshold")
    assert escape_markdown("Low-stock threshold: “1.5” is not a whole number.") in at.error[0].value
    at.text_input(key=state.INV_THRESHOLD_QTY).set_value("۲۰")  # 20, Urdu digits
    at = _press(at, "Save threshold")
    assert not at.error, [e.value for e in at.error]

    with sessions() as session:
        assert inventory.balance(session, unit, ref.main_depot) == (85, 0)
    levels = inventory.stock_levels(sessions).set_index("unit_id")
    assert int(levels.loc[unit, "low_stock_threshold"]) == 20


def test_the_stock_table_reads_in_words_and_its_csv_writes_numbers(page_db, downloads):
    sessions, ref = page_db
    unit = ref.units[("flyer", "ar")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=1250, reference="PR-7", actor="t"
    )
    at = open_page(PAGE, "coordinator")
    stock = at.dataframe[0]
    assert table_headers(stock) == [
        "Item #",
        "Language",
        "Material",
        "Edition",
        "Edition status",
        "On hand",
        "Reserved",
        "Available",
        "Low-stock threshold",
        "Low stock",
    ]
    arabic = seen_table(stock).set_index("Item #").loc[unit]
    assert (arabic["Language"], arabic["Material"], arabic["Edition status"]) == ("Arabic", "Flyer", "Active")
    assert arabic["On hand"] == 1250
    on_hand = column_format(stock, "On hand")
    assert on_hand["alignment"] == "right" and on_hand["type_config"] == {
        "type": "number",
        "format": "localized",
    }
    assert empty_cell_text(stock) == ""

    history = seen_table(at.dataframe[1])
    assert (history["Kind"].iloc[0], history["Reference"].iloc[0]) == ("Receipt of a print run", "PR-7")
    assert history["Shipment #"].isna().iloc[0] and history["Reason"].iloc[0] == ""  # empty, not "None"

    rows = downloads.csv("stock.csv")
    assert rows[0] == exports.STOCK.columns
    written = dict(zip(rows[0], next(row for row in rows[1:] if row[0] == str(unit)), strict=True))
    assert (written["on_hand"], written["language"], written["material"]) == ("1250", "Arabic", "Flyer")
    ledger = downloads.csv("stock-movements.csv")  # built when pressed, as the button does
    assert ledger[0] == exports.MOVEMENTS.columns
    assert (
        ledger[1][ledger[0].index("quantity")] == "1250" and ledger[1][ledger[0].index("shipment_id")] == ""
    )
