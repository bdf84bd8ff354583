"""Synthetic campaign data at scale, written with bulk inserts (the domain verbs would take hours at 50x).

    python -m bench.generate --scale campaign --url sqlite:///bench/out/campaign.db
    python -m bench.generate --scale x50      --url sqlite:///bench/out/x50.db

campaign: 1,000 organizations, 50,000 ledger rows, 5,000 restock requests.
x50:      50,000 organizations, 1,000,000 ledger rows, 200,000 restock requests.
Balances are computed from the generated ledger, so the ledger invariant holds exactly as in real use.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert

from outreach.catalog import LANGUAGE_CODES, material_of
from outreach.db import make_engine, make_sessions, migrate
from outreach.demo import demo_organizations, seed_reference
from outreach.models import (
    Organization,
    OrganizationLanguage,
    RestockRequest,
    RestockRequestLine,
    Shipment,
    ShipmentLine,
    StockBalance,
    StockMovement,
)
from outreach.organizations import served
from outreach.shipments import totals as shipment_totals


@dataclass(frozen=True)
class Scale:
    organizations: int
    ledger_rows: int
    requests: int


SCALES = {
    "campaign": Scale(1_000, 50_000, 5_000),
    "x50": Scale(50_000, 1_000_000, 200_000),
}
BATCH = 20_000
START = dt.datetime(2026, 1, 5)


def _chunks(rows: list[dict], size: int = BATCH):
    for index in range(0, len(rows), size):
        yield rows[index : index + size]


def generate(url: str, scale: Scale, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    engine = make_engine(url)
    migrate(engine)
    sessions = make_sessions(engine)
    reference = seed_reference(sessions, actor="bench")
    units = list(reference.units.items())
    depots = list(reference.depots.values())
    timings: dict[str, float] = {}

    started = time.perf_counter()
    base = demo_organizations(min(scale.organizations, 2_000), seed)
    organizations, languages = [], []
    for index in range(scale.organizations):
        record = dict(base[index % len(base)])
        codes = record.pop("languages")
        record["name"] = f"{record['name']} {index}" if index >= len(base) else record["name"]
        record.update(
            id=index + 1,
            status="active" if rng.random() > 0.05 else "paused",
            name_key=record["name"].casefold(),
            address_key=record["address"].casefold(),
            usual_request_packs=rng.choice((2, 4, 6, 10)),
            language_list=served.language_list(codes),
        )
        organizations.append(record)
        languages.extend({"organization_id": index + 1, "language": code} for code in codes)
    timings["organizations_built_s"] = time.perf_counter() - started

    # Ledger: one big receipt per unit and depot, then shipments (two lines each) and some adjustments.
    movements: list[dict] = []
    balance: dict[tuple[int, int], int] = defaultdict(int)
    shipments, shipment_lines = [], []
    receipt_size = scale.ledger_rows * 400 // len(units)
    for unit_id in (unit for _, unit in units):
        for depot in depots:
            movements.append(
                dict(
                    unit_id=unit_id,
                    location_id=depot,
                    kind="receipt",
                    quantity=receipt_size,
                    reference="bench print run",
                    actor="bench",
                    created_at=START,
                )
            )
            balance[(unit_id, depot)] += receipt_size
    shipment_id = 0
    while len(movements) < scale.ledger_rows:
        shipment_id += 1
        organization = organizations[rng.randrange(len(organizations))]
        depot = rng.choice(depots)
        day = START + dt.timedelta(days=rng.randrange(330), minutes=rng.randrange(1440))
        status = rng.choices(("delivered", "shipped", "packed", "draft"), weights=(80, 10, 5, 5))[0]
        shipments.append(
            dict(
                id=shipment_id,
                organization_id=organization["id"],
                depot_id=depot,
                status=status,
                created_by="bench",
                created_at=day,
                shipped_at=day if status in ("shipped", "delivered") else None,
                delivered_at=day + dt.timedelta(days=2) if status == "delivered" else None,
            )
        )
        for (material_code, _), unit_id in rng.sample(units, 2):
            quantity = material_of(material_code).pack_size * rng.randint(1, 4)
            shipment_lines.append(
                dict(shipment_id=shipment_id, unit_id=unit_id, quantity=quantity, reserved_quantity=0)
            )
            if status in ("shipped", "delivered"):
                movements.append(
                    dict(
                        unit_id=unit_id,
                        location_id=depot,
                        kind="shipment",
                        quantity=-quantity,
                        reference=f"shipment #{shipment_id}",
                        shipment_id=shipment_id,
                        actor="bench",
                        created_at=day,
                    )
                )
                balance[(unit_id, depot)] -= quantity
    assert min(balance.values()) >= 0, "receipts too small for the generated shipments"

    requests, request_lines = [], []
    statuses = ("submitted", "approved", "shipped", "delivered", "rejected", "cancelled")
    for request_id in range(1, scale.requests + 1):
        organization = organizations[rng.randrange(len(organizations))]
        day = START + dt.timedelta(days=rng.randrange(330), minutes=rng.randrange(1440))
        status = rng.choices(statuses, weights=(15, 5, 10, 60, 5, 5))[0]
        requests.append(
            dict(
                id=request_id,
                reference=f"B{request_id:07d}",
                idempotency_key=f"bench-{request_id}",
                organization_id=organization["id"],
                channel="link",
                status=status,
                language=organization["preferred_language"],
                created_by="restock-link",
                created_at=day,
                updated_at=day,
            )
        )
        (_, unit_id) = rng.choice(units)
        packs = rng.randint(1, 6)
        request_lines.append(
            dict(
                request_id=request_id,
                unit_id=unit_id,
                packs_requested=packs,
                packs_approved=packs if status not in ("submitted", "rejected") else None,
                packs_shipped=packs if status in ("shipped", "delivered") else 0,
            )
        )

    started = time.perf_counter()
    with engine.begin() as connection:
        for table, rows in (
            (Organization, organizations),
            (OrganizationLanguage, languages),
            (Shipment, shipments),
            (ShipmentLine, shipment_lines),
            (StockMovement, movements),
            (RestockRequest, requests),
            (RestockRequestLine, request_lines),
        ):
            for chunk in _chunks(rows):
                connection.execute(insert(table), chunk)
        connection.execute(
            insert(StockBalance),
            [
                dict(unit_id=unit_id, location_id=depot, on_hand=on_hand, reserved=0)
                for (unit_id, depot), on_hand in balance.items()
            ],
        )
        if connection.dialect.name == "postgresql":  # explicit ids leave the sequences behind the data
            for table in (Organization, Shipment, RestockRequest):
                name = table.__tablename__
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"
                )
    timings["insert_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with sessions.begin() as session:  # a bulk load goes around the shipment steps that keep these
        shipment_totals.rebuild(session)
    timings["shipment_totals_s"] = time.perf_counter() - started
    timings.update(
        organizations=len(organizations),
        ledger_rows=len(movements),
        requests=len(requests),
        shipments=len(shipments),
        languages=len(LANGUAGE_CODES),
    )
    engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="campaign")
    parser.add_argument("--url", required=True, help="an EMPTY database (SQLite file or PostgreSQL)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.url, SCALES[args.scale], args.seed))


if __name__ == "__main__":
    main()
