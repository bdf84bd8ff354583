"""Who is signed in, resolved from the server-side session on every run: a session ended elsewhere is out on the
next rerun with the reason; sign-out ends it at once; the sign-in page hands the page asked for on to the cookie
route. (app.py sending a signed-out visitor from a restricted page to sign-in: tests/e2e/test_sessions.py, as
AppTest re-runs only the page after switching pages.)"""

from __future__ import annotations

import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from outreach.accounts import auth
from outreach.accounts import sessions as user_sessions
from outreach.accounts import sso as identity
from outreach.accounts import users as accounts
from outreach.models import UserSession
from outreach.ui import session_cookie, state
from tests.pages.conftest import ROOT, page_text

PASSWORD = "long-enough-pw"


@pytest.fixture
def cora(app_env, sessions, monkeypatch) -> tuple[object, int]:
    """The app pointed at this test's database, with an admin and a coordinator who can sign in."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    auth.create_user(sessions, username="ada", password=PASSWORD, role="admin", actor="t")
    return sessions, auth.create_user(
        sessions, username="cora", password=PASSWORD, role="coordinator", actor="t"
    )


def _signed_in_on_the_sign_in_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "sign_in.py"), default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.text_input(key=state.SIGN_IN_USERNAME).set_value("cora")
    at.text_input(key=state.SIGN_IN_PASSWORD).set_value(PASSWORD)
    next(button for button in at.button if button.label == "Sign in").click()
    return at.run()


def _live_sessions(sessions) -> list[UserSession]:
    with sessions() as session:
        return list(session.scalars(select(UserSession).where(UserSession.revoked_at.is_(None))))


def test_signing_in_starts_a_server_side_session(cora):
    sessions, cora_id = cora
    at = _signed_in_on_the_sign_in_page()
    assert "You are signed in as cora (coordinator)" in page_text(at)
    [live] = _live_sessions(sessions)
    assert live.user_id == cora_id
    # The tab keeps the id (in server memory), the table only its hash.
    assert live.token_hash == user_sessions.hash_session_id(at.session_state[state.SESSION_ID])


@pytest.mark.parametrize(
    ("end", "reason"),
    [
        ("deactivate", "You were signed out (in another tab, or by an admin)"),
        ("sign_out", "You were signed out (in another tab, or by an admin)"),
        ("idle", "You were signed out after a period of inactivity"),
    ],
)
def test_a_session_ended_elsewhere_is_out_on_the_next_rerun_with_the_reason(cora, end, reason):
    """A tab of app.py signed in with a session; the session ends elsewhere; the tab's next run says why."""
    sessions, cora_id = cora
    session_id = user_sessions.start(sessions, username="cora")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[state.SESSION_ID] = session_id
    at.session_state[state.USER] = {"username": "cora", "display_name": "cora", "role": "coordinator"}
    if end == "deactivate":  # an admin, in another browser
        accounts.set_active(sessions, user_id=cora_id, active=False, actor="ada")
    elif end == "sign_out":  # another tab
        user_sessions.revoke(sessions, session_id)
    else:
        with sessions.begin() as session:
            session.execute(update(UserSession).values(idle_expires_at=UserSession.created_at))
    at.run()
    assert not at.exception
    assert state.USER not in at.session_state and state.SESSION_ID not in at.session_state
    assert reason in page_text(at).replace("\\", "")
    assert at.text_input(key=state.SIGN_IN_USERNAME) is not None and not at.sidebar.button


def test_a_live_session_keeps_the_tab_signed_in(cora):
    sessions, _ = cora
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[state.SESSION_ID] = user_sessions.start(sessions, username="cora")
    at.run()
    assert at.session_state[state.USER]["username"] == "cora"
    assert at.sidebar.button(key=state.SIGN_OUT) is not None


def test_sign_out_ends_the_server_side_session_at_once(cora):
    sessions, _ = cora

    def script():
        import streamlit as st

        from outreach.ui import guards

        if st.button("in", key="in"):
            guards.sign_in({"username": "cora", "display_name": "Cora", "role": "coordinator"})
        if st.button("out", key="out"):
            guards.sign_out(clear_cookie=True)
        st.write(f"user: {guards.current_user()}")

    at = AppTest.from_function(script, default_timeout=30).run()
    at.button(key="in").click().run()
    assert "'username': 'cora'" in at.markdown[0].value and len(_live_sessions(sessions)) == 1
    at.button(key="out").click().run()
    assert at.markdown[0].value == "user: None"
    assert _live_sessions(sessions) == []


@pytest.mark.parametrize(
    ("asked", "lands_on"),
    [
        ("inventory", "inventory"),
        ("requests", "requests"),
        ("dashboard", ""),  # the default page: served at the root, its own path says "Page not found"
        ("https://evil.example", ""),
    ],
)
def test_the_sign_in_page_hands_the_page_asked_for_to_the_cookie_route(cora, monkeypatch, asked, lands_on):
    mounted = threading.Event()
    mounted.set()
    monkeypatch.setattr(session_cookie, "_mounted", mounted)  # as under serve.py
    monkeypatch.setattr(session_cookie, "_handovers", {})
    at = _signed_in_on_the_sign_in_page({state.NEXT_PAGE: asked})
    code = at.session_state[state.COOKIE_HAND_OVER]["code"]
    handover = session_cookie._redeem(code)
    assert handover is not None
    assert (handover.session_id, handover.destination) == (at.session_state[state.SESSION_ID], lands_on)


def test_a_single_sign_on_tab_whose_session_ended_asks_before_signing_in_again(cora):
    """The provider's sign-in outlives ours: after our session ends, the person confirms (or signs out of the
    provider too) instead of being signed straight back in. The tab was opened with the cookie (after the
    sign-in's reload), so nothing of the sign-in itself is in its session state."""
    sessions, _ = cora
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="organizer", actor="ada")
    jane = {"is_logged_in": True, "email": "jane@nyc.gov", "name": "Jane Doe", "email_verified": True}
    identity.sign_in_with_identity(sessions, claims=jane, provider="Microsoft")
    at = AppTest.from_file(str(ROOT / "pages" / "sign_in.py"), default_timeout=30)
    at.session_state[state.SESSION_ID] = user_sessions.start(sessions, username="jane@nyc.gov")
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "0" * 32,
        "microsoft": {
            "client_id": "kyr",
            "client_secret": "not-a-real-secret",
            "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration",
        },
    }
    at.user = jane
    at.run()
    assert "You are signed in as Jane Doe (organizer)" in page_text(at)
    user_sessions.revoke(sessions, at.session_state[state.SESSION_ID])  # e.g. signed out in another tab
    at.run()
    assert state.USER not in at.session_state
    assert "still active here" in page_text(at)
    assert at.button(key=state.OIDC_CONTINUE) is not None
