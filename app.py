"""KYR Tracker: the frame only. Page config, sign-in state, role-aware navigation; pages do the rest."""

import streamlit as st

from outreach.ui import guards, state
from outreach.ui.navigation import build_navigation
from outreach.ui.widgets import escape_markdown

st.set_page_config(page_title="KYR Tracker", page_icon="📦", layout="wide")

user = guards.current_user()
navigation = build_navigation(user)

if user is not None:
    with st.sidebar:
        st.caption(f"Signed in as **{escape_markdown(user['display_name'])}** ({user['role']})")
        if st.button("Sign out", key=state.SIGN_OUT, icon=":material/logout:"):
            guards.sign_out()
            st.rerun()

navigation.run()
