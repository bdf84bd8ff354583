"""CSV import of the directory: template, reading (encoding, delimiter), per-row checks, preview, import.

1. `preview_import(sessions, data)` reads the uploaded bytes (UTF-8 with or without BOM, UTF-16 with BOM,
   else Windows-1252/Latin-1; comma, semicolon or tab), checks the header, skips comment rows (first cell
   starting with "#", like the template's example row), then checks every row with the same
   cleaners as the form, plus duplicates (name + address + ZIP) against the directory and within the file.
   A file that cannot be read at all raises InvalidInput; a bad row only makes that row invalid, with
   every reason listed and the row number as a spreadsheet shows it (the header is row 1).
2. `import_organizations(sessions, preview, geocoder=..., actor=...)` geocodes the valid rows through the
   cache (progress reported; finished rows are written to the cache as it goes, so after an interruption
   the next attempt skips them), assigns areas in one vectorized pass, then inserts every valid row in ONE
   transaction: all of them, or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach import audit
from outreach.db import SessionFactory, read_frame
from outreach.errors import Conflict, InvalidInput
from outreach.models import Organization, OrganizationLanguage
from outreach.organizations import areas
from outreach.organizations.addresses import normalize_address, normalize_key
from outreach.organizations.fields import TEMPLATE_COLUMNS, clean_fields
from outreach.organizations.geocode_cache import cache_key, cached_entries, geocode_many
from outreach.organizations.geocoding import Geocoder, Progress
from outreach.organizations.records import apply_area, snapshot

REQUIRED_COLUMNS = ("name", "address", "zip_code", "languages")
# Headers people actually write, folded to the template's names.
HEADER_ALIASES = {
    "organization": "name",
    "organization_name": "name",
    "congregation": "name",
    "faith": "faith_tradition",
    "tradition": "faith_tradition",
    "religion": "faith_tradition",
    "street_address": "address",
    "street": "address",
    "zip": "zip_code",
    "zipcode": "zip_code",
    "postal_code": "zip_code",
    "postcode": "zip_code",
    "boro": "borough",
    "language": "languages",
    "languages_served": "languages",
    "preferred": "preferred_language",
    "attendance": "weekly_attendance",
    "contact": "contact_name",
    "phone": "contact_phone",
    "telephone": "contact_phone",
    "email": "contact_email",
    "e_mail": "contact_email",
    "note": "notes",
}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
MAX_BYTES = 5_000_000
MAX_ROWS = 10_000
_UTF8_BOM = b"\xef\xbb\xbf"


COMMENT = "#"  # a row whose first cell starts with it is skipped: the template's example row, a note
# The template's example row sits under the header, each value in its column, and is a comment: uploading the
# template, or rows filled in below the example, never imports it (a separate example file would).
TEMPLATE_EXAMPLE = {
    "name": f"{COMMENT} Example (skipped on import): Iglesia San Juan",
    "faith_tradition": "Catholic",
    "address": "40-20 Junction Blvd",
    "zip_code": "11368",
    "borough": "Queens",
    "languages": "Spanish; English",
    "preferred_language": "Spanish",
    "weekly_attendance": "300",
    "contact_name": "Maria Lopez",
    "contact_phone": "718-555-0134",
    "contact_email": "maria@example.org",
    "notes": "Open Saturdays 9-1; ask for Maria",
}


def template_csv() -> bytes:
    """The header and an example row (a comment: never imported), UTF-8 with a BOM so Excel shows every
    script correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([TEMPLATE_EXAMPLE[column] for column in TEMPLATE_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class ImportPreview:
    encoding: str
    delimiter: str
    rows: pd.DataFrame  # one line per data row: row, name, address, zip_code, languages, valid, problems
    records: list[dict[str, Any]]  # cleaned fields of the valid rows, in file order
    record_rows: list[int]  # their row numbers
    ignored_columns: list[str] = field(default_factory=list)
    already_located: int = 0  # valid rows whose address is already in the geocode cache
    comment_rows: int = 0  # rows skipped because their first cell starts with COMMENT (the example row)

    @property
    def valid_count(self) -> int:
        return len(self.records)

    @property
    def invalid(self) -> pd.DataFrame:
        return self.rows[~self.rows["valid"]]

    def messages(self) -> list[str]:
        return [f"Row {row.row}: {row.problems}" for row in self.invalid.itertuples()]


@dataclass(frozen=True)
class ImportResult:
    ids: list[int]
    approximate: int  # placed at a ZIP centre
    unplaced: int  # no coordinates at all (set the pin by hand)
    outside_nyc: int
    looked_up: int  # addresses sent to the geocoder this time (the rest came from the cache)

    @property
    def created(self) -> int:
        return len(self.ids)


def _decode(data: bytes) -> tuple[str, str]:
    if not data or not data.strip():
        raise InvalidInput("The file is empty. Download the template, fill it in and upload it again.")
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. Split it."
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise InvalidInput(
            "This is an Excel workbook, not a CSV file. In Excel choose File > Save As > 'CSV UTF-8', then upload that."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        raise InvalidInput(
            "The file is not readable text (it contains NUL bytes: binary, or UTF-16 without a byte-order mark). "
            "Save it as 'CSV UTF-8' and upload it again."
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8 with BOM" if data.startswith(_UTF8_BOM) else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:  # Excel on Windows writes "CSV" in Windows-1252, a superset of Latin-1's printable characters
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _header_name(raw: str) -> str:
    folded = "_".join(raw.strip().strip("\ufeff").strip("*").strip().casefold().replace("-", " ").split())
    return HEADER_ALIASES.get(folded, folded)


def _sniff(text: str) -> tuple[str, list[str]]:
    """The delimiter whose header row yields the most known column names."""
    first = next(iter(text.splitlines()), "")
    best, best_header, best_known = ",", [first], -1
    for delimiter in DELIMITERS:
        header = next(csv.reader([first], delimiter=delimiter), [])
        known = sum(_header_name(name) in TEMPLATE_COLUMNS for name in header)
        if known > best_known:
            best, best_header, best_known = delimiter, header, known
    return best, best_header


def read_table(data: bytes) -> tuple[str, str, list[str], list[list[str]]]:
    """(encoding, delimiter, header, rows) or InvalidInput naming what is wrong with the file."""
    text, encoding = _decode(data)
    delimiter, raw_header = _sniff(text)
    header = [_header_name(name) for name in raw_header]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        shown = ", ".join(repr(name) for name in raw_header[:8]) or "(nothing)"
        hint = (
            " The header was read as a single column: separate columns with commas or semicolons."
            if len(raw_header) <= 1
            else ""
        )
        raise InvalidInput(
            f"Missing column(s): {', '.join(missing)}. The first row of the file should be the header "
            f"({', '.join(TEMPLATE_COLUMNS)}); it was read as {shown}.{hint} Download the template to start from."
        )
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise InvalidInput(
            f"Column(s) {', '.join(duplicated)} appear more than once in the header. Keep one of each."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        next(reader)
        for record in reader:
            rows.append(record)
            if len(rows) > MAX_ROWS:
                raise InvalidInput(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    except csv.Error as error:
        raise InvalidInput(
            f"Row {len(rows) + 2} (line {reader.line_num} of the file) is not valid CSV: {error}. Look for a "
            'quote mark (") that is opened but never closed, then upload the file again.'
        ) from None
    return encoding, delimiter, header, rows


def _existing(sessions: SessionFactory) -> dict[tuple[str, str], tuple[int, str]]:
    frame = read_frame(
        sessions, select(Organization.id, Organization.name, Organization.name_key, Organization.address_key)
    )
    return {
        (row.name_key, row.address_key): (int(row.id), str(row.name)) for row in frame.itertuples(index=False)
    }


def preview_import(sessions: SessionFactory, data: bytes) -> ImportPreview:
    """Read and check a file; nothing is written."""
    encoding, delimiter, header, table = read_table(data)
    known = [(index, name) for index, name in enumerate(header) if name in TEMPLATE_COLUMNS]
    ignored = [name for name in header if name and name not in TEMPLATE_COLUMNS]
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
        raw.setdefault("preferred_language", "")  # no such column: the first language served, as when blank
        cleaned: dict[str, Any] = clean_fields(raw, problems=problems)
        if "languages" in cleaned and not cleaned["languages"]:
            problems.append(
                "No language given. List the languages served, like 'es; en' or 'Spanish, English'."
            )
        if "zip_code" in cleaned and cleaned["zip_code"] is None:
            problems.append(
                "The ZIP code is missing. It places the organization when the address cannot be found."
            )
        key = _key(cleaned)
        if cleaned.get("name") and key in existing:
            number, name = existing[key]
            problems.append(f"{name!r} at this address is already in the directory (#{number}).")
        elif cleaned.get("name") and key in seen:
            problems.append(f"Same name and address as row {seen[key]}.")
        seen.setdefault(key, row)
        lines.append(
            {
                "row": row,
                "name": raw.get("name", ""),
                "address": raw.get("address", ""),
                "zip_code": raw.get("zip_code", ""),
                "languages": ", ".join(cleaned.get("languages") or []) or raw.get("languages", ""),
                "valid": not problems,
                "problems": " ".join(problems),
            }
        )
        if not problems:
            records.append(cleaned)
            record_rows.append(row)
    frame = pd.DataFrame(
        lines, columns=["row", "name", "address", "zip_code", "languages", "valid", "problems"]
    )
    frame["valid"] = frame["valid"].astype(bool)
    keys = [cache_key(r.get("address"), r.get("zip_code")) for r in records]
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
    """Geocode (resumable), then insert every valid row in one transaction, or nothing."""
    if not preview.records:
        raise InvalidInput(
            "Nothing to import: no row is valid. Fix the rows listed and upload the file again."
        )
    places = [(r.get("address"), r.get("zip_code")) for r in preview.records]
    lookups = geocode_many(sessions, geocoder, places, progress=progress)
    latitudes = np.array([lk.result.latitude if lk.result else np.nan for lk in lookups])
    longitudes = np.array([lk.result.longitude if lk.result else np.nan for lk in lookups])
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
            data = dict(record)
            codes = list(data.pop("languages"))
            organization = Organization(**data)
            organization.name_key = normalize_key(organization.name)
            organization.address_key = normalize_address(organization.address, organization.zip_code)
            organization.languages = [OrganizationLanguage(language=code) for code in codes]
            if lookup.result is not None:
                result = lookup.result
                organization.latitude, organization.longitude = result.latitude, result.longitude
                organization.location_precision, organization.location_source = (
                    result.precision,
                    result.source,
                )
                apply_area(
                    organization,
                    areas.Area(
                        area.borough,
                        None if pd.isna(area.community_district) else int(area.community_district),
                        None if pd.isna(area.joint_interest_area) else int(area.joint_interest_area),
                        area.note,
                    ),
                    typed_borough=data.get("borough"),
                    base_note=result.note,
                )
            else:
                organization.location_note = f"Not placed on the map: {lookup.error} Set the pin by hand."
            created.append(organization)
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
        result_summary = ImportResult(
            ids=[organization.id for organization in created],
            approximate=sum(o.location_precision == "approximate" for o in created),
            unplaced=sum(o.latitude is None for o in created),
            outside_nyc=sum(o.latitude is not None and o.community_district is None for o in created),
            looked_up=len({lookup.key for lookup in lookups if not lookup.cached}),
        )
        audit.record(
            session,
            actor=actor,
            action="import",
            entity="directory_import",
            after={
                "created": result_summary.created,
                "invalid_rows": len(preview.invalid),
                "encoding": preview.encoding,
                "approximate": result_summary.approximate,
                "unplaced": result_summary.unplaced,
            },
        )
        return result_summary


def _key(record: dict[str, Any]) -> tuple[str, str]:
    """Duplicates are the same name at the same address and ZIP (the same street exists in several boroughs)."""
    return normalize_key(record.get("name") or ""), normalize_address(
        record.get("address"), record.get("zip_code")
    )


def _existing_in(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(Organization.id, Organization.name_key, Organization.address_key))
    return {(row.name_key, row.address_key): int(row.id) for row in rows}
