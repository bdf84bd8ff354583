"""The driver's phone page: the stops in order, each with "open in maps", a call button, "delivered" and
"could not deliver" with a reason. Every tap is idempotent in the domain (a retried tap changes nothing), so a
phone that reconnects and sends it again is safe. Everything typed by people is escaped before markdown."""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from outreach import i18n
from outreach.db import SessionFactory
from outreach.delivery import driver_links
from outreach.delivery.driver_links import DriverRoute, DriverStop
from outreach.errors import OutreachError
from outreach.models import NOT_DELIVERED_REASONS
from outreach.ui import state
from outreach.ui.resources import invalidate_reads
from outreach.ui.restock_form import say
from outreach.ui.widgets import escape_markdown

# Constant CSS only (never user text): one narrow column, big touch targets.
PHONE_CSS = """<style>
[data-testid="stMainBlockContainer"] { max-width: 40rem; padding-left: 0.75rem; padding-right: 0.75rem; }
[data-testid="stMainBlockContainer"] button, [data-testid="stMainBlockContainer"] a[data-testid="stBaseLinkButton-secondary"] { min-height: 2.9rem; font-size: 1.05rem; }
</style>"""
RTL_CSS = """<style>
[data-testid="stMainBlockContainer"] { direction: rtl; text-align: right; }
[data-testid="stMainBlockContainer"] :is(h3, p) { unicode-bidi: plaintext; }
</style>"""


def phone_layout(lang: str) -> None:
    st.markdown(PHONE_CSS, unsafe_allow_html=True)
    if i18n.is_rtl(lang):
        st.markdown(RTL_CSS, unsafe_allow_html=True)


def show_route(sessions: SessionFactory, token: str, route: DriverRoute, lang: str) -> None:
    flash = st.session_state.pop(state.DRIVER_FLASH, None)
    if flash:
        st.success(escape_markdown(flash), icon=":material/check_circle:")
    done = sum(1 for stop in route.stops if stop.outcome)
    st.caption(
        escape_markdown(
            i18n.t("delivery.driver.summary", lang, name=route.driver_name, done=done, total=len(route.stops))
        )
        + f" · {route.run_date:%Y-%m-%d}"
    )
    if route.stops and done == len(route.stops):
        st.success(say("delivery.driver.all_done", lang), icon=":material/celebration:")
    for stop in route.stops:
        _stop(sessions, token, stop, lang)


def _stop(sessions: SessionFactory, token: str, stop: DriverStop, lang: str) -> None:
    with st.container(border=True, key=f"driver_stop_{stop.stop_id}"):
        st.markdown(f"### {int(stop.position)}. {escape_markdown(stop.organization)}")
        st.markdown(escape_markdown(stop.address))
        window = (
            i18n.t("delivery.driver.window", lang, window=stop.window)
            if stop.window
            else i18n.t("delivery.driver.closed_today", lang)
        )
        st.caption(escape_markdown(window))
        for material, language, packs in stop.lines:
            st.markdown("- " + escape_markdown(
                i18n.t("delivery.driver.packs", lang, item=_isolated(i18n.item_label(material, language, lang)), packs=packs)
            ))  # fmt: skip
        left, right = st.columns(2)
        left.link_button(
            i18n.t("delivery.driver.maps", lang), stop.maps_url, icon=":material/map:", width="stretch"
        )
        if stop.phone:
            who = stop.contact or stop.phone
            right.link_button(
                i18n.t("delivery.driver.call", lang, name=who), "tel:" + quote(stop.phone.replace(" ", "")),
                icon=":material/call:", width="stretch",
            )  # fmt: skip
        if stop.outcome == "delivered":
            st.success(say("delivery.driver.done_delivered", lang))
        elif stop.outcome == "not_delivered":
            reason = i18n.t(f"delivery.driver.reason.{stop.outcome_reason or 'closed'}", lang)
            st.warning(say("delivery.driver.done_not_delivered", lang, reason=reason))
        else:
            _actions(sessions, token, stop, lang)


def _isolated(text: str) -> str:
    """Keep a label in its own direction inside a sentence (an Arabic name in an English line, and back)."""
    return f"\u2068{text}\u2069"


def _actions(sessions: SessionFactory, token: str, stop: DriverStop, lang: str) -> None:
    if st.button(
        i18n.t("delivery.driver.delivered", lang), type="primary", width="stretch",
        key=f"{state.DRIVER_DELIVERED}_{stop.stop_id}", icon=":material/check_circle:",
    ):  # fmt: skip
        _tap(lambda: driver_links.mark_delivered(sessions, token=token, stop_id=stop.stop_id), lang, stop)
    with st.expander(say("delivery.driver.not_delivered", lang)):
        reason = st.radio(
            i18n.t("delivery.driver.reason", lang),
            NOT_DELIVERED_REASONS,
            format_func=lambda code: i18n.t(f"delivery.driver.reason.{code}", lang),
            key=f"{state.DRIVER_REASON}_{stop.stop_id}",
        )
        if st.button(
            i18n.t("delivery.driver.report", lang),
            width="stretch",
            key=f"{state.DRIVER_NOT_DELIVERED}_{stop.stop_id}",
        ):
            _tap(
                lambda: driver_links.mark_not_delivered(
                    sessions, token=token, stop_id=stop.stop_id, reason=reason
                ),
                lang,
                stop,
            )


def _tap(action: object, lang: str, stop: DriverStop) -> None:
    try:
        outcome = action()  # type: ignore[operator]
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, lang)), icon=":material/warning:")
        return
    invalidate_reads()  # the coordinators' run, shipments and coverage show it at once
    key = "delivery.driver.done_delivered" if outcome == "delivered" else "delivery.driver.not_delivered"
    st.session_state[state.DRIVER_FLASH] = f"{stop.position}. {stop.organization} · {i18n.t(key, lang)}"
    st.rerun()
