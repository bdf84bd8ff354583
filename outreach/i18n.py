"""Messages a faith leader sees and the documents print, in the campaign's ten languages (eleven catalogs).

One catalog per written language (`outreach.catalog.CATALOGS`: the ten languages, and Chinese in Simplified `zh`
and Traditional `zh-Hant`): the folder `outreach/translations/<code>/`, one flat JSON file (`key -> text`,
`str.format` placeholders) per area of the app (`restock.json` the restock page, `documents.json` the posters,
pick lists and packing slips, ...), so each capability adds its own file; a key lives in exactly one file, and
the screens, the HTML poster and the PDFs read the same one. `glossary.json` is not messages: it fixes the
words for flyer, booklet, pack, organization, community and request in that language (`glossary`).
English is the reference: `tests/test_i18n.py` checks that every catalog has exactly its keys
and the same placeholders, and uses its glossary's words. Domain errors meant for leaders carry a message key and parameters
(`localized(...)`), so the public page can show them in whichever language the leader picked.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from outreach.catalog import CATALOG_CODES, catalog_of, language_of
from outreach.errors import OutreachError

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
REFERENCE_LANGUAGE = "en"
GLOSSARY_FILE = "glossary.json"
E = TypeVar("E", bound=OutreachError)


@lru_cache(maxsize=len(CATALOG_CODES))
def messages(code: str) -> dict[str, str]:
    """The whole catalog of one language, all its files merged (read once per process)."""
    catalog: dict[str, str] = {}
    for path in catalog_files(code):
        data = json.loads(path.read_text(encoding="utf-8"))
        twice = set(catalog) & set(data)
        if twice:
            raise ValueError(f"{path}: keys {sorted(twice)} are already in another file of {code}")
        catalog.update({str(key): str(value) for key, value in data.items()})
    return catalog


def catalog_files(code: str) -> list[Path]:
    """The JSON message files of one language's catalog, in a stable order (not its glossary)."""
    return sorted(path for path in (TRANSLATIONS_DIR / code).glob("*.json") if path.name != GLOSSARY_FILE)


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


def t(key: str, lang: str | None, /, **params: Any) -> str:
    """The message `key` in `lang`, formatted with `params` (English when a translation is missing)."""
    code = normalize(lang)
    text = messages(code).get(key)
    if text is None:
        text = messages(REFERENCE_LANGUAGE)[key]  # KeyError: a programming error, caught by the tests
    if not params:
        return text
    return text.format(**{name: _render(value, code) for name, value in params.items()})


def _render(value: Any, lang: str) -> Any:
    # An item travels as (material, language) codes so it can be named in any language later.
    if isinstance(value, tuple) and len(value) == 2:
        return item_label(value[0], value[1], lang)
    return value


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
