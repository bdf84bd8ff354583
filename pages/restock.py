"""The public restock page. A faith leader opens it with the organization's private link or QR code.

Public on purpose: there is no sign-in, so this page shows nothing unless the token in the link is live,
and then only that organization's name and its own requests (no contact data, no notes). Everything the
leader reads is translated; the layout is one column for a phone and right-to-left for ar, ur and yi.
"""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import streamlit as st

from outreach import i18n, inventory
from outreach.catalog import LANGUAGE_CODES, MATERIALS, language_of
from outreach.errors import NotFound, OutreachError
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.ui import state
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions, invalidate_reads
from outreach.ui.widgets import escape_markdown

# Constant CSS only (never user text). Bigger touch targets, one narrow column on a phone.
PHONE_CSS = """<style>
[data-testid="stMainBlockContainer"] { max-width: 42rem; padding-left: 1rem; padding-right: 1rem; }
[data-testid="stMainBlockContainer"] input, [data-testid="stMainBlockContainer"] textarea { font-size: 1.1rem; }
[data-testid="stMainBlockContainer"] button { min-height: 2.75rem; font-size: 1.05rem; }
</style>"""
# `unicode-bidi: plaintext` lets the organization's name (h3) and typed text (pre) keep their own order inside
# the right-to-left page (otherwise a Latin "<Center>" shows as "<<Center").
RTL_CSS = """<style>
[data-testid="stMainBlockContainer"] { direction: rtl; text-align: right; }
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"] { text-align: right; }
[data-testid="stMainBlockContainer"] input, [data-testid="stMainBlockContainer"] textarea { direction: rtl; }
[data-testid="stMainBlockContainer"] :is(h3, pre) { unicode-bidi: plaintext; text-align: right; }
</style>"""

st.set_page_config(page_title="KYR", layout="centered", initial_sidebar_state="collapsed")


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def active_units() -> dict[tuple[str, str], int]:
    """(material, language) -> the newest active stock unit."""
    frame = inventory.units(get_sessions(), include_retired=False).sort_values("unit_id")
    return {(row.material, row.language): int(row.unit_id) for row in frame.itertuples()}


def say(key: str, **params: Any) -> str:
    """A translated message, escaped for markdown (parameters may hold what the leader typed)."""
    return escape_markdown(i18n.t(key, lang, **params))


def label(key: str, **params: Any) -> str:
    """A widget label: our own translated words, not escaped. Streamlit also uses the label as the input's
    aria-label, so markdown escapes would be read out by screen readers ("backslash")."""
    return i18n.t(key, lang, **params)


def reset_form() -> None:
    for key in (state.RESTOCK_DRAFT, state.RESTOCK_DONE):
        st.session_state.pop(key, None)
    st.session_state[state.RESTOCK_STAGE] = "form"
    st.session_state[state.RESTOCK_IDEMPOTENCY_KEY] = uuid.uuid4().hex


sessions = get_sessions()
token = str(st.query_params.get("t", "") or "")
link: restock_links.ResolvedLink | None = None
link_problem = False
if token:
    try:
        link = restock_links.resolve(sessions, token)
    except NotFound:
        link_problem = True

if state.RESTOCK_LANG not in st.session_state:
    st.session_state[state.RESTOCK_LANG] = (
        link.preferred_language if link else i18n.normalize(st.query_params.get("lang"))
    )
choices = i18n.language_choices()
# Labelled in the current language; every option is a language's own name, so anyone can find theirs.
picker_label = "🌐 " + i18n.t("language.label", st.session_state[state.RESTOCK_LANG])
lang = st.selectbox(picker_label, list(choices), format_func=choices.__getitem__, key=state.RESTOCK_LANG)
st.markdown(PHONE_CSS, unsafe_allow_html=True)
if i18n.is_rtl(lang):
    st.markdown(RTL_CSS, unsafe_allow_html=True)
st.title(say("page.title"))

if link is None:  # missing, unknown, forged, revoked or rotated: the same polite words, nothing else
    if link_problem:
        st.warning(say("token.invalid"), icon="🔗")
    else:
        st.info(say("token.missing"), icon="🔗")
    st.stop()


