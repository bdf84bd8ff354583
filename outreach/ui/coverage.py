"""Sections of the coverage page: the choices, the map, the ranked table, and the notes around them.

Everything shown is computed by `outreach.coverage.view` (cached by the page); these functions only draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from outreach.catalog import LANGUAGE_CODES, language_of
from outreach.columns import DECIMAL, FLAG, LANGUAGE, LANGUAGES, WHOLE
from outreach.coverage import gaps, need
from outreach.coverage import inputs as coverage_data
from outreach.coverage import view as coverage_view
from outreach.coverage.view import CoverageView
from outreach.ui import state
from outreach.ui.paging import pager, total_caption
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes

ALL = "all"
METRIC_NAMES = {"coverage": "Coverage", "gap": "Gap", "deserts": "Deserts"}
RANKING_COLUMNS = {
    "area_label": Column("Area"),
    "language": Column("Language", LANGUAGE),
    "lep_speakers": Column("LEP speakers", WHOLE, help="Residents with limited English who speak it (ACS)"),
    "delivered": Column("Delivered", WHOLE),
    "in_transit": Column("In transit", WHOLE),
    "coverage_per_1000": Column("Per 1,000 LEP", DECIMAL, help="Units delivered per 1,000 LEP speakers"),
    "fair_share": Column("Fair share", WHOLE),
    "gap": Column("Gap", WHOLE, help="Fair share minus delivered: positive means behind"),
    "active_organizations": Column("Active orgs", WHOLE),
    "desert": Column("Desert", FLAG),
}
NOT_ON_MAP_COLUMNS = {
    "name": Column("Organization"),
    "borough": Column("Borough"),
    "district": Column("District"),
    "languages": Column("Languages", LANGUAGES),
}


@dataclass(frozen=True)
class Choice:
    language: str | None  # None: all languages
    metric: str
    level: str

    @property
    def language_name(self) -> str:
        return "All languages" if self.language is None else language_of(self.language).english

    @property
    def caption(self) -> str:
        return f"{self.language_name}: {gaps.METRIC_LABELS[self.metric]}"


def choose() -> Choice:
    controls = st.columns([2, 3, 2])
    language = controls[0].selectbox(
        "Language",
        [ALL, *LANGUAGE_CODES],
        format_func=lambda code: "All languages" if code == ALL else language_of(code).label,
        key=state.COV_LANGUAGE,
    )
    metric = controls[1].radio(
        "Show",
        gaps.METRICS,
        format_func=lambda name: METRIC_NAMES[name],
        horizontal=True,
        key=state.COV_METRIC,
    )
    level = controls[2].radio(
        "Areas",
        need.AREA_LEVELS,
        format_func=lambda name: need.AREA_LEVEL_LABELS[name],
        horizontal=True,
        key=state.COV_LEVEL,
    )
    return Choice(
        language=None if language in (None, ALL) else language,
        metric=metric or gaps.METRICS[0],
        level=level or need.AREA_LEVELS[0],
    )


def english_note(choice: Choice) -> None:
    if choice.language == "en":
        st.info(
            "English has no limited-English-proficiency figure, so coverage, fair share, gap and deserts "
            "show “no data”; supply is still counted. Indicative English-only counts by borough are in the "
            "notes below.",
            icon="ℹ️",
        )


def coverage_map(view: CoverageView, choice: Choice) -> None:
    # The folium map as one HTML document (built by outreach.coverage.maps, which escapes every text from
    # the database), cached with the view: a rerun does not rebuild or re-render it.
    st.iframe(view.map_html, height=560, alt=choice.caption)
    st.caption(
        f"{view.on_map:,} active organizations on the map"
        + (
            " (too many to draw one by one: a circle per district; choose a language to see each)"
            if view.by_district
            else ""
        )
        + (f"; {view.not_on_map:,} not on map (no location yet, listed below)." if view.not_on_map else ".")
        + " Grey areas: no data."
    )


def ranking(view: CoverageView, choice: Choice, *, min_lep: int) -> None:
    """The areas beside the map, a page at a time (the styled table costs per row shown), and its CSV."""
    deserts = choice.metric == "deserts"
    st.subheader("Deserts" if deserts else "Largest gaps first")
    if deserts:
        st.caption(
            f"Areas with at least {min_lep:,} LEP speakers of a language and no active organization "
            "serving it."
        )
    rows = coverage_view.ranked(view.table, metric=choice.metric)
    page = pager(state.COV_TABLE_PAGE, filters=(choice.level, choice.language, choice.metric))
    # A missing figure means the language has no LEP figure there (English): it says so.
    show_table(
        rows.iloc[page.offset : page.offset + page.size], RANKING_COLUMNS, height=520, empty=gaps.NO_DATA
    )
    st.caption(total_caption(page, len(rows), noun="Rows"))
    st.download_button(
        "Download table (CSV, every row)",
        # Built when pressed (a tenth of the page's time otherwise), from the rows of this rerun's view.
        data=lambda: csv_bytes(coverage_view.export_frame(rows)),
        file_name=f"coverage_{choice.level}_{choice.language or 'all'}_{choice.metric}.csv",
        mime="text/csv",
        key=state.COV_EXPORT,
        on_click="ignore",
    )


def unplaced_warning(view: CoverageView, choice: Choice) -> None:
    loose = view.unplaced
    if not (loose["organizations"] or loose["delivered"] or loose["in_transit"]):
        return
    st.warning(
        f"Not in any {need.AREA_LEVEL_LABELS[choice.level].lower()}"
        + ("" if choice.language is None else f" ({choice.language_name} only)")
        + f": {loose['organizations']:,} organizations, "
        f"{loose['delivered']:,} units delivered and {loose['in_transit']:,} in transit to them. They are "
        "left out of the area figures until their location is set in the directory.",
        icon="📍",
    )


def not_on_map(view: CoverageView) -> None:
    if not view.not_on_map:
        return
    with st.expander(f"Not on map ({view.not_on_map:,})"):
        if view.not_on_map > coverage_view.NOT_ON_MAP_SHOWN:
            st.caption(f"The first {coverage_view.NOT_ON_MAP_SHOWN}; the directory lists them all.")
        show_table(view.not_on_map_listed, NOT_ON_MAP_COLUMNS)


def about_figures(*, min_lep: int) -> None:
    with st.expander("About these figures", expanded=False):
        st.markdown(
            f"""
