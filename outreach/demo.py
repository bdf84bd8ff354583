"""Deterministic demo data, and the fixture builder the tests share.

`python -m outreach.demo --if-empty` upgrades the schema and, when the database is empty and
KYR_DEMO_DATA is not 0, loads: two editions (one retired), the twenty stock units, two depots, print runs
totalling about 32,000 units split across the languages in proportion to need, about 300 fictional
organizations, shipments at every stage, and three demo accounts (see the README).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field

import pandas as pd
from shapely.geometry import Point, shape
from shapely.prepared import prep

from outreach import inventory, organizations
from outreach.accounts import auth
from outreach.catalog import LANGUAGE_CODES, MATERIALS
from outreach.config import DATA_DIR, settings
from outreach.db import SessionFactory, engine_of, is_empty, make_engine, make_sessions, migrate
from outreach.errors import OutOfStock
from outreach.organizations.addresses import nyc_zip_codes
from outreach.organizations.addresses import zip_place as _zip_place
from outreach.restock.demo import load_demo_requests
from outreach.restock.links import link_url
from outreach.shipments import steps as shipments

DEMO_ACTOR = "demo-loader"
DEMO_USERS = (("demo-admin", "admin"), ("demo-coordinator", "coordinator"), ("demo-organizer", "organizer"))
CAMPAIGN_PIECES = 32_000
ENGLISH_SHARE = 0.06  # English has no LEP figure; the campaign prints a small fixed share
MIN_PER_LANGUAGE = 600


@dataclass
class Reference:
    """The catalog rows every test and the demo start from."""

    edition_id: int
    retired_edition_id: int
    depots: dict[str, int]
    units: dict[tuple[str, str], int] = field(default_factory=dict)  # (material, language) -> unit id
    retired_units: dict[tuple[str, str], int] = field(default_factory=dict)
    links: list[tuple[int, str]] = field(default_factory=list)  # demo restock links: (organization, token)

    @property
    def main_depot(self) -> int:
        return next(iter(self.depots.values()))


def seed_reference(sessions: SessionFactory, *, actor: str = DEMO_ACTOR) -> Reference:
    """Editions, depots and one stock unit per material x language (plus two retired ones)."""
    retired = inventory.create_edition(
        sessions, code="2025-01", title="Know Your Rights, January 2025", actor=actor
    )
    current = inventory.create_edition(
        sessions, code="2026-03", title="Know Your Rights, March 2026", actor=actor
    )
    depots = {
        "Manhattan central depot": inventory.create_location(
            sessions, name="Manhattan central depot", borough="Manhattan", actor=actor
        ),
        "Brooklyn depot": inventory.create_location(
            sessions, name="Brooklyn depot", borough="Brooklyn", actor=actor
        ),
    }
    reference = Reference(edition_id=current, retired_edition_id=retired, depots=depots)
    for language in LANGUAGE_CODES:
        for material in MATERIALS:
            reference.units[(material.code, language)] = inventory.ensure_unit(
                sessions,
                material=material.code,
                language=language,
                edition_id=current,
                actor=actor,
                low_stock_threshold=material.pack_size * 4,
            )
    for language in ("es", "zh"):
        reference.retired_units[("flyer", language)] = inventory.ensure_unit(
            sessions, material="flyer", language=language, edition_id=retired, actor=actor
        )
    inventory.retire_edition(
        sessions, edition_id=retired, actor=actor, reason="Replaced after the March 2026 policy change"
    )
    return reference


def need_by_language() -> dict[str, int]:
    need = pd.read_csv(DATA_DIR / "need_by_district.csv")
    return need.groupby("language")["lep_speakers"].sum().astype(int).to_dict()


def print_run_plan(total: int = CAMPAIGN_PIECES) -> dict[str, int]:
    """Units per language: English a fixed share, the rest in proportion to LEP speakers."""
    need = need_by_language()
    english = round(total * ENGLISH_SHARE)
    rest = total - english - MIN_PER_LANGUAGE * len(need)
    whole = sum(need.values())
    plan = {code: MIN_PER_LANGUAGE + round(rest * need[code] / whole) for code in need}
    plan["en"] = english
    return plan


_FIRST = (
    "Harbor",
    "Lantern",
    "Cedar",
    "Morning",
    "Riverside",
    "Olive",
    "Stone",
    "Bright",
    "Unity",
    "Garden",
    "Hillcrest",
    "Crescent",
    "Willow",
    "Beacon",
    "Maple",
    "Tide",
    "Orchard",
    "Summit",
    "Meadow",
    "Anchor",
)
_SECOND = ("Street", "Hill", "Light", "Grove", "Park", "Avenue", "Bridge", "Spring", "Gate", "Field")
_KINDS = {
    "Christian": (
        "Community Church",
        "Baptist Church",
        "Pentecostal Chapel",
        "Catholic Parish",
        "Fellowship",
    ),
    "Muslim": ("Masjid", "Islamic Center", "Mosque"),
    "Jewish": ("Synagogue", "Congregation", "Shul"),
    "Hindu": ("Mandir", "Temple"),
    "Buddhist": ("Buddhist Temple", "Meditation Hall"),
    "Sikh": ("Gurdwara",),
    "Interfaith": ("Interfaith Center",),
}
# Which traditions are plausible for congregations serving each language (for plausible demo data only).
_TRADITIONS = {
    "es": ("Christian",),
    "en": ("Christian", "Interfaith"),
    "fr": ("Christian", "Muslim"),
    "zh": ("Buddhist", "Christian"),
    "ar": ("Muslim", "Christian"),
    "ru": ("Jewish", "Christian"),
    "bn": ("Muslim", "Hindu"),
    "ur": ("Muslim", "Sikh"),
    "ht": ("Christian",),
    "yi": ("Jewish",),
}


def _district_shapes() -> dict[int, object]:
    features = json.loads((DATA_DIR / "community_districts.geojson").read_text())["features"]
    return {
        f["properties"]["boro_cd"]: shape(f["geometry"])
        for f in features
        if not f["properties"]["is_joint_interest_area"]
    }


def _point_in(geometry: object, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = geometry.bounds  # type: ignore[attr-defined]
    prepared = prep(geometry)
    while True:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if prepared.contains(point):
            return round(point.y, 6), round(point.x, 6)


def demo_organizations(count: int = 300, seed: int = 2026) -> list[dict]:
    """Fictional organizations placed in community districts in proportion to each language's need."""
    rng = random.Random(seed)
    need = pd.read_csv(DATA_DIR / "need_by_district.csv")
    shapes = _district_shapes()
    weights = {code: weight**0.5 for code, weight in need_by_language().items()}  # dampen Spanish
    weights["en"] = sum(weights.values()) * 0.08
    codes = sorted(weights)
    records, names = [], set()
    for index in range(count):
        main = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        rows = need[need["language"] == (main if main != "en" else "es")]
        boro_cd = int(rng.choices(rows["boro_cd"].tolist(), weights=(rows["lep_speakers"] + 50).tolist())[0])
        tradition = rng.choice(_TRADITIONS[main])
        name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_KINDS[tradition])}"
        while name in names:
            name = f"{name} {index}"
        names.add(name)
        extra = {rng.choice(codes) for _ in range(rng.choice((0, 0, 1, 2)))}
        latitude, longitude = _point_in(shapes[boro_cd], rng)
        zip_code = _nearest_zip(latitude, longitude, _BORO[boro_cd // 100])
        records.append(
            {
                "name": name,
                "faith_tradition": tradition,
                "borough": _BORO[boro_cd // 100],
                "community_district": boro_cd,
                "languages": sorted({main, "en", *extra} if main != "en" else {"en"}),
                "preferred_language": main,
                "latitude": latitude,
                "longitude": longitude,
                "location_precision": "approximate",
                "location_source": "manual",
                "zip_code": zip_code,
                "address": f"{rng.randint(1, 2999)} {rng.choice(_FIRST)} {rng.choice(('St', 'Ave', 'Blvd', 'Pl'))}",
                "weekly_attendance": rng.choice((60, 120, 250, 400, 800)),
                "contact_name": f"Demo Contact {index + 1}",
                "contact_phone": f"718-555-01{index % 100:02d}",
            }
        )
    return records


def _nearest_zip(latitude: float, longitude: float, borough_name: str) -> str | None:
    """The ZIP in the same borough whose centroid is nearest: plausible, not exact, like the addresses."""
    places = [_zip_place(code) for code in nyc_zip_codes()]
    candidates = [p for p in places if p is not None and p.borough == borough_name]
    if not candidates:
        return None
    nearest = min(candidates, key=lambda p: (p.latitude - latitude) ** 2 + (p.longitude - longitude) ** 2)
    return nearest.zip_code


_BORO = {1: "Manhattan", 2: "Bronx", 3: "Brooklyn", 4: "Queens", 5: "Staten Island"}


def load_demo(sessions: SessionFactory, *, organization_count: int = 300, seed: int = 2026) -> Reference:
    rng = random.Random(seed)
    reference = seed_reference(sessions)
    main_depot, brooklyn = reference.depots.values()
    for unit_id in reference.retired_units.values():  # old stock still on the shelf, never to be shipped
        inventory.adjust(
            sessions,
            unit_id=unit_id,
            location_id=main_depot,
            change=500,
            reason="leftover from print run 2025-01",
            actor=DEMO_ACTOR,
        )
    for language, total in print_run_plan().items():
        for material in MATERIALS:
            share = 0.7 if material.code == "flyer" else 0.3
            units = max(material.pack_size, round(total * share / material.pack_size) * material.pack_size)
            unit_id = reference.units[(material.code, language)]
            inventory.receive(
                sessions,
                unit_id=unit_id,
                location_id=main_depot,
                quantity=units,
                reference=f"print run 2026-03 {language}",
                actor=DEMO_ACTOR,
            )
            moved = (units // 4) // material.pack_size * material.pack_size
            if moved:
                inventory.transfer(
                    sessions,
                    unit_id=unit_id,
                    from_location_id=main_depot,
                    to_location_id=brooklyn,
                    quantity=moved,
                    actor=DEMO_ACTOR,
                )
    org_ids = []
    for record in demo_organizations(organization_count, seed):
        languages = record.pop("languages")
        org_ids.append(
            organizations.create_organization(sessions, languages=languages, actor=DEMO_ACTOR, **record)
        )
    _demo_shipments(sessions, reference, org_ids, rng)
    for username, role in DEMO_USERS:
        auth.create_user(
            sessions,
            username=username,
            password=settings().demo_password,
            role=role,
            actor=DEMO_ACTOR,
            display_name=username.replace("-", " ").title(),
        )
    reference.links = load_demo_requests(sessions, reference, rng)
    return reference


def _demo_shipments(
    sessions: SessionFactory, reference: Reference, org_ids: list[int], rng: random.Random
) -> None:
    stages = ["delivered"] * 120 + ["shipped"] * 25 + ["packed"] * 10 + ["draft"] * 12 + ["cancelled"] * 8
    for stage in stages:
        organization = organizations.get_organization(sessions, rng.choice(org_ids))
        lines = {}
        extra = [
            code
            for code in organization.language_codes
            if code not in {organization.preferred_language, "en"}
        ]
        for language in [organization.preferred_language, *extra[:1]]:
            material = rng.choice(MATERIALS)
            lines[reference.units[(material.code, language)]] = material.pack_size * rng.choice(
                (1, 1, 2, 2, 3)
            )
        depot = _depot_with_stock(sessions, reference, lines)
        shipment_id = shipments.create_shipment(
            sessions, organization_id=organization.id, depot_id=depot, lines=lines, actor=DEMO_ACTOR
        )
        if stage == "cancelled":
            shipments.cancel_shipment(
                sessions, shipment_id=shipment_id, reason="Organization asked to wait", actor=DEMO_ACTOR
            )
            continue
        steps = {
            "draft": [],
            "packed": [shipments.pack_shipment],
            "shipped": [shipments.pack_shipment, shipments.ship_shipment],
            "delivered": [shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment],
        }
        try:
            for step in steps[stage]:
                step(sessions, shipment_id=shipment_id, actor=DEMO_ACTOR)
        except OutOfStock:  # the depot ran short: a real coordinator would cancel too
            shipments.cancel_shipment(
                sessions, shipment_id=shipment_id, reason="Not enough stock at the depot", actor=DEMO_ACTOR
            )


def _depot_with_stock(sessions: SessionFactory, reference: Reference, lines: dict[int, int]) -> int:
    """The Brooklyn depot when it can cover every line, else the central one."""
    brooklyn = reference.depots["Brooklyn depot"]
    with sessions() as session:
        if all(inventory.available(session, unit_id, brooklyn) >= qty for unit_id, qty in lines.items()):
            return brooklyn
    return reference.main_depot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outreach.demo", description=__doc__)
    parser.add_argument("--if-empty", action="store_true", help="load only into an empty database")
    args = parser.parse_args(argv)
    engine = make_engine()
    migrate(engine)
    sessions = make_sessions(engine)
    if not settings().load_demo_data:
        print("KYR_DEMO_DATA=0: schema is up to date; no demo data loaded.")
        return 0
    if args.if_empty and not is_empty(engine_of(sessions)):
        print("The database already has data; demo data not loaded.")
        return 0
    reference = load_demo(sessions)
    print(
        f"Demo data loaded. Sign in as demo-coordinator (password: KYR_DEMO_PASSWORD, "
        f"default {settings().demo_password!r})."
    )
    if reference.links:
        organization_id, token = reference.links[0]
        print(f"A faith leader's restock link (organization #{organization_id}): {link_url(token)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
