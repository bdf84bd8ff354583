"""Role checks every page runs first. Navigation is not authorization: a page opened directly by URL,
or run without app.py, calls `require_role` and shows nothing restricted to the wrong visitor."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from outreach.config import settings
from outreach.ui import state


def sign_in(user: dict[str, str]) -> None:
    st.session_state[state.USER] = dict(user)
    st.session_state[state.LAST_SEEN] = time.time()


def sign_out() -> None:
    for key in (state.USER, state.LAST_SEEN):
        st.session_state.pop(key, None)


def current_user() -> dict[str, Any] | None:
    """The signed-in user, or None. Signs out a session idle for longer than the configured timeout."""
    user = st.session_state.get(state.USER)
    if not user:
        return None
    last_seen = st.session_state.get(state.LAST_SEEN, 0.0)
    if time.time() - last_seen > settings().session_idle_minutes * 60:
        sign_out()
        st.session_state[state.FLASH] = (
            "You were signed out after a period of inactivity. Please sign in again."
        )
        return None
    st.session_state[state.LAST_SEEN] = time.time()
    return dict(user)


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
