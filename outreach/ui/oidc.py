"""Single sign-on glue for the sign-in page: `st.login` / `st.user` / `st.logout` around outreach.accounts.sso.

Only active when `.streamlit/secrets.toml` has a complete `[auth]` section; otherwise the sign-in page shows
the local account form alone. The provider proves the address; `identity.sign_in_with_identity` decides
whether, and as what, the person comes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from outreach.accounts import sso as identity
from outreach.errors import OutreachError
from outreach.ui import guards, state
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import escape_markdown, show_error


def auth_section() -> Mapping[str, Any]:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all, or one that does not parse: no single sign-on
        return {}
    return section if isinstance(section, Mapping) else {}


def providers() -> list[identity.Provider]:
    return identity.configured_providers(auth_section())


def _claims() -> dict[str, Any]:
    info = st.user.to_dict()
    return dict(info) if info.get("is_logged_in") is True else {}


def offer_sign_in() -> None:
    """On the sign-in page: finish a single sign-on that came back from the provider, or offer the buttons.

    A session that was signed in by single sign-on and then signed out (or timed out) is not signed in
    again silently: the person confirms, or also signs out of the provider.
    """
    configured = providers()
    if not configured:
        return
    claims = _claims()
    if claims:
        _finish(claims, configured)
        return
    for provider in configured:
        key = f"{state.OIDC_SIGN_IN}_{provider.key or 'default'}"
        if st.button(f"Sign in with {provider.label}", key=key, type="primary", icon=":material/key:"):
            if provider.key:
                st.login(provider.key)
            else:
                st.login()
    st.caption("Or sign in with a local account:")


def _finish(claims: dict[str, Any], configured: list[identity.Provider]) -> None:
    label = configured[0].label if len(configured) == 1 else "single sign-on"
    previous = st.session_state.get(state.OIDC_IDENTITY)
    if previous:
        who = escape_markdown(str(claims.get("email") or claims.get("preferred_username") or previous))
        st.info(f"You signed out of KYR Tracker, but your {label} sign-in as {who} is still active here.")
        if not st.button(f"Continue as {who}", key=state.OIDC_CONTINUE, type="primary"):
            if st.button(f"Sign out of {label} too", key=state.OIDC_LOGOUT):
                st.session_state.pop(state.OIDC_IDENTITY, None)
                st.logout()
            st.caption("Or sign in with a local account:")
            return
    try:
        user = identity.sign_in_with_identity(get_sessions(), claims=claims, provider=label)
    except OutreachError as error:
        show_error(error)
        if st.button(f"Sign out of {label}", key=state.OIDC_LOGOUT):
            st.logout()
        return
    guards.sign_in(user)
    st.session_state[state.OIDC_IDENTITY] = user["username"]
    st.rerun()
