"""The one place that creates the engine, opens sessions and upgrades the schema.

Reads return pandas DataFrames (`read_frame`); writes are service verbs that open one transaction with
`with sessions.begin() as session:`. Nothing here is SQLite-only: PostgreSQL runs the same code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Dialect, Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from outreach.config import PROJECT_ROOT, settings
from outreach.errors import NotFound

SessionFactory = sessionmaker[Session]
Row = TypeVar("Row")
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def utcnow() -> dt.datetime:
    """Naive UTC, the one time representation stored (portable between SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT) when
        # another writer committed meanwhile; BEGIN IMMEDIATE takes the write lock up front and waits
        # for it (busy_timeout) instead. Read-only connections keep the cheap deferred BEGIN.
        if connection.get_execution_options().get("readonly"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # JIT compilation pays off on long analytic queries; ours last milliseconds, and the coverage read
        # of 50,000 organizations spent 38 of its 420 ms compiling. Off for this app's connections only.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def make_engine(url: str | None = None) -> Engine:
    """The engine for `url`; every committed write through it moves `data_versions` (outreach/data_versions.py)."""
    from outreach import data_versions

    url = url or settings().database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        _configure_postgres(engine)
    data_versions.track(engine)
    return engine


def make_sessions(engine: Engine) -> SessionFactory:
    return sessionmaker(bind=engine, expire_on_commit=False)


def engine_of(sessions: SessionFactory) -> Engine:
    bind = sessions.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def get_or_not_found(session: Session, model: type[Row], row_id: object, missing: str) -> Row:
    """The row of `model` with this primary key, or NotFound with `missing` (which names the id and says
    what to do: each caller knows where the id came from)."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row


def read_frame(sessions: SessionFactory, statement: Executable, **params: Any) -> pd.DataFrame:
    """Run a SELECT and return a DataFrame, on a read-only connection."""
    engine = engine_of(sessions)
    with engine.connect().execution_options(readonly=True) as connection:
        result = connection.execute(statement, params)
        columns = list(result.keys())
        if result.cursor is not None and _driver_values_suffice(statement, result.cursor, engine.dialect):
            # The driver's own rows: wrapping 50,000 of them in SQLAlchemy Rows took longer than the query.
            rows = result.cursor.fetchall()
        else:  # some column is converted (dates stored as text on SQLite, decimals): SQLAlchemy does it
            # Plain tuples build a DataFrame several times faster than SQLAlchemy Row objects.
            rows = [tuple(row) for row in result]
        return pd.DataFrame.from_records(rows, columns=columns)


def _driver_values_suffice(statement: Executable, cursor: Any, dialect: Dialect) -> bool:
    """True when no selected column has a result processor (integers, floats, text on both databases), so
    the values the driver returns are the values SQLAlchemy would return."""
    selected = getattr(statement, "selected_columns", None)
    if selected is None or len(selected) != len(cursor.description):  # text(): its columns' types are unknown
        return False
    return all(
        column.type.dialect_impl(dialect).result_processor(dialect, described[1]) is None
        for column, described in zip(selected, cursor.description, strict=True)
    )


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest Alembic revision (the app does this on start)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_empty(engine: Engine) -> bool:
    """True when the database holds no organizations and no stock units (a fresh install)."""
    from sqlalchemy import func, select

    from outreach.models import Organization, StockUnit

    if not inspect(engine).has_table("organizations"):
        return True
    with engine.connect().execution_options(readonly=True) as connection:
        orgs = connection.execute(select(func.count()).select_from(Organization)).scalar_one()
        units = connection.execute(select(func.count()).select_from(StockUnit)).scalar_one()
    return orgs == 0 and units == 0
