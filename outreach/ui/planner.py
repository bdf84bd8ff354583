"""Sections of the allocation planner: the choices, the suggested plan, and the form that drafts it.

The free stock and the plan come from `outreach.coverage.planning` (cached by the page); these functions
draw them and turn the plan shown into draft shipments.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from outreach import exports
from outreach.catalog import LANGUAGE_CODES, language_of, material_of
from outreach.columns import NUMBER, WHOLE
from outreach.coverage import allocation
from outreach.ui import state
from outreach.ui.paging import pager, total_caption
from outreach.ui.resources import get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes, run_write

# English has no figure of limited-English speakers: there is no gap to plan against.
LANGUAGES_WITH_NEED = [code for code in LANGUAGE_CODES if code != "en"]
AREA_COLUMNS = {
    "area_label": Column("District"),
    "gap": Column("Gap", WHOLE, help="Fair share minus delivered, in units"),
    "already_coming": Column("On the way", WHOLE, help="Units in draft, packed or shipped shipments"),
    "need_units": Column("Still needed", WHOLE),
    "organizations": Column("Active orgs", WHOLE),
    "units": Column("Suggested", WHOLE),
    "note": Column("Note"),
}
LINE_COLUMNS = {
    "area_label": Column("District"),
    "organization_id": Column("Org #", NUMBER, width="small"),
    "organization": Column("Organization"),
    "cap_packs": Column("Usual size (packs)", WHOLE),
    "packs": Column("Packs", WHOLE),
    "units": Column("Units", WHOLE),
}


def introduction() -> None:
    st.caption(
        "Largest gaps first: the planner splits the stock you have across community districts behind their "
        "fair share, and within each district across the active organizations serving the language, up to "
        "what each usually uses. Nothing moves until you create the drafts and ship them."
    )


def choose_language(column: DeltaGenerator) -> str:
    language = column.selectbox(
        "Language",
        LANGUAGES_WITH_NEED,
        format_func=lambda code: language_of(code).label,
        key=state.PLAN_LANGUAGE,
    )
    return language or LANGUAGES_WITH_NEED[0]


def choose_depot(column: DeltaGenerator, depots: dict[int, str]) -> int:
    """A depot (the page stops first when there is none)."""
    depot = column.selectbox(
        "From depot",
        list(depots),
        format_func=lambda location: depots.get(location, str(location)),
        key=state.PLAN_DEPOT,
    )
    return int(depot) if depot is not None else next(iter(depots))


def choose_item(column: DeltaGenerator, stock: pd.DataFrame) -> pd.Series:
    """One current-edition item of `planning.free_stock` (the page stops first when there is none)."""
    options = {
        int(row.unit_id): f"{material_of(row.material).name} · {row.edition} — {int(row.free):,} free"
        for row in stock.itertuples()
    }
    unit_id = column.selectbox(
        "Stock item",
        list(options),
        format_func=lambda unit: options.get(unit, str(unit)),
        key=state.PLAN_UNIT,
    )
    return stock.set_index("unit_id").loc[unit_id if unit_id is not None else next(iter(options))]


def budget(item: pd.Series, *, depot_id: int) -> int:
    """Units to allocate: at most what is free, in whole packs."""
    free = int(item["free"])
    chosen = st.number_input(
        f"Units to allocate (at most {free:,} free: {int(item['available']):,} available minus "
        f"{int(item['promised']):,} already in draft or packed shipments)",
        min_value=0,
        max_value=max(free, 0),
        value=free,
        step=material_of(item["material"]).pack_size,
        key=f"{state.PLAN_BUDGET}_{item.name}_{depot_id}",  # a new item or depot starts from its own stock
    )
    return min(int(chosen), free)


def summary(plan: allocation.Plan, *, free: int) -> None:
    metrics = st.columns(3)
    metrics[0].metric("Free to allocate", f"{free:,} units")
    metrics[1].metric("Suggested", f"{plan.allocated_units:,} units", f"{len(plan.lines):,} organizations")
    metrics[2].metric("Pack size", f"{plan.pack_size} units")


def plan_tables(plan: allocation.Plan, *, filters: tuple[Any, ...]) -> None:
    """The districts behind their fair share beside the suggested shipments (a page at a time: at fifty
    times the campaign a plan can reach thousands of organizations). `filters`: what the plan is for."""
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Districts behind their fair share")
        show_table(plan.areas, AREA_COLUMNS)
    with right:
        st.subheader("Suggested shipments")
        if plan.lines.empty:
            st.info(
                "Nothing to suggest: no district with a gap has an active organization serving this "
                "language, or there is no free stock."
            )
            return
        lines = plan.lines
        page = pager(state.PLAN_LINES_PAGE, filters=filters)
        show_table(lines.iloc[page.offset : page.offset + page.size], LINE_COLUMNS)
        st.caption(total_caption(page, len(lines), noun="Organizations"))
        st.download_button(
            "Download plan (CSV, every line)",
            # Built when pressed (a few hundredths of the page's time otherwise), from this rerun's plan.
            data=lambda: csv_bytes(exports.shape(lines, exports.PLAN)),
            file_name="allocation_plan.csv",
            mime="text/csv",
            key=state.PLAN_EXPORT,
            on_click="ignore",
        )


def drafts_form(plan: allocation.Plan, *, unit_id: int, depot_id: int, actor: str) -> None:
    """Create the drafts of the plan shown, only if it is the plan shown on the previous run: stock or
    shipments may have moved in between, and nobody should draft a plan they have not seen."""
    lines = [
        (int(o), int(u)) for o, u in zip(plan.lines["organization_id"], plan.lines["units"], strict=True)
    ]
    current = {"unit_id": unit_id, "depot_id": depot_id, "lines": lines}
    previous = st.session_state.get(state.PLAN_SHOWN)
    with st.form(state.PLAN_FORM):
        note = st.text_input("Note on the shipments (optional)", key=state.PLAN_NOTE)
        submitted = st.form_submit_button(
            f"Create {len(lines)} draft shipments", type="primary", disabled=not lines
        )
    if submitted and previous != current:
        st.warning(
            "The suggestion changed since it was shown (stock or shipments moved). Review it and press "
            "the button again.",
            icon="🔄",
        )
    elif submitted:
        run_write(
            lambda: allocation.create_drafts(
                get_sessions(),
                unit_id=unit_id,
                depot_id=depot_id,
                lines=lines,
                actor=actor,
                note=note or None,
            ),
            success=f"Created {len(lines)} draft shipments. Pack and ship them on the Shipments page.",
            keep=lambda _ids: st.session_state.pop(state.PLAN_SHOWN, None),
        )
    st.session_state[state.PLAN_SHOWN] = current
