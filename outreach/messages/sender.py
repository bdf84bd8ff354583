"""The sender: delivers due messages with retries and exponential backoff; one sender per deployment.

Each pass (`send_once`) first takes the lease (a row in `sender_leases`, renewed every pass, taken over only
once it expired), so however many app processes, threads and `python -m outreach.messages send --loop` run
against one database, one sends at a time. A lease row rather than a PostgreSQL advisory lock: one mechanism
on SQLite and PostgreSQL alike, and a sender that dies simply lets it lapse after LEASE_SECONDS.

One message, step by step:
1. claim: in its own committed transaction, attempts + 1 and next_attempt_at moved to the backoff time
   (1, 2, 4, ... minutes, at most 6 hours), only while it is still pending and due;
2. send it over SMTP, with a Message-ID derived from its key (the same on every attempt);
3. mark it sent (or, if the server refused it for good or it used up KYR_MAIL_MAX_ATTEMPTS, failed).

What that guarantees: a message is never lost (it stays pending until marked, and a failed one stays in the
failed list until an admin retries it), and never queued twice (its key is UNIQUE). A crash between 2 and 3
leaves it pending; it is sent again after its backoff with the same Message-ID, so the copy is a duplicate
that receiving servers and mail clients that de-duplicate by Message-ID (Gmail, most IMAP clients' threads)
drop or fold into one; a server that does not will show it twice. No SMTP protocol lets a client ask
"did you already take this?", so exactly-once across that crash is not possible; at-least-once with a stable
Message-ID is what is guaranteed. A server that goes down mid-pass ends the pass: the message being sent
stays pending for its backoff, the others are not even claimed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.config import settings
from outreach.db import SessionFactory, utcnow
from outreach.messages import schedule, smtp
from outreach.messages.outbox import SENDER_ACTOR
from outreach.models import OutboxMessage, SenderLease

log = logging.getLogger(__name__)
LEASE = "mail-sender"
LEASE_SECONDS = 120
LOOP_SECONDS = 30
BATCH = 100
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)


@dataclass
class Report:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    queued: int = 0
    unreachable: str | None = None
    lease: bool = True


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th try: 1, 2, 4, ... minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def take_lease(sessions: SessionFactory, holder: str, *, now: dt.datetime | None = None) -> bool:
    """Take or renew the sending lease; False while another holder's lease runs."""
    now = now or utcnow()
    until = now + dt.timedelta(seconds=LEASE_SECONDS)
    try:
        with sessions.begin() as session:
            result = session.execute(
                update(SenderLease)
                .where(
                    SenderLease.name == LEASE,
                    or_(SenderLease.holder == holder, SenderLease.expires_at < now),
                )
                .values(holder=holder, expires_at=until)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                return True
            if session.get(SenderLease, LEASE) is not None:
                return False
            session.add(SenderLease(name=LEASE, holder=holder, expires_at=until))
        return True
    except IntegrityError:  # two first-ever senders raced for the row; the other one won
        return False


def release_lease(sessions: SessionFactory, holder: str) -> None:
    with sessions.begin() as session:
        session.execute(
            update(SenderLease)
            .where(SenderLease.name == LEASE, SenderLease.holder == holder)
            .values(expires_at=utcnow() - dt.timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )


def _claim(sessions: SessionFactory, message_id: int, now: dt.datetime) -> OutboxMessage | None:
    with sessions.begin() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            return None
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
            )
            .values(attempts=row.attempts + 1, next_attempt_at=now + backoff(row.attempts + 1))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        session.refresh(row)
        return row


def _finish(sessions: SessionFactory, row: OutboxMessage, status: str, error: str | None = None) -> None:
    now = utcnow()
    with sessions.begin() as session:
        values: dict[str, object] = {"status": status, "last_error": error}
        values["sent_at" if status == "sent" else "failed_at"] = now
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            actor=SENDER_ACTOR,
            action=status,
            entity="message",
            entity_id=row.id,
            after={"key": row.key, "attempts": row.attempts, "error": error},
        )


def _defer(sessions: SessionFactory, row: OutboxMessage, error: str) -> None:
    with sessions.begin() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(last_error=error)
            .execution_options(synchronize_session=False)
        )


def send_due(
    sessions: SessionFactory,
    transport: smtp.Transport,
    *,
    now: dt.datetime | None = None,
    report: Report | None = None,
) -> Report:
    """Send every due pending message (oldest first) through `transport`."""
    now = now or utcnow()
    report = report or Report()
    limit = max(1, settings().mail_max_attempts)
    with sessions() as session:
        due = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id)
                .limit(BATCH)
            )
        )
    try:
        for message_id in due:
            row = _claim(sessions, message_id, now)
            if row is None:
                continue
            try:
                transport.send(smtp.build(row))
            except smtp.ServerUnreachable as exc:
                report.unreachable = str(exc)
                if row.attempts >= limit:
                    _finish(sessions, row, "failed", str(exc))
                    report.failed += 1
                else:
                    _defer(sessions, row, str(exc))
                    report.deferred += 1
                break  # the server is away: the rest wait, unclaimed
            except Exception as exc:  # SendFailed (refused), or a message that cannot be built
                if getattr(exc, "permanent", False) or row.attempts >= limit:
                    _finish(sessions, row, "failed", str(exc) or type(exc).__name__)
                    report.failed += 1
                else:
                    _defer(sessions, row, str(exc) or type(exc).__name__)
                    report.deferred += 1
                continue
            _finish(sessions, row, "sent")
            report.sent += 1
    finally:
        transport.close()
    return report


TransportFactory = Callable[[], smtp.Transport]


def send_once(
    sessions: SessionFactory,
    *,
    holder: str | None = None,
    transport_factory: TransportFactory | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """One pass: take the lease, queue what the schedule says is due, send what is due."""
    holder = holder or holder_id()
    if not take_lease(sessions, holder, now=now):
        return Report(lease=False)
    report = Report(queued=schedule.run_checks(sessions, now))
    if not smtp.configured():
        return report  # no server: messages wait in the outbox, and the admin page says so
    factory = transport_factory or smtp.SmtpTransport
    return send_due(sessions, factory(), now=now, report=report)


def run_loop(sessions: SessionFactory, stop: threading.Event, *, interval: float = LOOP_SECONDS) -> None:
    holder = holder_id()
    while not stop.is_set():
        try:
            report = send_once(sessions, holder=holder)
            if report.sent or report.failed or report.unreachable:
                log.info(
                    "mail: %d sent, %d deferred, %d failed%s",
                    report.sent,
                    report.deferred,
                    report.failed,
                    f" (server: {report.unreachable})" if report.unreachable else "",
                )
        except Exception:  # the loop outlives a bad pass; the next one tries again
            log.exception("mail sender pass failed")
        stop.wait(interval)
    release_lease(sessions, holder)


@dataclass
class Background:
    """The sender's thread in this process, and the switch that stops it (tests; a clean shutdown)."""

    thread: threading.Thread
    stop: threading.Event


def start_background(sessions: SessionFactory, *, interval: float = LOOP_SECONDS) -> Background:
    """A daemon thread running the loop in this process (the lease keeps it to one sender per deployment)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_loop,
        args=(sessions, stop),
        kwargs={"interval": interval},
        name="kyr-mail-sender",
        daemon=True,
    )
    thread.start()
    return Background(thread, stop)
