"""PLACEHOLDER: replaced by the issue that builds this page."""

import streamlit as st

from outreach.auth import SIGNED_IN
from outreach.ui.guards import require_role

require_role(*SIGNED_IN)
st.info("This page is not built yet.")
