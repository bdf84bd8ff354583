"""Who wants what: coordinators' notification settings, and organizations' opt-outs.

Coordinators choose per account: a message per new request ('each'), one daily digest ('digest'), or nothing
('off'), for the boroughs they follow (none chosen means all five). An account without a setting gets
nothing: mail is something a coordinator switches on, on the Messages page under "My notifications".

An organization stops all mail with the one-click unsubscribe in any message (source 'link'); coordinators
can switch it off or back on for it (source 'coordinator').
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach import audit
from outreach.accounts.auth import STAFF
from outreach.catalog import BOROUGH_NAMES, borough_of
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import InvalidInput, NotFound
from outreach.messages import tokens
from outreach.models import NOTIFY_MODES, MailOptOut, NotificationSetting, Organization, User


def set_notifications(
    sessions: SessionFactory, *, user_id: int, mode: str, boroughs: Iterable[str], actor: str
) -> None:
    if mode not in NOTIFY_MODES:
        raise InvalidInput(f"Unknown notification mode {mode!r}. Use one of: {', '.join(NOTIFY_MODES)}.")
    chosen = sorted({borough_of(name).name for name in boroughs}, key=BOROUGH_NAMES.index)
    with sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None or user.role not in STAFF:
            raise NotFound(f"Account #{user_id} is not a coordinator or admin account.")
        row = session.get(NotificationSetting, user_id)
        before = None if row is None else {"mode": row.mode, "boroughs": row.boroughs}
        if row is None:
            row = NotificationSetting(user_id=user_id, updated_by=actor)
            session.add(row)
        row.mode, row.boroughs = mode, ",".join(chosen)
        row.updated_by, row.updated_at = actor, utcnow()
        audit.record(
            session,
            actor=actor,
            action="notifications",
            entity="user",
            entity_id=user_id,
            before=before,
            after={"mode": mode, "boroughs": row.boroughs},
        )


def notifications(sessions: SessionFactory, user_id: int) -> tuple[str, list[str]]:
    """(mode, boroughs followed) of one account; ('off', []) when never set."""
    with sessions() as session:
        return notifications_of(session, user_id)


def notifications_of(session: Session, user_id: int) -> tuple[str, list[str]]:
    row = session.get(NotificationSetting, user_id)
    if row is None:
        return "off", []
    return row.mode, [name for name in row.boroughs.split(",") if name]


def account(sessions: SessionFactory, username: str) -> tuple[int, str | None]:
    """(id, e-mail) of a signed-in account, for "My notifications"."""
    with sessions() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"Account {username!r} does not exist. Sign in again.")
        return user.id, user.email


def follows(row: NotificationSetting, borough: str | None) -> bool:
    followed = [name for name in row.boroughs.split(",") if name]
    return not followed or borough in followed


def coordinators(session: Session, *, mode: str, borough: str | None = None) -> list[User]:
    """Active staff accounts with an address who chose `mode` and follow `borough` (any, when None)."""
    rows = session.execute(
        select(User, NotificationSetting)
        .join(NotificationSetting, NotificationSetting.user_id == User.id)
        .where(
            NotificationSetting.mode == mode,
            User.active.is_(True),
            User.role.in_(STAFF),
            User.email.is_not(None),
        )
        .order_by(User.id)
    )
    return [user for user, setting in rows if borough is None or follows(setting, borough)]


# --- organizations' opt-outs ---------------------------------------------------------------------------


def opted_out(session: Session, organization_id: int) -> bool:
    return session.get(MailOptOut, organization_id) is not None


def set_opt_out(
    sessions: SessionFactory,
    *,
    organization_id: int,
    opted_out: bool,
    actor: str,
    source: str = "coordinator",
) -> None:
    with sessions.begin() as session:
        _set_opt_out(session, organization_id, opted_out, actor, source)


def _set_opt_out(session: Session, organization_id: int, out: bool, actor: str, source: str) -> None:
    if session.get(Organization, organization_id) is None:
        raise NotFound(f"Organization #{organization_id} does not exist. Pick one from the list.")
    row = session.get(MailOptOut, organization_id)
    if out and row is None:
        session.add(MailOptOut(organization_id=organization_id, source=source, created_by=actor))
    elif not out and row is not None:
        session.delete(row)
    else:
        return
    audit.record(
        session,
        actor=actor,
        action="mail_opt_out" if out else "mail_opt_in",
        entity="organization",
        entity_id=organization_id,
        after={"opted_out": out, "source": source},
    )


def unsubscribe_url(organization_id: int, public_url: str) -> str:
    return f"{public_url}/_kyr/mail/unsubscribe?token={tokens.sign(tokens.UNSUBSCRIBE, organization_id)}"


def organization_for_token(sessions: SessionFactory, token: str | None) -> tuple[int, str, str] | None:
    """(id, name, preferred language) of the organization an unsubscribe token was made for, or None."""
    organization_id = tokens.verify(tokens.UNSUBSCRIBE, token)
    if organization_id is None:
        return None
    with sessions() as session:
        organization = session.get(Organization, organization_id)
        if organization is None:
            return None
        return organization.id, organization.name, organization.preferred_language


def unsubscribe(sessions: SessionFactory, token: str | None) -> tuple[int, str, str] | None:
    """RFC 8058 one-click: the organization of a valid token stops all mail (done twice, still done)."""
    found = organization_for_token(sessions, token)
    if found is not None:
        with sessions.begin() as session:
            _set_opt_out(session, found[0], True, "unsubscribe-link", "link")
    return found


def opt_outs(sessions: SessionFactory) -> pd.DataFrame:
    return read_frame(
        sessions,
        select(
            Organization.id,
            Organization.name,
            Organization.borough,
            MailOptOut.source,
            MailOptOut.created_by,
            MailOptOut.created_at,
        )
        .join(MailOptOut, MailOptOut.organization_id == Organization.id)
        .order_by(Organization.name),
    )
