"""The driver's public page, opened with their private link for one run: the stops in order, "open in maps",
"delivered" and "could not deliver". No sign-in: it shows nothing unless the token is live (to the end of the
run date), and then only that driver's stops. One column for a phone; right to left for ar, ur and yi."""

from __future__ import annotations

import streamlit as st

from outreach import i18n
from outreach.delivery import driver_links
from outreach.errors import NotFound
from outreach.ui import driver as driver_ui
from outreach.ui import state
from outreach.ui.resources import get_sessions
from outreach.ui.restock_form import say

st.set_page_config(page_title="KYR driver", layout="centered", initial_sidebar_state="collapsed")

sessions = get_sessions()
token = str(st.query_params.get("t", "") or "")
if state.DRIVER_LANG not in st.session_state:
    st.session_state[state.DRIVER_LANG] = i18n.normalize(st.query_params.get("lang"))
choices = i18n.language_choices()
lang = st.selectbox(
    i18n.t("language.label", st.session_state[state.DRIVER_LANG]),
    list(choices),
    format_func=choices.__getitem__,
    key=state.DRIVER_LANG,
)
driver_ui.phone_layout(lang)
st.title(say("delivery.driver.title", lang))
try:
    route = driver_links.route(sessions, token)
except NotFound:  # missing, unknown, forged or expired: the same words, nothing else
    st.warning(say("delivery.driver.invalid", lang), icon=":material/link_off:")
    st.stop()
else:
    driver_ui.show_route(sessions, token, route, lang)
