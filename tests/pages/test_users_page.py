"""The Users page (admins only) and the session rules: sign-out, idle timeout, lockout on the sign-in page."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from outreach import audit, config
from outreach.accounts import auth
from outreach.accounts import sso as identity
from outreach.models import User
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.pages.conftest import ROOT, USERS, open_page, page_text

PASSWORD = "long-enough-pw"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Production-cost argon2 (0.2 s a hash) is not what these tests are about."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def team(page_db):
    """Accounts matching tests/pages/conftest.py USERS (ada is the admin running the page) plus a second admin."""
    sessions, _ = page_db
    ids = {}
    for name, role in (("ada", "admin"), ("alan", "admin"), ("cora", "coordinator"), ("otto", "organizer")):
        ids[name] = auth.create_user(sessions, username=name, password=PASSWORD, role=role, actor="t")
    return sessions, ids


def _submit(at, label):
    next(button for button in at.button if button.label == label).click()
    return at.run()


def _errors(at) -> list[str]:
    """Error texts without the markdown escaping show_error adds."""
    return [error.value.replace("\\", "") for error in at.error]


def _user(sessions, name: str) -> User | None:
    with sessions() as session:
        return session.scalar(select(User).where(User.username == name))


def test_admin_sees_every_account_without_password_hashes(team):
    at = open_page("pages/users.py", "admin")
    assert not at.exception
    table = at.dataframe[0].value
    assert table["username"].tolist() == ["ada", "alan", "cora", "otto"]
    assert "password_hash" not in table.columns


@pytest.mark.parametrize("role", ["coordinator", "organizer", None])
def test_only_admins_can_open_it(team, role):
    at = open_page("pages/users.py", role)
    assert not at.dataframe and not at.text_input


def test_admin_adds_a_user_with_the_password_rules_enforced(team):
    sessions, _ = team
    at = open_page("pages/users.py", "admin")
    at.segmented_control(key=state.USERS_SECTION).set_value("add").run()
    at.text_input(key=state.USERS_NEW_USERNAME).set_value("maria.r")
    at.text_input(key=state.USERS_NEW_DISPLAY_NAME).set_value("María Rodríguez")
    at.text_input(key=state.USERS_NEW_EMAIL).set_value("maria@example.org")
    at.selectbox(key=state.USERS_NEW_ROLE).set_value("coordinator")
    at.text_input(key=state.USERS_NEW_PASSWORD).set_value("short")
    at.text_input(key=state.USERS_NEW_PASSWORD_AGAIN).set_value("short")
    at = _submit(at, "Add user")
    assert any("too short" in error for error in _errors(at))
    assert _user(sessions, "maria.r") is None

    at.text_input(key=state.USERS_NEW_PASSWORD).set_value("a-good-password")
    at.text_input(key=state.USERS_NEW_PASSWORD_AGAIN).set_value("a-different-one")
    at = _submit(at, "Add user")
    assert any("passwords differ" in error for error in _errors(at))

    at.text_input(key=state.USERS_NEW_PASSWORD_AGAIN).set_value("a-good-password")
    at = _submit(at, "Add user")
    assert not _errors(at), _errors(at)
    assert "maria.r" in at.dataframe[0].value["username"].tolist()  # the table shows it at once
    assert [s.value for s in at.success] == ["Added maria\\.r as coordinator."]
    assert at.segmented_control(key=state.USERS_SECTION).value == "add"  # still adding users
    assert (
        auth.authenticate(sessions, username="maria.r", password="a-good-password")["role"] == "coordinator"
    )
    created = audit.history(sessions, entity="user", action="create").iloc[0]
    assert created["actor"] == "ada" and "maria.r" in created["after"]


def _manage(at, user_id: int, action: str, *, role: str | None = None, password: str = ""):
    at.selectbox(key=state.USERS_MANAGE_USER).set_value(user_id)
    at.radio(key=state.USERS_MANAGE_ACTION).set_value(action)
    at.selectbox(key=state.USERS_MANAGE_ROLE).set_value(role)
    at.text_input(key=state.USERS_MANAGE_PASSWORD).set_value(password)
    return _submit(at, "Apply")


def test_an_admin_cannot_demote_or_deactivate_themselves(team):
    sessions, ids = team
    at = open_page("pages/users.py", "admin")
    at = _manage(at, ids["ada"], "role", role="coordinator")
    assert any("cannot remove your own admin role" in error for error in _errors(at))
    at = _manage(at, ids["ada"], "deactivate")
    assert any("cannot deactivate your own account" in error for error in _errors(at))
    me = _user(sessions, "ada")
    assert (me.role, me.active) == ("admin", True)


def test_deactivating_a_user_shows_them_inactive_in_the_table_at_once(team):
    sessions, ids = team
    at = open_page("pages/users.py", "admin")
    table = at.dataframe[0].value.set_index("username")
    assert bool(table.loc["otto", "active"]) is True
    at = _manage(at, ids["otto"], "deactivate")
    assert not _errors(at), _errors(at)
    table = at.dataframe[0].value.set_index("username")
    assert bool(table.loc["otto", "active"]) is False and bool(table.loc["cora", "active"]) is True
    assert [s.value for s in at.success] == [escape_markdown("otto (organizer)") + ": deactivated."]
    at.run()
    assert not at.success  # the confirmation is shown once


def test_admin_changes_roles_deactivates_resets_and_unlocks_others(team):
    sessions, ids = team
    at = open_page("pages/users.py", "admin")
    at = _manage(at, ids["cora"], "role", role="organizer")
    assert not _errors(at) and _user(sessions, "cora").role == "organizer"

    at = _manage(at, ids["otto"], "deactivate")
    assert not _errors(at) and _user(sessions, "otto").active is False
    assert "otto (organizer, inactive)" in at.selectbox(key=state.USERS_MANAGE_USER).options

    at = _manage(at, ids["cora"], "password", password="1234")
    assert any("too short" in error for error in _errors(at))
    at = _manage(at, ids["cora"], "password", password="a-fresh-password")
    assert auth.authenticate(sessions, username="cora", password="a-fresh-password")

    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.AuthenticationFailed):
            auth.authenticate(sessions, username="alan", password="wrong-password")
    assert _user(sessions, "alan").locked_until is not None
    at = _manage(at, ids["alan"], "unlock")
    assert _user(sessions, "alan").locked_until is None

    actions = audit.history(sessions, entity="user", actor="ada")["action"].tolist()
    assert actions == ["unlock", "set_password", "deactivate", "change_role"]


def test_admin_maps_a_domain_to_a_role_for_single_sign_on(team):
    sessions, _ = team
    at = open_page("pages/users.py", "admin")
    at.segmented_control(key=state.USERS_SECTION).set_value("sso").run()
    assert "Single sign-on is off" in page_text(at)
    at.text_input(key=state.USERS_MAP_PATTERN).set_value("not a domain")
    at = _submit(at, "Add mapping")
    assert any("neither an e-mail address" in error for error in _errors(at))
    at.text_input(key=state.USERS_MAP_PATTERN).set_value("@NYC.gov")
    at.selectbox(key=state.USERS_MAP_ROLE).set_value("coordinator")
    at = _submit(at, "Add mapping")
    assert not _errors(at)
    assert identity.role_mappings(sessions)["pattern"].tolist() == ["@nyc.gov"]
    mapping = int(identity.role_mappings(sessions)["id"].iloc[0])
    at.selectbox(key=state.USERS_UNMAP_ID).set_value(mapping)
    at = _submit(at, "Remove mapping")
    assert identity.role_mappings(sessions).empty
    assert [s.value for s in at.success] == ["Mapping removed."]
    assert at.segmented_control(key=state.USERS_SECTION).value == "sso"


# --- sessions -----------------------------------------------------------------------------------------


def _app_as(role: str, *, idle_minutes: float) -> AppTest:
    """One run of app.py for a session last seen `idle_minutes` ago. (AppTest re-runs only the page
    after the first run of a st.navigation app, so each case is a single run.)"""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[state.USER] = USERS[role]
    at.session_state[state.LAST_SEEN] = time.time() - idle_minutes * 60
    return at.run()


def test_an_idle_session_is_signed_out_with_a_message(team):
    at = _app_as("coordinator", idle_minutes=31)  # default timeout: 30 minutes
    assert not at.exception
    assert state.USER not in at.session_state
    assert "signed out after a period of inactivity" in page_text(at)
    assert at.text_input(key=state.SIGN_IN_USERNAME) is not None and not at.dataframe
    assert not at.sidebar.button  # no sign-out button: nobody is signed in


def test_an_active_session_stays_signed_in(team):
    at = _app_as("coordinator", idle_minutes=29)
    assert at.session_state[state.USER]["username"] == "cora"
    assert at.sidebar.button(key=state.SIGN_OUT) is not None


def test_the_idle_timeout_is_a_setting(team, monkeypatch):
    monkeypatch.setenv("KYR_SESSION_IDLE_MINUTES", "5")
    config.settings.cache_clear()
    at = _app_as("coordinator", idle_minutes=6)
    assert state.USER not in at.session_state


def test_an_idle_session_on_a_restricted_page_shows_nothing_restricted(team):
    at = open_page("pages/users.py", "admin")
    at.session_state[state.LAST_SEEN] = time.time() - 31 * 60
    at.run()
    assert state.USER not in at.session_state
    assert not at.dataframe and not at.text_input
    assert "Please sign in" in page_text(at)


def test_sign_out_forgets_the_user():
    def script():
        import streamlit as st

        from outreach.ui import guards

        if st.button("out", key="out"):
            guards.sign_out()
        st.write(f"user: {guards.current_user()}")

    at = AppTest.from_function(script)
    at.session_state[state.USER] = USERS["admin"]
    at.session_state[state.LAST_SEEN] = time.time()
    at.run()
    assert "user: {'username': 'ada'" in at.markdown[0].value
    at.button(key="out").click().run()
    assert at.markdown[0].value == "user: None"
    assert state.USER not in at.session_state and state.LAST_SEEN not in at.session_state


def test_the_sign_in_page_locks_an_account_after_five_failures(team):
    sessions, _ = team
    at = open_page("pages/sign_in.py")
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        at.text_input(key=state.SIGN_IN_USERNAME).set_value("cora")
        at.text_input(key=state.SIGN_IN_PASSWORD).set_value("wrong-password")
        at = _submit(at, "Sign in")
    at.text_input(key=state.SIGN_IN_PASSWORD).set_value(PASSWORD)
    at = _submit(at, "Sign in")
    assert any("Too many failed sign-ins" in error for error in _errors(at))
    assert state.USER not in at.session_state
