"""Cached reads follow the database: keyed on the data version, read once per script run."""

from __future__ import annotations

from sqlalchemy import event, select

from outreach import inventory
from outreach.db import engine_of, make_engine, make_sessions
from outreach.models import StockBalance
from outreach.ui.resources import cached_read, get_sessions
from tests.conftest import ACTOR

CALLS: list[str] = []


@cached_read()
def on_hand(database_url: str, _unused: object = None) -> int:
    CALLS.append(database_url)
    with get_sessions()() as session:
        return sum(session.scalars(select(StockBalance.on_hand)))


def test_a_cached_read_is_served_until_any_process_writes(app_env, ref):
    CALLS.clear()
    assert on_hand(app_env) == on_hand(app_env, object()) == 0  # "_"-arguments are not part of the key
    assert len(CALLS) == 1
    # Another process: its own engine on the same database, writing through the domain.
    other = make_engine(app_env)
    inventory.receive(
        make_sessions(other),
        unit_id=ref.units[("flyer", "es")],
        location_id=ref.main_depot,
        quantity=250,
        reference="PR-7",
        actor=ACTOR,
    )
    other.dispose()
    assert on_hand(app_env) == 250
    assert on_hand(app_env) == 250
    assert len(CALLS) == 2


def _script() -> None:
    import streamlit as st

    from outreach.config import settings
    from outreach.ui import resources

    @resources.cached_read()
    def first(url: str) -> int:
        return 1

    @resources.cached_read()
    def second(url: str) -> int:
        return 2

    url = settings().database_url
    st.markdown(str(first(url) + second(url) + first(url)))


def test_the_version_is_read_once_per_run(app_env):
    from streamlit.testing.v1 import AppTest

    engine = engine_of(get_sessions())
    reads: list[str] = []

    def count(_connection, _cursor, statement, *_rest) -> None:
        if "data_versions" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        at = AppTest.from_function(_script).run()
        assert not at.exception and at.markdown[0].value == "4"
        assert len(reads) == 1
        at.run()
        assert len(reads) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)
