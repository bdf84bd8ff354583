"""Shared pickers for stock items, depots, organizations and languages (labels, not ids, for people)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from outreach import inventory, organizations
from outreach.catalog import CATALOG_CODES, LANGUAGE_CODES, catalog_of, language_of
from outreach.config import settings
from outreach.shipments import reads as shipment_reads
from outreach.ui.resources import cached_read, get_sessions


@cached_read()
def unit_frame(database_url: str) -> pd.DataFrame:
    return inventory.units(get_sessions())


@cached_read()
def depot_frame(database_url: str) -> pd.DataFrame:
    return inventory.locations(get_sessions())


@cached_read()
def organization_frame(database_url: str) -> pd.DataFrame:
    return organizations.organization_choices(get_sessions())


def unit_labels(*, active_only: bool = False) -> dict[int, str]:
    frame = unit_frame(settings().database_url)
    if active_only:
        frame = frame[frame["edition_status"] == "active"]
    return {
        int(row.unit_id): inventory.unit_label(row) + ("" if row.edition_status == "active" else " (retired)")
        for row in frame.itertuples()
    }


def depot_labels() -> dict[int, str]:
    return {int(row.location_id): row.name for row in depot_frame(settings().database_url).itertuples()}


def organization_labels() -> dict[int, str]:
    frame = organization_frame(settings().database_url)
    return {int(row.id): f"{row.name} ({row.borough or 'no borough'})" for row in frame.itertuples()}


# Up to this many active organizations a picker lists them all; past it, a search box narrows the list first
# (a select box of 50,000 names costs a second per rerun and helps nobody).
LIST_ALL_UP_TO = 500
MATCHES_SHOWN = 50


@cached_read()
def recipient_count(database_url: str) -> int:
    return shipment_reads.recipient_count(get_sessions())


@cached_read()
def recipient_matches(database_url: str, search: str) -> pd.DataFrame:
    return shipment_reads.recipients(get_sessions(), search=search, limit=MATCHES_SHOWN)


def organization_picker(label: str, *, key: str, search_key: str) -> int | None:
    """An active organization: picked from the whole list when there are few, else found by search.

    Call it outside a form: the search box must rerun the page to refresh the choices.
    """
    url = settings().database_url
    if recipient_count(url) <= LIST_ALL_UP_TO:
        return pick(label, organization_labels(), key=key)
    search = st.text_input(
        f"Find the organization ({label.lower()})",
        key=search_key,
        max_chars=120,
        placeholder="Part of the name or address",
    )
    frame = recipient_matches(url, search.strip())
    options = {int(row.id): f"{row.name} ({row.borough or 'no borough'})" for row in frame.itertuples()}
    if not options:
        st.caption("No active organization matches; try fewer letters.")
    elif len(options) == MATCHES_SHOWN:
        st.caption(f"The first {MATCHES_SHOWN} matches by name; type more to narrow them.")
    return pick(label, options, key=key)


def pick(label: str, options: dict[int, str], *, key: str, placeholder: str | None = "Choose…") -> int | None:
    return st.selectbox(
        label,
        list(options),
        format_func=lambda value: options.get(value, str(value)),
        index=None,
        placeholder=placeholder,
        key=key,
    )


def language_label(code: str) -> str:
    return language_of(code).label


def pick_language(
    where: DeltaGenerator, label: str, *, placeholder: str, key: str, **options: Any
) -> str | None:
    """One of the campaign's languages by its label (code, or None while nothing is chosen)."""
    return where.selectbox(
        label,
        LANGUAGE_CODES,
        index=None,
        placeholder=placeholder,
        format_func=language_label,
        key=key,
        **options,
    )


def pick_written_language(
    where: DeltaGenerator, label: str, *, placeholder: str, key: str, **options: Any
) -> str | None:
    """One of the eleven catalogs (the languages, and Chinese as Simplified or Traditional): the written
    language of an organization's restock page and documents."""
    return where.selectbox(
        label,
        CATALOG_CODES,
        index=None,
        placeholder=placeholder,
        format_func=lambda code: catalog_of(code).label,
        key=key,
        **options,
    )
