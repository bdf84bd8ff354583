"""The database layer: migrations equal the models, SQLite settings, and the CHECKs that guard stock."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text, update
from sqlalchemy.exc import IntegrityError

from outreach import inventory
from outreach.db import is_empty, make_engine, migrate
from outreach.models import Base, StockBalance
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
