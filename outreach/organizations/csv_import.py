"""CSV import of the directory: per-row checks, preview, all-or-nothing import.

1. `preview_import(sessions, data)` reads the file (`csv_reading`: encoding, delimiter, header, aliases),
   skips comment rows (first cell starting with "#", like the template's example rows), then checks every
   row with the same cleaners as the form, plus duplicates (name + address + ZIP, or name + point when a row
   has neither) against the directory and within the file. A row is placed by its street address and ZIP
   code, or by its latitude and longitude (`coordinates`: aliases, swapped and projected values refused);
   a row with coordinates is placed by point-in-polygon right away and refused when it is outside New York
   City. A row with no language is valid: it is imported with none and listed as "languages to confirm".
   A bad row only makes that row invalid, with every reason listed and the row number as a spreadsheet
   shows it (the header is row 1).
2. `import_organizations(sessions, preview, geocoder=..., actor=...)` geocodes the valid rows that have no
   coordinates through the cache (progress reported; finished rows are written to the cache as it goes, so
   after an interruption the next attempt skips them), assigns areas in one vectorized pass, then inserts
   every valid row in ONE transaction: all of them, or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach import audit
from outreach.catalog import district_label
from outreach.db import SessionFactory, read_frame
from outreach.errors import Conflict, InvalidInput
from outreach.models import Organization
from outreach.organizations import areas, served
from outreach.organizations.addresses import normalize_key, place_key
from outreach.organizations.coordinates import COORDINATE_COLUMNS, clean_point, outside_nyc
from outreach.organizations.csv_reading import (
    COMMENT,
    DELIMITERS,
    TEMPLATE_COLUMNS,
    TEMPLATE_COORDINATE_EXAMPLE,
    TEMPLATE_EXAMPLE,
    read_table,
    template_csv,
)
from outreach.organizations.fields import clean_fields
from outreach.organizations.geocode_cache import cache_key, cached_entries, geocode_many
from outreach.organizations.geocoding import Geocoder, Progress
from outreach.organizations.records import apply_area, snapshot

__all__ = [
    "DELIMITERS",
    "TEMPLATE_COLUMNS",
    "TEMPLATE_COORDINATE_EXAMPLE",
    "TEMPLATE_EXAMPLE",
    "ImportPreview",
    "ImportResult",
    "import_organizations",
    "preview_import",
    "template_csv",
]
ROW_COLUMNS = [
    "row",
    "name",
    "address",
    "zip_code",
    "latitude",
    "longitude",
    "district",
    "languages",
    "languages_to_confirm",
    "valid",
    "problems",
]
FROM_FILE = "Placed from the coordinates in the imported file (not looked up)."


@dataclass
class ImportPreview:
    encoding: str
    delimiter: str
    rows: pd.DataFrame  # one line per data row: ROW_COLUMNS
    records: list[
        dict[str, Any]
    ]  # cleaned fields of the valid rows, in file order (with their point, if given)
    record_rows: list[int]  # their row numbers
    ignored_columns: list[str] = field(default_factory=list)
    already_located: int = 0  # valid rows whose address is already in the geocode cache
    comment_rows: int = 0  # rows skipped because their first cell starts with COMMENT (the example rows)

    @property
    def valid_count(self) -> int:
        return len(self.records)

    @property
    def invalid(self) -> pd.DataFrame:
        return self.rows[~self.rows["valid"]]

    @property
    def with_coordinates(self) -> int:
        """Valid rows placed by their own latitude and longitude: never sent to the geocoder."""
        return sum(record.get("latitude") is not None for record in self.records)

    @property
    def languages_to_confirm(self) -> int:
        """Valid rows with no language: imported, and listed as "languages to confirm"."""
        return sum(not record["languages"] for record in self.records)

    def messages(self) -> list[str]:
        return [f"Row {row.row}: {row.problems}" for row in self.invalid.itertuples()]


@dataclass(frozen=True)
class ImportResult:
    ids: list[int]
    approximate: int  # placed at a ZIP centre
    unplaced: int  # no coordinates at all (set the pin by hand)
    outside_nyc: int
    looked_up: int  # addresses sent to the geocoder this time (the rest came from the cache or the file)
    from_coordinates: int = 0  # placed by the coordinates in the file
    languages_to_confirm: int = 0  # imported with no language

    @property
    def created(self) -> int:
        return len(self.ids)


def _existing(sessions: SessionFactory) -> dict[tuple[str, str], tuple[int, str]]:
    frame = read_frame(
        sessions, select(Organization.id, Organization.name, Organization.name_key, Organization.address_key)
    )
    return {
        (row.name_key, row.address_key): (int(row.id), str(row.name)) for row in frame.itertuples(index=False)
    }


def _points(header: list[str], table: list[list[str]]) -> tuple[list[Any], list[Any]]:
    """Per data row: (latitude, longitude), None, or the reason the values are refused; and the row's area
    (point-in-polygon, all rows in one vectorized pass)."""
    at = [header.index(column) if column in header else None for column in COORDINATE_COLUMNS]
    points: list[Any] = []
    for values in table:
        given = [values[index] if index is not None and index < len(values) else "" for index in at]
        try:
            points.append(clean_point(*given))
        except InvalidInput as error:
            points.append(str(error))
    latitudes = np.array([p[0] if isinstance(p, tuple) else np.nan for p in points], dtype=float)
    longitudes = np.array([p[1] if isinstance(p, tuple) else np.nan for p in points], dtype=float)
    return points, list(areas.assign_many(latitudes, longitudes).itertuples(index=False))


def _place_problems(cleaned: dict[str, Any], point: Any, area: Any, header: list[str]) -> list[str]:
    """Why a row cannot be placed: refused coordinates, a point outside New York City, or nothing to place
    it by (no coordinates, and no ZIP code for the address lookup)."""
    if isinstance(point, str):
        return [point]
    if point is not None:
        return [] if area.borough is not None else [outside_nyc(*point)]
    if "zip_code" in header and cleaned.get("zip_code") is None:
        return [
            "The ZIP code is missing. It places the organization when the address cannot be found."
            + (" Or give latitude and longitude instead." if set(COORDINATE_COLUMNS) <= set(header) else "")
        ]
    if "zip_code" not in header:
        return ["No latitude and longitude given. Fill them in (decimal degrees, like 40.7513, -73.8830)."]
    return []


def preview_import(sessions: SessionFactory, data: bytes) -> ImportPreview:
    """Read and check a file; nothing is written."""
    encoding, delimiter, header, table = read_table(data)
    known = [
        (index, name)
        for index, name in enumerate(header)
        if name in TEMPLATE_COLUMNS and name not in COORDINATE_COLUMNS
    ]
    ignored = [name for name in header if name and name not in TEMPLATE_COLUMNS]
    points, placed = _points(header, table)
    existing = _existing(sessions)
    seen: dict[tuple[str, str], int] = {}
    lines, records, record_rows = [], [], []
    comments = 0
    for position, values in enumerate(table):
        row = position + 2
        if not any(value.strip() for value in values):
            continue  # blank lines in spreadsheets are noise, not errors
        if values[0].lstrip().startswith(COMMENT):
            comments += 1
            continue
        problems: list[str] = []
        if len(values) > len(header):
            problems.append(
                f"It has {len(values)} values but the header has {len(header)} columns (a stray "
                f"{DELIMITERS[delimiter]}?)."
            )
        raw = {name: (values[index] if index < len(values) else "") for index, name in known}
        raw.setdefault("languages", "")  # no such column (open data): imported with languages to confirm
        raw.setdefault("preferred_language", "")  # no such column: the first language served, as when blank
        cleaned: dict[str, Any] = clean_fields(raw, problems=problems)
        point, area = points[position], placed[position]
        problems += _place_problems(cleaned, point, area, header)
        if isinstance(point, tuple):
            cleaned["latitude"], cleaned["longitude"] = point
        key = _key(cleaned)
        if cleaned.get("name") and key in existing:
            number, name = existing[key]
            problems.append(f"{name!r} at this {_where(key)} is already in the directory (#{number}).")
        elif cleaned.get("name") and key in seen:
            problems.append(f"Same name and {_where(key)} as row {seen[key]}.")
        seen.setdefault(key, row)
        spoken = cleaned.get("languages")
        lines.append(
            {
                "row": row,
                "name": raw.get("name", ""),
                "address": raw.get("address", ""),
                "zip_code": raw.get("zip_code", ""),
                "latitude": cleaned.get("latitude"),
                "longitude": cleaned.get("longitude"),
                "district": ""
                if pd.isna(area.community_district)
                else district_label(int(area.community_district)),
                "languages": ", ".join(spoken or []) or raw.get("languages", ""),
                "languages_to_confirm": spoken == [],
                "valid": not problems,
                "problems": " ".join(problems),
            }
        )
        if not problems:
            records.append(cleaned)
            record_rows.append(row)
    frame = pd.DataFrame(lines, columns=ROW_COLUMNS)
    frame["valid"] = frame["valid"].astype(bool)
    frame["languages_to_confirm"] = frame["languages_to_confirm"].astype(bool)
    keys = [cache_key(r.get("address"), r.get("zip_code")) for r in records if r.get("latitude") is None]
    located = cached_entries(sessions, keys)
    already = sum(key in located for key in keys)
    return ImportPreview(encoding, delimiter, frame, records, record_rows, ignored, already, comments)


def import_organizations(
    sessions: SessionFactory,
    preview: ImportPreview,
    *,
    geocoder: Geocoder,
    actor: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Geocode the rows without coordinates (resumable), then insert every valid row in one transaction."""
    if not preview.records:
        raise InvalidInput(
            "Nothing to import: no row is valid. Fix the rows listed and upload the file again."
        )
    to_look_up = [r for r in preview.records if r.get("latitude") is None]
    places = [(r.get("address"), r.get("zip_code")) for r in to_look_up]
    found = iter(geocode_many(sessions, geocoder, places, progress=progress))
    lookups = [None if r.get("latitude") is not None else next(found) for r in preview.records]
    points = [
        (record["latitude"], record["longitude"])
        if lookup is None  # the file's own point
        else (lookup.result.latitude, lookup.result.longitude)
        if lookup.result
        else (np.nan, np.nan)
        for record, lookup in zip(preview.records, lookups, strict=True)
    ]
    latitudes, longitudes = np.array(points, dtype=float).reshape(-1, 2).T
    placed = areas.assign_many(latitudes, longitudes)
    with sessions.begin() as session:
        existing = _existing_in(session)
        clashes = [
            f"row {row} ({record['name']!r}, #{existing[key]})"
            for row, record in zip(preview.record_rows, preview.records, strict=True)
            if (key := _key(record)) in existing
        ]
        if clashes:
            raise Conflict(
                "Nothing was imported: since the preview, someone added "
                + "; ".join(clashes[:10])
                + ". Upload the file again to see a fresh preview."
            )
        created: list[Organization] = []
        for record, lookup, area in zip(
            preview.records, lookups, placed.itertuples(index=False), strict=True
        ):
            created.append(_organization(record, lookup, area))
        session.add_all(created)
        session.flush()
        for organization in created:
            audit.record(
                session,
                actor=actor,
                action="import",
                entity="organization",
                entity_id=organization.id,
                after=snapshot(organization),
            )
        summary = ImportResult(
            ids=[organization.id for organization in created],
            approximate=sum(o.location_precision == "approximate" for o in created),
            unplaced=sum(o.latitude is None for o in created),
            outside_nyc=sum(o.latitude is not None and o.community_district is None for o in created),
            looked_up=len({lookup.key for lookup in lookups if lookup and not lookup.cached}),
            from_coordinates=preview.with_coordinates,
            languages_to_confirm=preview.languages_to_confirm,
        )
        audit.record(
            session,
            actor=actor,
            action="import",
            entity="directory_import",
            after={
                "created": summary.created,
                "invalid_rows": len(preview.invalid),
                "encoding": preview.encoding,
                "approximate": summary.approximate,
                "unplaced": summary.unplaced,
                "from_coordinates": summary.from_coordinates,
                "languages_to_confirm": summary.languages_to_confirm,
            },
        )
        return summary


