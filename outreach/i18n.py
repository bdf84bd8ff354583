"""Messages a faith leader sees and the documents print, in the campaign's ten languages (eleven catalogs).

One catalog per written language (`outreach.catalog.CATALOGS`: the ten languages, and Chinese in Simplified `zh`
and Traditional `zh-Hant`): the folder `outreach/translations/<code>/`, one flat JSON file (`key -> text`,
`str.format` placeholders) per area of the app (`restock.json` the restock page, `documents.json` the posters,
pick lists and packing slips, ...), so each capability adds its own file; a key lives in exactly one file, and
the screens, the HTML poster and the PDFs read the same one. `glossary.json` is not messages: it fixes the
words for flyer, booklet, pack, organization, community and request in that language (`glossary`).
A text with a count is a *plural entry*: a JSON object keyed by CLDR plural category
(`{"one": "{count} pack", "other": "{count} packs"}`), with a form for every category its language has (Arabic
six, Russian four, Chinese one: `outreach.i18n_format.categories`); `t` picks the form by the parameter `count`.

Parameters are written for the reader: whole numbers with `i18n_format.number` ("2 000" in French, "২,০০০" in
Bangla), dates with `i18n_format.date`, and any other text (what a person typed, names, phone numbers,
confirmation numbers) is isolated with `bidi.isolate` in right-to-left languages, so "(718) 555-1234" keeps its
order; `t_html` does the same for HTML, escaping the text and putting each value in `<bdi>`.

Reviewed texts (`outreach.translation_review`) are kept in the database and laid over the JSON files with
`set_overrides`, which the Streamlit layer calls once per run with its cached read, so this module never
imports streamlit. English is the reference: `tests/test_i18n.py` checks that every catalog has exactly its keys
and the same placeholders, and uses its glossary's words. Domain errors meant for leaders carry a message key and parameters
(`localized(...)`), so the public page can show them in whichever language the leader picked.
"""

from __future__ import annotations

import datetime as dt
import decimal
import html
import json
import numbers
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from outreach import i18n_format
from outreach.bidi import bdi, isolate
from outreach.catalog import CATALOG_CODES, catalog_of, language_of
from outreach.errors import OutreachError

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
REFERENCE_LANGUAGE = "en"
GLOSSARY_FILE = "glossary.json"
E = TypeVar("E", bound=OutreachError)
# A catalog entry: a text, or a plural entry (CLDR category -> text).
Entry = str | dict[str, str]
COUNT = "count"  # the parameter a plural entry is chosen by

# Reviewed texts laid over the JSON catalogs: language -> key -> entry (see set_overrides).
_overrides: dict[str, dict[str, Entry]] = {}


@lru_cache(maxsize=len(CATALOG_CODES))
def entries(code: str) -> dict[str, Entry]:
    """The whole catalog of one language as in its JSON files (not its glossary), all merged (read once)."""
    catalog: dict[str, Entry] = {}
    for path in catalog_files(code):
        data = json.loads(path.read_text(encoding="utf-8"))
        twice = set(catalog) & set(data)
        if twice:
            raise ValueError(f"{path}: keys {sorted(twice)} are already in another file of {code}")
        catalog.update({str(key): _entry(value) for key, value in data.items()})
    return catalog


def _entry(value: object) -> Entry:
    if isinstance(value, dict):
        return {str(category): str(text) for category, text in value.items()}
    return str(value)


def messages(code: str) -> dict[str, str]:
    """The catalog's plain texts (plural entries left out), reviewed texts included."""
    merged = {**entries(code), **_overrides.get(code, {})}
    return {key: value for key, value in merged.items() if isinstance(value, str)}


def set_overrides(reviewed: Mapping[str, Mapping[str, Entry]]) -> None:
    """Lay reviewed texts (language -> key -> entry) over the JSON catalogs, for every later `t` in this
    process. Replaces the previous set in one assignment, so a concurrent `t` sees the old or the new set."""
    global _overrides
    _overrides = {lang: dict(texts) for lang, texts in reviewed.items()}


def entry(key: str, lang: str | None) -> Entry:
    """The entry `key` in `lang`: the reviewed text, else the catalog's, else English."""
    code = normalize(lang)
    for catalog in (_overrides.get(code, {}), entries(code), _overrides.get(REFERENCE_LANGUAGE, {})):
        if key in catalog:
            return catalog[key]
    return entries(REFERENCE_LANGUAGE)[key]  # KeyError: a programming error, caught by the tests


def catalog_files(code: str, directory: Path | None = None) -> list[Path]:
    """The JSON message files of one language's catalog, in a stable order (not its glossary); `directory`
    another copy of `translations/` (a test's)."""
    folder = (directory or TRANSLATIONS_DIR) / code
    return sorted(path for path in folder.glob("*.json") if path.name != GLOSSARY_FILE)


