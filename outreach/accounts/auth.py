"""Local accounts and roles. Passwords are hashed with argon2 (argon2-cffi); nothing else is stored.

`python -m outreach.accounts.auth create-user --username NAME --role admin` makes the first admin (asks for the password).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from outreach import audit
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import AuthenticationFailed, InvalidInput, NotFound
from outreach.models import User
from outreach.text import clean_text, has_control_characters

ROLES = ("admin", "coordinator", "organizer")
# Who may open what: pages declare the roles they allow; these are the building blocks.
STAFF = ("admin", "coordinator")
SIGNED_IN = ROLES
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,78}$")
MAX_DISPLAY_NAME = 120  # users.display_name
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
    if password.strip() != password or password.isdigit():
        raise InvalidInput("The password must not start or end with spaces or be only digits.")


def create_user(
    sessions: SessionFactory,
    *,
    username: str,
    password: str | None,
    role: str,
    actor: str,
    display_name: str | None = None,
    email: str | None = None,
) -> int:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            f"Username {username!r} is not valid: use 2-79 lower-case letters, digits, dots, dashes or underscores."
        )
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}. Use one of: {', '.join(ROLES)}.")
    if password is not None:
        _check_password_rules(password)
    shown_name = clean_text(display_name, field="The full name", max_length=MAX_DISPLAY_NAME) or name
    with sessions.begin() as session:
        if session.scalar(select(User.id).where(User.username == name)):
            raise InvalidInput(f"The username {name!r} is taken. Choose another.")
        # Checked here too (not only in accounts.py) so the CLI says so instead of an IntegrityError.
        if email and session.scalar(select(User.id).where(func.lower(User.email) == email.strip().lower())):
            raise InvalidInput(f"The address {email!r} already belongs to another account.")
        user = User(
            username=name,
            display_name=shown_name,
            role=role,
            email=(email or None),
            password_hash=_hasher.hash(password) if password else None,
        )
        return audit.add_and_record(
            session, user, actor=actor, entity="user", after={"username": name, "role": role}
        )


def authenticate(sessions: SessionFactory, *, username: str, password: str) -> dict[str, str]:
    """Return {'username', 'display_name', 'role'} or raise AuthenticationFailed (same message either way)."""
    failure = AuthenticationFailed("Wrong username or password. Check both and try again.")
    name = (username or "").strip().lower()
    # A name no account can have (control characters, longer than the column) is looked up as nobody: NUL
    # would make PostgreSQL refuse the query, and the answer must look the same as for any unknown name.
    lookup = "" if has_control_characters(name) or len(name) > 254 else name
    with sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == lookup)) if lookup else None
        if user is None or not user.active or not user.password_hash:
            try:
                _hasher.verify(_DUMMY_HASH, password or "x")
            except VerificationError:
                pass
            raise failure
        now = utcnow()
        if user.locked_until and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            raise AuthenticationFailed(
                f"Too many failed sign-ins for this account. Try again in {minutes} minutes or ask an admin."
            )
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            user.failed_attempts += 1
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.locked_until, user.failed_attempts = now + LOCKOUT, 0
                audit.record(session, actor="system", action="lock", entity="user", entity_id=user.id)
            session.commit()
            raise failure from None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.failed_attempts, user.locked_until, user.last_login_at = 0, None, now
        audit.record(session, actor=user.username, action="sign_in", entity="user", entity_id=user.id)
        return {"username": user.username, "display_name": user.display_name, "role": user.role}


def set_password(sessions: SessionFactory, *, username: str, password: str, actor: str) -> None:
    _check_password_rules(password)
    with sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"No user named {username!r}.")
        user.password_hash, user.failed_attempts, user.locked_until = _hasher.hash(password), 0, None
        audit.record(session, actor=actor, action="set_password", entity="user", entity_id=user.id)


def users(sessions: SessionFactory) -> pd.DataFrame:
    return read_frame(
        sessions,
        select(
            User.id, User.username, User.display_name, User.email, User.role, User.active, User.last_login_at
        ).order_by(User.username),
    )


def main(argv: list[str] | None = None) -> int:
    from outreach.db import make_engine, make_sessions, migrate

    parser = argparse.ArgumentParser(
        prog="python -m outreach.accounts.auth", description="Manage local accounts."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="create a local account (asks for the password)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", choices=ROLES, default="admin")
    create.add_argument("--display-name")
    create.add_argument("--email")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    engine = make_engine()
    migrate(engine)
    sessions = make_sessions(engine)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            print("The two passwords differ; nothing was created.", file=sys.stderr)
            return 2
    try:
        create_user(
            sessions,
            username=args.username,
            password=password,
            role=args.role,
            actor="cli",
            display_name=args.display_name,
            email=args.email,
        )
    except InvalidInput as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Created {args.role} {args.username!r}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
