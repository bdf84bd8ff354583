"""The audit trail: who did what, when, with the state before and after.

Append-only by construction: this module only inserts, and nothing else touches `audit_log`. It also adds
the new rows its callers built (`add_and_record`): each is built by the module that owns its table.
Never pass tokens here; contact details only inside before/after of the organization they belong to.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.db import SessionFactory, read_frame
from outreach.errors import InvalidInput
from outreach.models import AuditEntry

# Other modules name the table through this (backups); only this module touches AuditEntry.
TABLE_NAME = AuditEntry.__tablename__


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Add an audit row to the caller's transaction, so it commits or rolls back with the change."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=_json(before),
            after=_json(after),
        )
    )


class NewRow(Protocol):
    @property
    def id(self) -> int: ...


def add_and_record(
    session: Session,
    row: NewRow,
    *,
    actor: str,
    entity: str,
    after: Any | Callable[[], Any],
    action: str = "create",
) -> int:
    """Add a new row to the caller's transaction, flush it for its id, record its creation; return the id.

    `after` may be a function: it is called once the row is flushed, so it sees the database's defaults.
    """
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=row.id,
        after=after() if callable(after) else after,
    )
    return row.id


def history(
    sessions: SessionFactory,
    *,
    entity: str | None = None,
    entity_id: object = None,
    actor: str | None = None,
    action: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Audit rows, newest first. `since` and `until` are inclusive; a date covers its whole (UTC) day."""
    if limit < 1:
        raise InvalidInput(f"The row limit must be at least 1, not {limit}.")
    start, end = _moment(since), _moment(until, end_of_day=True)
    if start and end and start > end:
        raise InvalidInput(f"The date range is reversed: {since} is after {until}. Swap the two dates.")
    statement = select(
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.before,
        AuditEntry.after,
    ).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    if entity_id is not None and (wanted := str(entity_id).strip()):
        if len(wanted) > 60 or not wanted.isprintable():  # NUL would make PostgreSQL refuse the query
            raise InvalidInput(
                f"Record # {wanted[:20]!r} is not a record number. Type the number only, e.g. 42."
            )
        statement = statement.where(AuditEntry.entity_id == wanted)
    if actor:
        statement = statement.where(AuditEntry.actor == actor)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if start:
        statement = statement.where(AuditEntry.at >= start)
    if end:
        statement = statement.where(AuditEntry.at < end)
    return read_frame(sessions, statement.limit(limit))


def _moment(value: dt.date | dt.datetime | None, *, end_of_day: bool = False) -> dt.datetime | None:
    """A filter bound as a naive UTC datetime; an `until` date becomes the start of the next day."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    moment = dt.datetime.combine(value, dt.time())
    return moment + dt.timedelta(days=1) if end_of_day else moment


def facets(sessions: SessionFactory) -> dict[str, list[str]]:
    """The distinct entities, actions and actors in the trail (the choices of the audit page's filters)."""
    choices: dict[str, list[str]] = {}
    for name, column in (
        ("entity", AuditEntry.entity),
        ("action", AuditEntry.action),
        ("actor", AuditEntry.actor),
    ):
        frame = read_frame(sessions, select(column).distinct().order_by(column))
        choices[name] = [str(value) for value in frame.iloc[:, 0]]
    return choices
