"""Delivery runs: drivers, packed shipments, "Plan the run" (OR-Tools), reorder and lock, send out with each
driver's private link, run sheets; and each organization's delivery windows."""

import pandas as pd
import streamlit as st

from outreach.accounts.auth import STAFF
from outreach.config import settings
from outreach.delivery import reads as run_reads
from outreach.ui import delivery_windows, state
from outreach.ui import runs as runs_ui
from outreach.ui.guards import require_role
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import section_choice, show_flash

user = require_role(*STAFF)


@cached_read()
def load_runs(database_url: str) -> pd.DataFrame:
    return run_reads.runs(get_sessions())


@cached_read()
def load_summary(database_url: str, run_id: int) -> dict:
    return run_reads.run_summary(get_sessions(), run_id)


@cached_read()
def load_stops(database_url: str, run_id: int) -> pd.DataFrame:
    return run_reads.run_stops(get_sessions(), run_id)


@cached_read()
def load_candidates(database_url: str, run_id: int) -> pd.DataFrame:
    return run_reads.packed_candidates(get_sessions(), run_id)


st.title("Delivery runs")
show_flash()
url = settings().database_url
actor = user["username"]
section = section_choice(
    "Section",
    {"runs": "Runs", "windows": "Delivery windows"},
    key=state.RUN_SECTION,
    label_visibility="collapsed",
)
if section == "windows":
    delivery_windows.coordinator_editor(actor=actor)
else:
    runs_ui.new_run(actor=actor)
    run_id = runs_ui.choose_run(load_runs(url))
    if run_id is not None:
        summary = load_summary(url, run_id)
        stops = load_stops(url, run_id)
        runs_ui.header(summary)
        runs_ui.drivers_section(summary, actor=actor)
        runs_ui.shipments_section(summary, load_candidates(url, run_id), actor=actor)
        runs_ui.stops_section(summary, stops, actor=actor)
        runs_ui.send_out_section(summary, actor=actor)
        runs_ui.sheets_section(summary, stops)
