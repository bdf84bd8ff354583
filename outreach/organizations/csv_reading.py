"""Reading a directory CSV file: the template, the encoding, the delimiter, the header and its aliases.

`read_table(data)` reads the uploaded bytes (UTF-8 with or without BOM, UTF-16 with BOM, else
Windows-1252/Latin-1; comma, semicolon or tab), folds the header to the template's names (`HEADER_ALIASES`,
`coordinates.COORDINATE_ALIASES`) and checks that a row can be placed: a name, and an address with its ZIP
code or a latitude with its longitude. A file that cannot be read at all raises InvalidInput naming what is
wrong; what is wrong with a single row is `csv_import`'s business.
"""

from __future__ import annotations

import csv
import io

from outreach.errors import InvalidInput
from outreach.organizations import fields
from outreach.organizations.coordinates import COORDINATE_ALIASES, COORDINATE_COLUMNS

# The import template: the directory's columns, then where the organization is when there is no street
# address (open-data lists of congregations carry coordinates instead).
TEMPLATE_COLUMNS = (*fields.TEMPLATE_COLUMNS, *COORDINATE_COLUMNS)
ADDRESS_COLUMNS = ("address", "zip_code")
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
    **COORDINATE_ALIASES,
}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
MAX_BYTES = 5_000_000
MAX_ROWS = 10_000
_UTF8_BOM = b"\xef\xbb\xbf"

COMMENT = "#"  # a row whose first cell starts with it is skipped: the template's example rows, a note
# The template's example rows sit under the header, each value in its column, and are comments: uploading the
# template, or rows filled in below the examples, never imports them (a separate example file would).
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
    "latitude": "",
    "longitude": "",
}
# Open-data style: a name and a point, no address; languages left empty are imported "to confirm".
TEMPLATE_COORDINATE_EXAMPLE = {
    "name": f"{COMMENT} Example with coordinates instead of an address (skipped): Masjid Al-Falah",
    "faith_tradition": "Muslim",
    "notes": "latitude and longitude in decimal degrees (WGS84); languages may be left empty",
    "latitude": "40.7490",
    "longitude": "-73.8915",
}


def template_csv() -> bytes:
    """The header and two example rows (comments: never imported), UTF-8 with a BOM so Excel shows every
    script correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for example in (TEMPLATE_EXAMPLE, TEMPLATE_COORDINATE_EXAMPLE):
        writer.writerow([example.get(column, "") for column in TEMPLATE_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


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


def header_name(raw: str) -> str:
    """A header cell folded to the template's name: case, spaces, hyphens, a '*' and aliases ('Lat' -> latitude)."""
    folded = "_".join(raw.strip().strip("\ufeff").strip("*").strip().casefold().replace("-", " ").split())
    return HEADER_ALIASES.get(folded, folded)


def _sniff(text: str) -> tuple[str, list[str]]:
    """The delimiter whose header row yields the most known column names."""
    first = next(iter(text.splitlines()), "")
    best, best_header, best_known = ",", [first], -1
    for delimiter in DELIMITERS:
        header = next(csv.reader([first], delimiter=delimiter), [])
        known = sum(header_name(name) in TEMPLATE_COLUMNS for name in header)
        if known > best_known:
            best, best_header, best_known = delimiter, header, known
    return best, best_header


def _check_header(header: list[str], raw_header: list[str]) -> None:
    """A name column, and a way to place each row: address and ZIP, or latitude and longitude."""
    missing = [] if "name" in header else ["name"]
    places = [columns for columns in (ADDRESS_COLUMNS, COORDINATE_COLUMNS) if set(columns) <= set(header)]
    if not places:
        half = [column for column in (*ADDRESS_COLUMNS, *COORDINATE_COLUMNS) if column in header]
        wanted = ADDRESS_COLUMNS if not half or half[0] in ADDRESS_COLUMNS else COORDINATE_COLUMNS
        missing += [column for column in wanted if column not in header]
    if missing:
        shown = ", ".join(repr(name) for name in raw_header[:8]) or "(nothing)"
        hint = (
            " The header was read as a single column: separate columns with commas or semicolons."
            if len(raw_header) <= 1
            else ""
        )
        raise InvalidInput(
            f"Missing column(s): {', '.join(missing)}. The first row of the file should be the header "
            f"({', '.join(TEMPLATE_COLUMNS)}): a name, and either address and zip_code or latitude and "
            f"longitude; it was read as {shown}.{hint} Download the template to start from."
        )
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise InvalidInput(
            f"Column(s) {', '.join(duplicated)} appear more than once in the header (aliases count: 'lat' is "
            "latitude, 'x' is longitude). Keep one of each."
        )


def read_table(data: bytes) -> tuple[str, str, list[str], list[list[str]]]:
    """(encoding, delimiter, header, rows) or InvalidInput naming what is wrong with the file."""
    text, encoding = _decode(data)
    delimiter, raw_header = _sniff(text)
    header = [header_name(name) for name in raw_header]
    _check_header(header, raw_header)
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
