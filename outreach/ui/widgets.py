"""Shared widgets: the one place errors are shown, write actions, confirmations, downloads."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

from outreach import exports
from outreach.errors import OutreachError
from outreach.exports import Export
from outreach.ui import state
from outreach.ui.resources import get_sessions, invalidate_reads

T = TypeVar("T")

MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~$"
WORD_JOINER = "\u2060"
# Streamlit's "typographic" replacements (frontend StreamlitMarkdown, 1.67): each sequence on its own, between
# white space or the ends of the text. tests/test_escaping.py reads them from the installed Streamlit.
TYPOGRAPHY = ("<->", "->", "<-", "--", ">=", "<=", "~=")
_TYPOGRAPHY = re.compile(
    "(?:^|(?<=[\\s\ufeff]))(?:" + "|".join(map(re.escape, TYPOGRAPHY)) + ")(?=[\\s\ufeff]|$)"
)
# Emoji shortcodes (":+1:", ":smile:"), ":material/icon:" and ":streamlit:", as remark-emoji and Streamlit
# find them: the colon that opens one.
_SHORTCODE = re.compile(":(?=[A-Za-z0-9_+-]+:|material/)")


def show_error(error: OutreachError) -> None:
    """Show a domain error once, as text (st.error renders markdown; we escape it)."""
    st.error(f"**{error.title}.** {escape_markdown(str(error))}", icon="⚠️")


def escape_markdown(text: str) -> str:
    """User text shown through markdown: neutralise markdown and HTML so it shows as typed.

    Backslashes stop markdown and HTML. They cannot stop what Streamlit's renderer does to the text after
    the escapes are undone: a lone "--" becomes "—" ("->" "→", "<=" "≤", ...), ":smile:" an emoji and
    ":material/home:" an icon. There an invisible WORD JOINER (U+2060, no width, not a space) goes between
    the characters, so that nothing matches and the person sees what they typed.
    """
    text = _TYPOGRAPHY.sub(lambda found: found[0][0] + WORD_JOINER + found[0][1:], str(text))
    text = _SHORTCODE.sub(":" + WORD_JOINER, text)
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)


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

    On success (the write moved the data version, so every process's cached reads follow), the confirmation is kept for the next run (`show_flash`),
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


def section_choice(label: str, sections: dict[str, str], *, key: str, **options: Any) -> str:
    """The page section to draw (code -> label; the first is the default). A keyed control, not st.tabs:
    only the chosen section's code runs, and the choice survives the rerun after a write."""
    first = next(iter(sections))
    choice = st.segmented_control(
        label,
        list(sections),
        format_func=sections.__getitem__,
        default=first,
        required=True,
        key=key,
        **options,
    )
    return str(choice or first)


def show_flash() -> None:
    message = st.session_state.pop(state.FLASH, None)
    if message:
        st.success(message, icon="✅")


def quantity_input(
    label: str, *, key: str, value: str = "", placeholder: str = "", help: str | None = None
) -> str:
    """A quantity as typed, for `parse_quantity` (directly or in the domain verb): it reads every script the
    campaign uses (٣, ১০, 1,000) and refuses decimals, exponents and typos with a message naming the value.
    Never a number input: it rounds "1.5", reads "1e6" as 1, clamps or silently ignores what is out of range
    and takes no digits but 0-9."""
    typed = st.text_input(label, value=value, key=key, placeholder=placeholder, help=help, autocomplete="off")
    return typed or ""


def csv_download(frame: pd.DataFrame, *, label: str, file_name: str, key: str) -> None:
    """A CSV download. Like every download button of the app it passes on_click="ignore" (checked by
    tests/ui/test_widgets.py): in Streamlit 1.67 a click that also reruns the page can lose a lazily built
    file (a callable `data`), whose reply the start of that rerun drops from the outgoing queue, and the
    button spins for three minutes. Nothing on a page needs a rerun after a download."""
    st.download_button(
        label, data=csv_bytes(frame), file_name=file_name, mime="text/csv", key=key, on_click="ignore"
    )


def csv_export(read: Callable[..., pd.DataFrame], export: Export, **filters: Any) -> Callable[[], bytes]:
    """A download button's `data`: every row `read` finds with these filters (all pages, `limit=None`), in the
    export's documented columns (docs/exports.md), as CSV, read only when the button is pressed."""
    return lambda: csv_bytes(exports.shape(read(get_sessions(), limit=None, **filters), export))


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
