"""Allocation planner: suggest where one language's available stock should go, then draft the shipments."""

import streamlit as st

from outreach import inventory
from outreach.accounts.auth import STAFF
from outreach.catalog import LANGUAGE_CODES, language_of, material_of
from outreach.config import settings
from outreach.coverage import allocation, need
from outreach.coverage import gaps as coverage
from outreach.ui import coverage_reads, state
from outreach.ui.guards import require_role
from outreach.ui.paging import Page, pager
from outreach.ui.pickers import depot_labels
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import csv_bytes, run_write, show_flash

user = require_role(*STAFF)
LEVEL = "district"  # organizations are placed by community district: the finest area with need figures


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_levels(database_url: str, language_code: str, depot: int):
    return inventory.stock_levels(get_sessions(), language=language_code, location_id=depot)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=20)
def suggestion(
    database_url: str, language_code: str, units: int, pack_size: int, edition_status: str
) -> allocation.Plan:
    """The gap table and the plan for one language and budget: cached, so a rerun (a note typed, a page of
    the plan turned) does not recompute them; every write clears it with the other reads."""
    # Only this language's shipments and organizations: the plan is for one language.
    organizations = coverage_reads.planner_organizations(database_url, language_code)
    table = coverage.gap_table(
        need.need(LEVEL),
        coverage_reads.shipped_units(database_url, language_code),
        organizations,
        coverage_reads.campaign_totals(database_url),
        level=LEVEL,
        desert_min_lep=settings().desert_min_lep,
        language=language_code,
    )
    return allocation.suggest(
        table,
        organizations,
        language=language_code,
        level=LEVEL,
        available_units=units,
        pack_size=pack_size,
        edition_status=edition_status,
        pending=coverage_reads.pending_units(database_url, language_code),
        max_packs=settings().restock_max_packs_per_line,
    )


def page_caption(page: Page, total: int) -> str:
    last = min(page.offset + page.size, total)
    return f"Organizations {min(page.offset + 1, total):,}–{last:,} of {total:,}" if total else ""


st.title("Allocation planner")
show_flash()
st.caption(
    "Largest gaps first: the planner splits the stock you have across community districts behind their "
    "fair share, and within each district across the active organizations serving the language, up to "
    "what each usually uses. Nothing moves until you create the drafts and ship them."
)

languages_with_need = [code for code in LANGUAGE_CODES if code != "en"]
controls = st.columns(3)
language_code = controls[0].selectbox(
    "Language", languages_with_need, format_func=lambda code: language_of(code).label, key=state.PLAN_LANGUAGE
)
depots = depot_labels()
if not depots:
    st.info("There is no depot yet. Add one and receive a print run on the Inventory page first.")
    st.stop()
depot = controls[1].selectbox("From depot", list(depots), format_func=depots.get, key=state.PLAN_DEPOT)

url = settings().database_url
levels = load_levels(url, language_code, depot)
levels = levels[levels["edition_status"] == "active"]  # a retired edition is never allocated
if levels.empty:
    st.info(f"There is no current-edition stock item for {language_of(language_code).english}.")
    st.stop()
pending = coverage_reads.pending_units(url, language_code)
promised = (
    pending[pending["depot_id"] == depot].groupby("unit_id")["units"].sum() if not pending.empty else {}
)
levels = levels.assign(
    promised=levels["unit_id"].map(lambda unit: int(promised.get(unit, 0))),
)
levels = levels.assign(free=(levels["available"] - levels["promised"]).clip(lower=0))
options = {
    int(row.unit_id): f"{material_of(row.material).name} · {row.edition} — {int(row.free):,} free"
    for row in levels.itertuples()
}
unit_id = controls[2].selectbox("Stock item", list(options), format_func=options.get, key=state.PLAN_UNIT)
item = levels.set_index("unit_id").loc[unit_id]
pack_size = material_of(item["material"]).pack_size
free = int(item["free"])

budget = st.number_input(
    f"Units to allocate (at most {free:,} free: {int(item['available']):,} available minus "
    f"{int(item['promised']):,} already in draft or packed shipments)",
    min_value=0,
    max_value=max(free, 0),
    value=free,
    step=pack_size,
    key=f"{state.PLAN_BUDGET}_{unit_id}_{depot}",  # a new item or depot starts from its own free stock
)

plan = suggestion(url, language_code, min(int(budget), free), pack_size, str(item["edition_status"]))

metrics = st.columns(3)
metrics[0].metric("Free to allocate", f"{free:,} units")
metrics[1].metric("Suggested", f"{plan.allocated_units:,} units", f"{len(plan.lines):,} organizations")
metrics[2].metric("Pack size", f"{pack_size} units")

left, right = st.columns([2, 3])
with left:
    st.subheader("Districts behind their fair share")
    st.dataframe(
        plan.areas.drop(columns=["area"]).rename(
            columns={
                "area_label": "District",
                "gap": "Gap",
                "already_coming": "On the way",
                "need_units": "Still needed",
                "organizations": "Active orgs",
                "units": "Suggested",
                "note": "Note",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Gap": st.column_config.NumberColumn(format="%.0f"),
            "Still needed": st.column_config.NumberColumn(format="%.0f"),
        },
    )
with right:
    st.subheader("Suggested shipments")
    if plan.lines.empty:
        st.info(
            "Nothing to suggest: no district with a gap has an active organization serving this language, "
            "or there is no free stock."
        )
    else:
        shown_lines = plan.lines.drop(columns=["area"]).rename(
            columns={
                "area_label": "District",
                "organization_id": "Org #",
                "organization": "Organization",
                "cap_packs": "Usual size (packs)",
                "packs": "Packs",
                "units": "Units",
            }
        )
        # At fifty times the campaign a plan can reach thousands of organizations: show it a page at a time.
        page = pager(state.PLAN_LINES_PAGE, filters=(language_code, depot, unit_id, int(budget)))
        st.dataframe(
            shown_lines.iloc[page.offset : page.offset + page.size], hide_index=True, width="stretch"
        )
        st.caption(page_caption(page, len(shown_lines)))
        st.download_button(
            "Download plan (CSV, every line)",
            data=csv_bytes(shown_lines),  # one line per organization at most: cheap to build up front
            file_name="allocation_plan.csv",
            mime="text/csv",
            key=state.PLAN_EXPORT,
        )

current = {
    "unit_id": int(unit_id),
    "depot_id": int(depot),
    "lines": [
        (int(o), int(u)) for o, u in zip(plan.lines["organization_id"], plan.lines["units"], strict=True)
    ],
}
previous = st.session_state.get(state.PLAN_SHOWN)

with st.form(state.PLAN_FORM):
    note = st.text_input("Note on the shipments (optional)", key=state.PLAN_NOTE, max_chars=500)
    submitted = st.form_submit_button(
        f"Create {len(current['lines'])} draft shipments", type="primary", disabled=not current["lines"]
    )
if submitted:
    if previous != current:
        st.warning(
            "The suggestion changed since it was shown (stock or shipments moved). Review it and press "
            "the button again.",
            icon="🔄",
        )
    else:
        run_write(
            lambda: allocation.create_drafts(
                get_sessions(),
                unit_id=current["unit_id"],
                depot_id=current["depot_id"],
                lines=current["lines"],
                actor=user["username"],
                note=note or None,
            ),
            success=f"Created {len(current['lines'])} draft shipments. Pack and ship them on the Shipments page.",
            keep=lambda _ids: st.session_state.pop(state.PLAN_SHOWN, None),
        )
st.session_state[state.PLAN_SHOWN] = current
