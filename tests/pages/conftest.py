"""AppTest helpers: run a page file (with or without app.py) as a given user against the test database."""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path

import pytest
import streamlit
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
