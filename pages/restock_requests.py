"""Restock requests: the coordinators' triage queue, phone requests, and the organizations' private links.

One section runs at a time, chosen with a segmented control that keeps its choice across reruns: after a
write the coordinator stays where they were (a new private link is shown at once, in the links section).
The queue and a request's panels are in outreach/ui/triage.py; the phone request and the private links in
outreach/ui/restock_panels.py.
"""

from __future__ import annotations

import streamlit as st

from outreach.accounts.auth import STAFF
from outreach.ui import followup, restock_panels, state, triage
from outreach.ui.guards import require_role
from outreach.ui.resources import get_sessions
from outreach.ui.translations import use_reviewed_texts
from outreach.ui.widgets import section_choice, show_flash

user = require_role(*STAFF)
use_reviewed_texts()  # the posters made here read the reviewed texts
actor = user["username"]
sessions = get_sessions()
SECTIONS = {"queue": "Queue", "phone": "Phone request", "links": "Restock links", "short": "Short parcels"}

st.title("Restock requests")
show_flash()
section = section_choice("Section", SECTIONS, key=state.REQ_SECTION, label_visibility="collapsed")
if section == "phone":
    restock_panels.show_phone_request(sessions, actor=actor)
elif section == "links":
    restock_panels.show_links(sessions, actor=actor)
elif section == "short":
    followup.show_short_parcels(sessions, actor=actor)
else:
    followup.short_count_note()
    triage.show_queue(sessions, actor=actor, is_admin=user["role"] == "admin")
