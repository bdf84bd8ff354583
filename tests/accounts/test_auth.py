"""Local accounts: rules for new users, argon2 hashes, one message for every failed sign-in, lockout after
five failures, audit rows, and the `create-user` command."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from outreach import audit
from outreach.accounts import auth
from outreach.db import SessionFactory
from outreach.errors import AuthenticationFailed, InvalidInput
from outreach.models import AuditEntry, User

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
WRONG = "Wrong username or password. Check both and try again."


def counts(sessions: SessionFactory) -> tuple[int, int]:
    with sessions() as session:
        users = session.scalar(select(func.count()).select_from(User))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return int(users or 0), int(audits or 0)


def stored(sessions: SessionFactory, username: str) -> User:
    with sessions() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return user


@pytest.fixture
def cora(sessions: SessionFactory) -> int:
    return auth.create_user(
        sessions,
        username="Cora",
        password=PASSWORD,
        role="coordinator",
        actor="admin",
        display_name="Cora C.",
    )


def test_create_user_stores_an_argon2_hash_and_audits(sessions, cora):
    user = stored(sessions, "cora")  # usernames are lower-cased
    assert (user.id, user.role, user.display_name, user.active) == (cora, "coordinator", "Cora C.", True)
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    entry = audit.history(sessions, entity="user", entity_id=cora).iloc[0]
    assert (entry["action"], entry["actor"]) == ("create", "admin")
    assert PASSWORD not in (entry["after"] or "") and "cora" in entry["after"]
    assert auth.users(sessions)["username"].tolist() == ["cora"]
    assert "password_hash" not in auth.users(sessions).columns
    assert len(auth.users(sessions)) == 1


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("a", "admin", PASSWORD, "Username 'a' is not valid"),
        ("bad name", "admin", PASSWORD, "Username 'bad name' is not valid"),
        ("-dash", "admin", PASSWORD, "Username '-dash' is not valid"),
        ("", "admin", PASSWORD, "Username '' is not valid"),
        ("x" * 81, "admin", PASSWORD, "is not valid"),
        ("ok-name", "superuser", PASSWORD, "Unknown role 'superuser'"),
        ("ok-name", "admin", "short", "too short: use at least 10"),
        ("ok-name", "admin", " padded password ", "must not start or end with spaces"),
        ("ok-name", "admin", "1234567890", "be only digits"),
    ],
)
def test_create_user_rules(sessions, username, role, password, message):
    before = counts(sessions)
    with pytest.raises(InvalidInput, match=message):
        auth.create_user(sessions, username=username, password=password, role=role, actor="admin")
    assert counts(sessions) == before


def test_username_must_be_unique(sessions, cora):
    before = counts(sessions)
    with pytest.raises(InvalidInput, match="The username 'cora' is taken"):
        auth.create_user(sessions, username=" CORA ", password=PASSWORD, role="admin", actor="admin")
    assert counts(sessions) == before


def test_email_must_be_unique(sessions):
    auth.create_user(
        sessions, username="one", password=PASSWORD, role="admin", actor="cli", email="a@example.org"
    )
    before = counts(sessions)
    with pytest.raises(InvalidInput, match="'A@example.org' already belongs to another account"):
        auth.create_user(
            sessions, username="two", password=PASSWORD, role="admin", actor="cli", email="A@example.org"
        )
    assert counts(sessions) == before


def test_authenticate_ok_records_sign_in(sessions, cora):
    user = auth.authenticate(sessions, username=" Cora ", password=PASSWORD)
    assert user == {"username": "cora", "display_name": "Cora C.", "role": "coordinator"}
    assert stored(sessions, "cora").last_login_at is not None
    entry = audit.history(sessions, entity="user", entity_id=cora).iloc[0]
    assert (entry["action"], entry["actor"]) == ("sign_in", "cora")


@pytest.mark.parametrize(
    ("username", "password"),
    [("cora", "wrong password!"), ("cora", ""), ("nobody", PASSWORD), ("", ""), ("nobody", "")],
)
def test_wrong_password_and_unknown_user_get_the_same_message(sessions, cora, username, password):
    with pytest.raises(AuthenticationFailed) as caught:
        auth.authenticate(sessions, username=username, password=password)
    assert str(caught.value) == WRONG


def test_account_without_password_or_inactive_cannot_sign_in(sessions):
    auth.create_user(sessions, username="sso-user", password=None, role="organizer", actor="admin")
    with pytest.raises(AuthenticationFailed, match=WRONG):
        auth.authenticate(sessions, username="sso-user", password="")
    auth.create_user(sessions, username="gone", password=PASSWORD, role="organizer", actor="admin")
    with sessions.begin() as session:
        session.execute(update(User).where(User.username == "gone").values(active=False))
    with pytest.raises(AuthenticationFailed, match=WRONG):
        auth.authenticate(sessions, username="gone", password=PASSWORD)


def test_lockout_after_five_failures(sessions, cora):
    for attempt in range(1, 5):
        with pytest.raises(AuthenticationFailed, match=WRONG):
            auth.authenticate(sessions, username="cora", password="not it at all")
        assert stored(sessions, "cora").failed_attempts == attempt  # failures are remembered (committed)
    with pytest.raises(AuthenticationFailed, match=WRONG):
        auth.authenticate(sessions, username="cora", password="not it at all")
    assert stored(sessions, "cora").locked_until is not None
    assert audit.history(sessions, entity="user", entity_id=cora).iloc[0]["action"] == "lock"

    # Locked: even the right password is refused, with a message that says so and when to retry.
    with pytest.raises(AuthenticationFailed) as caught:
        auth.authenticate(sessions, username="cora", password=PASSWORD)
    assert "Too many failed sign-ins" in str(caught.value)
    assert "Try again in 15 minutes" in str(caught.value)

    # Once the lock has run out, the right password works and the counters reset.
    with sessions.begin() as session:
        past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
        session.execute(update(User).where(User.id == cora).values(locked_until=past))
    assert auth.authenticate(sessions, username="cora", password=PASSWORD)["role"] == "coordinator"
    user = stored(sessions, "cora")
    assert (user.failed_attempts, user.locked_until) == (0, None)


def test_a_success_resets_the_failure_count(sessions, cora):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(sessions, username="cora", password="nope nope nope")
    auth.authenticate(sessions, username="cora", password=PASSWORD)
    assert stored(sessions, "cora").failed_attempts == 0
    with pytest.raises(AuthenticationFailed, match=WRONG):  # a fresh start: not locked after one more
        auth.authenticate(sessions, username="cora", password="nope nope nope")


def test_set_password(sessions, cora):
    with pytest.raises(InvalidInput, match="too short"):
        auth.set_password(sessions, username="cora", password="tiny", actor="admin")
    auth.set_password(sessions, username="cora", password="a brand new secret", actor="admin")
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(sessions, username="cora", password=PASSWORD)
    assert auth.authenticate(sessions, username="cora", password="a brand new secret")["username"] == "cora"
    assert "set_password" in audit.history(sessions, entity="user", entity_id=cora)["action"].tolist()


def test_cli_creates_a_user(sessions, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "KYR_DEMO_DATA": "0"}
    command = [
        sys.executable,
        "-m",
        "outreach.accounts.auth",
        "create-user",
        "--username",
        "First-Admin",
        "--role",
        "admin",
    ]
    done = subprocess.run(
        [*command, "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Created admin 'First-Admin'" in done.stdout
    assert auth.authenticate(sessions, username="first-admin", password=PASSWORD)["role"] == "admin"
    assert audit.history(sessions, entity="user")["actor"].tolist()[-1] == "cli"

    again = subprocess.run(
        [*command, "--password-stdin"],
        input="short\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 2
    assert "too short" in again.stderr
    assert len(auth.users(sessions)) == 1
