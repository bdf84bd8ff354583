"""Tables people read: each declares its columns once, next to the section that draws it (a label in words
and the kind of value, `outreach.columns`), and `show_table` draws exactly those columns: names instead of
codes, whole numbers right-aligned, times formatted, empty cells empty.

Labels go through `st.column_config`, not by renaming the frame: the frame keeps its stored column names, so
code that looks a row up (the shipment chosen, the page tests) does not depend on the wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from outreach.columns import DECIMAL, FLAG, NUMBER, TEXT, WHEN, WHOLE, Kind, readable

Width = Literal["small", "medium", "large"] | None
TIME_FORMAT = "YYYY-MM-DD HH:mm"


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = TEXT
    help: str | None = None
    width: Width = None
    # WHEN: instead of TIME_FORMAT (the audit trail wants seconds); DECIMAL: instead of %.1f (coordinates)
    format: str | None = None


Columns = Mapping[str, Column]


def column_config(columns: Columns) -> dict[str, Any]:
    """The st.column_config of each column: its label, and for numbers and times their format."""
    return {name: _config(column) for name, column in columns.items()}


def _config(column: Column) -> Any:
    common: dict[str, Any] = {"help": column.help, "width": column.width}
    if column.kind == NUMBER:  # a record number reads as a label: #1204, not #1,204
        return st.column_config.NumberColumn(column.label, format="%d", alignment="right", **common)
    if column.kind == WHOLE:
        return st.column_config.NumberColumn(column.label, format="localized", alignment="right", **common)
    if column.kind == DECIMAL:
        return st.column_config.NumberColumn(
            column.label, format=column.format or "%.1f", alignment="right", **common
        )
    if column.kind == WHEN:
        return st.column_config.DatetimeColumn(column.label, format=column.format or TIME_FORMAT, **common)
    if column.kind == FLAG:
        return st.column_config.CheckboxColumn(column.label, **common)
    return st.column_config.TextColumn(column.label, **common)


def table_frame(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The frame as the table shows it: the declared columns, in order, readable."""
    return readable(frame, {name: column.kind for name, column in columns.items()})


def show_table(
    frame: pd.DataFrame,
    columns: Columns,
    *,
    key: str | None = None,
    height: int | Literal["auto"] = "auto",
    empty: str = "",
) -> None:
    """Draw the declared columns of `frame`. `empty` is what a missing value shows ("no data" where a
    missing figure means something); text the table reads is never rendered as markup."""
    st.dataframe(
        table_frame(frame, columns),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=column_config(columns),
        placeholder=empty,
        key=key,
    )
