"""How the values of a table read for people, on screen and in the CSV exports.

A table declares the kind of each of its columns once; `readable` turns the stored values into what a person
reads: language and material codes become names ("ar, bn" -> "Arabic, Bangla"), codes such as statuses
become words, counts become whole numbers (nullable Int64: a missing count stays empty, never NaN, and 300
never reads 300.0), times become datetimes, and missing text becomes an empty string, never "None" or "nan".
The screen (`outreach.ui.tables`) and the exports (`outreach.exports`) both start from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from outreach.catalog import language_names, material_name

TEXT = "text"  # as stored: names, notes, references
WORDS = "words"  # a code in words: 'partially_shipped' -> 'Partially shipped'
LANGUAGE = "language"  # one language code -> its English name
LANGUAGES = "languages"  # several codes ('ar, bn') -> their names ('Arabic, Bangla')
MATERIAL = "material"  # 'flyer' -> 'Flyer'
NUMBER = "number"  # an id or record number: a whole number read as a label, without thousands separators
WHOLE = "whole"  # a count of units, packs, people: a whole number (rounded when it was computed)
DECIMAL = "decimal"  # a ratio or a coordinate: a number with decimals
WHEN = "when"  # a date and time (UTC)
FLAG = "flag"  # yes or no
KINDS = (TEXT, WORDS, LANGUAGE, LANGUAGES, MATERIAL, NUMBER, WHOLE, DECIMAL, WHEN, FLAG)

# A column's kind: one of KINDS, or a mapping of codes to their words (a WORDS column with fixed labels;
# a code it does not list is put in words the usual way).
Kind = str | Mapping[str, str]


def is_missing(value: Any) -> bool:
    """None, NaN, NaT and pd.NA: what a table shows as an empty cell."""
    return value is None or (not isinstance(value, (str, bytes, list, tuple, dict)) and bool(pd.isna(value)))


def in_words(code: Any, labels: Mapping[str, str] | None = None) -> str:
    """'partially_shipped' -> 'Partially shipped' (or the label given for it); missing -> ''."""
    if is_missing(code):
        return ""
    text = str(code)
    if labels and text in labels:
        return labels[text]
    spaced = text.replace("_", " ")
    return spaced[:1].upper() + spaced[1:]


def language_list(codes: Any, *, separator: str = ", ") -> str:
    """`catalog.language_names` of a cell: 'ar, bn' -> 'Arabic, Bangla'; missing -> ''."""
    return "" if is_missing(codes) else language_names(codes, separator=separator)


def whole_numbers(values: pd.Series) -> pd.Series:
    """Whole numbers that may be missing: Int64, rounded first (a fair share of 70,063.6 units is 70,064)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("Float64")
    return numbers.round().astype("Int64")


def readable(frame: pd.DataFrame, kinds: Mapping[str, Kind]) -> pd.DataFrame:
    """The columns named in `kinds`, in that order, each value turned into what a person reads."""
    return pd.DataFrame(
        {name: _column(frame[name], kind) for name, kind in kinds.items()}, index=frame.index
    ).reset_index(drop=True)


def _column(values: pd.Series, kind: Kind) -> pd.Series:
    if not isinstance(kind, str):
        return values.map(lambda code: in_words(code, kind)).astype(object)
    if kind == WORDS:
        return values.map(in_words).astype(object)
    if kind == LANGUAGE or kind == LANGUAGES:
        return values.map(language_list).astype(object)
    if kind == MATERIAL:
        return values.map(lambda code: "" if is_missing(code) else material_name(code)).astype(object)
    if kind in (NUMBER, WHOLE):
        return whole_numbers(values)
    if kind == DECIMAL:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if kind == WHEN:
        return pd.to_datetime(values, errors="coerce")
    if kind == FLAG:
        return values.astype("boolean")
    if kind == TEXT:
        return values.map(lambda value: "" if is_missing(value) else str(value)).astype(object)
    raise ValueError(f"Unknown column kind {kind!r}; use one of {', '.join(KINDS)} or a mapping of labels.")
