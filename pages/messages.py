"""Messages (staff): the outbox (pending, sent, failed with retry), previews of every template in every language,
my notifications and the deliveries calendar, and organizations' e-mail opt-outs."""

import streamlit as st

from outreach.accounts.auth import STAFF
from outreach.ui import messages as messages_ui
from outreach.ui.guards import require_role
from outreach.ui.widgets import show_flash

user = require_role(*STAFF)
username = str(user["username"])

st.title("Messages")
show_flash()
messages_ui.server_notice()

section = messages_ui.chosen_section()
if section == "outbox":
    messages_ui.outbox_section(username)
elif section == "previews":
    messages_ui.previews_section()
elif section == "mine":
    messages_ui.mine_section(username)
else:
    messages_ui.organizations_section(username)
