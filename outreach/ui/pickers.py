"""Shared pickers for stock items, depots and organizations (labels, not ids, for people)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach import inventory, organizations
from outreach.catalog import language, material
from outreach.config import settings
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def unit_frame(database_url: str) -> pd.DataFrame:
    return inventory.units(get_sessions())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def depot_frame(database_url: str) -> pd.DataFrame:
    return inventory.locations(get_sessions())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def organization_frame(database_url: str) -> pd.DataFrame:
    return organizations.organization_choices(get_sessions())


def unit_labels(*, active_only: bool = False) -> dict[int, str]:
    frame = unit_frame(settings().database_url)
    if active_only:
        frame = frame[frame["edition_status"] == "active"]
    return {
        int(row.unit_id): f"{language(row.language).english} · {material(row.material).name} · {row.edition}"
        + (" (retired)" if row.edition_status != "active" else "")
        for row in frame.itertuples()
    }


def depot_labels() -> dict[int, str]:
    return {int(row.location_id): row.name for row in depot_frame(settings().database_url).itertuples()}


def organization_labels() -> dict[int, str]:
    frame = organization_frame(settings().database_url)
    return {int(row.id): f"{row.name} ({row.borough or 'no borough'})" for row in frame.itertuples()}


def pick(label: str, options: dict[int, str], *, key: str, placeholder: str = "Choose…") -> int | None:
    return st.selectbox(
        label,
        list(options),
        format_func=lambda value: options.get(value, str(value)),
        index=None,
        placeholder=placeholder,
        key=key,
    )
