"""The three coverage stages on screen: the stage picker (coverage page, planner), the side-by-side table per
language and area, and the dashboard's figures. Numbers only: no organization names, no contacts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach import exports
from outreach.columns import DECIMAL, LANGUAGE, WHOLE
from outreach.config import settings
from outreach.coverage import need
from outreach.db import utcnow
from outreach.field import report, report_pdf, stages
from outreach.ui import coverage_reads, state
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import csv_bytes

STAGE_TABLE_COLUMNS = {
    "area_label": Column("Area"),
    "language": Column("Language", LANGUAGE, width="small"),
    "lep_speakers": Column(
        "LEP", WHOLE, help="Residents with limited English who speak it (ACS)", width="small"
    ),
    "delivered_per_1000": Column(
        "Delivered", DECIMAL, help="Units delivered per 1,000 LEP speakers", width="small"
    ),
    "confirmed_per_1000": Column(
        "Confirmed",
        DECIMAL,
        help="Units the organizations confirmed received, per 1,000 LEP speakers",
        width="small",
    ),
    "handed_out_per_1000": Column(
        "Handed out",
        DECIMAL,
        help="Pieces the organizations reported handing out, per 1,000 LEP speakers",
        width="small",
    ),
    "organizations": Column(
        "Orgs", WHOLE, help="Active organizations serving the language here", width="small"
    ),
    "reporting_percent": Column(
        "Reporting %",
        DECIMAL,
        help="Of those organizations, the share that reported handouts at all. Low: read a low 'handed out' "
        "as silence, not as need.",
        width="small",
    ),
}


@cached_read()
def stage_units(database_url: str, stage: str, language: str | None = None) -> pd.DataFrame:
    if stage == "delivered":
        return coverage_reads.shipped_units(database_url, language)
    return stages.stage_units(get_sessions(), stage, language=language)


@cached_read()
def stage_table(database_url: str, level: str, language: str | None) -> pd.DataFrame:
    table = stages.stages_table(
        need.need(level),
        stage_units(database_url, "delivered", language),
        stage_units(database_url, "confirmed", language),
        stage_units(database_url, "handed_out", language),
        coverage_reads.organization_counts(database_url, language),  # each row says if they reported
        level=level,
        language=language,
    )
    return table.assign(reporting_percent=table["reporting_share"] * 100)


@cached_read()
def campaign_stages(database_url: str) -> dict[str, int]:
    return stages.campaign_stages(get_sessions())


def stage_caption(caption: str, stage: str) -> str:
    """The map's legend names the stage when it is not the usual 'delivered'."""
    return caption if stage == "delivered" else f"{caption} · by {stages.STAGES[stage].lower()}"


def choose_stage(key: str = state.FIELD_STAGE) -> str:
    """Which stage the map, the gap table or the plan measure supply by."""
    choice = st.radio(
        "Supply measured at",
        list(stages.STAGES),
        format_func=stages.STAGES.__getitem__,
        horizontal=True,
        key=key,
        help="Delivered: parcels marked delivered. Confirmed: what organizations confirmed receiving. "
        "Handed out: what they reported handing out.",
    )
    return str(choice)


def show_stages(level: str, language: str | None) -> None:
    """Delivered, confirmed and handed out per 1,000 LEP speakers, side by side, busiest areas first.

    A closed section computes nothing: the table reads every stage's units (a third of the page's time at
    campaign scale), and most visits come for the map. Opening it reruns the page with the table."""
    section = st.expander(
        "From delivered to handed out",
        key=state.FIELD_STAGES_OPEN,
        on_change="rerun",
        icon=":material/timeline:",
    )
    if not section.open:
        return
    with section:
        st.caption("Per 1,000 LEP speakers of the language in the area.")
        table = stage_table(settings().database_url, level, language)
        shown = table[(table["delivered"] > 0) | (table["confirmed"] > 0) | (table["handed_out"] > 0)]
        if shown.empty:
            st.info("Nothing delivered yet for this choice.")
            return
        show_table(shown, STAGE_TABLE_COLUMNS, empty="no data")
        st.caption(
            "Confirmed: organizations tapped “We received it” (short parcels count what arrived). Handed out: "
            "what they reported, whenever they chose to. Organizations that never reported count as 0 handed "
            "out: read the last column before reading a low figure as low reach."
        )


def report_buttons() -> None:
    """The campaign report for the city and funders, as PDF and CSV (organizers may produce it). Built only
    when a button is pressed: at fifty times the campaign the report's silent lists take seconds to read."""
    day = f"{utcnow():%Y-%m-%d}"
    left, right = st.columns([1, 3])
    left.download_button(
        "Campaign report (PDF)",
        data=lambda: report_pdf.report_pdf(report.campaign_report(get_sessions()), generated_at=utcnow()),
        file_name=f"campaign-report-{day}.pdf",
        mime="application/pdf",
        key=state.FIELD_REPORT_PDF,
        on_click="ignore",
        icon=":material/summarize:",
    )
    right.download_button(
        "Campaign report (CSV)",
        data=lambda: csv_bytes(
            exports.shape(report.campaign_report(get_sessions()), exports.CAMPAIGN_REPORT)
        ),
        file_name=f"campaign-report-{day}.csv",
        mime="text/csv",
        key=state.FIELD_REPORT_CSV,
        on_click="ignore",
    )


def dashboard_stages() -> None:
    figures = campaign_stages(settings().database_url)
    st.subheader("Reached people")
    columns = st.columns(4)
    columns[0].metric("Delivered", f"{figures['delivered']:,}")
    columns[1].metric("Confirmed received", f"{figures['confirmed']:,}")
    columns[2].metric("Reported handed out", f"{figures['handed_out']:,}")
    receiving = figures["receiving"]
    share = f"{figures['reporting']:,} of {receiving:,}" if receiving else "0"
    columns[3].metric(
        "Organizations reporting", share, help="Organizations that received materials and reported"
    )
    report_buttons()
