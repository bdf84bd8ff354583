"""Server-side sign-in sessions: what keeps a coordinator signed in across a reload or a new tab.

Signing in starts a session: a random id (256 bits) that the browser keeps in an HttpOnly cookie, while the
`user_sessions` table keeps only its SHA-256, so neither the table nor a backup of it can sign anybody in.
Every Streamlit run resolves the id again (`resolve`), so whatever ends a session takes effect on that
browser's next rerun, in every tab:

- idle for `KYR_SESSION_IDLE_MINUTES` (each resolve moves the idle expiry on; at most one write a minute);
- older than `KYR_SESSION_MAX_HOURS`, however active (the absolute expiry);
- signed out (`revoke`), or its user deactivated (`revoke_all_for_user`, from `accounts.users`);
- its user inactive for any other reason.

How the id travels: the cookie is set and cleared by two small HTTP routes mounted next to Streamlit through
`st.App` (`serve.py`, `outreach/ui/session_cookie.py`, which explains that choice). This module is plain
Python: it knows ids and rows, not cookies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import RowMapping, delete, select, update
from sqlalchemy.orm import Session

from outreach import audit
from outreach.config import settings
from outreach.db import SessionFactory, engine_of, utcnow
from outreach.errors import AuthenticationFailed
from outreach.models import User, UserSession

SESSION_ID_BYTES = 32
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is refused before hashing.
_SESSION_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Resolving runs on every rerun; writing last-seen at most this often keeps reruns from queueing on the
# database's write lock. The idle expiry is therefore exact to within this interval.
TOUCH_EVERY = dt.timedelta(seconds=60)
# Ended sessions are kept this long (who was signed in when), then removed when someone next signs in.
KEEP_ENDED = dt.timedelta(days=30)

# Why a session no longer signs anybody in (Resolution.ended).
IDLE = "idle"
EXPIRED = "expired"
REVOKED = "revoked"
INACTIVE = "inactive"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolution:
    """The signed-in user ({'username', 'display_name', 'role'}), or None and why (IDLE, EXPIRED, ...)."""

    user: dict[str, str] | None
    ended: str | None = None


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start(sessions: SessionFactory, *, username: str, now: dt.datetime | None = None) -> str:
    """A new session for an active user (who has just proved who they are); returns its id, which only the
    caller ever sees: hand it to the browser and forget it."""
    now = now or utcnow()
    config = settings()
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    with sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise AuthenticationFailed(f"The account {username!r} is not active. Ask an admin.")
        session.execute(delete(UserSession).where(UserSession.absolute_expires_at < now - KEEP_ENDED))
        session.add(
            UserSession(
                token_hash=hash_session_id(session_id),
                user_id=user.id,
                created_at=now,
                last_seen_at=now,
                idle_expires_at=now + dt.timedelta(minutes=config.session_idle_minutes),
                absolute_expires_at=now + dt.timedelta(hours=config.session_max_hours),
            )
        )
    return session_id


def resolve(
    sessions: SessionFactory, session_id: str | None, *, now: dt.datetime | None = None
) -> Resolution:
    """Who this session id signs in, touching its last-seen time; or why nobody (see the module docstring)."""
    if not session_id or not _SESSION_ID_SHAPE.match(session_id):
        return Resolution(None, UNKNOWN)
    now = now or utcnow()
    statement = (
        select(
            UserSession.id,
            UserSession.last_seen_at,
            UserSession.idle_expires_at,
            UserSession.absolute_expires_at,
            UserSession.revoked_at,
            User.username,
            User.display_name,
            User.role,
            User.active,
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == hash_session_id(session_id))
    )
    # A read-only connection: most reruns only read, and need not wait for the write lock.
    with engine_of(sessions).connect().execution_options(readonly=True) as connection:
        row = connection.execute(statement).mappings().first()
    if row is None:
        return Resolution(None, UNKNOWN)
    ended = _why_ended(row, now)
    if ended:
        return Resolution(None, ended)
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        with sessions.begin() as session:
            session.execute(
                update(UserSession)
                .where(UserSession.id == row["id"], UserSession.revoked_at.is_(None))
                .values(
                    last_seen_at=now,
                    idle_expires_at=now + dt.timedelta(minutes=settings().session_idle_minutes),
                )
            )
    return Resolution({key: row[key] for key in ("username", "display_name", "role")})


def _why_ended(row: RowMapping, now: dt.datetime) -> str | None:
    if row["revoked_at"] is not None:
        return REVOKED
    if not row["active"]:
        return INACTIVE
    if now >= row["absolute_expires_at"]:
        return EXPIRED
    if now >= row["idle_expires_at"]:
        return IDLE
    return None


def revoke(
    sessions: SessionFactory,
    session_id: str | None,
    *,
    reason: str = "signed_out",
    now: dt.datetime | None = None,
) -> bool:
    """End one session at once (sign-out). False when there was no live session with this id."""
    if not session_id or not _SESSION_ID_SHAPE.match(session_id):
        return False
    now = now or utcnow()
    with sessions.begin() as session:
        target = session.scalar(
            select(UserSession).where(
                UserSession.token_hash == hash_session_id(session_id), UserSession.revoked_at.is_(None)
            )
        )
        if target is None:
            return False
        target.revoked_at, target.revoked_reason = now, reason
        username = session.scalar(select(User.username).where(User.id == target.user_id))
        audit.record(
            session, actor=username or "system", action="sign_out", entity="user", entity_id=target.user_id
        )
    return True


def revoke_all_for_user(
    session: Session, *, user_id: int, reason: str, now: dt.datetime | None = None
) -> int:
    """End every live session of a user, inside the caller's transaction (deactivation); returns how many."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoked_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
