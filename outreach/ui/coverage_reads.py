"""Cached reads for the coverage map and the planner (keyed on the database URL and the data version)."""

from __future__ import annotations

import pandas as pd

from outreach.coverage import gaps
from outreach.coverage import inputs as coverage_data
from outreach.field import stages
from outreach.shipments import totals as shipment_totals
from outreach.ui.resources import cached_read, get_sessions


@cached_read()
def shipped_units(database_url: str, language: str | None = None) -> pd.DataFrame:
    """All languages, or one: a page about one language reads a tenth of the shipment lines."""
    return shipment_totals.shipped_units(get_sessions(), language=language)


@cached_read()
def organizations(database_url: str, language: str | None = None) -> pd.DataFrame:
    """All organizations, or those serving one language; without names (`named` adds those shown)."""
    return coverage_data.organizations(get_sessions(), language=language, with_names=False)


def named(directory: pd.DataFrame, ids: list[int], language: str | None = None) -> pd.DataFrame:
    """`directory` (of organizations serving `language`) with the names of `ids` (the rest stay empty: they
    are counted, not shown)."""
    most = len(ids) * 2 > len(directory)
    names = coverage_data.organization_names(get_sessions(), None if most else ids, language=language)
    return directory.assign(name=directory["id"].map(names))


@cached_read()
def organization_counts(database_url: str, language: str | None = None) -> pd.DataFrame:
    """The same organizations counted (`gaps.count_organizations`): what the coverage page's gap and stage
    tables count, a few thousand rows instead of tens of thousands."""
    reporting = stages.reporting_organizations(get_sessions())
    return gaps.count_organizations(organizations(database_url, language), reporting)


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