def show_form() -> None:
    st.caption(say("page.intro"))
    units = active_units()
    draft: dict[str, Any] = st.session_state.get(state.RESTOCK_DRAFT) or {}
    wanted = draft.get("item_languages") or [  # the organization's own language first
        link.preferred_language,
        *[code for code in LANGUAGE_CODES if code in link.languages and code != link.preferred_language],
    ]
    item_languages = st.multiselect(
        label("form.languages"),
        [code for code in LANGUAGE_CODES if any((m.code, code) in units for m in MATERIALS)],
        default=[code for code in wanted if code in LANGUAGE_CODES],
        format_func=lambda code: language_of(code).native,
        key=state.RESTOCK_ITEM_LANGS,
        help=i18n.t("form.languages_help", lang),
    )
    if not item_languages:
        st.info(say("form.pick_language"))
        return
    previous = {int(k): v for k, v in (draft.get("lines") or {}).items()}
    with st.form(state.RESTOCK_FORM):
        st.markdown(f"**{say('form.items')}**")
        for code in item_languages:
            for material in MATERIALS:
                unit_id = units.get((material.code, code))
                if unit_id is None:
                    continue
                st.number_input(
                    label("form.packs", item=(material.code, code)),
                    min_value=0,
                    step=1,
                    value=int(previous.get(unit_id, 0)),
                    key=f"{state.RESTOCK_PACKS}_{unit_id}",
                    help=i18n.t(f"material.{material.code}.pack", lang, size=material.pack_size),
                )
        st.number_input(
            label("form.on_hand"),
            min_value=0,
            step=1,
            value=draft.get("on_hand_reported"),
            key=state.RESTOCK_ON_HAND,
            help=i18n.t("form.on_hand_help", lang),
        )
        st.text_input(
            label("form.contact_name"),
            value=draft.get("contact_name") or "",
            max_chars=restock.MAX_NAME_CHARS,
            key=state.RESTOCK_CONTACT_NAME,
            help=i18n.t("form.contact_help", lang),
            autocomplete="name",
        )
        st.text_input(
            label("form.contact_phone"),
            value=draft.get("contact_phone") or "",
            max_chars=restock.MAX_PHONE_CHARS,
            key=state.RESTOCK_CONTACT_PHONE,
            help=i18n.t("form.contact_help", lang),
            autocomplete="tel",
        )
        st.text_area(
            label("form.note"),
            value=draft.get("note") or "",
            key=state.RESTOCK_NOTE,
            help=i18n.t("form.note_help", lang, limit=f"{restock.MAX_NOTE_CHARS:,}"),
        )
        review = st.form_submit_button(i18n.t("form.review", lang), type="primary", width="stretch")
    if not review:
        return
    lines = {}
    for code in item_languages:
        for material in MATERIALS:
            unit_id = units.get((material.code, code))
            packs = st.session_state.get(f"{state.RESTOCK_PACKS}_{unit_id}") if unit_id else None
            if packs:  # 0 means "none of this one"
                lines[unit_id] = packs
    fields = {
        "contact_name": st.session_state.get(state.RESTOCK_CONTACT_NAME),
        "contact_phone": st.session_state.get(state.RESTOCK_CONTACT_PHONE),
        "note": st.session_state.get(state.RESTOCK_NOTE),
        "on_hand_reported": st.session_state.get(state.RESTOCK_ON_HAND),
    }
    try:
        checked = restock.validate_submission(sessions, lines=lines, language=lang, **fields)
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, lang)), icon="⚠️")
        return
    st.session_state[state.RESTOCK_DRAFT] = {
        "item_languages": item_languages,
        "lines": dict(checked.lines),
        "items": checked.items,
        "contact_name": checked.contact_name,
        "contact_phone": checked.contact_phone,
        "note": checked.note,
        "on_hand_reported": checked.on_hand_reported,
    }
    st.session_state[state.RESTOCK_STAGE] = "confirm"
    st.rerun()


