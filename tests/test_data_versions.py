"""Data versions: every committed write moves the versions of the tables it wrote, in its own transaction,
whatever path it takes (ORM flush, bulk statement, raw SQL); rollbacks, reads and migrations do not."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text, update

from outreach import data_versions, inventory, organizations
from outreach.data_versions import written_tables
from outreach.db import make_engine, migrate
from outreach.errors import OutOfStock
from outreach.models import Location, StockBalance
from tests.conftest import ACTOR


def moved(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}


def test_an_orm_write_moves_each_table_it_wrote_by_one(engine, sessions, ref):
    before = data_versions.versions(engine)
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=300,
        reference="PR-1",
        actor=ACTOR,
    )
    # The ledger row, the balance (a conditional UPDATE, or its first INSERT) and the audit row: one transaction.
    assert moved(before, data_versions.versions(engine)) == {
        "stock_movements": 1,
        "stock_balances": 1,
        "audit_log": 1,
    }


def test_a_bulk_statement_and_raw_sql_are_counted_too(engine, sessions, ref):
    before, tables_before = data_versions.current(engine), data_versions.versions(engine)
    with sessions.begin() as session:
        session.execute(
            update(Location).where(Location.id == ref.main_depot).values(name="Main depot (Queens)")
        )
    assert data_versions.current(engine) == before + 1
    with engine.begin() as connection:  # a hand edit, or a CLI that writes SQL
        connection.exec_driver_sql(f"UPDATE locations SET name = 'Main depot' WHERE id = {ref.main_depot}")
        connection.execute(text("DELETE FROM geocode_cache"))
    assert moved(tables_before, data_versions.versions(engine)) == {"locations": 2, "geocode_cache": 1}
    assert data_versions.current(engine) == before + 3


def test_a_rolled_back_write_and_a_refused_one_move_nothing(engine, sessions, ref):
    before = data_versions.versions(engine)
    with sessions() as session:
        session.execute(insert(Location).values(name="Never"))
        session.rollback()
    with pytest.raises(OutOfStock):  # the ledger's guarded UPDATE finds no stock: the transaction rolls back
        inventory.adjust(
            sessions,
            unit_id=ref.units[("flyer", "bn")],
            location_id=ref.main_depot,
            change=-5,
            reason="x",
            actor=ACTOR,
        )
    with sessions() as session:  # a read, committed
        session.scalars(select(StockBalance)).all()
        session.commit()
    assert data_versions.versions(engine) == before


def test_sign_in_sessions_are_counted_but_do_not_key_cached_reads(engine, sessions, ref):
    from outreach.accounts import auth
    from outreach.accounts import sessions as user_sessions

    auth.create_user(sessions, username="cora", password="long-enough-pw", role="coordinator", actor=ACTOR)
    before_key, before = data_versions.current(engine), data_versions.versions(engine)
    user_sessions.start(sessions, username="cora")
    assert moved(before, data_versions.versions(engine)).get("user_sessions") == 1
    audit_moves = moved(before, data_versions.versions(engine)).get("audit_log", 0)
    assert data_versions.current(engine) == before_key + audit_moves


def test_a_new_organization_counts_on_a_table_nobody_registered(engine, sessions, ref):
    before = data_versions.versions(engine)
    organizations.create_organization(
        sessions,
        actor=ACTOR,
        name="St. Mary",
        borough="BK",
        preferred_language="es",
        languages=["es"],
    )
    assert {"organizations", "organization_languages", "audit_log"} <= set(
        moved(before, data_versions.versions(engine))
    )


def test_migrations_are_not_counted(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    assert data_versions.versions(engine) == {}
    engine.dispose()


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "stock_movements" (unit_id) VALUES (?)', {"stock_movements"}),
        ("insert or replace into geocode_cache values (1)", {"geocode_cache"}),
        ("UPDATE stock_balances SET on_hand = on_hand - 5 WHERE on_hand >= 5", {"stock_balances"}),
        ("  DELETE FROM public.user_sessions WHERE id = 1", {"user_sessions"}),
        ('TRUNCATE "a", b, public."c" RESTART IDENTITY CASCADE', {"a", "b", "c"}),
        ("SELECT * FROM stock_balances", set()),
        ("CREATE TABLE x (id int)", set()),
    ],
)
def test_the_written_table_is_read_from_the_sql(sql, tables):
    assert written_tables(sql) == tables
