"""Shared widgets: the one place errors are shown, write actions, confirmations, downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

from outreach.errors import OutreachError
from outreach.ui import state
from outreach.ui.resources import invalidate_reads

T = TypeVar("T")


def show_error(error: OutreachError) -> None:
    """Show a domain error once, as text (st.error renders markdown; we escape it)."""
    st.error(f"**{error.title}.** {escape_markdown(str(error))}", icon="⚠️")


def escape_markdown(text: str) -> str:
    """User text shown through markdown: neutralise markdown and HTML so it shows as typed."""
    specials = "\\`*_{}[]()#+-.!|<>~$"
    return "".join(f"\\{ch}" if ch in specials else ch for ch in str(text))


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a write did: `ok` is False when a domain error was shown (nothing was written)."""

    ok: bool
    value: T | None = None


def run_write(
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    keep: Callable[[T], None] | None = None,
    rerun: bool = True,
) -> Outcome[T]:
    """The one way a page writes: run a domain verb, then either show its error once or confirm it.

    On success the cached reads are cleared, the confirmation is kept for the next run (`show_flash`),
    `keep(value)` may stash what the next run must show (a one-time link, a confirmation number), and the
    page reruns, so nothing drawn before the write survives. `rerun=False` is for the rare caller that
    goes on drawing in the same run (a long import showing its own result). On a domain error the error is
    shown and the outcome is not ok: the verb is one transaction, so nothing was written.
    """
    try:
        value = action()
    except OutreachError as error:
        show_error(error)
        return Outcome(ok=False)
    invalidate_reads()
    st.session_state[state.FLASH] = success(value) if callable(success) else success
    if keep is not None:
        keep(value)
    if rerun:
        st.rerun()
    return Outcome(ok=True, value=value)


def show_flash() -> None:
    message = st.session_state.pop(state.FLASH, None)
    if message:
        st.success(message, icon="✅")


def csv_download(frame: pd.DataFrame, *, label: str, file_name: str, key: str) -> None:
    """A CSV download. Like every download button of the app it passes on_click="ignore" (checked by
    tests/ui/test_widgets.py): in Streamlit 1.67 a click that also reruns the page can lose a lazily built
    file (a callable `data`), whose reply the start of that rerun drops from the outgoing queue, and the
    button spins for three minutes. Nothing on a page needs a rerun after a download."""
    st.download_button(
        label, data=csv_bytes(frame), file_name=file_name, mime="text/csv", key=key, on_click="ignore"
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for spreadsheets; cells that start with = + - @ are prefixed so they are never run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # Only cells whose text starts like a formula are looked at one by one (few, if any).
            suspects = values.astype(str).str[:1].isin(FORMULA_STARTS)
            if suspects.any():
                safe[column] = values.astype(object).mask(suspects, values[suspects].map(_defuse_formula))
    # CRLF rows (RFC 4180): then a cell holding a lone carriage return is quoted too, instead of splitting
    # the row in a spreadsheet (where the part after it would start a new row, formula and all).
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse_formula(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
