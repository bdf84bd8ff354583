"""Geocoders: Nominatim error mapping (geopy stubbed at its boundary), the offline ZIP centre, the cache."""

from __future__ import annotations

import pytest
from geopy.exc import GeocoderRateLimited, GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.geocoders import Nominatim
from geopy.location import Location
from sqlalchemy import func, select

from outreach import config
from outreach.errors import GeocodingError
from outreach.models import GeocodeCacheEntry
from outreach.organizations import areas, geocoding
from outreach.organizations.addresses import zip_place
from outreach.organizations.geocode_cache import geocode_cached, geocode_many
from outreach.organizations.geocoding import (
    FakeGeocoder,
    FallbackGeocoder,
    NominatimGeocoder,
    ZipCentroidGeocoder,
    make_geocoder,
)

ADDRESS = "37-02 75th Street"


@pytest.fixture
def nominatim(monkeypatch):
    """A NominatimGeocoder whose geopy call is replaced by `answer` (the network boundary)."""
    calls = []

    def install(answer):
        def fake_geocode(self, query, **kwargs):
            calls.append((query, kwargs))
            if isinstance(answer, Exception):
                raise answer
            return answer

        monkeypatch.setattr(Nominatim, "geocode", fake_geocode)
        return NominatimGeocoder(user_agent="kyr-tests/1.0 (tests@example.org)", timeout=3)

    install.calls = calls
    return install


@pytest.mark.parametrize(
    ("raised", "kind", "words"),
    [
        (GeocoderTimedOut("read timeout"), geocoding.GeocoderTimeout, "timed out after 3 s"),
        (GeocoderUnavailable("connection refused"), geocoding.GeocoderDown, "could not be reached"),
        (GeocoderRateLimited("429"), geocoding.GeocoderDown, "too many requests"),
        (GeocoderServiceError("500 internal"), geocoding.GeocoderDown, "returned an error"),
    ],
)
def test_nominatim_failures_become_clear_geocoding_errors(nominatim, raised, kind, words):
    geocoder = nominatim(raised)
    with pytest.raises(GeocodingError) as caught:
        geocoder.geocode(ADDRESS, "11372")
    assert isinstance(caught.value, kind)
    message = str(caught.value)
    assert words in message and ADDRESS in message and "11372" in message
    assert "read timeout" not in message and "500 internal" not in message  # no raw internals shown


def test_nominatim_no_result_is_a_no_result_error(nominatim):
    geocoder = nominatim(None)
    with pytest.raises(geocoding.NoResult, match="found no place for '37-02 75th Street, 11372'"):
        geocoder.geocode(ADDRESS, "11372")


def test_nominatim_success_is_exact_and_the_query_names_the_city(nominatim):
    geocoder = nominatim(Location("somewhere", (40.74712, -73.89141), {}))
    result = geocoder.geocode(ADDRESS, "11372")
    assert (result.latitude, result.longitude) == (40.74712, -73.89141)
    assert (result.precision, result.source, result.note) == ("exact", "geocoded", None)
    query, kwargs = nominatim.calls[0]
    assert query == f"{ADDRESS}, New York, NY, 11372" and kwargs["country_codes"] == "us"


def test_nominatim_without_street_address_does_not_call_the_service(nominatim):
    geocoder = nominatim(Location("x", (1.0, 2.0), {}))
    with pytest.raises(geocoding.NoResult, match="no street address"):
        geocoder.geocode("  ", "11372")
    assert nominatim.calls == []


def test_nominatim_uses_configured_user_agent_and_timeout(monkeypatch):
    monkeypatch.setenv("KYR_GEOCODER_USER_AGENT", "kyr-nyc/2.0 (ops@example.org)")
    monkeypatch.setenv("KYR_GEOCODER_TIMEOUT", "7")
    config.settings.cache_clear()
    try:
        geocoder = NominatimGeocoder()
        assert geocoder._client.headers["User-Agent"] == "kyr-nyc/2.0 (ops@example.org)"
        assert geocoder._client.timeout == 7
    finally:
        config.settings.cache_clear()


def test_nominatim_waits_a_second_between_requests(nominatim, monkeypatch):
    geocoder = nominatim(Location("x", (40.7, -73.9), {}))
    waits, now = [], [100.0]

    def sleep(seconds):  # a fake clock: sleeping moves it on, and costs no time
        waits.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(geocoder._lookup, "_clock", lambda: now[0])
    monkeypatch.setattr(geocoder._lookup, "_sleep", sleep)
    geocoder.geocode("1 A St", "11372")
    now[0] += 0.25
    geocoder.geocode("2 B St", "11372")
    assert waits and waits[-1] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("zip_code", "borough", "district"),
    [("11372", "Queens", 403), ("10463", "Bronx", 208), ("11230", "Brooklyn", 312)],
)
def test_zip_centroid_on_real_nyc_zips(zip_code, borough, district):
    result = ZipCentroidGeocoder().geocode("any street", zip_code)
    assert (result.precision, result.source) == ("approximate", "zip_centroid")
    assert zip_code in result.note
    assert zip_place(zip_code).borough == borough
    area = areas.assign(result.latitude, result.longitude)
    assert (area.borough, area.community_district) == (borough, district)


