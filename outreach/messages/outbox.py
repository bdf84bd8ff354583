"""The outbox: a message row written in the same transaction as the event that causes it, and the admin's
view of it (pending, sent, failed; retry).

`queue` takes the event's own session, so a request stored or decided, a shipment shipped, and its messages
commit together or not at all. Each row has a unique key naming its event and recipient
("submitted:7:org", "submitted:7:user:3"); the same event handled twice queues nothing new.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from outreach import audit
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import Conflict, NotFound
from outreach.messages.templates import Rendered
from outreach.models import MESSAGE_STATUSES, OutboxMessage, User

SENDER_ACTOR = "mail-sender"


def queue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    rendered: Rendered,
    language: str = "en",
    organization_id: int | None = None,
    user_id: int | None = None,
    unsubscribe_url: str | None = None,
    actor: str = SENDER_ACTOR,
) -> bool:
    """Add a message to the caller's transaction; False when one with this key is already queued."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return False
    row = OutboxMessage(
        key=key,
        kind=kind,
        recipient=recipient,
        organization_id=organization_id,
        user_id=user_id,
        language=language,
        subject=rendered.subject[:300],
        text_body=rendered.text,
        html_body=rendered.html,
        unsubscribe_url=unsubscribe_url,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    # The trail names the message, not the address: logs and the trail hold no contact details.
    audit.add_and_record(
        session,
        row,
        actor=actor,
        action="queue",
        entity="message",
        after={"key": key, "kind": kind, "organization_id": organization_id, "user_id": user_id},
    )
    return True


def to_coordinator(session: Session, user: User, *, key: str, kind: str, rendered: Rendered) -> bool:
    """A coordinator's message (English; no unsubscribe header: they choose on the Messages page)."""
    return queue(session, key=key, kind=kind, recipient=str(user.email), rendered=rendered, user_id=user.id)


def retry(sessions: SessionFactory, *, message_id: int, actor: str) -> None:
    """Put a failed message back in the queue, due now, with its attempts counted from zero again."""
    with sessions.begin() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            raise NotFound(f"Message #{message_id} does not exist. Reload the page.")
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=utcnow(), failed_at=None)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"Message #{message_id} is {row.status}, not failed, so it cannot be retried.")
        audit.record(
            session,
            actor=actor,
            action="retry",
            entity="message",
            entity_id=message_id,
            before={"status": "failed", "last_error": row.last_error},
            after={"status": "pending"},
        )


def retry_all_failed(sessions: SessionFactory, *, actor: str) -> int:
    with sessions() as session:
        ids = list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "failed")))
    for message_id in ids:
        retry(sessions, message_id=message_id, actor=actor)
    return len(ids)


# --- reads --------------------------------------------------------------------------------------------


def counts(sessions: SessionFactory) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        found = {status: int(count) for status, count in rows}
    return {status: found.get(status, 0) for status in MESSAGE_STATUSES}


def listing(sessions: SessionFactory, *, status: str, limit: int = 200) -> pd.DataFrame:
    """The newest messages in one state, without their bodies (admins see recipients; coordinators too)."""
    order = OutboxMessage.sent_at if status == "sent" else OutboxMessage.id
    return read_frame(
        sessions,
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.recipient,
            OutboxMessage.language,
            OutboxMessage.subject,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
            OutboxMessage.failed_at,
        )
        .where(OutboxMessage.status == status)
        .order_by(order.desc())
        .limit(limit),
    )


def body(sessions: SessionFactory, message_id: int) -> tuple[str, str] | None:
    """(subject, html) of one message, for the admin page's preview."""
    with sessions() as session:
        row = session.get(OutboxMessage, message_id)
        return None if row is None else (row.subject, row.html_body)
