"""Time one page script with AppTest, the way tests/pages/conftest.py runs it, against its floor and its peer.

Every script (page, floor, peer) runs through a small generated wrapper that records how long the script body
took inside the script thread, so both figures are kept: the whole AppTest run (what the targets use: script
plus Streamlit's own work to build, serialise and hand over the page) and the script alone.

- cold: `st.cache_data` cleared, a fresh AppTest session (the first visitor after a write or after the TTL);
- warm: the same session run again with the cache kept (a rerun after a widget change elsewhere);
- floor: a bare script that shows an already computed copy of the page's main table (same rows and columns);
- peer: the same page written the naive way (bench/naive_pages/), whole tables read with pd.read_sql.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, event
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 900
# Filled by the generated wrappers (same process: AppTest runs the script in a thread of this one).
SCRIPT_SECONDS: dict[str, float] = {}
FLOOR_FRAME: dict[str, pd.DataFrame] = {"frame": pd.DataFrame()}

_WRAPPER = """import runpy, time
from bench import page_timing
_started = time.perf_counter()
try:
    runpy.run_path({target!r}, run_name="__main__")
finally:
    page_timing.SCRIPT_SECONDS[{target!r}] = time.perf_counter() - _started
"""
_FLOOR = """import streamlit as st
from bench import page_timing
st.dataframe(page_timing.FLOOR_FRAME["frame"], hide_index=True, width="stretch")
"""


@dataclass
class Sample:
    """Medians of N runs, in milliseconds (AppTest run, and script body only)."""

    runs_ms: list[float] = field(default_factory=list)
    script_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms) if self.runs_ms else float("nan")

    @property
    def script_median_ms(self) -> float:
        return statistics.median(self.script_ms) if self.script_ms else float("nan")


@dataclass
class PageResult:
    page: str
    rows: int = 0
    columns: int = 0
    floor: Sample = field(default_factory=Sample)
    cold: Sample = field(default_factory=Sample)
    warm: Sample = field(default_factory=Sample)
    peer: Sample = field(default_factory=Sample)
    peak_mb: float = float("nan")
    error: str = ""
    slow_queries: list[tuple[float, str, Any]] = field(default_factory=list)


class Scripts:
    """The temp files: a wrapper per script, and the floor script."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="kyr-bench-"))
        self._wrappers: dict[Path, Path] = {}
        self.floor = self.wrapper(self._write("floor.py", _FLOOR))

    def _write(self, name: str, text: str) -> Path:
        path = self._dir / name
        path.write_text(text, encoding="utf-8")
        return path

    def wrapper(self, target: Path) -> Path:
        target = target.resolve()
        if target not in self._wrappers:
            name = f"wrap_{len(self._wrappers)}_{target.stem}.py"
            self._wrappers[target] = self._write(name, _WRAPPER.format(target=str(target)))
        return self._wrappers[target]


def new_session(script: Path, user: dict | None, query: dict[str, str] | None) -> AppTest:
    """A fresh AppTest session, signed in through session_state as tests/pages/conftest.py does."""
    from outreach.ui import state

    at = AppTest.from_file(str(script), default_timeout=TIMEOUT_S)
    if user is not None:
        at.session_state[state.USER] = dict(user)
        at.session_state[state.LAST_SEEN] = time.time()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def timed_run(at: AppTest, target: Path, sample: Sample | None) -> AppTest:
    SCRIPT_SECONDS.pop(str(target.resolve()), None)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{target.name} raised: {_first_line(at.exception[0].value)}")
    if sample is not None:
        sample.runs_ms.append(elapsed * 1000)
        sample.script_ms.append(SCRIPT_SECONDS.get(str(target.resolve()), float("nan")) * 1000)
    return at


def _first_line(value: object) -> str:
    return str(value).strip().splitlines()[0][:300] if str(value).strip() else repr(value)


def main_table(at: AppTest) -> pd.DataFrame:
    """The page's main table: the largest dataframe it shows (by cells); empty when it shows none."""
    frames = [element.value for element in [*at.dataframe, *at.table]]
    frames = [frame.data if hasattr(frame, "data") else frame for frame in frames]  # a Styler's data
    frames = [frame for frame in frames if isinstance(frame, pd.DataFrame)]
    return max(frames, key=lambda frame: frame.size, default=pd.DataFrame())


@contextmanager
def recorded_queries() -> Iterator[list[tuple[float, str, Any]]]:
    """Every SQL statement run meanwhile, with its parameters and duration (s), for the query plans."""
    found: list[tuple[float, str, Any]] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        conn.info.setdefault("kyr_bench_started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        started = conn.info["kyr_bench_started"].pop()
        found.append((time.perf_counter() - started, statement, parameters))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)


def peak_memory_mb(action: Callable[[], object]) -> float:
    """Peak Python heap (tracemalloc: pandas and numpy buffers included) while `action` runs, in MB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def measure_page(
    scripts: Scripts,
    page: Path,
    peer: Path | None,
    *,
    user: dict | None,
    query: dict[str, str] | None = None,
    runs: int = 3,
) -> PageResult:
    """Warm-up, then `runs` rounds of floor / page cold / page warm / peer, interleaved so that load from
    other processes on the machine hits all four alike. Medians are reported."""
    result = PageResult(page=page.stem)
    wrapped = scripts.wrapper(page)
    try:
        st.cache_data.clear()
        first = timed_run(new_session(wrapped, user, query), page, None)  # warm-up: imports, engine, OS cache
        table = main_table(first)
        result.rows, result.columns = table.shape
        FLOOR_FRAME["frame"] = table.copy()
        timed_run(new_session(scripts.floor, None, None), scripts.floor, None)
        if peer is not None:
            timed_run(new_session(scripts.wrapper(peer), user, query), peer, None)
        for round_ in range(runs):
            timed_run(new_session(scripts.floor, None, None), scripts.floor, result.floor)
            st.cache_data.clear()
            session = new_session(wrapped, user, query)
            if round_ == 0:
                with recorded_queries() as queries:
                    timed_run(session, page, result.cold)
                result.slow_queries = sorted(queries, key=lambda q: q[0], reverse=True)[:3]
            else:
                timed_run(session, page, result.cold)
            timed_run(session, page, result.warm)  # same session, cache kept
            if peer is not None:
                st.cache_data.clear()
                timed_run(new_session(scripts.wrapper(peer), user, query), peer, result.peer)
        st.cache_data.clear()
        result.peak_mb = peak_memory_mb(lambda: timed_run(new_session(wrapped, user, query), page, None))
    except Exception as error:  # noqa: BLE001 - a broken page is reported in the table, the run goes on
        result.error = f"{type(error).__name__}: {_first_line(error)}"
    return result
