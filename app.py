"""KYR Tracker: the frame only. Page config, sign-in state, role-aware navigation; pages do the rest.

Served by `streamlit run serve.py`, which adds the routes that keep a sign-in across reloads (serve.py).
"""

import streamlit as st

from outreach.ui import guards, state
from outreach.ui.navigation import build_navigation
from outreach.ui.widgets import escape_markdown

st.set_page_config(page_title="KYR Tracker", page_icon="📦", layout="wide")
guards.finish_sign_in()  # right after signing in: the browser swaps a one-time code for its cookie, reloads

user = guards.current_user()
navigation = build_navigation(user)

if user is None:
    guards.sign_in_first(navigation)  # a restricted page asked for: sign in, then land on it
else:
    with st.sidebar:
        st.caption(f"Signed in as **{escape_markdown(user['display_name'])}** ({user['role']})")
        if st.button("Sign out", key=state.SIGN_OUT, icon=":material/logout:"):
            guards.sign_out(clear_cookie=True)
            st.rerun()

guards.finish_sign_out()  # right after signing out: the browser drops its cookie
navigation.run()
