"""Addresses to coordinates, behind one small protocol.

- `NominatimGeocoder`: geopy's Nominatim (OpenStreetMap) with the configured identifying user agent, a
  timeout, and geopy's RateLimiter at one request per second (the OSM usage policy). Every geopy failure
  becomes a `GeocodingError` whose message names the address and says what to do.
- `ZipCentroidGeocoder`: offline, from the `zipcodes` package; the centre of the ZIP, marked approximate.
- `FakeGeocoder`: a dictionary, for tests; it can be told to time out or be unreachable.
- `FallbackGeocoder`: the primary, then the ZIP centre when the primary fails; the note says why.

`outreach.organizations.geocode_cache` puts a cache in front (table `geocode_cache`), so no address is
looked up twice and an interrupted import resumes where it stopped. `make_geocoder` picks
the geocoder from `KYR_GEOCODER` (offline by default: no network unless asked for).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from geopy.exc import (
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from outreach.config import settings
from outreach.errors import GeocodingError
from outreach.organizations.addresses import normalize_address, zip_place

log = logging.getLogger(__name__)

EXACT = "exact"
APPROXIMATE = "approximate"
SOURCE_GEOCODED = "geocoded"
SOURCE_ZIP = "zip_centroid"
MIN_DELAY_SECONDS = 1.0  # OSM Nominatim usage policy: at most one request per second
KEY_LENGTH = 400  # geocode_cache.address_key
_ZIP_IN_TEXT = re.compile(r"\b(\d{5})(?:-\d{4})?\b")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class GeocodeResult:
    latitude: float
    longitude: float
    precision: str  # exact | approximate
    source: str  # geocoded | zip_centroid
    note: str | None = None


class GeocoderTimeout(GeocodingError):
    """The service did not answer in time (worth trying again later)."""


class GeocoderDown(GeocodingError):
    """The service could not be reached or refused the request (worth trying again later)."""


class NoResult(GeocodingError):
    """The service answered: there is no such place (trying again will not help)."""


def _failure(kind: type[GeocodingError], message: str, reason: str) -> GeocodingError:
    error = kind(message)
    error.reason = reason  # type: ignore[attr-defined]  # short form, for the organization's location note
    return error


def reason_of(error: GeocodingError) -> str:
    return str(getattr(error, "reason", "") or error)


def shown_address(address: str | None, zip_code: str | None) -> str:
    return ", ".join(part for part in ((address or "").strip()[:120], zip_code or "") if part)


class Geocoder(Protocol):
    name: str

    def geocode(self, address: str | None, zip_code: str | None) -> GeocodeResult:
        """Coordinates for a New York City address, or raise GeocodingError saying why not."""
        ...


class NominatimGeocoder:
    name = "nominatim"

    def __init__(
        self, *, user_agent: str | None = None, timeout: int | None = None, client: Any = None
    ) -> None:
        self.user_agent = user_agent or settings().geocoder_user_agent
        self.timeout = timeout or settings().geocoder_timeout_seconds
        self._client: Any = client or Nominatim(user_agent=self.user_agent, timeout=self.timeout)
        # No retries and no swallowed errors: a failure must reach us so the fallback can say why.
        # The lambda looks the client's method up at call time (tests stub geopy's Nominatim.geocode).
        self._lookup = RateLimiter(
            lambda query, **kwargs: self._client.geocode(query, **kwargs),
            min_delay_seconds=MIN_DELAY_SECONDS,
            max_retries=0,
            swallow_exceptions=False,
        )

    def geocode(self, address: str | None, zip_code: str | None) -> GeocodeResult:
        shown = shown_address(address, zip_code)
        if not (address or "").strip():
            # A bare ZIP would come back as the postcode's centre marked exact; leave that to the fallback.
            raise _failure(
                NoResult,
                f"There is no street address to look up for {shown or 'this row'}.",
                "no street address",
            )
        query = ", ".join(part for part in ((address or "").strip(), "New York, NY", zip_code or "") if part)
        try:
            location = self._lookup(query, exactly_one=True, country_codes="us")
        except GeocoderTimedOut:
            log.warning("nominatim timed out after %ss", self.timeout)
            raise _failure(
                GeocoderTimeout,
                f"The address lookup for {shown!r} timed out after {self.timeout} s (Nominatim). "
                "Try again later, or type the location by hand.",
                f"Nominatim timed out after {self.timeout} s",
            ) from None
        except (GeocoderRateLimited, GeocoderQuotaExceeded):
            log.warning("nominatim refused the request: rate limited")
            raise _failure(
                GeocoderDown,
                f"Nominatim refused to look up {shown!r}: too many requests. Wait a few minutes and try again.",
                "Nominatim refused (too many requests)",
            ) from None
        except GeocoderUnavailable:
            log.warning("nominatim unavailable")
            raise _failure(
                GeocoderDown,
                f"The address service (Nominatim) could not be reached to look up {shown!r}. Check the "
                "internet connection or try again later; the ZIP centre can be used meanwhile.",
                "Nominatim could not be reached",
            ) from None
        except GeocoderServiceError as exc:
            log.warning("nominatim service error: %s", type(exc).__name__)
            raise _failure(
                GeocoderDown,
                f"The address service (Nominatim) returned an error for {shown!r}. Try again later.",
                "Nominatim returned an error",
            ) from None
        except GeopyError as exc:  # configuration or query errors: not worth retrying as is
            log.warning("nominatim refused the query: %s", type(exc).__name__)
            raise _failure(
                NoResult,
                f"Nominatim could not use the address {shown!r}. Check how it is written.",
                "Nominatim could not use the address",
            ) from None
        if location is None:
            raise _failure(
                NoResult,
                f"Nominatim found no place for {shown!r}. Check the street and number, or type the location "
                "by hand.",
                "Nominatim found no such address",
            )
        return GeocodeResult(float(location.latitude), float(location.longitude), EXACT, SOURCE_GEOCODED)


def _zip_of(address: str | None, zip_code: str | None) -> str | None:
    if zip_code:
        return zip_code
    found = _ZIP_IN_TEXT.findall(address or "")
    return found[-1] if found else None


def zip_centroid_note(zip_code: str) -> str:
    return f"Approximate: placed at the centre of ZIP {zip_code}."


class ZipCentroidGeocoder:
    """Offline: the centre of the ZIP code (the `zipcodes` package), marked approximate."""

    name = "zip_centroid"

    def geocode(self, address: str | None, zip_code: str | None) -> GeocodeResult:
        code = _zip_of(address, zip_code)
        if code is None:
            raise _failure(
                NoResult,
                f"{shown_address(address, zip_code) or 'This row'!r} has no ZIP code, so it cannot be placed offline. "
                "Add the 5-digit ZIP.",
                "no ZIP code",
            )
        place = zip_place(code)
        if place is None:
            raise _failure(
                NoResult, f"ZIP code {code} does not exist. Check it.", f"ZIP {code} does not exist"
            )
        return GeocodeResult(
            place.latitude, place.longitude, APPROXIMATE, SOURCE_ZIP, zip_centroid_note(code)
        )


class FakeGeocoder:
    """For tests: known addresses answer at once; others have no result. Counts its calls."""

    name = "fake"

    def __init__(
        self,
        places: Mapping[str, tuple[float, float]] | None = None,
        *,
        time_out: bool | Iterable[str] = False,
        unavailable: bool = False,
    ) -> None:
        self.places = {normalize_address(address): point for address, point in (places or {}).items()}
        self.time_out_all = time_out is True
        self.time_out_for = set() if isinstance(time_out, bool) else {normalize_address(a) for a in time_out}
        self.unavailable = unavailable
        self.calls: list[str] = []

    def geocode(self, address: str | None, zip_code: str | None) -> GeocodeResult:
        self.calls.append(address or "")
        key = normalize_address(address)
        shown = shown_address(address, zip_code)
        if self.time_out_all or key in self.time_out_for:
            raise _failure(
                GeocoderTimeout,
                f"The address lookup for {shown!r} timed out after 5 s (fake). Try again later.",
                "the geocoder timed out",
            )
        if self.unavailable:
            raise _failure(
                GeocoderDown, f"The geocoder could not be reached for {shown!r}.", "the geocoder was down"
            )
        point = self.places.get(key) or self.places.get(normalize_address(address, zip_code))
        if point is None:
            raise _failure(NoResult, f"No place found for {shown!r}.", "no such address")
        return GeocodeResult(point[0], point[1], EXACT, SOURCE_GEOCODED)


class FallbackGeocoder:
    """The primary geocoder, then the fallback (the ZIP centre); the result's note says why."""

    def __init__(self, primary: Geocoder, fallback: Geocoder) -> None:
        self.primary, self.fallback = primary, fallback
        self.name = f"{primary.name}+{fallback.name}"

    def geocode(self, address: str | None, zip_code: str | None) -> GeocodeResult:
        try:
            return self.primary.geocode(address, zip_code)
        except GeocodingError as first:
            try:
                result = self.fallback.geocode(address, zip_code)
            except GeocodingError as second:
                raise _failure(
                    GeocodingError,
                    f"{first} The offline fallback failed too: {second}",
                    f"{reason_of(first)}; {reason_of(second)}",
                ) from second
            return replace(result, note=f"{reason_of(first).capitalize()}. {result.note or ''}".strip())


def make_geocoder(kind: str | None = None) -> Geocoder:
    """The configured geocoder (KYR_GEOCODER): offline (default), nominatim (falls back offline) or fake."""
    choice = (kind or settings().geocoder).strip().lower()
    if choice == "offline":
        return ZipCentroidGeocoder()
    if choice == "nominatim":
        return FallbackGeocoder(NominatimGeocoder(), ZipCentroidGeocoder())
    if choice == "fake":
        return FallbackGeocoder(FakeGeocoder(), ZipCentroidGeocoder())
    raise ValueError(f"KYR_GEOCODER={choice!r} is not a geocoder. Use offline, nominatim or fake.")
