"""What an organization record may hold, and how typed values are cleaned (forms and CSV import alike).

Each cleaner returns the stored value or raises InvalidInput naming the value and saying what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from outreach.catalog import borough_of, catalog_of, parse_catalog, parse_language
from outreach.errors import InvalidInput
from outreach.organizations.addresses import clean_zip, require_nyc_zip
from outreach.phones import MAX_PHONE_CHARS, normalize_phone
from outreach.quantities import parse_quantity
from outreach.text import clean_text

# The CSV import template, in order; the directory export starts with the same columns (a round trip works).
TEMPLATE_COLUMNS = (
    "name",
    "faith_tradition",
    "address",
    "zip_code",
    "borough",
    "languages",
    "preferred_language",
    "weekly_attendance",
    "contact_name",
    "contact_phone",
    "contact_email",
    "notes",
)

STATUSES = ("active", "paused")
PRECISIONS = ("exact", "approximate")
SOURCES = ("geocoded", "zip_centroid", "manual")
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")
# Where the organization is on the map, and how that was found (a save or an import works these out).
LOCATION_FIELDS = ("latitude", "longitude", "location_precision", "location_source", "location_note")
MAX_ATTENDANCE = 100_000
MAX_REASON_CHARS = 500
# A blank preferred language with no languages given (an edit that leaves them alone) falls back to English.
FALLBACK_LANGUAGE = "en"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE_SEPARATORS = re.compile(r"[,;/|+]")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def _line(value: object, *, field: str, limit: int) -> str | None:
    """One line of text (`outreach.text` rules), or None when blank."""
    if _blank(value):
        return None
    return clean_text(value, field=field, max_length=limit) or None


def clean_name(value: object) -> str:
    text = _line(value, field="The name", limit=200)
    if not text:
        raise InvalidInput("The organization's name is empty. Enter its name as people know it.")
    return text


def clean_borough(value: object) -> str | None:
    return None if _blank(value) else borough_of(str(value)).name


def clean_zip_code(value: object) -> str | None:
    code = clean_zip(value)
    if code is not None:
        require_nyc_zip(code)
    return code


def clean_languages(value: object) -> list[str]:
    """Codes, English or native names, as a list or one string separated by commas or semicolons."""
    return sorted(languages_in_order(value))


def languages_in_order(value: object) -> list[str]:
    """The codes of `clean_languages`, each once, in the order they were given (the first is the main one)."""
    if _blank(value):
        return []
    parts: Iterable[object]
    if isinstance(value, str):
        parts = _LANGUAGE_SEPARATORS.split(value)
    elif isinstance(value, Iterable):
        parts = value
    else:
        raise InvalidInput(
            f"Languages {value!r} are not a list. Write them like 'es; bn' or 'Spanish, Bangla'."
        )
    return list(dict.fromkeys(parse_language(str(part)) for part in parts if not _blank(part)))


def clean_preferred_language(value: object) -> str | None:
    """A catalog code (a language, or zh-Hant for Traditional Chinese: the written language of its restock page
    and documents), or None when blank: `clean_fields` then takes the first language served."""
    return None if _blank(value) else parse_catalog(str(value))


def clean_attendance(value: object) -> int | None:
    if _blank(value):
        return None
    return parse_quantity(value, field="Weekly attendance", allow_zero=True, maximum=MAX_ATTENDANCE)


def clean_usual_packs(value: object) -> int | None:
    if _blank(value):
        return None
    return parse_quantity(value, field="Usual request (packs)", allow_zero=True, maximum=1_000)


def clean_phone(value: object) -> str | None:
    """A number that can be called, stored as "+1 718-555-0134" (`outreach.phones`), or None when blank."""
    text = _line(value, field="The phone number", limit=MAX_PHONE_CHARS)
    return None if text is None else normalize_phone(text)


def clean_email(value: object) -> str | None:
    text = _line(value, field="The e-mail address", limit=254)
    if text is None:
        return None
    if not _EMAIL.fullmatch(text):
        raise InvalidInput(f"E-mail address {text!r} is not valid. Write it like name@example.org.")
    return text


def clean_notes(value: object) -> str | None:
    if _blank(value):
        return None
    return clean_text(value, field="The notes", max_length=2_000, multiline=True) or None


def clean_reason(value: object) -> str | None:
    """Why a record was paused or reactivated: one line, refused (never cut) when too long."""
    return _line(value, field="The reason", limit=MAX_REASON_CHARS)


def clean_status(value: object) -> str:
    text = str(value or "").strip().lower()
    if text not in STATUSES:
        raise InvalidInput(f"Status {value!r} is not valid. Use one of: {', '.join(STATUSES)}.")
    return text


def _coordinate(value: object, *, field: str, bound: float) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise InvalidInput(
            f"{field} {value!r} is not a number. Write decimal degrees like 40.7513."
        ) from None
    if not -bound <= number <= bound:
        raise InvalidInput(f"{field} {number} is out of range (-{bound:g} to {bound:g}).")
    return number


def clean_latitude(value: object) -> float | None:
    return _coordinate(value, field="Latitude", bound=90)


def clean_longitude(value: object) -> float | None:
    return _coordinate(value, field="Longitude", bound=180)


def _choice(options: tuple[str, ...], field: str) -> Callable[[object], str | None]:
    def clean(value: object) -> str | None:
        if _blank(value):
            return None
        if str(value) not in options:
            raise InvalidInput(f"{field} {value!r} is not valid. Use one of: {', '.join(options)}.")
        return str(value)

    return clean


def clean_district(value: object) -> int | None:
    if _blank(value):
        return None
    code = parse_quantity(value, field="Community district", maximum=599)
    if code < 101:
        raise InvalidInput(f"Community district {code} is not a DCP code such as 403 (Queens 03).")
    return code


CLEANERS: dict[str, Callable[[object], object]] = {
    "name": clean_name,
    "faith_tradition": lambda v: _line(v, field="The faith tradition", limit=60),
    "address": lambda v: _line(v, field="The address", limit=300),
    "zip_code": clean_zip_code,
    "borough": clean_borough,
    "community_district": clean_district,
    "languages": clean_languages,
    "preferred_language": clean_preferred_language,
    "weekly_attendance": clean_attendance,
    "usual_request_packs": clean_usual_packs,
    "contact_name": lambda v: _line(v, field="The contact name", limit=200),
    "contact_phone": clean_phone,
    "contact_email": clean_email,
    "notes": clean_notes,
    "status": clean_status,
    "latitude": clean_latitude,
    "longitude": clean_longitude,
    "location_precision": _choice(PRECISIONS, "Location precision"),
    "location_source": _choice(SOURCES, "Location source"),
    "location_note": clean_notes,
}


def clean_fields(raw: Mapping[str, object], *, problems: list[str] | None = None) -> dict[str, object]:
    """Clean every given field. With `problems`, collect every message instead of raising the first."""
    cleaned: dict[str, object] = {}
    for field, value in raw.items():
        cleaner = CLEANERS.get(field)
        if cleaner is None:
            raise TypeError(f"Organizations have no field {field!r}.")
        try:
            cleaned[field] = cleaner(value)
        except InvalidInput as error:
            if problems is None:
                raise
            problems.append(str(error))
    if "preferred_language" in cleaned:
        if cleaned["preferred_language"] is None:  # blank: the first language served (as the form does)
            served = languages_in_order(raw.get("languages")) if "languages" in cleaned else []
            cleaned["preferred_language"] = served[0] if served else FALLBACK_LANGUAGE
        catalog_of(str(cleaned["preferred_language"]))
    return cleaned