def show_confirmation() -> None:
    draft: dict[str, Any] = st.session_state[state.RESTOCK_DRAFT]
    st.markdown(f"### {say('confirm.heading')}")
    total_packs = total_pieces = 0
    for unit_id, packs in draft["lines"].items():
        material, item_language = draft["items"][unit_id]
        size = next(m.pack_size for m in MATERIALS if m.code == material)
        total_packs, total_pieces = total_packs + packs, total_pieces + packs * size
        st.markdown(
            say("confirm.line", item=(material, item_language), packs=packs, size=size, pieces=packs * size)
        )
    st.markdown(f"**{say('confirm.total', packs=total_packs, pieces=f'{total_pieces:,}')}**")
    if draft.get("on_hand_reported") is not None:
        st.markdown(say("confirm.on_hand", packs=draft["on_hand_reported"]))
    contact = " · ".join(part for part in (draft.get("contact_name"), draft.get("contact_phone")) if part)
    if contact:
        st.markdown(say("confirm.contact", contact=contact))
    if draft.get("note"):
        st.markdown(say("confirm.note"))
        st.text(draft["note"])  # plain text: whatever was typed shows as typed
    usual = restock.far_above_usual(sessions, organization_id=link.organization_id, total_packs=total_packs)
    if usual is not None:
        st.warning(say("confirm.far_above", packs=total_packs, usual=usual), icon="⚠️")
    with st.form(state.RESTOCK_CONFIRM_FORM, border=False):
        send = st.form_submit_button(i18n.t("confirm.send", lang), type="primary", width="stretch")
    if st.button(i18n.t("confirm.back", lang), key=state.RESTOCK_BACK, width="stretch"):
        st.session_state[state.RESTOCK_STAGE] = "form"
        st.rerun()
    if not send:
        return
    try:
        sent = restock.submit_request(
            sessions,
            token=token,
            lines=draft["lines"],
            idempotency_key=st.session_state[state.RESTOCK_IDEMPOTENCY_KEY],
            contact_name=draft.get("contact_name"),
            contact_phone=draft.get("contact_phone"),
            note=draft.get("note"),
            on_hand_reported=draft.get("on_hand_reported"),
            language=lang,
        )
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, lang)), icon="⚠️")
        return
    invalidate_reads()  # the coordinators' cached queue must show the new request now, not in a minute
    st.session_state[state.RESTOCK_DONE] = sent.reference
    st.session_state[state.RESTOCK_STAGE] = "done"
    st.rerun()


def show_done() -> None:
    st.success(say("done.heading"), icon="✅")
    st.markdown(f"**{say('done.reference_label')}**")
    # A code block: the confirmation number stays in one piece (also in right-to-left pages) and is copyable.
    st.code(st.session_state.get(state.RESTOCK_DONE, ""), language=None)
    st.caption(say("done.next"))
    if st.button(i18n.t("done.another", lang), key=state.RESTOCK_ANOTHER, width="stretch"):
        reset_form()
        st.rerun()


def show_history() -> None:
    st.divider()
    st.markdown(f"### {say('history.heading')}")
    frame = restock_queue.organization_requests(sessions, link.organization_id)
    if frame.empty:
        st.caption(say("history.empty"))
        return
    for _, rows in frame.groupby("request_id", sort=False):
        first = rows.iloc[0]
        date = pd.Timestamp(first["created_at"]).strftime("%Y-%m-%d")
        status = i18n.status_label(str(first["status"]), lang)
        st.markdown(f"**{say('history.row', reference=first['reference'], date=date, status=status)}**")
        items = [
            f"{i18n.item_label(row.material, row.language, lang)}: {row.packs_requested}"
            for row in rows.itertuples()
        ]
        st.caption(escape_markdown(" · ".join(items)))


def show_page() -> None:
    st.subheader(escape_markdown(link.organization_name))
    if st.session_state.get(state.RESTOCK_ORG) != link.organization_id:  # a new link starts afresh
        st.session_state[state.RESTOCK_ORG] = link.organization_id
        reset_form()
    stage = st.session_state.get(state.RESTOCK_STAGE, "form")
    if stage == "confirm" and st.session_state.get(state.RESTOCK_DRAFT):
        show_confirmation()
    elif stage == "done":
        show_done()
    else:
        if state.RESTOCK_IDEMPOTENCY_KEY not in st.session_state:
            reset_form()
        show_form()
    show_history()


if link is not None:  # st.stop() above ends the run; the guard also keeps a bare `python` run harmless
    show_page()
