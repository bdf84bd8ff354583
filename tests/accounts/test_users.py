"""Account administration: create, change role, deactivate, reset, unlock; every write audited; an admin
cannot lock themselves out and the last admin stays."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from outreach import audit
from outreach.accounts import auth
from outreach.accounts import users as accounts
from outreach.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound, PermissionDenied
from outreach.models import User

PASSWORD = "long-enough-pw"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Argon2 at its production cost takes 0.2 s a hash; these tests are about rules, not hash strength
    (tests/accounts/test_auth.py checks the production hasher)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def people(sessions) -> dict[str, int]:
    ids = {}
    for name, role in (("ada", "admin"), ("alan", "admin"), ("cora", "coordinator")):
        ids[name] = accounts.create_account(sessions, username=name, password=PASSWORD, role=role, actor="t")
    return ids


def _user(sessions, user_id: int) -> User:
    with sessions() as session:
        return session.get(User, user_id)


def test_user_table_has_no_password_hashes_and_says_how_people_sign_in(sessions, people):
    auth.create_user(sessions, username="sso", password=None, role="organizer", actor="t", email="s@nyc.gov")
    table = accounts.user_table(sessions)
    assert "password_hash" not in table.columns
    assert dict(zip(table["username"], table["sign_in"], strict=True)) == {
        "ada": "password",
        "alan": "password",
        "cora": "password",
        "sso": "single sign-on",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short"}, "too short"),
        ({"password": "1234567890123"}, "only digits"),
        ({"password": " padded-password "}, "spaces"),
        ({"username": "Bad Name!"}, "not valid"),
        ({"role": "superuser"}, "Unknown role"),
        ({"email": "not-an-address"}, "not an e-mail address"),
        ({"email": "CORA@example.org"}, "already belongs"),
        ({"username": "cora"}, "taken"),
    ],
)
def test_create_account_rules(sessions, people, fields, message):
    # cora gets an address for the duplicate-address case to collide with.
    with sessions.begin() as session:
        session.get(User, people["cora"]).email = "cora@example.org"
    values = {"username": "newbie", "password": PASSWORD, "role": "organizer", "actor": "ada", **fields}
    before = len(accounts.user_table(sessions))
    with pytest.raises(InvalidInput, match=message):
        accounts.create_account(sessions, **values)
    assert len(accounts.user_table(sessions)) == before


def test_create_account_stores_a_lower_case_address_and_audits(sessions, people):
    new = accounts.create_account(
        sessions, username="Mia", password=PASSWORD, role="organizer", actor="ada", email=" Mia@NYC.gov "
    )
    assert _user(sessions, new).email == "mia@nyc.gov"
    entry = audit.history(sessions, entity="user", entity_id=new).iloc[0]
    assert (entry["actor"], entry["action"]) == ("ada", "create")


def test_change_role_is_audited_with_before_and_after(sessions, people):
    accounts.change_role(sessions, user_id=people["cora"], role="organizer", actor="ada")
    assert _user(sessions, people["cora"]).role == "organizer"
    entry = audit.history(sessions, entity="user", entity_id=people["cora"]).iloc[0]
    assert (entry["action"], entry["before"], entry["after"]) == (
        "change_role",
        '{"role": "coordinator"}',
        '{"role": "organizer"}',
    )
    with pytest.raises(InvalidInput, match="Unknown role"):
        accounts.change_role(sessions, user_id=people["cora"], role="owner", actor="ada")
    with pytest.raises(NotFound, match="No user #999"):
        accounts.change_role(sessions, user_id=999, role="admin", actor="ada")


def test_an_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(sessions, people):
    with pytest.raises(PermissionDenied, match="your own admin role"):
        accounts.change_role(sessions, user_id=people["ada"], role="coordinator", actor="ada")
    with pytest.raises(PermissionDenied, match="deactivate your own account"):
        accounts.set_active(sessions, user_id=people["ada"], active=False, actor="ada")
    me = _user(sessions, people["ada"])
    assert (me.role, me.active) == ("admin", True)
    # Another admin may.
    accounts.change_role(sessions, user_id=people["ada"], role="coordinator", actor="alan")
    assert _user(sessions, people["ada"]).role == "coordinator"


def test_the_last_active_admin_stays_an_admin(sessions, people):
    accounts.set_active(sessions, user_id=people["alan"], active=False, actor="ada")
    # ada is now the only active admin; cora (not admin) cannot use the page, but the verbs guard anyway.
    with pytest.raises(Conflict, match="ada is the last active admin"):
        accounts.change_role(sessions, user_id=people["ada"], role="organizer", actor="cora")
    with pytest.raises(Conflict, match="last active admin"):
        accounts.set_active(sessions, user_id=people["ada"], active=False, actor="cora")
    assert _user(sessions, people["ada"]).role == "admin"


def test_deactivate_stops_sign_in_and_reactivate_restores_it(sessions, people):
    accounts.set_active(sessions, user_id=people["cora"], active=False, actor="ada")
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(sessions, username="cora", password=PASSWORD)
    accounts.set_active(sessions, user_id=people["cora"], active=True, actor="ada")
    assert auth.authenticate(sessions, username="cora", password=PASSWORD)["role"] == "coordinator"
    actions = audit.history(sessions, entity="user", entity_id=people["cora"], actor="ada")["action"].tolist()
    assert actions == ["reactivate", "deactivate"]


def _lock(sessions, username: str) -> None:
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(sessions, username=username, password="wrong-password")
    with pytest.raises(AuthenticationFailed, match="Too many failed sign-ins"):
        auth.authenticate(sessions, username=username, password=PASSWORD)


def test_lockout_after_repeated_failures_and_unlock(sessions, people):
    _lock(sessions, "cora")
    with sessions() as session:
        assert session.scalar(select(User.locked_until).where(User.username == "cora")) is not None
    accounts.unlock(sessions, user_id=people["cora"], actor="ada")
    assert auth.authenticate(sessions, username="cora", password=PASSWORD)["username"] == "cora"
    assert "unlock" in audit.history(sessions, entity="user", entity_id=people["cora"])["action"].tolist()


def test_reset_password_applies_the_rules_and_lifts_a_lockout(sessions, people):
    _lock(sessions, "cora")
    with pytest.raises(InvalidInput, match="too short"):
        accounts.reset_password(sessions, user_id=people["cora"], password="short", actor="ada")
    accounts.reset_password(sessions, user_id=people["cora"], password="a-brand-new-pw", actor="ada")
    assert auth.authenticate(sessions, username="cora", password="a-brand-new-pw")["username"] == "cora"
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(sessions, username="cora", password=PASSWORD)
    entry = audit.history(sessions, entity="user", entity_id=people["cora"], action="set_password").iloc[0]
    assert entry["actor"] == "ada" and "a-brand-new-pw" not in str(entry["after"])