def _organization(record: dict[str, Any], lookup: Any, area: Any) -> Organization:
    """The new row: its fields, languages, and where it is (the file's point, the lookup's, or none)."""
    data = dict(record)
    codes = list(data.pop("languages"))
    organization = Organization(**data)
    organization.name_key = normalize_key(organization.name)
    organization.address_key = _key(record)[1]
    served.serve(organization, codes)
    if lookup is None:  # the file's coordinates
        organization.location_precision, organization.location_source = "exact", "manual"
        base_note = FROM_FILE
    elif lookup.result is not None:
        result = lookup.result
        organization.latitude, organization.longitude = result.latitude, result.longitude
        organization.location_precision, organization.location_source = result.precision, result.source
        base_note = result.note
    else:
        organization.location_note = f"Not placed on the map: {lookup.error} Set the pin by hand."
        return organization
    apply_area(
        organization,
        areas.Area(
            area.borough,
            None if pd.isna(area.community_district) else int(area.community_district),
            None if pd.isna(area.joint_interest_area) else int(area.joint_interest_area),
            area.note,
        ),
        typed_borough=data.get("borough"),
        base_note=base_note,
    )
    return organization


def _key(record: dict[str, Any]) -> tuple[str, str]:
    """Duplicates are the same name at the same address and ZIP (the same street exists in several
    boroughs), or, for a row with neither, at the same point (`addresses.place_key`)."""
    return normalize_key(record.get("name") or ""), place_key(
        record.get("address"), record.get("zip_code"), record.get("latitude"), record.get("longitude")
    )


def _where(key: tuple[str, str]) -> str:
    return "place" if key[1].startswith("@") else "address"


def _existing_in(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(Organization.id, Organization.name_key, Organization.address_key))
    return {(row.name_key, row.address_key): int(row.id) for row in rows}
