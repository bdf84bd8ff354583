"""Proactive restock suggestions in the planner: items that run out soon at an organization, from the
run-out forecast (`outreach.field.forecast`): "Bangla flyers at Masjid X run out in about 9 days"."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from outreach.catalog import language_of, material_of
from outreach.config import settings
from outreach.db import read_frame, utcnow
from outreach.field import forecast
from outreach.models import Organization
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import escape_markdown


@cached_read()
def soon(database_url: str, language: str) -> pd.DataFrame:
    frame = forecast.running_out(forecast.current(get_sessions(), language=language), now=utcnow())
    names = read_frame(
        get_sessions(),
        select(Organization.id.label("organization_id"), Organization.name).where(
            Organization.id.in_([int(i) for i in frame["organization_id"]])
        ),
    )
    return frame.merge(names, on="organization_id", how="left")


def sentence(row: pd.Series) -> str:
    """One suggestion in words (the organization's name escaped: it was typed by someone)."""
    item = f"{language_of(row['language']).english} {material_of(row['material']).name.lower()}s"
    where = escape_markdown(str(row["name"]))
    days = int(row["days_left"])
    if days <= 0:
        return f"{item} at **{where}** have probably run out (last report {row['last_report_at']:%Y-%m-%d})."
    return f"{item} at **{where}** run out in about {days} day{'s' if days != 1 else ''}."


def show_run_outs(language: str) -> None:
    frame = soon(settings().database_url, language)
    if frame.empty:
        return
    with st.container(border=True):
        st.markdown(
            f"**Running out soon** (within {forecast.SOON_DAYS} days, from the organizations' reports)"
        )
        for _, row in frame.head(10).iterrows():
            st.markdown("- " + sentence(row))
        st.caption(
            "Rate: exponentially weighted mean of each organization's handout reports (recent reports count "
            "more); run-out: what was left at the last report plus what arrived since, at that rate."
        )
