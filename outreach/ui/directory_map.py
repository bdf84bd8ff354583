"""The directory's Map section: the filtered organizations, clustered, and those that cannot be placed.

The map is one HTML document in `st.iframe`, as on the coverage page. Not st_folium: it rebuilds the map's
script element by element and leaves out the compact marker layer (outreach.coverage.maps writes that one
straight into the page), so its frame never got past height 0.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach import organizations
from outreach.coverage import maps
from outreach.organizations import DirectoryFilters
from outreach.ui import state
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table

MAP_HEIGHT = 560
NOT_ON_MAP_COLUMNS = {
    "name": Column("Name"),
    "address": Column("Address"),
    "zip_code": Column("ZIP"),
    "location_note": Column("Why not on the map"),
}


@cached_read()
def map_view(url: str, filters: DirectoryFilters) -> tuple[str, pd.DataFrame]:
    """The map as HTML and the organizations it leaves out; cached, so a rerun does not rebuild megabytes
    of HTML. Without contacts: tooltips never show them."""
    everything = organizations.list_organizations(get_sessions(), include_contacts=False, filters=filters)
    map_html = maps.directory_map(everything).get_root().render()
    return map_html, maps.not_on_map(everything)


def show_map(url: str, filters: DirectoryFilters, total: int) -> None:
    st.caption(
        f"The {total:,} organization(s) matching the filters above, clustered. Hover a marker for its name."
    )
    map_html, missing = map_view(url, filters)
    st.iframe(map_html, height=MAP_HEIGHT, alt="Map of the organizations matching the filters")
    if len(missing):
        st.caption(
            f"{len(missing)} organization(s) are not on the map (no location, or outside New York City):"
        )
        show_table(missing, NOT_ON_MAP_COLUMNS, key=state.DIR_NOT_ON_MAP)
