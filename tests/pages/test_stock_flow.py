"""AppTest flows on the stock pages: receive, ship, deliver, and the dashboard follows."""

from __future__ import annotations

from outreach import inventory, organizations
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.ui import state
from tests.pages.conftest import open_page, page_text


def _submit(at, label):
    next(button for button in at.button if button.label == label).click()
    return at.run()


def _delivered_metric(at) -> str:
    return next(metric.value for metric in at.metric if metric.label == "Delivered")


def test_receive_ship_deliver_and_dashboard_changes(page_db):
    sessions, ref = page_db
    unit = ref.units[("booklet", "ur")]
    org = organizations.create_organization(
        sessions,
        name="Crescent Hill Masjid",
        borough="Brooklyn",
        languages=["ur", "en"],
        actor="t",
        preferred_language="ur",
    )

    dashboard = open_page("pages/dashboard.py", "coordinator")
    assert _delivered_metric(dashboard) == "0"

    at = open_page("pages/inventory.py", "coordinator")
    at.selectbox(key=state.INV_RECEIVE_UNIT).set_value(unit)
    at.selectbox(key=state.INV_RECEIVE_DEPOT).set_value(ref.main_depot)
    at.text_input(key=state.INV_RECEIVE_QTY).set_value("1000")
    at.text_input(key=state.INV_RECEIVE_REF).set_value("PR-77")
    at = _submit(at, "Record receipt")
    assert not at.exception and not at.error
    assert inventory.stock_levels(sessions, language="ur").set_index("unit_id").loc[unit, "on_hand"] == 1000

    at = open_page("pages/shipments.py", "coordinator")
    at.selectbox(key=state.SHIP_NEW_ORG).set_value(org)
    at.selectbox(key=state.SHIP_NEW_DEPOT).set_value(ref.main_depot)
    at.selectbox(key=f"{state.SHIP_NEW_LINES}_unit_0").set_value(unit)
    at.text_input(key=f"{state.SHIP_NEW_LINES}_packs_0").set_value("4")  # 4 packs of 25 booklets
    at = _submit(at, "Create draft shipment")
    assert not at.error, [e.value for e in at.error]
    table = shipment_reads.shipments(sessions)
    assert list(table["status"]) == ["draft"] and int(table["units"].iloc[0]) == 100
    shipment_id = int(table["shipment_id"].iloc[0])

    for action in ("pack", "ship", "deliver"):
        at = open_page("pages/shipments.py", "coordinator")
        at.selectbox(key=state.SHIP_SELECTED).set_value(shipment_id)
        at.run()
        at.radio(key=state.SHIP_ACTION).set_value(action)
        at = _submit(at, "Confirm")
        assert not at.exception and not at.error, [e.value for e in at.error]

    assert shipment_reads.shipments(sessions)["status"].tolist() == ["delivered"]
    assert inventory.stock_levels(sessions, language="ur").set_index("unit_id").loc[unit, "on_hand"] == 900
    dashboard = open_page("pages/dashboard.py", "coordinator")
    assert _delivered_metric(dashboard) == "100"


def test_bad_quantity_on_the_inventory_page_names_the_problem_and_writes_nothing(page_db):
    sessions, ref = page_db
    for quantity, expected in ((0, "at least 1"), (-5, "at least 1"), (10**9, "more than the maximum")):
        at = open_page("pages/inventory.py", "coordinator")
        at.selectbox(key=state.INV_RECEIVE_UNIT).set_value(ref.units[("flyer", "es")])
        at.selectbox(key=state.INV_RECEIVE_DEPOT).set_value(ref.main_depot)
        at.text_input(key=state.INV_RECEIVE_QTY).set_value(str(quantity))
        at = _submit(at, "Record receipt")
        assert any(expected in e.value for e in at.error), page_text(at)
    assert inventory.movements(sessions).empty


def test_shipping_more_than_available_is_refused_with_the_numbers(page_db):
    sessions, ref = page_db
    unit = ref.units[("flyer", "yi")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=100, reference=None, actor="t"
    )
    org = organizations.create_organization(
        sessions, name="Stone Gate Shul", borough="Brooklyn", languages=["yi"], actor="t"
    )
    shipment_id = shipments.create_shipment(
        sessions, organization_id=org, depot_id=ref.main_depot, lines={unit: 150}, actor="t"
    )
    shipments.pack_shipment(sessions, shipment_id=shipment_id, actor="t")
    at = open_page("pages/shipments.py", "coordinator")
    at.selectbox(key=state.SHIP_SELECTED).set_value(shipment_id)
    at.run()
    at.radio(key=state.SHIP_ACTION).set_value("ship")
    at = _submit(at, "Confirm")
    assert any("Only 100" in e.value and "150" in e.value for e in at.error), [e.value for e in at.error]
    assert shipment_reads.shipments(sessions)["status"].tolist() == ["packed"]


def test_wrong_password_is_refused_on_the_sign_in_page(page_db):
    sessions, _ = page_db
    from outreach.accounts import auth

    auth.create_user(
        sessions, username="cora", password="correct horse battery", role="coordinator", actor="t"
    )
    at = open_page("pages/sign_in.py")
    at.text_input(key=state.SIGN_IN_USERNAME).set_value("cora")
    at.text_input(key=state.SIGN_IN_PASSWORD).set_value("wrong password!")
    at = _submit(at, "Sign in")
    assert any("Wrong username or password" in e.value for e in at.error)
    assert state.USER not in at.session_state

    at.text_input(key=state.SIGN_IN_PASSWORD).set_value("correct horse battery")
    at = _submit(at, "Sign in")
    assert at.session_state[state.USER]["role"] == "coordinator"
