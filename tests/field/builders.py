"""Set-up shared by the field tests: an organization that received a delivered parcel, and a handout report."""

from __future__ import annotations

from outreach import inventory, organizations
from outreach.db import SessionFactory
from outreach.demo import Reference
from outreach.field import handouts
from tests.conftest import ACTOR, ship_until

ASTORIA = {"borough": "Queens", "latitude": 40.7557, "longitude": -73.9249}  # community district 401


def delivered_to(
    sessions: SessionFactory,
    ref: Reference,
    item: tuple[str, str],
    units: int,
    *,
    until: str = "delivered",
    **org,
) -> tuple[int, int]:
    """A print run of `units` of `item`, a new organization (`org`: its fields) and a parcel of them to it,
    taken up to `until`. Returns (organization id, shipment id)."""
    unit = ref.units[item]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=units, reference="r", actor=ACTOR
    )
    organization = organizations.create_organization(sessions, actor=ACTOR, **org)
    return organization, ship_until(sessions, ref, organization, {unit: units}, until=until)


def reported(
    sessions: SessionFactory,
    organization: int,
    item: tuple[str, str],
    handed: str,
    left: str,
    *,
    key: str = "k",
) -> None:
    """A handout report in pieces, stored."""
    checked = handouts.check_report(
        sessions, organization_id=organization, typed={item: (handed, left)}, unit="pieces"
    )
    handouts.report_handouts(
        sessions, organization_id=organization, report=checked, submission_key=key, language="en", actor="x"
    )
