"""Allocation planner: suggest where one language's available stock should go, then draft the shipments."""

import pandas as pd
import streamlit as st

from outreach import inventory
from outreach.accounts.auth import STAFF
from outreach.catalog import language_of, material_of
from outreach.config import settings
from outreach.coverage import allocation, planning
from outreach.ui import coverage_reads, run_outs, state
from outreach.ui import planner as planner_ui
from outreach.ui import stages as stages_ui
from outreach.ui.guards import require_role
from outreach.ui.pickers import depot_labels
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import show_flash

user = require_role(*STAFF)


@cached_read()
def load_levels(database_url: str, language_code: str, depot: int) -> pd.DataFrame:
    return inventory.stock_levels(get_sessions(), language=language_code, location_id=depot)


@cached_read(max_entries=20)
def load_plan(
    database_url: str, language_code: str, units: int, pack_size: int, edition_status: str, stage: str
) -> allocation.Plan:
    """Cached, so a rerun (a note typed, a page of the plan turned) does not recompute it; any write
    (the data version) makes it read afresh. Only this language's shipments and organizations are read."""
    return planning.plan_for_language(
        stages_ui.stage_units(database_url, stage, language_code),  # gaps by any stage
        coverage_reads.planner_organizations(database_url, language_code),
        coverage_reads.campaign_totals(database_url),
        coverage_reads.pending_units(database_url, language_code),
        language=language_code,
        units=units,
        pack_size=pack_size,
        edition_status=edition_status,
        desert_min_lep=settings().desert_min_lep,
        max_packs=settings().restock_max_packs_per_line,
    )


st.title("Allocation planner")
show_flash()
planner_ui.introduction()

controls = st.columns(3)
language_code = planner_ui.choose_language(controls[0])
depots = depot_labels()
if not depots:
    st.info("There is no depot yet. Add one and receive a print run on the Inventory page first.")
    st.stop()
depot = planner_ui.choose_depot(controls[1], depots)
run_outs.show_run_outs(language_code)
stage = stages_ui.choose_stage(key=state.FIELD_PLAN_STAGE)

url = settings().database_url
stock = planning.free_stock(
    load_levels(url, language_code, depot), coverage_reads.pending_units(url, language_code), depot_id=depot
)
if stock.empty:
    st.info(f"There is no current-edition stock item for {language_of(language_code).english}.")
    st.stop()
item = planner_ui.choose_item(controls[2], stock)
unit_id = int(item.name)
budget = planner_ui.budget(item, depot_id=depot)
pack_size = material_of(item["material"]).pack_size

plan = load_plan(url, language_code, budget, pack_size, str(item["edition_status"]), stage)
planner_ui.summary(plan, free=int(item["free"]))
planner_ui.plan_tables(plan, filters=(language_code, depot, unit_id, budget))
planner_ui.drafts_form(plan, unit_id=unit_id, depot_id=depot, actor=user["username"])
