"""Data versions: every committed write moves a counter in the database, so caches follow the database.

Why: each app process caches query results (outreach/ui/resources.py). A cache that only its own process
clears shows another process's write (a print run received on another screen, a restock request submitted
through a link, a CLI, a restore) late. So the database keeps a version per table, bumped in the SAME
transaction as the write, and every cached read is keyed on it: the next rerun of any process reads the
version (one small query), finds it moved, and reads afresh.

How, without a call in every writer: `track(engine)` (done by `outreach.db.make_engine` for every engine the
app makes) listens on the engine. Every INSERT, UPDATE, DELETE or TRUNCATE that reaches the database, whether
from an ORM flush, a bulk `session.execute(update(...))`, a Core `connection.execute(table.insert(), rows)`
or raw SQL, notes the table it writes on its connection; when that transaction commits, one upsert adds one
to each noted table's row of `data_versions`, just before COMMIT, inside the transaction. A rollback forgets
the notes. So a table added tomorrow is counted without anyone registering it.

Per table, not per capability: the statement names its table, so nothing has to map tables to owners (and
the map cannot go out of date), and a bookkeeping table that no cached read shows (`NOT_CACHED`: sign-in
sessions, touched once a minute by anyone signed in) can be left out of the cache key.

Contention: on PostgreSQL the bump takes a row lock until COMMIT. It is taken last, in table-name order (no
deadlock with the ledger's row locks, which are all taken before), and each table has `SLOTS` rows, one
chosen at random per transaction, so two concurrent stock writers rarely share a row. The version of a
table is the sum of its slots. On SQLite every writer already holds the database's write lock (BEGIN
IMMEDIATE, outreach/db.py), so the bump adds no waiting.

Migrations do not count (their connection is marked `untracked`; the table may not exist yet). The
`data_versions` table is not part of a backup: versions only ever grow, so a cached result is never taken
for a newer one; a restore is counted like any write.
"""

from __future__ import annotations

import random
import re
from typing import Any

from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import UpdateBase

TABLE = "data_versions"
SLOTS = 8
# Tables whose writes no cached read shows: left out of `current()` (they are still counted).
NOT_CACHED = frozenset({"user_sessions"})
_NEVER_COUNTED = frozenset({TABLE, "alembic_version"})
_OPTION = "kyr_count_writes"  # execution option: False on connections whose writes are not counted
_CHANGED = "kyr_changed_tables"  # connection.info: the tables this transaction wrote
_DML = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"
    r"(?:ONLY\s+)?(?:\w+\.)?[\"`]?(\w+)",
    re.IGNORECASE,
)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?([^;]+)", re.IGNORECASE)
_TRUNCATE_END = re.compile(r"\s+(?:RESTART|CONTINUE|CASCADE|RESTRICT)\b.*$", re.IGNORECASE | re.DOTALL)


def track(engine: Engine) -> None:
    """Count every committed write made through this engine in `data_versions` (outreach.db.make_engine)."""
    event.listen(engine, "begin", _forget)
    event.listen(engine, "after_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump)
    event.listen(engine, "rollback", _forget)


def untracked(connection: Connection) -> Connection:
    """This connection's writes are not counted (migrations: the table may not exist yet)."""
    return connection.execution_options(**{_OPTION: False})


def written_tables(statement: str, compiled: Any = None) -> set[str]:
    """The tables a statement writes: from SQLAlchemy's compiled INSERT/UPDATE/DELETE, else from its SQL."""
    dml = getattr(compiled, "statement", None)
    if isinstance(dml, UpdateBase):
        name = getattr(dml.table, "name", None)  # type: ignore[attr-defined]
        if name:
            return {name}
    found = _DML.match(statement)
    if found:
        return {found[1].lower()}
    truncated = _TRUNCATE.match(statement)
    if truncated:
        names = _TRUNCATE_END.sub("", truncated[1])
        return {name.split(".")[-1].strip().strip('"`').lower() for name in names.split(",") if name.strip()}
    return set()


def current(engine: Engine) -> int:
    """The data version cached reads are keyed on: the sum of every table's version but `NOT_CACHED`'s.
    It only grows; it moves with every committed write."""
    from outreach.models import DataVersion

    statement = select(func.coalesce(func.sum(DataVersion.version), 0)).where(
        DataVersion.table_name.not_in(sorted(NOT_CACHED))
    )
    with engine.connect().execution_options(readonly=True) as connection:
        return int(connection.execute(statement).scalar_one())


def versions(engine: Engine) -> dict[str, int]:
    """Each counted table's version (the sum of its slots)."""
    from outreach.models import DataVersion

    statement = select(DataVersion.table_name, func.sum(DataVersion.version)).group_by(DataVersion.table_name)
    with engine.connect().execution_options(readonly=True) as connection:
        return {name: int(version) for name, version in connection.execute(statement)}


def _counts(connection: Connection) -> bool:
    options = connection.get_execution_options()
    return bool(options.get(_OPTION, True)) and not options.get("readonly")


def _forget(connection: Connection) -> None:
    connection.info.pop(_CHANGED, None)


def _note_write(
    connection: Connection, _cursor: Any, statement: str, _parameters: Any, context: Any, _many: bool
) -> None:
    tables = written_tables(statement, getattr(context, "compiled", None)) - _NEVER_COUNTED
    if tables and _counts(connection):
        connection.info.setdefault(_CHANGED, set()).update(tables)


def _bump(connection: Connection) -> None:
    """Just before COMMIT, in the committing transaction: one more for each table it wrote."""
    changed = connection.info.pop(_CHANGED, None)
    if not changed or not _counts(connection):
        return
    from outreach.models import DataVersion

    slot = random.randrange(SLOTS)
    rows = [{"table_name": name, "slot": slot, "version": 1} for name in sorted(changed)]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(DataVersion).values(rows)
    connection.execute(
        upsert.on_conflict_do_update(
            index_elements=[DataVersion.table_name, DataVersion.slot],
            set_={"version": DataVersion.version + 1},
        )
    )
    connection.info.pop(_CHANGED, None)
