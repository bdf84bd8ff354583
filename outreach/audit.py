"""The audit trail: who did what, when, with the state before and after.

Append-only by construction: this module only inserts, and nothing else touches `audit_log`.
Never pass tokens here; contact details only inside before/after of the organization they belong to.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.db import SessionFactory, read_frame
from outreach.models import AuditEntry


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


def history(
    sessions: SessionFactory,
    *,
    entity: str | None = None,
    entity_id: object = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    statement = select(
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.before,
        AuditEntry.after,
    ).order_by(AuditEntry.id.desc())
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    if entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == str(entity_id))
    if actor:
        statement = statement.where(AuditEntry.actor == actor)
    if since:
        statement = statement.where(AuditEntry.at >= since)
    return read_frame(sessions, statement.limit(limit))
