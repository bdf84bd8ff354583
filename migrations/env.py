"""Alembic environment: uses the app's engine configuration (SQLite pragmas) and model metadata."""

from alembic import context
from sqlalchemy import Connection

from outreach.data_versions import untracked
from outreach.db import make_engine
from outreach.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    untracked(connection)  # a migration's writes are not counted: before 0004 there is no data_versions table
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as new_connection:
        _run(new_connection)


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
