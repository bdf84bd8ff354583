"""Values as people read them: names for codes, whole numbers as integers, empty cells empty."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from outreach import columns
from outreach.columns import (
    DECIMAL,
    FLAG,
    LANGUAGE,
    LANGUAGES,
    MATERIAL,
    NUMBER,
    TEXT,
    WHEN,
    WHOLE,
    WORDS,
    readable,
)


def test_codes_become_names_and_words():
    frame = pd.DataFrame(
        {
            "languages": ["ar, bn", None],
            "language": ["ht", None],
            "material": ["flyer", None],
            "status": ["partially_shipped", None],
            "kind": ["transfer_out", "receipt"],
        }
    )
    shown = readable(
        frame,
        {
            "languages": LANGUAGES,
            "language": LANGUAGE,
            "material": MATERIAL,
            "status": WORDS,
            "kind": {"transfer_out": "Transfer out of a depot"},
        },
    )
    assert shown.iloc[0].tolist() == [
        "Arabic, Bangla",
        "Haitian Kreyòl",
        "Flyer",
        "Partially shipped",
        "Transfer out of a depot",
    ]
    assert shown.iloc[1].tolist() == ["", "", "", "", "Receipt"]  # a code without a label: in words


def test_counts_are_whole_numbers_that_may_be_missing():
    frame = pd.DataFrame({"attendance": [300.0, np.nan], "fair_share": [70063.6, 12.4], "id": [7, 8]})
    shown = readable(frame, {"attendance": WHOLE, "fair_share": WHOLE, "id": NUMBER})
    assert all(str(dtype) == "Int64" for dtype in shown.dtypes)
    assert shown["attendance"].iloc[0] == 300 and shown["attendance"].isna().iloc[1]
    assert shown["fair_share"].tolist() == [70064, 12]


def test_missing_text_is_empty_never_none_or_nan():
    frame = pd.DataFrame({"note": ["kept", None, np.nan, pd.NA], "zip": ["11372", None, "10463", None]})
    shown = readable(frame, {"note": TEXT, "zip": TEXT})
    assert shown["note"].tolist() == ["kept", "", "", ""] and shown["zip"].tolist() == [
        "11372",
        "",
        "10463",
        "",
    ]


def test_times_flags_and_decimals():
    frame = pd.DataFrame(
        {"at": [dt.datetime(2026, 3, 1, 14, 5), None], "low": [1, 0], "per_1000": [12.345, None]}
    )
    shown = readable(frame, {"at": WHEN, "low": FLAG, "per_1000": DECIMAL})
    assert pd.api.types.is_datetime64_any_dtype(shown["at"]) and pd.isna(shown["at"].iloc[1])
    assert shown["low"].tolist() == [True, False]
    assert shown["per_1000"].iloc[0] == pytest.approx(12.345) and pd.isna(shown["per_1000"].iloc[1])


def test_only_the_declared_columns_in_their_order():
    frame = pd.DataFrame({"b": [1], "a": ["x"], "secret": ["hidden"]}, index=[41])
    shown = readable(frame, {"a": TEXT, "b": WHOLE})
    assert list(shown.columns) == ["a", "b"] and list(shown.index) == [0]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown column kind 'money'"):
        readable(pd.DataFrame({"a": [1]}), {"a": "money"})


def test_in_words_and_is_missing():
    assert columns.in_words("zip_centroid", {"zip_centroid": "ZIP centre"}) == "ZIP centre"
    assert columns.in_words("active") == "Active" and columns.in_words(None) == ""
    assert all(columns.is_missing(value) for value in (None, np.nan, pd.NA, pd.NaT))
    assert not any(columns.is_missing(value) for value in ("", 0, "None", False))
