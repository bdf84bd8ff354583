"""Paging for long tables: a page size and a page number above the table, a caption below it.

A page asks the database for one row more than it shows, so "is there a next page" costs nothing: no
COUNT(*) over a table of a million rows on every rerun. A page never renders more than MAX_PAGE_SIZE rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

PAGE_SIZES = (50, 100, 200)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = max(PAGE_SIZES)


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def fetch(self) -> int:
        """Rows to ask for: one more than shown, to know whether a next page exists."""
        return self.size + 1


def pager(key: str, *, filters: object = None) -> Page:
    """Page size and number widgets (keys `<key>_size`, `<key>_number`). A change of `filters` (anything
    comparable: the tuple of filter values) sends the reader back to page 1."""
    number_key, filters_key = f"{key}_number", f"{key}_filters"
    if st.session_state.get(filters_key, filters) != filters:
        st.session_state[number_key] = 1
    st.session_state[filters_key] = filters
    size_column, number_column, _ = st.columns([1, 1, 3])
    size = size_column.selectbox(
        "Rows per page", PAGE_SIZES, index=PAGE_SIZES.index(DEFAULT_PAGE_SIZE), key=f"{key}_size"
    )
    # No `value=`: it starts at min_value, and resetting it through session_state above stays warning-free.
    number = number_column.number_input("Page", min_value=1, step=1, key=number_key)
    return Page(number=int(number), size=int(size))


def shown_rows(frame: pd.DataFrame, page: Page) -> pd.DataFrame:
    """The rows of this page (the extra row fetched is dropped), with a caption saying where we are."""
    shown = frame.head(page.size)
    if shown.empty:
        st.caption("Nothing on this page." + (" Go back to page 1." if page.number > 1 else ""))
        return shown
    more = len(frame) > page.size
    st.caption(
        f"Rows {page.offset + 1:,}–{page.offset + len(shown):,}"
        + (" · more on the next page" if more else " · last page")
    )
    return shown


def total_caption(page: Page, total: int, *, noun: str = "Rows") -> str:
    """'Rows 101–200 of 590', for a table already in memory (its total is known); empty when it has none."""
    if total <= 0:
        return ""
    return f"{noun} {min(page.offset + 1, total):,}–{min(page.offset + page.size, total):,} of {total:,}"
