"""Follow-up: silent organizations. Coordinators see who to call (contact, phone), note calls and download
the list; organizers see only how many organizations are on each list. Short parcels (fewer packs than the
slip listed) wait in the restock requests page."""

import streamlit as st

from outreach.accounts.auth import SIGNED_IN, STAFF
from outreach.ui import followup as followup_ui
from outreach.ui.guards import require_role
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import show_flash

user = require_role(*SIGNED_IN)

st.title("Follow-up")
st.caption("Organizations that went quiet after a delivery: call them, one by one.")
show_flash()
followup_ui.show_counts()
if user["role"] in STAFF:
    followup_ui.show_list(get_sessions(), actor=user["username"])
else:
    st.info("Coordinators see the organizations and their contacts; organizers see the counts only.")
