"""The shipments page: a draft made on the page, and each step shown in the list right after it is taken."""

from __future__ import annotations

import pytest

from outreach import inventory, organizations
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.conftest import ACTOR
from tests.pages.conftest import open_page

PAGE = "pages/shipments.py"


def _press(at, label):
    next(button for button in at.button if button.label == label).click()
    return at.run()


def _status_on_screen(at, shipment_id: int) -> str:
    """The shipment's status as the list shows it, in words."""
    table = at.dataframe[0].value.set_index("shipment_id")
    return str(table.loc[shipment_id, "status"])


def _draft(sessions, ref) -> int:
    unit = ref.units[("flyer", "es")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=500, reference="run", actor=ACTOR
    )
    org = organizations.create_organization(
        sessions, name="Iglesia Nueva Vida", borough="Bronx", languages=["es"], actor=ACTOR
    )
    return shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines={unit: 100}, actor=ACTOR
    )


def test_packing_a_draft_shows_it_packed_in_the_list_at_once(page_db):
    sessions, ref = page_db
    draft = _draft(sessions, ref)
    at = open_page(PAGE, "coordinator")
    assert _status_on_screen(at, draft) == "Draft"

    at.selectbox(key=state.SHIP_SELECTED).set_value(draft).run()
    at.radio(key=state.SHIP_ACTION).set_value("pack")
    at = _press(at, "Confirm")

    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _status_on_screen(at, draft) == "Packed"
    assert [s.value for s in at.success] == [f"Packed. Shipment #{draft} is ready to ship."]
    # The same shipment stays chosen, now offering the step after packing.
    assert at.selectbox(key=state.SHIP_SELECTED).value == draft
    assert at.radio(key=state.SHIP_ACTION).options == ["Ship", "Cancel"]

    at.radio(key=state.SHIP_ACTION).set_value("ship")
    at = _press(at, "Confirm")
    assert _status_on_screen(at, draft) == "Shipped (in transit)"
    assert [s.value for s in at.success] == [f"Shipped. Shipment #{draft} is on its way."]
    at.run()
    assert not at.success  # shown once


def test_cancelling_says_so_and_leaves_the_open_list(page_db):
    sessions, ref = page_db
    draft = _draft(sessions, ref)
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.SHIP_SELECTED).set_value(draft).run()
    at.radio(key=state.SHIP_ACTION).set_value("cancel")
    at.text_input(key=state.SHIP_CANCEL_REASON).set_value("organization closed for renovation")
    at = _press(at, "Confirm")
    assert [s.value for s in at.success] == [f"Cancelled. Shipment #{draft} will not go out."]
    assert _status_on_screen(at, draft) == "Cancelled"
    assert draft not in at.selectbox(key=state.SHIP_SELECTED).options


def test_a_draft_made_on_the_page_is_listed_with_its_number(page_db):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions, name="Masjid Al-Noor", borough="Brooklyn", languages=["ar"], actor=ACTOR
    )
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.SHIP_NEW_ORG).set_value(org)
    at.selectbox(key=state.SHIP_NEW_DEPOT).set_value(ref.main_depot)
    at.selectbox(key=f"{state.SHIP_NEW_LINES}_unit_0").set_value(ref.units[("booklet", "ar")])
    at.text_input(key=f"{state.SHIP_NEW_LINES}_packs_0").set_value("2")
    at = _press(at, "Create draft shipment")
    assert not at.error, [e.value for e in at.error]
    (made,) = shipment_reads.shipments(sessions)["shipment_id"].tolist()
    assert _status_on_screen(at, made) == "Draft"
    assert int(at.dataframe[0].value.set_index("shipment_id").loc[made, "units"]) == 50  # 2 packs of 25
    assert [s.value for s in at.success][0].startswith(f"Draft shipment #{made} created.")


def test_a_line_without_an_item_is_refused(page_db):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions, name="Masjid Al-Noor", borough="Brooklyn", languages=["ar"], actor=ACTOR
    )
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.SHIP_NEW_ORG).set_value(org)
    at.selectbox(key=state.SHIP_NEW_DEPOT).set_value(ref.main_depot)
    at.text_input(key=f"{state.SHIP_NEW_LINES}_packs_0").set_value("2")
    at = _press(at, "Create draft shipment")
    assert [e.value for e in at.error] == [
        "Each line needs an item and a number of packs; add at least one line."
    ]
    assert shipment_reads.shipments(sessions).empty


def _new_draft(at, org, ref, item, typed):
    at.selectbox(key=state.SHIP_NEW_ORG).set_value(org)
    at.selectbox(key=state.SHIP_NEW_DEPOT).set_value(ref.main_depot)
    at.selectbox(key=f"{state.SHIP_NEW_LINES}_unit_0").set_value(ref.units[item])
    at.text_input(key=f"{state.SHIP_NEW_LINES}_packs_0").set_value(typed)
    return _press(at, "Create draft shipment")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("১০", None),  # Bengali 10: accepted
        ("1.5", "“1.5” is not a whole number. Enter it without decimals, for example 50."),
        ("1e6", "“1e6” is written with an exponent. Enter all the digits, for example 1000000."),
        ("", "the number is missing. Enter a whole number, for example 50."),
        # packs, the number typed, are bounded so that their units stay within the ledger's maximum
        ("50000", "50000 is more than the maximum of 40,000. Check for a typo."),
    ],
)
def test_packs_are_read_exactly_or_refused_naming_the_value(page_db, typed, shown):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions, name="Masjid Al-Noor", borough="Brooklyn", languages=["ar"], actor=ACTOR
    )
    at = _new_draft(open_page(PAGE, "coordinator"), org, ref, ("booklet", "ar"), typed)
    if shown is None:
        assert not at.error, [e.value for e in at.error]
        assert shipment_reads.shipments(sessions)["units"].tolist() == [250]  # 10 packs of 25
    else:
        assert len(at.error) == 1 and at.error[0].value.endswith(escape_markdown(shown))
        assert "Packs of Booklet · Arabic" in at.error[0].value
        assert shipment_reads.shipments(sessions).empty
