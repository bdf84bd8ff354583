"""PLACEHOLDER: replaced by the issue that builds this page."""

import streamlit as st

from outreach.auth import STAFF
from outreach.ui.guards import require_role

require_role(*STAFF)
st.info("This page is not built yet.")
