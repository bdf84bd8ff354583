"""Shared fixtures: a real database per test (a SQLite file, or PostgreSQL when KYR_TEST_DATABASE_URL is set).

SQLite: the schema is migrated once per run into a template file, and each test gets a copy.
PostgreSQL: the schema is migrated once per run, and each test starts from truncated tables.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from outreach import config
from outreach.db import SessionFactory, alembic_config, make_engine, make_sessions
from outreach.demo import Reference, seed_reference
from outreach.models import Base

POSTGRES_URL = os.environ.get("KYR_TEST_DATABASE_URL", "")
ACTOR = "tester"


def _create_schema(engine: Engine) -> None:
    """Tables from the models, stamped as the newest migration so the app's start-up upgrade is a no-op."""
    from alembic import command

    Base.metadata.create_all(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    # Built from the models so work on a model shows up at once; tests/test_db.py checks that the
    # Alembic migrations produce exactly this schema.
    _create_schema(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    if not POSTGRES_URL:
        yield None
        return
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    _create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty, migrated database that this test owns."""
    if POSTGRES_URL:
        engine = request.getfixturevalue("postgres_engine")
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return POSTGRES_URL
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "kyr.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return make_sessions(engine)


@pytest.fixture
def ref(sessions: SessionFactory) -> Reference:
    """Editions (one retired), two depots and the twenty current stock units, with no stock yet."""
    return seed_reference(sessions, actor=ACTOR)


@pytest.fixture
def app_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app (settings, cached engine) at this test's database; clear Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KYR_DEMO_DATA", "0")
    config.settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield database_url
    st.cache_data.clear()
    st.cache_resource.clear()
    config.settings.cache_clear()


def ship_until(
    sessions: SessionFactory, ref: Reference, organization_id: int, lines: dict, *, until: str = "delivered"
) -> int:
    """A shipment from the main depot taken through the shipment steps up to `until` (draft ... delivered)."""
    from outreach.shipments import steps as shipments

    shipment_id = shipments.create_shipment(
        sessions, organization_id=organization_id, depot_id=ref.main_depot, lines=lines, actor=ACTOR
    )
    steps = (shipments.pack_shipment, shipments.ship_shipment, shipments.deliver_shipment)
    for step in steps[: ("draft", "packed", "shipped", "delivered").index(until)]:
        step(sessions, shipment_id=shipment_id, actor=ACTOR)
    return shipment_id
