"""Delivery windows on screen: the coordinators' editor (runs page) and the leader's "when can we receive a
delivery?" section of the public restock page (translated, right to left for ar, ur and yi by that page)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from outreach import i18n
from outreach.delivery import windows
from outreach.errors import OutreachError
from outreach.restock.links import ResolvedLink
from outreach.ui import state
from outreach.ui.pickers import organization_picker
from outreach.ui.resources import get_sessions, invalidate_reads
from outreach.ui.restock_form import say
from outreach.ui.widgets import escape_markdown, run_write

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TRADITION_WORDS = {
    "synagogue": "synagogue defaults: Friday until two hours before sunset, Saturday after nightfall",
    "mosque": "mosque defaults: closed Friday 12:00-14:30",
    "church": "church defaults: closed Sunday 08:00-13:00",
    "unknown": "defaults for a tradition not known: weekdays 10:00-17:00",
}


def _typed_week(schedule: windows.Schedule) -> dict[int, str]:
    """What the seven boxes start with: the set week, or the defaults of the coming seven days."""
    week = schedule.week if schedule.week is not None else schedule.week_from(dt.date.today())
    return {day: windows.format_intervals(week.get(day, [])) for day in range(7)}


def coordinator_editor(*, actor: str) -> None:
    st.caption(
        "Hours when an organization can receive a parcel, per weekday (New York time). Without hours set "
        "here or by its leader, the defaults of its faith tradition apply; closed dates apply either way."
    )
    organization_id = organization_picker("Organization", key=state.WIN_ORG, search_key=state.WIN_ORG_SEARCH)
    if organization_id is None:
        return
    sessions = get_sessions()
    schedule = windows.schedule_of(sessions, organization_id)
    if schedule.week is None:
        st.info(f"Using the {TRADITION_WORDS[schedule.tradition]}.", icon=":material/schedule:")
    else:
        st.info(
            "Hours set by hand (a coordinator or the organization's leader).", icon=":material/edit_calendar:"
        )
    typed = _typed_week(schedule)
    with st.form(f"{state.WIN_FORM}_{organization_id}"):
        st.caption("Example: 09:00-12:00, 14:30-18:00. Leave a day empty when closed.")
        days = {
            day: st.text_input(
                DAY_NAMES[day], value=typed[day], key=f"{state.WIN_DAY}_{organization_id}_{day}"
            )
            for day in range(7)
        }
        if st.form_submit_button("Save the hours", type="primary"):
            run_write(
                lambda: windows.set_week(sessions, organization_id=organization_id, days=days, actor=actor),
                success="Delivery hours saved.",
            )
    if schedule.week is not None and st.button("Back to the tradition's defaults", key=state.WIN_RESET):
        run_write(
            lambda: windows.reset_week(sessions, organization_id=organization_id, actor=actor),
            success="Back to the defaults.",
        )
    _closed_dates(schedule, actor=actor)


def _closed_dates(schedule: windows.Schedule, *, actor: str) -> None:
    st.markdown("**Closed dates** (holidays)")
    for closed_on, note in schedule.closed:
        left, right = st.columns([4, 1])
        left.write(f"{closed_on:%a %d %b %Y}" + (f" · {escape_markdown(note)}" if note else ""))
        if right.button("Remove", key=f"{state.WIN_CLOSED_DATE}_remove_{closed_on.isoformat()}"):
            remove = partial(
                windows.remove_closed_date,
                get_sessions(),
                organization_id=schedule.organization_id,
                day=closed_on,
                actor=actor,
            )
            run_write(remove, success="Closed date removed.")
    with st.form(state.WIN_CLOSED_FORM, clear_on_submit=True):
        left, right = st.columns([1, 2])
        day = left.date_input("Closed on", key=state.WIN_CLOSED_DATE, format="YYYY-MM-DD")
        note = right.text_input("Why (optional)", key=state.WIN_CLOSED_NOTE, max_chars=200)
        if st.form_submit_button("Add the closed date"):
            run_write(
                lambda: windows.add_closed_date(
                    get_sessions(), organization_id=schedule.organization_id, day=day, note=note, actor=actor
                ),
                success="Closed date added.",
            )


def leader_hours(link: ResolvedLink, token: str, lang: str) -> None:
    """The restock page's section: the leader corrects when the organization can receive a delivery."""
    sessions = get_sessions()
    st.divider()
    st.subheader(say("delivery.windows.title", lang))
    if st.session_state.pop(state.LEADER_HOURS_SAVED, False):
        st.success(say("delivery.windows.saved", lang), icon=":material/check_circle:")
    schedule = windows.schedule_of(sessions, link.organization_id)
    st.caption(say("delivery.windows.intro", lang))
    if schedule.week is None:
        st.caption(say("delivery.windows.suggested", lang))
    typed = _typed_week(schedule)
    with st.form(state.LEADER_HOURS_FORM):
        days = {
            day: st.text_input(
                i18n.t(f"delivery.day.{day}", lang), value=typed[day], key=f"{state.LEADER_HOURS_DAY}_{day}"
            )
            for day in range(7)
        }
        if st.form_submit_button(i18n.t("delivery.windows.save", lang), type="primary", width="stretch"):
            try:
                windows.set_week_by_link(sessions, token=token, days=days)
            except OutreachError as error:
                st.error(escape_markdown(i18n.localize(error, lang)), icon=":material/warning:")
                return
            invalidate_reads()
            st.session_state[state.LEADER_HOURS_SAVED] = True
            st.rerun()
