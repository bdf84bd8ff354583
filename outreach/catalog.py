"""The fixed vocabulary of the campaign: ten languages (eleven written catalogs), two materials, five boroughs.

Editions and stock units live in the database (they change); these do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from outreach.errors import InvalidInput


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    english: str
    native: str
    direction: str  # "ltr" or "rtl"
    need_key: str  # key in data/need_*.csv (ACS language group)

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def label(self) -> str:
        return self.english if self.native == self.english else f"{self.english} · {self.native}"


LANGUAGES: tuple[Language, ...] = (
    Language("es", "Spanish", "Español", "ltr", "spanish"),
    Language("en", "English", "English", "ltr", "english"),
    Language("fr", "French", "Français", "ltr", "french"),
    # "Chinese", the written language (read by Mandarin, Cantonese and Taishanese speakers alike)
    Language("zh", "Chinese", "中文", "ltr", "chinese"),
    Language("ar", "Arabic", "العربية", "rtl", "arabic"),
    Language("ru", "Russian", "Русский", "ltr", "russian"),
    Language("bn", "Bangla", "বাংলা", "ltr", "bengali"),
    Language("ur", "Urdu", "اردو", "rtl", "urdu"),
    Language("ht", "Haitian Kreyòl", "Kreyòl ayisyen", "ltr", "haitian"),
    Language("yi", "Yiddish", "ייִדיש", "rtl", "yiddish"),
)
LANGUAGE_CODES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
_BY_CODE = {language.code: language for language in LANGUAGES}

# Other names people type for the same language (CSV imports, spreadsheets).
_ALIASES = {
    "bengali": "bn",
    "chinese (mandarin)": "zh",
    "chinese (simplified)": "zh",
    "chinese (traditional)": "zh",
    "traditional chinese": "zh",
    "simplified chinese": "zh",
    "简体中文": "zh",
    "繁體中文": "zh",
    "zh-hant": "zh",
    "zh-hans": "zh",
    "mandarin": "zh",
    "chinese": "zh",
    "cantonese": "zh",
    "haitian": "ht",
    "haitian creole": "ht",
    "kreyol": "ht",
    "kreyòl": "ht",
    "creole": "ht",
    "castellano": "es",
}


@dataclass(frozen=True)
class Catalog:
    """A written form the faith-leader screens and the printed documents come in (`outreach/translations/`).

    One per language, and Chinese twice: Simplified (`zh`, 简体中文) and Traditional (`zh-Hant`, 繁體中文, written
    for Cantonese and Taishanese readers). A catalog is how a text is written, not what is stocked or counted:
    stock, requests and coverage use `language` (`zh` for both Chinese scripts)."""

    code: str  # folder name and HTML lang: a language code, or language-Script (BCP 47)
    language: str  # the campaign language it writes
    english: str
    native: str  # the name in its own language and script, for the leader's picker

    @property
    def label(self) -> str:
        return self.english if self.native == self.english else f"{self.english} · {self.native}"


TRADITIONAL_CHINESE = "zh-Hant"
CATALOGS: tuple[Catalog, ...] = tuple(
    catalog
    for language in LANGUAGES
    for catalog in (
        (
            Catalog("zh", "zh", "Chinese (Simplified)", "简体中文"),
            Catalog(TRADITIONAL_CHINESE, "zh", "Chinese (Traditional)", "繁體中文"),
        )
        if language.code == "zh"
        else (Catalog(language.code, language.code, language.english, language.native),)
    )
)
CATALOG_CODES: tuple[str, ...] = tuple(catalog.code for catalog in CATALOGS)
_CATALOG_BY_CODE = {catalog.code: catalog for catalog in CATALOGS}


def catalog_of(code: str) -> Catalog:
    try:
        return _CATALOG_BY_CODE[code]
    except KeyError:
        raise InvalidInput(
            f"Unknown written language {code!r}. Use one of: {', '.join(CATALOG_CODES)}."
        ) from None


def parse_catalog(text: str) -> str:
    """A written language as people type it: a catalog code or name ('zh-Hant', 'Traditional Chinese',
    '繁體中文'), else any language `parse_language` knows ('Bangla' -> 'bn')."""
    key = " ".join(text.strip().split()).casefold()
    traditional = {
        "traditional chinese",
        "chinese traditional",
        "cantonese",
        "taishanese",
        "繁体中文",
        "繁中",
    }
    for candidate in CATALOGS:
        names = {candidate.code.casefold(), candidate.english.casefold(), candidate.native.casefold()}
        if candidate.code == TRADITIONAL_CHINESE:
            names |= traditional | {"zh-tw", "zh-hk"}
        if key in names:
            return candidate.code
    return parse_language(text)


def language_of(code: str) -> Language:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidInput(f"Unknown language {code!r}. Use one of: {', '.join(LANGUAGE_CODES)}.") from None


def parse_language(text: str) -> str:
    """Accept an ISO code, an English name or a native name (any case); return the code."""
    key = " ".join(text.strip().split()).casefold()
    for candidate in LANGUAGES:
        if key in {candidate.code, candidate.english.casefold(), candidate.native.casefold()}:
            return candidate.code
    if key in _ALIASES:
        return _ALIASES[key]
    raise InvalidInput(
        f"Unknown language {text!r}. Use a code ({', '.join(LANGUAGE_CODES)}) or a name such as "
        "'Spanish' or 'বাংলা'."
    )


_CODE_SEPARATORS = re.compile(r"[,;\s]+")


def language_names(codes: str | Iterable[str] | None, *, separator: str = ", ") -> str:
    """Language codes as English names, in the order given: 'ar, bn' -> 'Arabic, Bangla'.

    Takes one code, a list of codes, or codes separated by commas, semicolons or spaces (the directory's
    'bn, en', the coverage reads' 'bn en'); a code the catalog does not know is kept as written, never
    dropped. Nothing (None, '') gives ''."""
    if codes is None or (isinstance(codes, float) and codes != codes):
        return ""
    parts = _CODE_SEPARATORS.split(codes) if isinstance(codes, str) else [str(code) for code in codes]
    named = [_english_name(part) for part in (p.strip() for p in parts)]
    return separator.join(name for name in named if name)


def _english_name(code: str) -> str:
    if code in _BY_CODE:
        return _BY_CODE[code].english
    return _CATALOG_BY_CODE[code].english if code in _CATALOG_BY_CODE else code


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    pack_size: int  # units per pack: people request packs, the ledger counts units


MATERIALS: tuple[Material, ...] = (
    Material("flyer", "Flyer", 50),
    Material("booklet", "Booklet", 25),
)
MATERIAL_CODES: tuple[str, ...] = tuple(material.code for material in MATERIALS)
_MATERIAL_BY_CODE = {material.code: material for material in MATERIALS}


def material_of(code: str) -> Material:
    try:
        return _MATERIAL_BY_CODE[code]
    except KeyError:
        raise InvalidInput(f"Unknown material {code!r}. Use one of: {', '.join(MATERIAL_CODES)}.") from None


def material_name(code: str | None) -> str:
    """'flyer' -> 'Flyer'; an unknown code is kept as written, nothing gives ''."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    material = _MATERIAL_BY_CODE.get(str(code))
    return material.name if material else str(code)


@dataclass(frozen=True)
class Borough:
    code: int  # DCP borough code, also the first digit of a community district (boro_cd)
    name: str
    abbreviation: str
    county_fips: str


BOROUGHS: tuple[Borough, ...] = (
    Borough(1, "Manhattan", "MN", "36061"),
    Borough(2, "Bronx", "BX", "36005"),
    Borough(3, "Brooklyn", "BK", "36047"),
    Borough(4, "Queens", "QN", "36081"),
    Borough(5, "Staten Island", "SI", "36085"),
)
BOROUGH_NAMES: tuple[str, ...] = tuple(borough.name for borough in BOROUGHS)


def borough_of(name: str) -> Borough:
    key = name.strip().casefold()
    for candidate in BOROUGHS:
        if key in {candidate.name.casefold(), candidate.abbreviation.casefold()}:
            return candidate
    aliases = {
        "the bronx": "Bronx",
        "kings": "Brooklyn",
        "new york": "Manhattan",
        "richmond": "Staten Island",
    }
    if key in aliases:
        return borough_of(aliases[key])
    raise InvalidInput(f"Unknown borough {name!r}. Use one of: {', '.join(BOROUGH_NAMES)}.")


def district_label(boro_cd: int | None) -> str:
    """'BK 12' for 312; '' for none."""
    if not boro_cd:
        return ""
    abbreviation = next((b.abbreviation for b in BOROUGHS if b.code == boro_cd // 100), "?")
    return f"{abbreviation} {boro_cd % 100:02d}"


MOVEMENT_KINDS_LABELS = {
    "receipt": "Receipt of a print run",
    "shipment": "Shipment to an organization",
    "adjustment": "Adjustment",
    "count": "Physical count correction",
    "transfer_out": "Transfer out",
    "transfer_in": "Transfer in",
    "return": "Return",
}

SHIPMENT_STATUS_LABELS = {
    "draft": "Draft",
    "packed": "Packed",
    "shipped": "Shipped (in transit)",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
}
