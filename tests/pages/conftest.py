"""AppTest helpers: run a page file (with or without app.py) as a given user against the test database."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from outreach.ui import state

ROOT = Path(__file__).resolve().parents[2]
USERS = {
    "admin": {"username": "ada", "display_name": "Ada Admin", "role": "admin"},
    "coordinator": {"username": "cora", "display_name": "Cora Coordinator", "role": "coordinator"},
    "organizer": {"username": "otto", "display_name": "Otto Organizer", "role": "organizer"},
}


def open_page(
    path: str, role: str | None = None, *, timeout: float = 30, query: dict | None = None
) -> AppTest:
    """Run `path` (relative to the project root, e.g. 'pages/inventory.py' or 'app.py') as `role`."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    if role is not None:
        at.session_state[state.USER] = USERS[role]
        at.session_state[state.LAST_SEEN] = time.time()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def page_text(at: AppTest) -> str:
    """Everything visible as text: markdown, titles, captions, alerts, and dataframe contents."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
        "metric",
    ):
        for element in getattr(at, kind, []):
            parts.append(str(getattr(element, "value", "")) + " " + str(getattr(element, "label", "")))
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    return "\n".join(parts)


# --- what a browser shows of markdown ---------------------------------------------------------------

STREAMLIT_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"
# CommonMark: a backslash before ASCII punctuation shows that character.
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# remark-emoji's shortcodes (ASCII \w, as in JavaScript), Streamlit's icons (":material/x:" is rewritten to
# ":material_x:" before parsing) and its logo.
_SHORTCODE_JS = r"/:\+1:|:-1:|:[\w-]+:/g"
SHORTCODES = re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII)
WORD_JOINER = "\u2060"


@cache
def streamlit_typography() -> tuple[tuple[str, str], ...]:
    """Streamlit's typographic replacements, read from the installed frontend: ("--", "—"), ("->", "→"), ...

    StreamlitMarkdown applies them to every text node after markdown is parsed (escapes already undone).
    """
    for path in sorted(STREAMLIT_JS.glob("StreamlitMarkdown*.js")):
        found = re.findall(r"\[/\(\^\|\\s\)([^/]+)\(\\s\|\$\)/g,`\$1([^`]+)\$2`\]", path.read_text("utf-8"))
        if found:
            return tuple(found)
    raise AssertionError(
        f"No typographic replacements found in {STREAMLIT_JS}: Streamlit changed; look again."
    )


def shown_by_streamlit(markdown: str) -> str:
    """The text a reader sees when Streamlit renders `markdown` (inline text: no block structure)."""
    emoji = [path.read_text("utf-8") for path in STREAMLIT_JS.glob("remark-emoji*.js")]
    assert emoji and all(_SHORTCODE_JS in source for source in emoji), "remark-emoji changed: look again"
    text = markdown.replace(":material/", ":material_")  # StreamlitMarkdown does this to the source
    text = _BACKSLASH_ESCAPE.sub(r"\1", text)
    for sequence, symbol in streamlit_typography():
        text = re.sub(rf"(^|\s){re.escape(sequence)}(\s|$)", rf"\g<1>{symbol}\g<2>", text)
    text = SHORTCODES.sub(lambda found: f"[{found[0]} as a picture]", text)
    return text.replace(WORD_JOINER, "")  # no width: nobody sees it


@pytest.fixture
def page_db(app_env, sessions, ref):
    """The app pointed at a fresh database with the reference catalog; returns (sessions, ref)."""
    return sessions, ref


# --- tables and downloads as a person gets them -------------------------------------------------------


def _column_config(element: Any) -> dict[str, dict]:
    return json.loads(element.proto.columns or "{}")


def table_headers(element: Any) -> list[str]:
    """The column headers an st.dataframe shows: each visible column's label, else its name."""
    config = _column_config(element)
    order = list(element.proto.column_order) or [str(name) for name in element.value.columns]
    return [
        config.get(name, {}).get("label") or name for name in order if not config.get(name, {}).get("hidden")
    ]


def seen_table(element: Any) -> pd.DataFrame:
    """An st.dataframe as a person reads it: its visible columns, in order, under their headers."""
    config = _column_config(element)
    order = list(element.proto.column_order) or [str(name) for name in element.value.columns]
    shown = [name for name in order if not config.get(name, {}).get("hidden")]
    return element.value[shown].rename(columns=dict(zip(shown, table_headers(element), strict=True)))


def column_format(element: Any, header: str) -> dict:
    """The column config of the column shown under `header` (its type_config, alignment, ...)."""
    return next(
        value for name, value in _column_config(element).items() if (value.get("label") or name) == header
    )


def empty_cell_text(element: Any) -> str | None:
    """What a missing value shows as ("None" when the table does not say: Streamlit's default)."""
    return element.proto.placeholder if element.proto.HasField("placeholder") else None


class Downloads:
    """What the download buttons of the runs so far give, by file name. A button that builds its file
    when pressed (a callable) is built on reading, as a press would."""

    def __init__(self) -> None:
        self.files: dict[str, bytes | Callable[[], Any]] = {}

    def __getitem__(self, file_name: str) -> bytes:
        data = self.files[file_name]
        made = data() if callable(data) else data
        return made.encode("utf-8") if isinstance(made, str) else bytes(made)

    def named(self, start: str) -> bytes:
        """The file whose name starts with `start` (names carry dates and choices)."""
        return self[next(name for name in self.files if name.startswith(start))]

    def csv(self, file_name: str) -> list[list[str]]:
        """A CSV download as its rows of cells (header first), read as a spreadsheet would."""
        data = self[file_name] if file_name in self.files else self.named(file_name)
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """Record every download button's file as the page hands it to Streamlit."""
    seen = Downloads()
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, data, mimetype, coordinates, file_name=None, **options):  # type: ignore[no-untyped-def]
        if file_name:
            seen.files[file_name] = data
        return add(self, data, mimetype, coordinates, file_name=file_name, **options)

    def record_deferred(self, make, mimetype, coordinates, file_name=None, **options):  # type: ignore[no-untyped-def]
        if file_name:
            seen.files[file_name] = make
        return add_deferred(self, make, mimetype, coordinates, file_name=file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return seen
