"""docs/performance.md from one run of bench/run.py: the page table, the other figures, the slowest queries."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from bench.extras import MapFigures, RestockFigures
from bench.page_timing import PageResult, Sample

TARGETS = {"campaign": 2.0, "x50": 5.0}  # page within this many times its floor (issue 7)


@dataclass
class ScaleResult:
    db: str
    scale: str
    server: str
    counts: dict[str, int]
    pages: list[PageResult] = field(default_factory=list)
    map: MapFigures | None = None
    restock: RestockFigures | None = None
    max_rss_mb: float = float("nan")
    plans: list[dict[str, Any]] = field(default_factory=list)
    generated_s: float | None = None


def from_dict(data: dict[str, Any]) -> ScaleResult:
    """A ScaleResult back from bench/out/results.json (to render the report again without measuring)."""
    pages = []
    for page in data["pages"]:
        samples = {name: Sample(**page[name]) for name in ("floor", "cold", "warm", "peer")}
        rest = {key: value for key, value in page.items() if key not in samples}
        pages.append(PageResult(**rest, **samples))
    return ScaleResult(
        **{key: value for key, value in data.items() if key not in ("pages", "map", "restock")},
        pages=pages,
        map=MapFigures(**data["map"]) if data.get("map") else None,
        restock=RestockFigures(**data["restock"]) if data.get("restock") else None,
    )


def summary(results: list[ScaleResult]) -> list[str]:
    lines = []
    for result in results:
        target = TARGETS.get(result.scale)
        verdicts = [verdict(result, page) for page in result.pages]
        missed = [page.page for page, said in zip(result.pages, verdicts, strict=True) if said != "met"]
        lines.append(
            f"- {result.db}, {result.scale}: {verdicts.count('met')} of {len(verdicts)} pages within "
            f"{target:g}× of their floor" + (f"; not yet: {', '.join(missed)}." if missed else ".")
        )
    return lines


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}"


def _ratio(top: float, bottom: float) -> str:
    return "—" if math.isnan(top) or math.isnan(bottom) or not bottom else f"{top / bottom:.2f}×"


def verdict(result: ScaleResult, page: PageResult) -> str:
    target = TARGETS.get(result.scale)
    if page.error:
        return "error"
    if target is None or math.isnan(page.cold.median_ms):
        return "—"
    return "met" if page.cold.median_ms <= target * page.floor.median_ms else "**missed**"


def page_table(results: list[ScaleResult]) -> list[str]:
    lines = [
        "| page | db | scale | shown (rows×cols) | floor ms | page ms | page/floor | target | "
        "warm ms | peer ms | peer/page | script ms | peak MB |",
        "|---|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|",
    ]
    for result in results:
        for page in result.pages:
            if page.error:
                lines.append(
                    f"| {page.page} | {result.db} | {result.scale} | — | — | — | — | error | — | — | — | — | — |"
                )
                continue
            target = TARGETS.get(result.scale)
            lines.append(
                f"| {page.page} | {result.db} | {result.scale} | {page.rows:,}×{page.columns} "
                f"| {_ms(page.floor.median_ms)} | {_ms(page.cold.median_ms)} "
                f"| {_ratio(page.cold.median_ms, page.floor.median_ms)} "
                f"| {f'≤ {target:g}× {verdict(result, page)}' if target else '—'} "
                f"| {_ms(page.warm.median_ms)} | {_ms(page.peer.median_ms)} "
                f"| {_ratio(page.peer.median_ms, page.cold.median_ms)} "
                f"| {_ms(page.cold.script_median_ms)} | {page.peak_mb:,.0f} |"
            )
    return lines


def _errors(results: list[ScaleResult]) -> list[str]:
    return [f"- {r.db}/{r.scale} {p.page}: {p.error}" for r in results for p in r.pages if p.error]


def other_figures(results: list[ScaleResult]) -> list[str]:
    lines = [
        "| db | scale | data | map reads ms | map build ms | map render ms | map HTML | markers | "
        "restock submissions/s (32 writers) | peak RSS MB |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in results:
        data = ", ".join(f"{value:,} {name}" for name, value in result.counts.items())
        figures = result.map
        restock = result.restock
        restock_text = "—"
        if restock is not None:
            restock_text = f"{restock.per_second:,.0f} ({restock.submitted:,} in {restock.seconds:.1f} s"
            restock_text += f", {restock.failed} failed)" if restock.failed else ")"
        map_cells = (
            f"{_ms(figures.reads_ms)} | {_ms(figures.build_ms)} | {_ms(figures.render_ms)} "
            f"| {figures.html_bytes / 1e6:.1f} MB | {figures.markers:,}"
            if figures
            else "— | — | — | — | —"
        )
        lines.append(
            f"| {result.db} | {result.scale} | {data} | {map_cells} | {restock_text} | {result.max_rss_mb:,.0f} |"
        )
    failures = [
        f"- {r.db}/{r.scale}: {r.restock.failed} restock submissions failed, first: {r.restock.first_error}"
        for r in results
        if r.restock and r.restock.failed
    ]
    return lines + ([""] + failures if failures else [])


def plans(results: list[ScaleResult]) -> list[str]:
    lines: list[str] = []
    for result in results:
        for plan in result.plans:
            lines += [
                f"**{result.db} / {result.scale} / {plan['page']}: {plan['ms']:,.0f} ms**",
                "",
                "```sql",
                plan["sql"].strip(),
                "```",
                "",
                "```",
                plan["plan"].strip(),
                "```",
                "",
            ]
    return lines


def render(results: list[ScaleResult], *, command: str, machine: dict[str, str], runs: int) -> str:
    servers = sorted({f"{r.db}: {r.server}" for r in results})
    doc = [
        "# Performance",
        "",
        f"Written by `bench/run.py` on {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; do not edit by hand, "
        "run it again. Reproduce with:",
        "",
        "```",
        command,
        "```",
        "",
        "(`make bench` runs `python -m bench.run` with its defaults: both scales, SQLite.) The databases are "
        "generated by `bench/generate.py` into `bench/out/` (SQLite) or a PostgreSQL server kept in "
        "`bench/out/pg` (`--db postgres`), and reused by later runs.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine.items()],
        *[f"| database server | {server} |" for server in servers],
        "",
        "## Targets",
        "",
        *summary(results),
        "",
        "## Pages",
        "",
        f"Medians of {runs} runs after a warm-up, in milliseconds. *page* is the cold path: `st.cache_data` "
        "cleared and a new session, as for the first visitor after a write or after the cache TTL. *warm* is "
        "a rerun of the same session with the cache kept. *floor* is a bare Streamlit script showing an "
        "already computed copy of the page's main table (its largest table, same rows and columns). *peer* "
        "is the same page written the naive way (`bench/naive_pages/`: whole tables read with "
        "`pd.read_sql` on every rerun, computed in pandas). Every figure is one whole AppTest run "
        "(`streamlit.testing.v1`, signed in through `session_state` as the page tests do): the script plus "
        "Streamlit's work to build and hand over the page. *script* is the page script alone, timed inside "
        "the script thread. *peak MB* is the Python heap peak (tracemalloc) of one cold run. Targets: "
        "within 2× of the floor at campaign scale, 5× at fifty times (x50).",
        "",
        *page_table(results),
        "",
        *(["Pages that failed to run:", "", *_errors(results), ""] if _errors(results) else []),
        "## Coverage map, restock writers, memory",
        "",
        "The map as the coverage page draws it by default (all languages, coverage, community districts): "
        "reads (three SQL aggregates), build (gap table and folium map), render (HTML). Restock: 32 threads "
        "submit 640 requests at once through 64 organizations' links (`bench/bench_restock.py`'s `run`: "
        "`outreach.restock.submission.submit_request`, one transaction each, into the scale's database). "
        "Peak RSS: the runner process's peak so far (ru_maxrss), after the scale's pages.",
        "",
        *other_figures(results),
        "",
        "## Slowest queries and their plans",
        "",
        "The slowest statements of each scale's cold page runs (each distinct statement once, with the pages "
        "that ran it) and the database's plan for them (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on "
        "PostgreSQL), recorded during the run.",
        "",
        *plans(results),
    ]
    return "\n".join(doc).rstrip() + "\n"
