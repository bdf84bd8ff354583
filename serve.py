"""The server: Streamlit serving app.py, plus the two routes that set and clear the sign-in cookie.

    streamlit run serve.py          # what `make run` does; Streamlit's flags and config.toml apply as usual
    uvicorn serve:app               # the same app under any ASGI server

Why the cookie needs routes of its own: outreach/ui/session_cookie.py.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from outreach.messages.routes import routes as messages_routes
from outreach.ui.resources import get_sessions
from outreach.ui.session_cookie import routes

# app.py always builds the menu with st.navigation, so the pages/ folder is never a menu of its own. Streamlit
# only learns that when app.py first runs in the process: until then a link straight to a page (a bookmark,
# the page opened after signing in) would run that page file alone, without app.py. This is the flag
# st.navigation itself clears.
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=routes() + messages_routes(get_sessions))  # mail unsubscribe, calendar feed
