"""Account administration for the Users page: create, change role, deactivate, reset password, unlock.

Every change is audited with the state before and after. Two guards keep an install manageable: an admin
cannot take away their own admin role or deactivate themselves, and the last active admin stays an admin.
Password hashing and the password rules live in `outreach.accounts.auth`.
"""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach import audit
from outreach.accounts import auth
from outreach.accounts import sessions as user_sessions
from outreach.db import SessionFactory, read_frame
from outreach.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from outreach.models import User

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
PASSWORD_RULES = (
    f"At least {auth.MIN_PASSWORD_LENGTH} characters, not only digits, no spaces at the start or end. "
    f"{auth.MAX_FAILED_ATTEMPTS} wrong passwords in a row lock the account for "
    f"{int(auth.LOCKOUT.total_seconds() // 60)} minutes."
)


def user_table(sessions: SessionFactory) -> pd.DataFrame:
    """Every account, without password hashes: how it signs in and whether it is locked."""
    return read_frame(
        sessions,
        select(
            User.id,
            User.username,
            User.display_name,
            User.email,
            User.role,
            User.active,
            case((User.password_hash.is_(None), "single sign-on"), else_="password").label("sign_in"),
            User.failed_attempts,
            User.locked_until,
            User.last_login_at,
            User.created_at,
        ).order_by(User.username),
    )


def create_account(
    sessions: SessionFactory,
    *,
    username: str,
    password: str,
    role: str,
    actor: str,
    display_name: str | None = None,
    email: str | None = None,
) -> int:
    """A local password account (also reachable by single sign-on when it has an e-mail address)."""
    address = (email or "").strip().lower() or None
    if address is not None:
        if not _EMAIL.match(address) or len(address) > 254:
            raise InvalidInput(f"{email!r} is not an e-mail address. Use the form name@example.org.")
        with sessions() as session:
            if session.scalar(select(User.id).where(func.lower(User.email) == address)):
                raise InvalidInput(f"{address} already belongs to another account.")
    try:
        return auth.create_user(
            sessions,
            username=username,
            password=password,
            role=role,
            actor=actor,
            display_name=display_name or None,
            email=address,
        )
    except IntegrityError:  # the same name or address taken at the same moment
        raise Conflict(
            f"The username {username!r} or address {address!r} was just taken. Reload the page."
        ) from None


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user #{user_id}. Reload the page.")
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave no active admin to manage accounts."""
    if user.role != "admin" or not user.active:
        return
    admins = session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active))
    if (admins or 0) <= 1:
        raise Conflict(f"{user.username} is the last active admin. Make another user an admin first.")


def change_role(sessions: SessionFactory, *, user_id: int, role: str, actor: str) -> None:
    if role not in auth.ROLES:
        raise InvalidInput(f"Unknown role {role!r}. Use one of: {', '.join(auth.ROLES)}.")
    with sessions.begin() as session:
        user = _user(session, user_id)
        if user.role == role:
            return
        if user.role == "admin":
            if user.username == actor:
                raise PermissionDenied("You cannot remove your own admin role. Ask another admin to do it.")
            _keep_an_admin(session, user)
        before = user.role
        user.role = role
        audit.record(
            session,
            actor=actor,
            action="change_role",
            entity="user",
            entity_id=user.id,
            before={"role": before},
            after={"role": role},
        )


def set_active(sessions: SessionFactory, *, user_id: int, active: bool, actor: str) -> None:
    """Deactivate (no more sign-ins, and every session of the account ends at once; nothing deleted) or
    reactivate an account."""
    with sessions.begin() as session:
        user = _user(session, user_id)
        if user.active == active:
            return
        if not active:
            if user.username == actor:
                raise PermissionDenied("You cannot deactivate your own account. Ask another admin to do it.")
            _keep_an_admin(session, user)
            user_sessions.revoke_all_for_user(session, user_id=user.id, reason="deactivated")
        user.active = active
        audit.record(
            session,
            actor=actor,
            action="reactivate" if active else "deactivate",
            entity="user",
            entity_id=user.id,
            before={"active": not active},
            after={"active": active},
        )


def reset_password(sessions: SessionFactory, *, user_id: int, password: str, actor: str) -> None:
    """Set a new password (the password rules apply); also lifts a lockout."""
    with sessions() as session:
        username = _user(session, user_id).username
    auth.set_password(sessions, username=username, password=password, actor=actor)


def unlock(sessions: SessionFactory, *, user_id: int, actor: str) -> None:
    with sessions.begin() as session:
        user = _user(session, user_id)
        before = {"failed_attempts": user.failed_attempts, "locked_until": user.locked_until}
        user.failed_attempts, user.locked_until = 0, None
        audit.record(
            session,
            actor=actor,
            action="unlock",
            entity="user",
            entity_id=user.id,
            before=before,
            after={"failed_attempts": 0, "locked_until": None},
        )
