"""Cached resources (the engine) and cached reads, keyed on the database's data version.

Every cached read goes through `cached_read()`. Its results are keyed on the function's arguments AND on the
data version (outreach/data_versions.py): a number kept in the database that every committed write moves, in
the same transaction, whoever writes: this process, another app process on the same database, a CLI, a
restore. The version is read once per script run (one small query, memoized on the run) and passed to the
cached function as a hidden first argument, so the first rerun after any write anywhere misses the cache and
reads afresh, and reruns without a write in between are served from the cache. Nothing is cleared: entries of
older versions are simply never asked for again and age out (`READ_TTL_SECONDS`, `MAX_ENTRIES`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from outreach import data_versions
from outreach.config import settings
from outreach.db import SessionFactory, engine_of, make_engine, make_sessions, migrate

# Every page gets its sessions here, so this is where the app wires the shipment events to restock
# fulfilment (outreach.shipments.events): a shipment step refuses to run with nobody listening; and to the
# organizations' messages (restock imports notices too; named here to be plain).
from outreach.messages import notices as _notices  # noqa: F401
from outreach.messages import sender as mail_sender
from outreach.restock import fulfilment as _fulfilment  # noqa: F401

F = TypeVar("F", bound=Callable[..., Any])

# Freshness comes from the data version; these only bound memory (results of versions no longer current).
READ_TTL_SECONDS = 600
MAX_ENTRIES = 200
VERSION_ARGUMENT = "data_version"
_RUN_VERSION = "_kyr_data_version"  # on the ScriptRunContext: (the run's marker, the version read)


def cached_read(*, max_entries: int | None = None) -> Callable[[F], F]:
    """The one decorator for cached query results (pages and ui sections): every cached read goes through it.
    The result is keyed on the arguments and on `data_version()`."""

    def decorate(read: F) -> F:
        def keyed(data_version: int, *args: Any, **kwargs: Any) -> Any:
            return read(*args, **kwargs)

        # Streamlit names a cache by module + qualified name, and hashes arguments by parameter name
        # (skipping names that start with "_"): give it the read's own, with the version in front.
        keyed.__module__, keyed.__qualname__, keyed.__name__ = (
            read.__module__,
            read.__qualname__,
            read.__name__,
        )
        signature = inspect.signature(read)
        version = inspect.Parameter(VERSION_ARGUMENT, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int)
        keyed.__signature__ = signature.replace(parameters=[version, *signature.parameters.values()])  # type: ignore[attr-defined]
        cached = st.cache_data(
            ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=max_entries or MAX_ENTRIES
        )(keyed)

        @functools.wraps(read)
        def versioned(*args: Any, **kwargs: Any) -> Any:
            return cached(data_version(), *args, **kwargs)

        versioned.clear = cached.clear  # type: ignore[attr-defined]
        return cast(F, versioned)

    return decorate


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


def data_version() -> int:
    """The configured database's data version, read once per script run (outside a run: every call)."""
    context = get_script_run_ctx(suppress_warning=True)
    if context is None:
        return data_versions.current(engine_of(get_sessions()))
    # A run starts with a fresh `cursors` dict (ScriptRunContext.reset): it marks the run. The memo holds it,
    # so its identity cannot be reused by a later run's dict.
    memo = getattr(context, _RUN_VERSION, None)
    if memo is not None and memo[0] is context.cursors:
        return int(memo[1])
    version = data_versions.current(engine_of(get_sessions()))
    setattr(context, _RUN_VERSION, (context.cursors, version))
    return version


def invalidate_reads() -> None:
    """After a write: the cached reads of the rest of this run read the data version again (and see the
    write). The rerun that follows a write reads it anyway; other processes see it on their next rerun."""
    context = get_script_run_ctx(suppress_warning=True)
    if context is not None and hasattr(context, _RUN_VERSION):
        delattr(context, _RUN_VERSION)
