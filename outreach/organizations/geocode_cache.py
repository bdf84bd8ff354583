"""The geocode cache (table `geocode_cache`, keyed by normalized address) in front of any geocoder.

`geocode_many` looks up many addresses at once: cached ones are answered from the table, the rest go to the
geocoder and are stored as they come, so no address is looked up twice and an interrupted import resumes where
it stopped. `geocode_cached` is the same for one address. This module is the only writer of the table.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outreach.db import SessionFactory
from outreach.errors import GeocodingError
from outreach.models import GeocodeCacheEntry
from outreach.organizations.addresses import normalize_address
from outreach.organizations.geocoding import (
    APPROXIMATE,
    KEY_LENGTH,
    SOURCE_ZIP,
    Geocoder,
    GeocodeResult,
    Progress,
    shown_address,
    zip_centroid_note,
)

log = logging.getLogger(__name__)


def cache_key(address: str | None, zip_code: str | None) -> str:
    return normalize_address(address, zip_code)[:KEY_LENGTH]


@dataclass(frozen=True)
class Lookup:
    """One address's outcome: a result, or the error message (never both)."""

    key: str
    result: GeocodeResult | None
    error: str | None = None
    cached: bool = False


def _from_cache(entry: GeocodeCacheEntry, zip_code: str | None) -> GeocodeResult | None:
    if entry.latitude is None or entry.longitude is None:
        return None
    note = zip_centroid_note(zip_code) if entry.source == SOURCE_ZIP and zip_code else None
    return GeocodeResult(entry.latitude, entry.longitude, entry.precision or APPROXIMATE, entry.source, note)


def cached_entries(sessions: SessionFactory, keys: Iterable[str]) -> dict[str, GeocodeCacheEntry]:
    wanted = sorted({key for key in keys if key})
    found: dict[str, GeocodeCacheEntry] = {}
    with sessions() as session:
        for start in range(0, len(wanted), 500):  # stay under every database's bound-parameter limit
            chunk = wanted[start : start + 500]
            for entry in session.scalars(
                select(GeocodeCacheEntry).where(GeocodeCacheEntry.address_key.in_(chunk))
            ):
                session.expunge(entry)
                found[entry.address_key] = entry
    return found


def _store(sessions: SessionFactory, results: dict[str, GeocodeResult]) -> None:
    """Write results to the cache (replacing older ones). A key cached meanwhile by someone else is fine."""
    if not results:
        return
    try:
        with sessions.begin() as session:
            _store_in(session, results)
    except IntegrityError:  # a concurrent writer cached one of these keys first: store the rest one by one
        for key, result in results.items():
            try:
                with sessions.begin() as session:
                    _store_in(session, {key: result})
            except IntegrityError:
                continue


def _store_in(session: Session, results: dict[str, GeocodeResult]) -> None:
    existing = {
        entry.address_key: entry
        for entry in session.scalars(
            select(GeocodeCacheEntry).where(GeocodeCacheEntry.address_key.in_(list(results)))
        )
    }
    for key, result in results.items():
        entry = existing.get(key)
        if entry is None:
            entry = GeocodeCacheEntry(address_key=key)
            session.add(entry)
        entry.latitude, entry.longitude = result.latitude, result.longitude
        entry.precision, entry.source = result.precision, result.source


def geocode_many(
    sessions: SessionFactory,
    geocoder: Geocoder,
    places: Sequence[tuple[str | None, str | None]],
    *,
    progress: Progress | None = None,
    refresh: bool = False,
    flush_rows: int = 200,
    flush_seconds: float = 2.0,
) -> list[Lookup]:
    """Look up (address, ZIP) pairs through the cache, in input order. Never raises GeocodingError.

    Finished lookups are written to the cache every `flush_rows` rows or `flush_seconds`, and whatever
    was finished is written even when the run is interrupted, so calling again resumes: cached rows are
    not looked up again. `refresh=True` ignores the cache (to retry an approximate location).
    `progress(done, total)` is called as rows finish (cached rows count as done at once).
    """
    keys = [cache_key(address, zip_code) for address, zip_code in places]
    cached = {} if refresh else cached_entries(sessions, keys)
    outcomes: dict[str, Lookup] = {}
    for key, (_address, zip_code) in zip(keys, places, strict=True):
        if key in cached and key not in outcomes and (result := _from_cache(cached[key], zip_code)):
            outcomes[key] = Lookup(key, result, cached=True)
    total = len(set(keys))
    done = len(outcomes)
    if progress:
        progress(done, total)
    pending: dict[str, GeocodeResult] = {}
    last_flush = time.monotonic()
    try:
        for key, (address, zip_code) in zip(keys, places, strict=True):
            if key in outcomes:
                continue
            try:
                result = geocoder.geocode(address, zip_code)
            except GeocodingError as error:
                outcomes[key] = Lookup(key, None, error=str(error))
            else:
                outcomes[key] = Lookup(key, result)
                if key:
                    pending[key] = result
            done += 1
            if progress:
                progress(done, total)
            if len(pending) >= flush_rows or time.monotonic() - last_flush >= flush_seconds:
                _store(sessions, pending)
                pending, last_flush = {}, time.monotonic()
    finally:
        _store(sessions, pending)
    return [outcomes[key] for key in keys]


def geocode_cached(
    sessions: SessionFactory,
    geocoder: Geocoder,
    *,
    address: str | None,
    zip_code: str | None,
    refresh: bool = False,
) -> GeocodeResult:
    """One address through the cache; raises GeocodingError when neither geocoder could place it."""
    lookup = geocode_many(sessions, geocoder, [(address, zip_code)], refresh=refresh)[0]
    if lookup.result is None:
        raise GeocodingError(lookup.error or f"Could not place {shown_address(address, zip_code)!r}.")
    return lookup.result
