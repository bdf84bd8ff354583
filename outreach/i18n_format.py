"""Numbers, dates and plural forms the way each of the campaign's readers writes them (CLDR, through Babel).

`number(2000, "fr")` is "2 000" (narrow no-break space, U+202F), "2 000" in Russian and Haitian Kreyòl
(no-break space, U+00A0, CLDR's group symbol for ru and ht), "2,000" in English, Spanish and Chinese, "٢٬٠٠٠" in
Arabic and "২,০০০" in Bangla. `date(d, lang)` is CLDR's medium date of the same locale, `plural_category(n,
lang)` the CLDR plural category ("one", "few", ...) a catalog entry with a count is chosen by.

Which CLDR locale stands for each language is a decision about New York's readers, not the language's
root locale (`LOCALES`):

- **Spanish** `es_US`: most of the city's Spanish readers are Dominican, Puerto Rican and Mexican, who write
  2,000 (and every US form and price they read does); the root `es` locale (Spain) writes 2.000, which reads as
  "two" to them.
- **Arabic** `ar_EG`, Arabic-Indic digits (٠-٩, separator ٬): CLDR's root `ar` now defaults to Latin digits, but
  its Egyptian, Yemeni, Syrian, Palestinian and Saudi locales default to `arab`, and those (Yemeni and Egyptian
  first) are most of the city's Arabic-reading families; their print, forms and newspapers use ٠-٩.
- **Bangla** `bn` (Bangladesh), Bengali digits (০-৯): CLDR's default numbering for `bn` is `beng`; Bangladeshi
  newspapers, forms and phone bills print them. (`bn_IN`, West Bengal, defaults to Latin: not our readers.)
- **Urdu** `ur` (Pakistan), Latin digits: CLDR's default for `ur` is `latn` (only `ur_IN` uses Eastern
  Arabic-Indic ۰-۹), and Pakistani print and signage use 0-9; New York's Urdu readers are mostly Pakistani.
- **Yiddish** `yi`, Latin digits, as every Yiddish publication in New York.
- **Traditional Chinese** `zh_Hant` (the `zh-Hant` catalog, for Cantonese and Taishanese readers): Latin digits
  grouped by commas, "2,000", as Hong Kong and Taiwan print them; its dates in Traditional characters.
- The others use their root locale (`fr`, `ru`, `zh`, `en_US`, `ht`).

Digits in values people typed (phone numbers, confirmation numbers) are never changed: this module formats the
numbers the app itself writes. Babel formats the group and decimal symbols of a numbering system but always
writes Latin digits, so the digits are mapped here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from outreach.catalog import CATALOG_CODES

LOCALES: dict[str, str] = {
    "es": "es_US",
    "en": "en_US",
    "fr": "fr",
    "zh": "zh_Hans",
    "zh-Hant": "zh_Hant",
    "ar": "ar_EG",
    "ru": "ru",
    "bn": "bn",
    "ur": "ur",
    "ht": "ht",
    "yi": "yi",
}
# Languages whose readers expect their own digits (see above), and the digits zero to nine.
NATIVE_DIGITS: dict[str, str] = {"ar": "٠١٢٣٤٥٦٧٨٩", "bn": "০১২৩৪৫৬৭৮৯"}
# CLDR has no dates for Haitian Kreyòl (Babel falls back to "2027 M01 10"): day, month, year as Haiti writes them.
KREYOL_MONTHS = (
    "janvye",
    "fevriye",
    "mas",
    "avril",
    "me",
    "jen",
    "jiyè",
    "out",
    "septanm",
    "oktòb",
    "novanm",
    "desanm",
)
# The CLDR plural categories, in CLDR's order.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
FALLBACK = "en"


@lru_cache(maxsize=len(CATALOG_CODES) + 1)
def locale(lang: str | None) -> Locale:
    """The Babel locale that stands for one of the eleven catalogs (English for anything else)."""
    return Locale.parse(LOCALES.get(lang or "", LOCALES[FALLBACK]))


def _digits(text: str, lang: str | None) -> str:
    native = NATIVE_DIGITS.get(lang or "")
    return text.translate(str.maketrans("0123456789", native)) if native else text


def number(value: Any, lang: str | None) -> str:
    """`value` as the reader of `lang` writes it: "2 000" (fr), "2,000" (en), "২,০০০" (bn), "٢٬٠٠٠" (ar)."""
    return _digits(format_decimal(value, locale=locale(lang), numbering_system="default"), lang)


def unambiguous(value: int) -> str:
    """A whole number grouped by a narrow no-break space, "12 500" (ISO 80000, the SI brochure): for a table
    read by people of several languages at once (the packing slip: English labels for the depot, read by the
    organization too), where "12,500" reads as 12.5 to French, Russian and Haitian readers and "12.500" as
    12.5 to English ones. Latin digits: the table is also the depot's."""
    return f"{value:,}".replace(",", "\u202f")


def date(value: dt.date, lang: str | None) -> str:
    """CLDR's medium date: "Jan 10, 2027", "10 janv. 2027", "১০ জানু, ২০২৭"."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if lang == "ht":
        return f"{value.day} {KREYOL_MONTHS[value.month - 1]} {value.year}"
    return _digits(format_date(value, "medium", locale=locale(lang)), lang)


def plural_category(count: int | float, lang: str | None) -> str:
    """The CLDR plural category of `count` in `lang`: "one", "few", "many", ... or "other"."""
    return str(locale(lang).plural_form(abs(count)))


def categories(lang: str | None) -> set[str]:
    """Every plural category `lang` distinguishes: a plural entry in its catalog needs each of them."""
    return set(locale(lang).plural_form.tags) | {"other"}