- **Need** is the number of residents aged 5+ who speak the language and speak English less than "very
  well" (limited English proficiency, LEP), from the American Community Survey **2015-2019** 5-year
  estimates as published by NYC (Civic Engagement Commission, NYC Open Data `ajin-gkbp`). Community
  districts are approximated from Census PUMAs. These are **estimates without published margins of
  error**: small figures (a few hundred) are uncertain.
- **Chinese** counts Chinese (including Mandarin and Cantonese) and Min Nan; the ACS does not publish
  Mandarin on its own. **French** includes Cajun French; Haitian Kreyòl is counted separately.
  **Yiddish** LEP figures are Yiddish alone.
- **English** has no LEP figure: its supply is shown, but not coverage, fair share, gap or deserts.
  Indicative English-only residents by borough (ACS 2012-2016, table S1601, older): Bronx 547,109;
  Brooklyn 1,297,474; Manhattan 931,548; Queens 951,842; Staten Island 307,627.
- **Supply** counts units delivered to participating organizations in the area; units shipped but not
  yet delivered are shown apart as *in transit* and are not in the coverage or gap.
- **Coverage** is units delivered per 1,000 LEP speakers. **Fair share** splits everything printed for a
  language so far (print runs received) across areas in proportion to LEP speakers; **gap** = fair share −
  delivered, so a positive gap means the area is behind. An area with no speakers shows "no data".
- A **desert** is an area with at least {min_lep:,} LEP speakers of a language and no active organization
  that serves that language there.
- Organizations are placed in a district by their map location. Markers: orange = a restock request is
  waiting, blue = a shipment is in transit, green = delivered in the last
  {coverage_data.RECENT_DAYS} days, pink = nothing for a long time.
"""
        )
