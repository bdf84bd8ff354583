"""Coverage: where each language is under-served. A choropleth and the ranked gap table side by side."""

import streamlit as st

from outreach.accounts.auth import SIGNED_IN
from outreach.config import settings
from outreach.coverage.view import CoverageView, coverage_view, names_shown
from outreach.ui import coverage as coverage_ui
from outreach.ui import coverage_reads
from outreach.ui import stages as stages_ui
from outreach.ui.guards import require_role
from outreach.ui.resources import cached_read

user = require_role(*SIGNED_IN)
# Each cached view holds the rendered map (about 3 MB of HTML at 50,000 organizations): keep a few.
VIEWS_CACHED = 12


@cached_read(max_entries=VIEWS_CACHED)
def load_view(
    database_url: str, level: str, language: str | None, metric: str, caption: str, stage: str = "delivered"
) -> CoverageView:
    """The whole view for one choice, the map already rendered: a rerun that changes none of these
    arguments costs no rebuild of the map or the gap table."""
    # One language chosen: only its shipments and the organizations serving it are read.
    directory = coverage_reads.organizations(database_url, language)
    limit = settings().map_marker_limit
    shown = names_shown(directory, language=language, marker_limit=limit)
    return coverage_view(
        stages_ui.stage_units(database_url, stage, language),  # any stage: delivered, confirmed, handed out
        coverage_reads.named(directory, shown, language),
        coverage_reads.campaign_totals(database_url),
        level=level,
        language=language,
        metric=metric,
        caption=caption,
        desert_min_lep=settings().desert_min_lep,
        marker_limit=limit,
        counted=coverage_reads.organization_counts(database_url, language),
    )


st.title("Coverage map")
st.caption(
    "Where people with limited English live, and whether materials in their language reached a "
    "participating organization near them."
)
choice = coverage_ui.choose()
stage = stages_ui.choose_stage()
min_lep = settings().desert_min_lep
caption = stages_ui.stage_caption(choice.caption, stage)
view = load_view(settings().database_url, choice.level, choice.language, choice.metric, caption, stage)
coverage_ui.english_note(choice)

map_column, table_column = st.columns([3, 2])
with map_column:
    coverage_ui.coverage_map(view, choice)
with table_column:
    coverage_ui.ranking(view, choice, min_lep=min_lep)

stages_ui.show_stages(choice.level, choice.language)
coverage_ui.unplaced_warning(view, choice)
coverage_ui.not_on_map(view)
coverage_ui.about_figures(min_lep=min_lep)
