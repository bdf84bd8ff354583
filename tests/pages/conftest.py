"""AppTest helpers: run a page file (with or without app.py) as a given user against the test database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
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


@pytest.fixture
def page_db(app_env, sessions, ref):
    """The app pointed at a fresh database with the reference catalog; returns (sessions, ref)."""
    return sessions, ref
