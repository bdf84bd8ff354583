"""Addresses as text: normalized keys (duplicate checks, the geocode cache) and New York City ZIP codes.

ZIP facts come from the `zipcodes` package (offline, no network): its county tells the borough.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

from outreach.errors import InvalidInput

# The five counties are the five boroughs.
NYC_COUNTIES = {
    "New York County": "Manhattan",
    "Bronx County": "Bronx",
    "Kings County": "Brooklyn",
    "Queens County": "Queens",
    "Richmond County": "Staten Island",
}
# Spreadsheets turn 10463 into 10463.0 and people type ZIP+4; both are the same 5-digit ZIP.
_ZIP = re.compile(r"(\d{5})(?:-\d{4}|\.0+)?")
# Street words written several ways: folded so "75th Street" and "75th St." are one address.
_STREET_WORDS = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "boulevard": "blvd",
    "place": "pl",
    "road": "rd",
    "drive": "dr",
    "parkway": "pkwy",
    "lane": "ln",
    "court": "ct",
    "terrace": "ter",
    "highway": "hwy",
    "square": "sq",
    "east": "e",
    "west": "w",
    "north": "n",
    "south": "s",
}


def normalize_key(text: str | None) -> str:
    """Case-, accent- and punctuation-insensitive key for duplicate checks."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def normalize_address(address: str | None, zip_code: str | None = None) -> str:
    """One key per place: street words folded, the ZIP appended (the same street exists in several boroughs)."""
    words = [_STREET_WORDS.get(word, word) for word in normalize_key(address).split()]
    return " ".join([*words, *([zip_code] if zip_code else [])])


def place_key(
    address: str | None, zip_code: str | None, latitude: float | None = None, longitude: float | None = None
) -> str:
    """The duplicate-check key of where an organization is: its address and ZIP (`normalize_address`), or,
    with neither (an open-data row that gives only a point), the point to about 10 m ("@40.7467,-73.8910"),
    so two congregations of one name at different places are not taken for one."""
    if normalize_key(address) or zip_code or latitude is None or longitude is None:
        return normalize_address(address, zip_code)
    return f"@{latitude:.4f},{longitude:.4f}"


def clean_zip(raw: object) -> str | None:
    """A 5-digit ZIP, or None when blank. Raises InvalidInput naming the value when it is not a ZIP."""
    text = "" if raw is None else str(raw).strip()
    if not text or text.casefold() == "nan":
        return None
    match = _ZIP.fullmatch(text)
    if match is None:
        raise InvalidInput(f"ZIP code {text[:20]!r} is not a 5-digit ZIP code. Write it like 11372.")
    return match.group(1)


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    county: str
    latitude: float
    longitude: float

    @property
    def borough(self) -> str | None:
        return NYC_COUNTIES.get(self.county) if self.state == "NY" else None

    @property
    def description(self) -> str:
        return f"{self.city}, {self.state}"


def _place(record: dict) -> ZipPlace | None:
    try:
        latitude, longitude = float(record["lat"]), float(record["long"])
    except (KeyError, TypeError, ValueError):
        return None
    return ZipPlace(
        zip_code=record["zip_code"],
        city=str(record.get("city") or "").title(),
        state=str(record.get("state") or ""),
        county=str(record.get("county") or ""),
        latitude=latitude,
        longitude=longitude,
    )


@lru_cache(maxsize=1)
def _nyc_places() -> dict[str, ZipPlace]:
    """Every NYC ZIP, read once (~0.2 s): imports look up thousands of rows."""
    places = {}
    for record in zipcodes.filter_by(state="NY"):
        if record.get("county") in NYC_COUNTIES and (place := _place(record)) is not None:
            places[place.zip_code] = place
    return places


def nyc_zip_codes() -> list[str]:
    return sorted(_nyc_places())


@lru_cache(maxsize=2048)
def zip_place(zip_code: str) -> ZipPlace | None:
    """Where a 5-digit US ZIP is (any state), or None when the ZIP does not exist."""
    if zip_code in _nyc_places():
        return _nyc_places()[zip_code]
    try:
        records = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    return _place(records[0]) if records else None


def require_nyc_zip(zip_code: str) -> ZipPlace:
    """The ZIP's place when it is in one of the five boroughs; otherwise an error saying where it is."""
    place = zip_place(zip_code)
    if place is None:
        raise InvalidInput(f"ZIP code {zip_code} does not exist. Check it on the envelope or the website.")
    if place.borough is None:
        raise InvalidInput(
            f"ZIP code {zip_code} is in {place.description}, outside New York City. The campaign covers the "
            "five boroughs only: check the ZIP."
        )
    return place
