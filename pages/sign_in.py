"""Sign in with a local account."""

import streamlit as st

from outreach.accounts import auth
from outreach.config import settings
from outreach.errors import OutreachError
from outreach.ui import guards, oidc, state
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import escape_markdown, show_error, show_flash

st.title("KYR Tracker")
st.caption("Stock, restock requests and coverage for New York City's Know Your Rights print campaign.")
show_flash()

user = guards.current_user()
if user is not None:
    st.success(f"You are signed in as {escape_markdown(user['display_name'])} ({user['role']}).")
    st.stop()

oidc.offer_sign_in()  # "Sign in with <provider>" only when [auth] is configured in secrets.toml

with st.form(state.SIGN_IN_FORM):
    username = st.text_input("Username", key=state.SIGN_IN_USERNAME, autocomplete="username")
    password = st.text_input(
        "Password", type="password", key=state.SIGN_IN_PASSWORD, autocomplete="current-password"
    )
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    try:
        signed_in = auth.authenticate(get_sessions(), username=username, password=password)
    except OutreachError as error:
        show_error(error)
    else:
        guards.sign_in(signed_in, destination=st.query_params.get(state.NEXT_PAGE))
        st.rerun()

st.caption(
    "Faith leaders do not need an account: use your organization's restock link or QR code."
    + (" Demo accounts are listed in the README." if settings().load_demo_data else "")
)
