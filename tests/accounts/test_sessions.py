"""Server-side sign-in sessions: only the hash is stored; idle and absolute expiry; sign-out and deactivation end
sessions at once; an inactive account is refused however it got there."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from outreach import audit, config
from outreach.accounts import auth
from outreach.accounts import sessions as user_sessions
from outreach.accounts import users as accounts
from outreach.errors import AuthenticationFailed, PermissionDenied
from outreach.models import User, UserSession

T0 = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def session_limits(monkeypatch):
    """30 minutes idle, 12 hours at most (the defaults, pinned so the environment cannot move them)."""
    monkeypatch.setenv("KYR_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("KYR_SESSION_MAX_HOURS", "12")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


@pytest.fixture
def people(sessions, monkeypatch) -> dict[str, int]:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return {
        name: auth.create_user(sessions, username=name, password="long-enough-pw", role=role, actor="t")
        for name, role in (("ada", "admin"), ("alan", "admin"), ("cora", "coordinator"))
    }


def _row(sessions, session_id: str) -> UserSession:
    with sessions() as session:
        return session.scalars(
            select(UserSession).where(UserSession.token_hash == user_sessions.hash_session_id(session_id))
        ).one()


def _at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_only_the_hash_of_the_session_id_is_stored(sessions, people):
    first = user_sessions.start(sessions, username="cora", now=T0)
    second = user_sessions.start(sessions, username="cora", now=T0)
    assert first != second and len(first) == 43
    with sessions() as session:
        rows = session.scalars(select(UserSession)).all()
    assert {row.token_hash for row in rows} == {
        hashlib.sha256(session_id.encode()).hexdigest() for session_id in (first, second)
    }
    for row in rows:
        assert first not in repr([getattr(row, column.key) for column in UserSession.__table__.columns])
    assert (rows[0].created_at, rows[0].last_seen_at, rows[0].user_id) == (T0, T0, people["cora"])
    assert (rows[0].idle_expires_at, rows[0].absolute_expires_at) == (_at(30), _at(12 * 60))


def test_a_session_signs_in_its_user_and_nothing_else_does(sessions, people):
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    resolved = user_sessions.resolve(sessions, session_id, now=_at(1))
    assert resolved.user == {"username": "cora", "display_name": "cora", "role": "coordinator"}
    assert resolved.ended is None
    hashed = user_sessions.hash_session_id(session_id)
    for stranger in (None, "", "x" * 43, session_id[:-1], session_id + "A", hashed, session_id.upper()):
        assert user_sessions.resolve(sessions, stranger, now=_at(1)) == user_sessions.Resolution(
            None, user_sessions.UNKNOWN
        )


def test_an_idle_session_ends_and_each_visit_moves_the_idle_expiry_on(sessions, people):
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    assert user_sessions.resolve(sessions, session_id, now=_at(29)).user is not None
    assert _row(sessions, session_id).last_seen_at == _at(29)
    assert _row(sessions, session_id).idle_expires_at == _at(59)
    assert user_sessions.resolve(sessions, session_id, now=_at(58)).user is not None  # 58 min after sign-in
    assert user_sessions.resolve(sessions, session_id, now=_at(58 + 30)).ended == user_sessions.IDLE
    # Once idle, a later visit does not revive it.
    assert user_sessions.resolve(sessions, session_id, now=_at(58 + 30)).user is None


def test_visits_within_a_minute_do_not_write(sessions, people):
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    assert user_sessions.resolve(sessions, session_id, now=_at(0.5)).user is not None
    assert _row(sessions, session_id).last_seen_at == T0
    user_sessions.resolve(sessions, session_id, now=_at(1))
    assert _row(sessions, session_id).last_seen_at == _at(1)


def test_the_idle_timeout_is_the_setting(sessions, people, monkeypatch):
    monkeypatch.setenv("KYR_SESSION_IDLE_MINUTES", "5")
    config.settings.cache_clear()
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    assert user_sessions.resolve(sessions, session_id, now=_at(6)).ended == user_sessions.IDLE


def test_an_active_session_still_ends_at_its_absolute_expiry(sessions, people, monkeypatch):
    monkeypatch.setenv("KYR_SESSION_MAX_HOURS", "2")
    config.settings.cache_clear()
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    for minutes in range(20, 120, 20):  # busy all morning
        assert user_sessions.resolve(sessions, session_id, now=_at(minutes)).user is not None
    assert user_sessions.resolve(sessions, session_id, now=_at(120)).ended == user_sessions.EXPIRED


def test_sign_out_ends_that_session_only_and_is_audited(sessions, people):
    leaving = user_sessions.start(sessions, username="cora", now=T0)
    other_tab_elsewhere = user_sessions.start(sessions, username="cora", now=T0)
    assert user_sessions.revoke(sessions, leaving, now=_at(5)) is True
    assert user_sessions.resolve(sessions, leaving, now=_at(6)).ended == user_sessions.REVOKED
    assert user_sessions.resolve(sessions, other_tab_elsewhere, now=_at(6)).user is not None
    assert (_row(sessions, leaving).revoked_at, _row(sessions, leaving).revoked_reason) == (
        _at(5),
        "signed_out",
    )
    assert user_sessions.revoke(sessions, leaving) is False  # already ended
    assert user_sessions.revoke(sessions, "not-a-session-id") is False
    signed_out = audit.history(sessions, entity="user", action="sign_out")
    assert signed_out["actor"].tolist() == ["cora"]


def test_deactivating_a_user_ends_all_their_sessions_at_once(sessions, people):
    tabs = [user_sessions.start(sessions, username="cora", now=T0) for _ in range(2)]
    admin = user_sessions.start(sessions, username="ada", now=T0)
    accounts.set_active(sessions, user_id=people["cora"], active=False, actor="ada")
    for session_id in tabs:
        assert user_sessions.resolve(sessions, session_id, now=_at(1)).ended == user_sessions.REVOKED
        assert _row(sessions, session_id).revoked_reason == "deactivated"
    assert user_sessions.resolve(sessions, admin, now=_at(1)).user is not None
    # Reactivating lets the person sign in again; it does not bring the old sessions back.
    accounts.set_active(sessions, user_id=people["cora"], active=True, actor="ada")
    assert all(user_sessions.resolve(sessions, session_id, now=_at(2)).user is None for session_id in tabs)
    assert user_sessions.resolve(sessions, user_sessions.start(sessions, username="cora"), now=None).user


def test_a_refused_deactivation_ends_no_session(sessions, people):
    session_id = user_sessions.start(sessions, username="ada", now=T0)
    with pytest.raises(PermissionDenied, match="cannot deactivate your own account"):
        accounts.set_active(sessions, user_id=people["ada"], active=False, actor="ada")
    assert user_sessions.resolve(sessions, session_id, now=_at(1)).user is not None


def test_an_inactive_account_is_refused_however_it_became_inactive(sessions, people):
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    with sessions.begin() as session:  # e.g. a database restored or edited by hand: no revocation
        session.execute(update(User).where(User.username == "cora").values(active=False))
    assert user_sessions.resolve(sessions, session_id, now=_at(1)).ended == user_sessions.INACTIVE
    with pytest.raises(AuthenticationFailed, match="not active"):
        user_sessions.start(sessions, username="cora")
    with pytest.raises(AuthenticationFailed):
        user_sessions.start(sessions, username="nobody")


def test_a_role_change_shows_on_the_next_resolve(sessions, people):
    session_id = user_sessions.start(sessions, username="cora", now=T0)
    accounts.change_role(sessions, user_id=people["cora"], role="organizer", actor="ada")
    assert user_sessions.resolve(sessions, session_id, now=_at(1)).user["role"] == "organizer"  # type: ignore[index]


def test_sessions_ended_a_month_ago_are_cleared_away_at_the_next_sign_in(sessions, people):
    old = user_sessions.start(sessions, username="cora", now=T0 - dt.timedelta(days=40))
    recent = user_sessions.start(sessions, username="cora", now=T0 - dt.timedelta(days=2))
    user_sessions.start(sessions, username="ada", now=T0)
    with sessions() as session:
        kept = set(session.scalars(select(UserSession.token_hash)))
    assert user_sessions.hash_session_id(old) not in kept
    assert user_sessions.hash_session_id(recent) in kept
