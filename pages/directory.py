"""Directory: the partner organizations. List and export, add or edit, import a CSV, see them on a map."""

from __future__ import annotations

import streamlit as st

from outreach import organizations
from outreach.accounts.auth import STAFF
from outreach.config import settings
from outreach.organizations import DirectoryFilters
from outreach.ui import directory_edit, directory_import, directory_list, directory_map, state
from outreach.ui.guards import require_role
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import show_flash

user = require_role(*STAFF)
sessions = get_sessions()
database_url = settings().database_url

LIST, EDIT, IMPORT, MAP = "List", "Add or edit", "Import", "Map"


@cached_read()
def filter_options(url: str) -> tuple[list[str], list[int]]:
    return organizations.faith_traditions(get_sessions()), organizations.districts_in_use(get_sessions())


@cached_read()
def directory_count(url: str, filters: DirectoryFilters) -> int:
    return organizations.count_organizations(get_sessions(), filters=filters)


st.title("Directory")
st.caption(
    "The faith organizations that hand out the materials. Contact details are visible to coordinators only."
)
show_flash()
# A keyed control, not st.tabs: the chosen section survives a write's rerun, and only its code runs.
section = st.segmented_control(
    "Section",
    [LIST, EDIT, IMPORT, MAP],
    default=LIST,
    required=True,
    key=state.DIR_SECTION,
    label_visibility="collapsed",
)

if section == EDIT:
    directory_edit.show_edit(sessions, database_url, actor=user["username"])
elif section == IMPORT:
    directory_import.show_import(sessions, actor=user["username"])
else:
    filters = directory_list.filter_bar(*filter_options(database_url))
    total = directory_count(database_url, filters)
    if section == MAP:
        directory_map.show_map(database_url, filters, total)
    else:
        to_confirm = directory_count(database_url, DirectoryFilters(languages_to_confirm=True))
        if to_confirm and not filters.languages_to_confirm:
            st.info(
                f"{to_confirm:,} organization(s) have languages to confirm (imported without them): tick "
                "“Only languages to confirm” to list them, then add their languages under Add or edit."
            )
        directory_list.show_list(sessions, database_url, filters, total)
