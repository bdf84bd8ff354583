"""Cached resources (the engine) and cached reads. Every write clears the reads it changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from outreach.config import settings
from outreach.db import SessionFactory, make_engine, make_sessions, migrate

# Every page gets its sessions here, so this is where the app wires the shipment events to restock
# fulfilment (outreach.shipments.events): a shipment step refuses to run with nobody listening; and to the
# organizations' messages (restock imports notices too; named here to be plain).
from outreach.messages import notices as _notices  # noqa: F401
from outreach.messages import sender as mail_sender
from outreach.restock import fulfilment as _fulfilment  # noqa: F401

F = TypeVar("F", bound=Callable[..., Any])

READ_TTL_SECONDS = 60


def cached_read(*, max_entries: int | None = None) -> Callable[[F], F]:
    """The one decorator for cached query results (pages and ui sections): every cached read goes through it."""
    return st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=max_entries)  # type: ignore[return-value]


@st.cache_resource(show_spinner=False)
def _sessions_for(url: str) -> SessionFactory:
    engine = make_engine(url)
    migrate(engine)  # the app upgrades the schema on start
    return make_sessions(engine)


@st.cache_resource(show_spinner=False)
def _mail_sender_for(url: str, smtp_host: str) -> mail_sender.Background | None:
    """The mail sender's thread in this process, once, when SMTP is configured. Every process starts one;
    the lease in the database lets one of them send at a time (outreach.messages.sender)."""
    return mail_sender.start_background(_sessions_for(url)) if smtp_host else None


def get_sessions() -> SessionFactory:
    """The session factory for the configured database (one engine per URL per process)."""
    current = settings()
    sessions = _sessions_for(current.database_url)
    _mail_sender_for(current.database_url, current.smtp_host)
    return sessions


def invalidate_reads() -> None:
    """Clear cached query results after any write, so no page shows stale numbers."""
    st.cache_data.clear()
