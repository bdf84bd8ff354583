"""Cached reads for the coverage map and the planner (keyed on the database URL and the data version)."""

from __future__ import annotations

import pandas as pd

from outreach.config import settings
from outreach.coverage import inputs as coverage_data
from outreach.shipments import totals as shipment_totals
from outreach.ui.resources import cached_read, get_sessions


@cached_read()
def shipped_units(database_url: str, language: str | None = None) -> pd.DataFrame:
    """All languages, or one: a page about one language reads a tenth of the shipment lines."""
    return shipment_totals.shipped_units(get_sessions(), language=language)


@cached_read()
def organizations(
    database_url: str, language: str | None = None, request_status: bool = True
) -> pd.DataFrame:
    """All organizations, or those serving one language (`request_status=False`: without the markers' colour)."""
    return coverage_data.organizations(get_sessions(), language=language, request_status=request_status)


@cached_read()
def district_counts(database_url: str, language: str | None = None) -> pd.DataFrame | None:
    """Organizations per district and request status when there are too many to draw one by one, else None."""
    if coverage_data.active_on_map_count(get_sessions(), language=language) <= settings().map_marker_limit:
        return None
    return coverage_data.district_status_counts(get_sessions(), language=language)


@cached_read()
def planner_organizations(database_url: str, language: str) -> pd.DataFrame:
    """The active organizations serving one language, without the map's columns (the planner)."""
    return coverage_data.organizations(get_sessions(), language=language, for_map=False, only_active=True)


@cached_read()
def campaign_totals(database_url: str) -> pd.Series:
    return coverage_data.campaign_totals(get_sessions())


@cached_read()
def pending_units(database_url: str, language: str | None = None) -> pd.DataFrame:
    return shipment_totals.pending_units(get_sessions(), language=language)
