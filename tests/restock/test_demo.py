"""Demo restock requests: every stage is represented and the stock ledger stays consistent."""

from __future__ import annotations

import random

from outreach import inventory, organizations
from outreach.catalog import LANGUAGE_CODES
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock.demo import STAGES, load_demo_requests


def test_demo_requests_cover_every_stage(sessions, ref):
    for index in range(30):
        code = LANGUAGE_CODES[index % len(LANGUAGE_CODES)]
        organizations.create_organization(
            sessions,
            name=f"Demo Org {index}",
            borough="Queens",
            languages=[code, "en"],
            preferred_language=code,
            actor="t",
        )
    for unit_id in ref.units.values():
        inventory.receive(
            sessions,
            unit_id=unit_id,
            location_id=ref.main_depot,
            quantity=2_000,
            reference="demo run",
            actor="t",
        )
    links = load_demo_requests(sessions, ref, random.Random(1))
    assert len(links) == 30
    assert restock_links.resolve(sessions, links[0][1]).organization_id == links[0][0]
    frame = restock_queue.queue(sessions)
    assert len(frame) == len(STAGES)
    assert set(frame["status"]) == {"submitted", "approved", "shipped", "delivered", "rejected", "cancelled"}
    assert frame["claimed_by"].notna().sum() >= 4 and frame["age_days"].max() >= 14
    assert set(frame["channel"]) == {"link", "phone"}
    levels = inventory.balances(sessions)
    assert (levels["reserved"] <= levels["on_hand"]).all()
    approved = frame[frame["status"] == "approved"]
    assert approved["packs_approved"].sum() > 0
