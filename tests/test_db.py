"""The database layer: migrations equal the models, SQLite settings, and the CHECKs that guard stock."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import IntegrityError

from outreach import inventory
from outreach.db import get_or_not_found, is_empty, make_engine, migrate, read_frame
from outreach.errors import NotFound
from outreach.models import Base, Location, StockBalance
from tests.conftest import POSTGRES_URL


def _schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrations_build_exactly_the_models_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    migrate(engine)  # a second start is a no-op
    assert _schema_differences(engine) == []


@pytest.mark.skipif(not POSTGRES_URL, reason="runs in the PostgreSQL half of `make test`")
def test_migrations_build_exactly_the_models_on_postgres():
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS kyr_migration_check"))
        connection.execute(text("CREATE DATABASE kyr_migration_check"))
    engine = make_engine(POSTGRES_URL.rsplit("/", 1)[0] + "/kyr_migration_check")
    try:
        migrate(engine)
        assert _schema_differences(engine) == []
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE kyr_migration_check"))
        admin.dispose()


def test_get_or_not_found_returns_the_row_or_the_callers_message(sessions, ref):
    with sessions() as session:
        assert get_or_not_found(session, Location, ref.main_depot, "unused").id == ref.main_depot
        with pytest.raises(NotFound, match=r"^Depot #999999 is gone\. Pick another\.$"):
            get_or_not_found(session, Location, 999_999, "Depot #999999 is gone. Pick another.")


def test_read_frame_gives_the_same_values_whether_or_not_sqlalchemy_converts_them(sessions, ref):
    # Integers and text come straight from the driver; a flag and a time need SQLAlchemy's conversion
    # on SQLite (stored as 0/1 and as text): both must read as Python values on either database.
    plain = select(Location.id, Location.name, Location.borough).order_by(Location.id)
    converted = select(Location.id, Location.active, Location.created_at).order_by(Location.id)
    with sessions() as session:
        expected_plain = [tuple(row) for row in session.execute(plain)]
        expected_converted = [tuple(row) for row in session.execute(converted)]
    frame = read_frame(sessions, plain)
    assert list(frame.itertuples(index=False, name=None)) == expected_plain
    assert ref.main_depot in set(frame["id"])
    frame = read_frame(sessions, converted)
    assert list(frame.itertuples(index=False, name=None)) == expected_converted
    assert frame["active"].dtype == bool
    assert frame["created_at"].dtype.kind == "M"


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_the_database_itself_refuses_negative_stock(sessions, ref):
    unit = ref.units[("flyer", "ht")]
    inventory.receive(
        sessions, unit_id=unit, location_id=ref.main_depot, quantity=10, reference=None, actor="t"
    )
    for values in ({"on_hand": -1}, {"reserved": -1}, {"reserved": 11}):
        with pytest.raises(IntegrityError):
            with sessions.begin() as session:
                session.execute(update(StockBalance).where(StockBalance.unit_id == unit).values(**values))
    with sessions() as session:
        assert inventory.balance(session, unit, ref.main_depot) == (10, 0)


def test_is_empty_tracks_the_first_data(engine, sessions):
    assert is_empty(engine)
    from outreach.demo import seed_reference

    seed_reference(sessions)
    assert not is_empty(engine)


def test_the_shipment_totals_migration_fills_them_from_the_shipments_already_there(tmp_path):
    """A database from before 0002 (shipments at every stage) gets its totals on upgrade."""
    from alembic import command

    from outreach.db import alembic_config, make_sessions
    from outreach.shipments import totals as shipment_totals

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        tables = Base.metadata.tables
        connection.execute(tables["editions"].insert(), [{"id": 1, "code": "2026", "title": "KYR"}])
        connection.execute(
            tables["stock_units"].insert(),
            [
                {"id": u, "material": "flyer", "language": code, "edition_id": 1}
                for u, code in ((1, "bn"), (2, "es"))
            ],
        )
        connection.execute(tables["locations"].insert(), [{"id": 1, "name": "Depot"}])
        connection.execute(
            tables["organizations"].insert(),
            [
                {
                    "id": 1,
                    "name": "A",
                    "name_key": "a",
                    "address_key": "a",
                    "borough": "Brooklyn",
                    "community_district": 307,
                },
                {
                    "id": 2,
                    "name": "B",
                    "name_key": "b",
                    "address_key": "b",
                    "borough": None,
                    "community_district": None,
                },  # not placed yet
            ],
        )
        statuses = {
            1: (1, "delivered"),
            2: (1, "shipped"),
            3: (1, "packed"),
            4: (2, "delivered"),
            5: (1, "delivered"),
        }
        connection.execute(
            tables["shipments"].insert(),
            [
                {"id": s, "organization_id": o, "depot_id": 1, "status": st, "created_by": "t"}
                for s, (o, st) in statuses.items()
            ],
        )
        connection.execute(
            tables["shipment_lines"].insert(),
            [
                {"shipment_id": 1, "unit_id": 1, "quantity": 100},
                {"shipment_id": 1, "unit_id": 2, "quantity": 50},
                {"shipment_id": 2, "unit_id": 1, "quantity": 30},
                {"shipment_id": 3, "unit_id": 1, "quantity": 999},  # packed: pending
                {"shipment_id": 4, "unit_id": 1, "quantity": 25},
                {"shipment_id": 5, "unit_id": 1, "quantity": 10},
            ],
        )
    migrate(engine)
    sessions = make_sessions(engine)
    assert shipment_totals.differences(sessions).empty
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM shipment_totals ORDER BY 1, 2, 3, 4")).all()
    assert [tuple(row) for row in rows] == [  # unit, depot, borough, district, stage, units, reserved
        (1, 1, "", 0, "delivered", 25, 0),
        (1, 1, "Brooklyn", 307, "delivered", 110, 0),
        (1, 1, "Brooklyn", 307, "pending", 999, 0),
        (1, 1, "Brooklyn", 307, "shipped", 30, 0),
        (2, 1, "Brooklyn", 307, "delivered", 50, 0),
    ]
    engine.dispose()
