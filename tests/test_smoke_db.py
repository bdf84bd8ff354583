from outreach import inventory


def test_receive_then_levels(sessions, ref):
    unit = ref.units[("flyer", "bn")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=100, reference="r1", actor="t"
    )
    levels = inventory.stock_levels(sessions, language="bn").set_index("unit_id")
    assert levels.loc[unit, "on_hand"] == 100
