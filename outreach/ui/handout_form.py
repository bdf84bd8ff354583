"""'How many did you hand out? How many are left?' on the public restock page, in the leader's language.

Per item the organization has received: two quantity fields, in packs or pieces. Review shows the report
in pieces, with a warning (not a refusal) where more was handed out than we know the organization had;
Send stores one new row per item (a double click stores it once).
"""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from outreach import i18n
from outreach.db import SessionFactory
from outreach.errors import OutreachError
from outreach.field import handouts
from outreach.field.handouts import CheckedReport, ItemState
from outreach.ui import state
from outreach.ui.parcel_receipts import isolated
from outreach.ui.resources import invalidate_reads
from outreach.ui.widgets import escape_markdown, quantity_input

LINK_ACTOR = "restock-link"


def say(key: str, lang: str, **params: Any) -> str:
    return escape_markdown(i18n.t(key, lang, **params))


def _field_key(prefix: str, item: tuple[str, str]) -> str:
    return f"{prefix}_{item[0]}_{item[1]}"


def fresh_report() -> None:
    st.session_state.pop(state.FIELD_HANDOUT_DRAFT, None)
    st.session_state[state.FIELD_HANDOUT_STAGE] = "form"
    st.session_state[state.FIELD_HANDOUT_KEY] = f"handouts-{uuid.uuid4().hex}"


def show_handouts(sessions: SessionFactory, organization_id: int, lang: str) -> None:
    st.divider()
    st.markdown(f"### {say('handouts.heading', lang)}")
    states = handouts.item_states(sessions, organization_id)
    if not states:
        st.caption(say("handouts.none", lang))
        return
    if state.FIELD_HANDOUT_KEY not in st.session_state:
        fresh_report()
    stage = st.session_state.get(state.FIELD_HANDOUT_STAGE, "form")
    draft: CheckedReport | None = st.session_state.get(state.FIELD_HANDOUT_DRAFT)
    if stage == "done":
        st.success(say("handouts.done", lang), icon="✅")
        fresh_report()
        stage = "form"
    if stage == "confirm" and draft is not None:
        show_review(sessions, organization_id, draft, lang)
    else:
        show_form(sessions, organization_id, states, lang)


def show_form(sessions: SessionFactory, organization_id: int, states: dict, lang: str) -> None:
    st.caption(say("handouts.intro", lang))
    units = {code: i18n.t(f"handouts.unit.{code}", lang) for code in handouts.UNITS}
    unit = st.radio(
        i18n.t("handouts.unit", lang),
        list(units),
        format_func=units.__getitem__,
        key=state.FIELD_HANDOUT_UNIT,
        horizontal=True,
    )
    with st.form(state.FIELD_HANDOUT_FORM):
        for item, item_state in states.items():
            show_item(item, item_state, lang)
        st.text_input(i18n.t("handouts.name", lang), key=state.FIELD_HANDOUT_NAME, autocomplete="name")
        review = st.form_submit_button(i18n.t("handouts.review", lang), type="primary", width="stretch")
    if not review:
        return
    typed = {
        item: (
            st.session_state.get(_field_key(state.FIELD_HANDOUT_OUT, item)),
            st.session_state.get(_field_key(state.FIELD_HANDOUT_LEFT, item)),
        )
        for item in states
    }
    try:
        checked = handouts.check_report(
            sessions,
            organization_id=organization_id,
            typed=typed,
            unit=str(unit),
            reported_by=st.session_state.get(state.FIELD_HANDOUT_NAME),
        )
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, lang)), icon="⚠️")
        return
    st.session_state[state.FIELD_HANDOUT_DRAFT] = checked
    st.session_state[state.FIELD_HANDOUT_STAGE] = "confirm"
    st.rerun()


def show_item(item: tuple[str, str], item_state: ItemState, lang: str) -> None:
    st.markdown(f"**{escape_markdown(i18n.item_label(item[0], item[1], lang))}**")
    if item_state.last_reported_at is not None and item_state.last_remaining is not None:
        st.caption(
            say(
                "handouts.last",
                lang,
                date=item_state.last_reported_at,  # numbers and dates as values: i18n.t writes them for the reader
                left=item_state.last_remaining,
            )
        )
    out, left = st.columns(2)
    with out:
        quantity_input(
            i18n.t("handouts.handed_out", lang, item=item),
            key=_field_key(state.FIELD_HANDOUT_OUT, item),
            placeholder="0",
        )
    with left:
        quantity_input(
            i18n.t("handouts.left", lang, item=item), key=_field_key(state.FIELD_HANDOUT_LEFT, item)
        )


def show_review(sessions: SessionFactory, organization_id: int, draft: CheckedReport, lang: str) -> None:
    st.markdown(f"**{say('handouts.confirm_heading', lang)}**")
    for item, (handed, left) in draft.lines.items():
        if left is None:
            st.markdown(say("handouts.confirm_line_no_left", lang, item=isolated(item, lang), handed=handed))
        else:
            st.markdown(
                say(
                    "handouts.confirm_line",
                    lang,
                    item=isolated(item, lang),
                    handed=handed,
                    left=left,
                )
            )
    for item, handed, available in draft.warnings:
        st.warning(
            say(
                "handouts.more_than_had",
                lang,
                item=isolated(item, lang),
                handed=handed,
                available=available,
            ),
            icon="⚠️",
        )
    send = st.button(
        i18n.t("handouts.send", lang), key=state.FIELD_HANDOUT_SEND, type="primary", width="stretch"
    )
    if st.button(i18n.t("handouts.back", lang), key=state.FIELD_HANDOUT_BACK, width="stretch"):
        st.session_state[state.FIELD_HANDOUT_STAGE] = "form"
        st.rerun()
    if not send:
        return
    try:
        handouts.report_handouts(
            sessions,
            organization_id=organization_id,
            report=draft,
            submission_key=st.session_state[state.FIELD_HANDOUT_KEY],
            language=lang,
            actor=LINK_ACTOR,
        )
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, lang)), icon="⚠️")
        return
    invalidate_reads()
    for item in draft.lines:  # an empty form for the next report
        st.session_state.pop(_field_key(state.FIELD_HANDOUT_OUT, item), None)
        st.session_state.pop(_field_key(state.FIELD_HANDOUT_LEFT, item), None)
    st.session_state[state.FIELD_HANDOUT_STAGE] = "done"
    st.rerun()
