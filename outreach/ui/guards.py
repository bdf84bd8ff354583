"""Who is signed in, and the role checks every page runs first.

Navigation is not authorization: a page opened directly by URL, or run without app.py, calls
`require_role` and shows nothing restricted to the wrong visitor.

Who is signed in comes from a server-side session (outreach.accounts.sessions), resolved again on every run:
this tab's own sign-in, else the session the browser's cookie names (a reload, a new tab;
outreach/ui/session_cookie.py). A session ended anywhere (sign-out in another tab, the account deactivated,
idle or absolute expiry) is out on that tab's next rerun. Page tests (AppTest) put a user straight into
session state, without a session: such a user is taken as is, with the idle timeout.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from outreach.accounts import sessions as user_sessions
from outreach.config import settings
from outreach.ui import session_cookie, state
from outreach.ui.navigation import PAGES, SIGN_IN, signed_in_address, url_path
from outreach.ui.resources import get_sessions

IDLE_MESSAGE = "You were signed out after a period of inactivity. Please sign in again."
ENDED_MESSAGES = {
    user_sessions.IDLE: IDLE_MESSAGE,
    user_sessions.EXPIRED: "Your sign-in reached its time limit. Please sign in again.",
    user_sessions.REVOKED: "You were signed out (in another tab, or by an admin). Please sign in again.",
    user_sessions.INACTIVE: "Your account is no longer active. Ask an admin if you need access.",
    user_sessions.UNKNOWN: "You were signed out. Please sign in again.",
}
RESTRICTED_URL_PATHS = frozenset(url_path(spec) for spec in PAGES)


def sign_in(user: dict[str, str], *, destination: str | None = None) -> None:
    """Start a session for someone who has just proved who they are. The next run (app.py's
    `finish_sign_in`) gives the browser its cookie and opens `destination` (a restricted page's URL path,
    as the sign-in page got it in its `next` query parameter; anything else opens the first page)."""
    session_id = user_sessions.start(get_sessions(), username=user["username"])
    st.session_state[state.SESSION_ID] = session_id
    st.session_state[state.USER] = dict(user)
    if session_cookie.mounted():
        code = session_cookie.issue_handover(session_id, destination_or_home(destination))
        st.session_state[state.COOKIE_HAND_OVER] = {"code": code}


def sign_out(*, clear_cookie: bool = False) -> None:
    """End this tab's session at once (every tab of the browser follows on its next rerun).
    `clear_cookie`: the browser also drops the cookie, on the next run (the Sign out button)."""
    session_id = st.session_state.get(state.SESSION_ID)
    if session_id:
        user_sessions.revoke(get_sessions(), session_id)
    _forget()
    cookie = session_cookie.read()
    if cookie:
        st.session_state[state.REFUSED_COOKIE] = cookie  # signed out here means not signed in again from it
        if clear_cookie and session_cookie.mounted():
            st.session_state[state.COOKIE_HAND_OVER] = {"code": None}


def _forget() -> None:
    user = st.session_state.get(state.USER)
    if user:  # single sign-on then asks before signing this tab in again (outreach/ui/oidc.py)
        st.session_state[state.OIDC_IDENTITY] = user["username"]
    for key in (state.USER, state.LAST_SEEN, state.SESSION_ID):
        st.session_state.pop(key, None)


def finish_sign_in() -> None:
    """In app.py, first: right after signing in, the browser swaps the code for its cookie and reloads on the
    page asked for. Nothing else runs."""
    hand_over = st.session_state.get(state.COOKIE_HAND_OVER)
    if hand_over is not None and hand_over["code"]:
        del st.session_state[state.COOKIE_HAND_OVER]
        session_cookie.open_with_cookie(hand_over["code"])


def finish_sign_out() -> None:
    """In app.py, last before the page: right after signing out, the browser drops the cookie in the
    background. (Last, so that no switch to another page in this run cuts it short.)"""
    hand_over = st.session_state.get(state.COOKIE_HAND_OVER)
    if hand_over is not None and not hand_over["code"]:
        del st.session_state[state.COOKIE_HAND_OVER]
        session_cookie.drop_cookie()


def current_user() -> dict[str, Any] | None:
    """The signed-in user, or None (with the reason kept for the sign-in page when a session just ended)."""
    session_id = st.session_state.get(state.SESSION_ID)
    if session_id is None:
        cookie = session_cookie.read()
        if cookie and cookie != st.session_state.get(state.REFUSED_COOKIE):
            session_id = cookie
    if session_id is None:
        return _user_without_session()
    resolution = user_sessions.resolve(get_sessions(), session_id)
    if resolution.user is None:
        was_signed_in = state.USER in st.session_state
        _forget()
        st.session_state[state.REFUSED_COOKIE] = session_id
        if was_signed_in or resolution.ended != user_sessions.UNKNOWN:
            st.session_state[state.FLASH] = ENDED_MESSAGES[resolution.ended or user_sessions.UNKNOWN]
        return None
    st.session_state[state.SESSION_ID] = session_id
    st.session_state[state.USER] = resolution.user
    return dict(resolution.user)


def _user_without_session() -> dict[str, Any] | None:
    """A user put into session state without a server-side session (page tests do this)."""
    user = st.session_state.get(state.USER)
    if not user:
        return None
    last_seen = st.session_state.get(state.LAST_SEEN, 0.0)
    if time.time() - last_seen > settings().session_idle_minutes * 60:
        _forget()
        st.session_state[state.FLASH] = IDLE_MESSAGE
        return None
    st.session_state[state.LAST_SEEN] = time.time()
    return dict(user)


def destination_or_home(asked: str | None) -> str:
    """A restricted page's address to open after signing in; anything else opens the app's first page."""
    chosen = [spec for spec in PAGES if url_path(spec) == asked]
    return signed_in_address(chosen[0]) if chosen else ""


def sign_in_first(page: StreamlitPage) -> None:
    """In app.py, for a visitor who is not signed in: a restricted page asked for (a link, a bookmark, a
    reload after the session ended) opens the sign-in page, which comes back to it afterwards."""
    if page.url_path in RESTRICTED_URL_PATHS:
        st.switch_page(SIGN_IN.path, query_params={state.NEXT_PAGE: page.url_path})


def require_role(*roles: str) -> dict[str, Any]:
    """Return the user if their role is allowed here; otherwise explain and stop the page."""
    user = current_user()
    if user is None:
        st.warning("Please sign in to see this page: [go to sign-in](/sign-in).", icon="🔒")
        st.stop()
    if user["role"] not in roles:
        st.error(
            f"Your role ({user['role']}) cannot open this page. Ask an admin if you need access.", icon="🔒"
        )
        st.stop()
    return user  # type: ignore[return-value]