def test_zip_centroid_reads_a_zip_inside_the_address_and_refuses_unknown_ones():
    result = ZipCentroidGeocoder().geocode("37-02 75th St, Jackson Heights, NY 11372-1234", None)
    assert result.note and "11372" in result.note
    with pytest.raises(geocoding.NoResult, match="ZIP code 00000 does not exist"):
        ZipCentroidGeocoder().geocode("x", "00000")
    with pytest.raises(geocoding.NoResult, match="has no ZIP code"):
        ZipCentroidGeocoder().geocode("12 Main St", None)


def test_fallback_uses_the_zip_centre_and_says_why():
    geocoder = FallbackGeocoder(FakeGeocoder(time_out=True), ZipCentroidGeocoder())
    result = geocoder.geocode(ADDRESS, "11372")
    assert (result.precision, result.source) == ("approximate", "zip_centroid")
    assert result.note.startswith("The geocoder timed out.") and "ZIP 11372" in result.note


def test_fallback_failing_too_raises_both_reasons():
    geocoder = FallbackGeocoder(FakeGeocoder(unavailable=True), ZipCentroidGeocoder())
    with pytest.raises(GeocodingError) as caught:
        geocoder.geocode("12 Main St", None)
    assert "could not be reached" in str(caught.value) and "no ZIP code" in str(caught.value)


def test_make_geocoder_follows_configuration(monkeypatch):
    assert isinstance(make_geocoder("offline"), ZipCentroidGeocoder)
    chosen = make_geocoder("nominatim")
    assert isinstance(chosen, FallbackGeocoder) and isinstance(chosen.primary, NominatimGeocoder)
    monkeypatch.delenv("KYR_GEOCODER", raising=False)
    config.settings.cache_clear()
    try:
        assert isinstance(make_geocoder(), ZipCentroidGeocoder)  # offline unless configured otherwise
    finally:
        config.settings.cache_clear()
    with pytest.raises(ValueError, match="'google' is not a geocoder"):
        make_geocoder("google")


def _cache_rows(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(GeocodeCacheEntry))


def test_each_address_is_looked_up_once(sessions):
    fake = FakeGeocoder({"12 Main St": (40.75, -73.88)})
    first = geocode_cached(sessions, fake, address="12 Main Street", zip_code="11372")
    again = geocode_cached(sessions, fake, address="12 MAIN ST.", zip_code="11372")
    assert first == again and fake.calls == ["12 Main Street"]
    assert _cache_rows(sessions) == 1
    geocode_cached(sessions, fake, address="12 Main St", zip_code="11372", refresh=True)
    assert len(fake.calls) == 2 and _cache_rows(sessions) == 1


def test_same_street_in_another_zip_is_another_address(sessions):
    fake = FakeGeocoder({"100 Main St": (40.7, -73.9)})
    geocode_cached(sessions, fake, address="100 Main St", zip_code="11372")
    geocode_cached(sessions, fake, address="100 Main St", zip_code="10463")
    assert len(fake.calls) == 2


def test_geocode_many_reports_failures_without_raising(sessions):
    fake = FakeGeocoder({"1 A St": (40.75, -73.88)}, time_out=["2 B St"])
    lookups = geocode_many(sessions, fake, [("1 A St", "11372"), ("2 B St", "11372"), ("1 A St", "11372")])
    assert lookups[0].result and lookups[2].result == lookups[0].result
    assert lookups[1].result is None and "timed out" in lookups[1].error
    assert len(fake.calls) == 2 and _cache_rows(sessions) == 1  # failures are not cached


class Interrupted(Exception):
    pass


def test_an_interrupted_run_resumes_without_redoing_finished_rows(sessions):
    places = [(f"{n} Roosevelt Ave", "11372") for n in range(1, 7)]
    first = FakeGeocoder({address: (40.75, -73.88) for address, _ in places})

    def stop_after_four(done, total):
        if done == 4:
            raise Interrupted

    with pytest.raises(Interrupted):
        geocode_many(sessions, first, places, progress=stop_after_four, flush_rows=1000, flush_seconds=1e9)
    assert _cache_rows(sessions) == 4  # written on the way out, though no flush was due

    second = FakeGeocoder({address: (40.75, -73.88) for address, _ in places})
    seen = []
    lookups = geocode_many(sessions, second, places, progress=lambda done, total: seen.append((done, total)))
    assert second.calls == ["5 Roosevelt Ave", "6 Roosevelt Ave"]
    assert seen[0] == (4, 6) and seen[-1] == (6, 6)
    assert [lk.cached for lk in lookups] == [True] * 4 + [False] * 2