@lru_cache(maxsize=len(CATALOG_CODES))
def glossary(code: str) -> dict[str, dict[str, Any]]:
    """The catalog's glossary: concept -> {"term", "forms", "avoid", "note"} (see translations/README.md)."""
    data: dict[str, dict[str, Any]] = json.loads((TRANSLATIONS_DIR / code / GLOSSARY_FILE).read_text("utf-8"))
    return data


def normalize(code: str | None) -> str:
    """A catalog code (the ten languages, and `zh-Hant`); anything else falls back to English."""
    return code if code in CATALOG_CODES else REFERENCE_LANGUAGE


def language_of_catalog(code: str | None) -> str:
    """The campaign language a catalog writes: 'zh' for 'zh-Hant', else the code itself (English if unknown)."""
    return catalog_of(normalize(code)).language


class Words(str):
    """Text the app itself wrote (e.g. a `counted` phrase) passed as a parameter: formatted as it is, not
    isolated like a value a person typed."""


def template(key: str, lang: str | None, count: Any = None) -> str:
    """The text of `key` in `lang`; for a plural entry, the form for `count` (its CLDR category)."""
    code = normalize(lang)
    found = entry(key, code)
    if isinstance(found, str):
        return found
    if count is None:
        raise TypeError(f"{key} is a plural entry: pass count=")
    category = i18n_format.plural_category(count, code)
    return found.get(category) or found["other"]


def t(key: str, lang: str | None, /, **params: Any) -> str:
    """The message `key` in `lang`, formatted with `params` (English when a translation is missing).

    Numbers and dates are written for the reader; other text values are isolated in right-to-left languages."""
    code = normalize(lang)
    text = template(key, code, params.get(COUNT))
    if not params:
        return text
    wrap = isolate if is_rtl(code) else str
    return text.format(**{name: _render(value, code, wrap, str) for name, value in params.items()})


def t_html(key: str, lang: str | None, /, **params: Any) -> str:
    """`t` for HTML: our text escaped, each value escaped and isolated in `<bdi>` (any language)."""
    code = normalize(lang)
    text = html.escape(template(key, code, params.get(COUNT)), quote=False)
    return text.format(**{name: _render(value, code, bdi, html.escape) for name, value in params.items()})


def _render(value: Any, lang: str, wrap: Any, own: Any) -> Any:
    if isinstance(value, Words):
        return own(value)
    # An item travels as (material, language) codes so it can be named in any language later.
    if isinstance(value, tuple) and len(value) == 2:
        return wrap(item_label(value[0], value[1], lang))
    if isinstance(value, bool) or value is None:
        return wrap(value)
    if isinstance(value, numbers.Real | decimal.Decimal):  # numpy's integers too
        return i18n_format.number(value, lang)
    if isinstance(value, dt.date):
        return i18n_format.date(value, lang)
    return wrap(value)


def counted(noun: str, count: int, lang: str | None) -> Words:
    """'3 packs', '১টি প্যাক', '٣ رزم': the plural entry `count.<noun>` for `count` in `lang`."""
    return Words(t(f"count.{noun}", lang, count=count))


def direction(lang: str | None) -> str:
    """'rtl' for Arabic, Urdu and Yiddish, else 'ltr' (from the language catalog)."""
    return language_of(language_of_catalog(lang)).direction


def is_rtl(lang: str | None) -> bool:
    return direction(lang) == "rtl"


def material_label(material: str, lang: str | None) -> str:
    return t(f"material.{material}", lang)


def item_label(material: str, item_language: str, lang: str | None) -> str:
    """'Volante · বাংলা': the material in the reader's language, the item's language by its own name."""
    try:
        native = language_of(item_language).native
    except OutreachError:
        native = item_language
    return f"{material_label(material, lang)} · {native}"


def status_label(status: str, lang: str | None) -> str:
    return t(f"status.{status}", lang)


def language_choices() -> dict[str, str]:
    """Catalog code -> its name in its own language and script, for the leader's picker (简体中文, 繁體中文)."""
    return {code: catalog_of(code).native for code in CATALOG_CODES}


# --- errors a leader can read ---------------------------------------------------------------------------


def localized(cls: type[E], key: str, /, **params: Any) -> E:
    """An error whose message is `key` (English in str(error)); `localize` shows it in another language."""
    error = cls(t(key, REFERENCE_LANGUAGE, **params))
    error.__dict__["message_key"] = key
    error.__dict__["message_params"] = params
    return error


def localize(error: Exception, lang: str | None) -> str:
    """The error in the leader's language; a generic polite message for anything not meant for leaders."""
    key = error.__dict__.get("message_key")
    if key is None:
        return t("error.generic", lang)
    return t(key, lang, **error.__dict__.get("message_params", {}))
