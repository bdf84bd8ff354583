"""The faith leader's restock form on the public page: pick languages and packs, confirm, send, and the
organization's own recent requests.

Only ever called with a live link (pages/restock.py checks the token first and stops otherwise); it shows
that organization's name and requests and nothing else (no contact data, no notes). Everything the leader
reads is translated into `lang`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from outreach import i18n, inventory
from outreach.bidi import isolate_all
from outreach.catalog import LANGUAGE_CODES, MATERIALS, language_of
from outreach.db import SessionFactory
from outreach.errors import InvalidInput, OutreachError
from outreach.quantities import parse_quantity
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock.links import ResolvedLink
from outreach.restock.submission import Draft
from outreach.ui import state
from outreach.ui.resources import cached_read, get_sessions, invalidate_reads
from outreach.ui.widgets import escape_markdown, quantity_input

# The leader's quantity fields: the packs per item and the packs on hand.
QUANTITY_INPUTS = f"[class*='st-key-{state.RESTOCK_PACKS}_'] input, .st-key-{state.RESTOCK_ON_HAND} input"
_DIGIT_KEYBOARD = st.components.v2.component(
    "kyr_digit_keyboard",
    js="""
export default function ({ data }) {
  const mark = () => {
    for (const input of document.querySelectorAll(data.selector)) {
      if (input.getAttribute("inputmode") !== "numeric") input.setAttribute("inputmode", "numeric");
    }
  };
  mark();
  const observer = new MutationObserver(mark);
  observer.observe(document.body, { childList: true, subtree: true });
  return () => observer.disconnect();
}
""",
)

# The leader's contact for this request: Draft field (and its form.<field> label), limit, key, autocomplete.
# No max_chars: a longer paste is refused by the domain with "too long (N of M)", and stays in the box.
CONTACT_INPUTS = (
    ("contact_name", state.RESTOCK_CONTACT_NAME, "name"),
    ("contact_phone", state.RESTOCK_CONTACT_PHONE, "tel"),
)


@dataclass(frozen=True)
class Visit:
    """A leader on the page: the live link they came with, and the language they read."""

    sessions: SessionFactory
    link: ResolvedLink
    token: str
    lang: str


@cached_read()
def active_units() -> dict[tuple[str, str], int]:
    """(material, language) -> the newest active stock unit."""
    frame = inventory.units(get_sessions(), include_retired=False).sort_values("unit_id")
    return {(row.material, row.language): int(row.unit_id) for row in frame.itertuples()}


def say(key: str, lang: str, **params: Any) -> str:
    """A translated message, escaped for markdown (parameters may hold what the leader typed)."""
    return escape_markdown(i18n.t(key, lang, **params))


def label(key: str, lang: str, **params: Any) -> str:
    """A widget label: our own translated words, not escaped. Streamlit also uses the label as the input's
    aria-label, so markdown escapes would be read out by screen readers ("backslash")."""
    return i18n.t(key, lang, **params)


def wanted_lines(typed: Mapping[int, object]) -> dict[int, object]:
    """The packs a person filled in, per stock unit, as typed. Empty and 0 (in any script: "০", "٠") mean
    none of that item; anything else, numbers or not, goes to the submission checks, which say what is
    wrong with it in the reader's language."""
    lines: dict[int, object] = {}
    for unit_id, value in typed.items():
        if value is None or not str(value).strip():
            continue
        try:
            if parse_quantity(value, allow_zero=True) == 0:
                continue
        except InvalidInput:
            pass  # refused with its message by the checks, naming the item
        lines[unit_id] = value
    return lines


def digit_keyboard() -> None:
    """Phones open the digit keyboard on the quantity fields (inputmode="numeric").

    Streamlit 1.67's text input has no inputmode parameter and sets none (its `type="phone"` is a telephone
    field, with a call icon and phone autofill), and a number input cannot take Bengali or Arabic-Indic
    digits at all. So a script-only component marks the quantity inputs, found by the `st-key-<key>` class
    Streamlit gives each keyed widget: st.components.v2 runs our constant script in the page itself, with
    a cleanup hook and no height, where components.v1.html would add an iframe reaching into its parent. A MutationObserver marks inputs that appear later (a rerun, a language switch) and is
    disconnected when the form goes away. The attribute is only a keyboard hint: any text can still be
    typed or pasted, and the parser reads it.
    """
    _DIGIT_KEYBOARD(key=state.RESTOCK_DIGIT_KEYBOARD, data={"selector": QUANTITY_INPUTS}, height=0)


def reset_form() -> None:
    for key in (state.RESTOCK_DRAFT, state.RESTOCK_DRAFT_LANGS, state.RESTOCK_DONE):
        st.session_state.pop(key, None)
    st.session_state[state.RESTOCK_STAGE] = "form"
    st.session_state[state.RESTOCK_IDEMPOTENCY_KEY] = uuid.uuid4().hex


def show_page(visit: Visit) -> None:
    st.subheader(escape_markdown(visit.link.organization_name))
    if st.session_state.get(state.RESTOCK_ORG) != visit.link.organization_id:  # a new link starts afresh
        st.session_state[state.RESTOCK_ORG] = visit.link.organization_id
        reset_form()
    stage = st.session_state.get(state.RESTOCK_STAGE, "form")
    draft: Draft | None = st.session_state.get(state.RESTOCK_DRAFT)
    if stage == "confirm" and draft is not None:
        show_confirmation(visit, draft)
    elif stage == "done":
        show_done(visit.lang)
    else:
        if state.RESTOCK_IDEMPOTENCY_KEY not in st.session_state:
            reset_form()
        show_form(visit, draft)
    show_history(visit)


def show_form(visit: Visit, draft: Draft | None) -> None:
    """The form, filled from `draft` when the leader came back from the confirmation to change it."""
    lang, link = visit.lang, visit.link
    st.caption(say("page.intro", lang))
    units = active_units()
    own = i18n.language_of_catalog(link.preferred_language)  # a Traditional Chinese reader asks for zh stock
    wanted = st.session_state.get(state.RESTOCK_DRAFT_LANGS) or [  # the organization's own language first
        own,
        *[code for code in LANGUAGE_CODES if code in link.languages and code != own],
    ]
    item_languages = st.multiselect(
        label("form.languages", lang),
        [code for code in LANGUAGE_CODES if any((m.code, code) in units for m in MATERIALS)],
        default=[code for code in wanted if code in LANGUAGE_CODES],
        format_func=lambda code: language_of(code).native,
        key=state.RESTOCK_ITEM_LANGS,
        help=i18n.t("form.languages_help", lang),
    )
    if not item_languages:
        st.info(say("form.pick_language", lang))
        return
    wanted_units = [
        unit_id
        for code in item_languages
        for material in MATERIALS
        if (unit_id := units.get((material.code, code))) is not None
    ]
    previous = draft.lines if draft else {}
    with st.form(state.RESTOCK_FORM):
        st.markdown(f"**{say('form.items', lang)}**")
        for code in item_languages:
            for material in MATERIALS:
                unit_id = units.get((material.code, code))
                if unit_id is None:
                    continue
                quantity_input(
                    label("form.packs", lang, item=(material.code, code)),
                    value=str(previous.get(unit_id, "")),
                    placeholder="0",
                    key=f"{state.RESTOCK_PACKS}_{unit_id}",
                    help=i18n.t(f"material.{material.code}.pack", lang, size=material.pack_size),
                )
        on_hand = draft.on_hand_reported if draft else None
        quantity_input(
            label("form.on_hand", lang),
            value="" if on_hand is None else str(on_hand),
            key=state.RESTOCK_ON_HAND,
            help=i18n.t("form.on_hand_help", lang),
        )
        for field, key, autocomplete in CONTACT_INPUTS:
            st.text_input(
                label(f"form.{field}", lang),
                value=(getattr(draft, field) if draft else None) or "",
                key=key,
                help=i18n.t("form.contact_help", lang),
                autocomplete=autocomplete,
            )
        st.text_area(
            label("form.note", lang),
            value=(draft.note if draft else None) or "",
            key=state.RESTOCK_NOTE,
            help=i18n.t("form.note_help", lang, limit=restock.MAX_NOTE_CHARS),
        )
        review = st.form_submit_button(i18n.t("form.review", lang), type="primary", width="stretch")
    digit_keyboard()
    if review:
        check_the_form(visit, wanted_units, item_languages)


def check_the_form(visit: Visit, unit_ids: list[int], item_languages: list[str]) -> None:
    """Run every check on what the form holds; when it passes, go on to the confirmation."""
    lines = wanted_lines(
        {unit_id: st.session_state.get(f"{state.RESTOCK_PACKS}_{unit_id}") for unit_id in unit_ids}
    )
    try:
        checked = restock.validate_submission(
            visit.sessions,
            lines=lines,
            language=visit.lang,
            contact_name=st.session_state.get(state.RESTOCK_CONTACT_NAME),
            contact_phone=st.session_state.get(state.RESTOCK_CONTACT_PHONE),
            note=st.session_state.get(state.RESTOCK_NOTE),
            on_hand_reported=st.session_state.get(state.RESTOCK_ON_HAND),
        )
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, visit.lang)), icon="⚠️")
        return
    st.session_state[state.RESTOCK_DRAFT] = checked
    st.session_state[state.RESTOCK_DRAFT_LANGS] = item_languages
    st.session_state[state.RESTOCK_STAGE] = "confirm"
    st.rerun()


def show_confirmation(visit: Visit, draft: Draft) -> None:
    lang = visit.lang
    st.markdown(f"### {say('confirm.heading', lang)}")
    for unit_id, packs in draft.lines.items():
        size, pieces = draft.pack_size(unit_id), draft.pieces(unit_id)
        st.markdown(
            say("confirm.line", lang, item=draft.items[unit_id], packs=packs, size=size, pieces=pieces)
        )
    total = say(
        "confirm.total_counted",
        lang,
        packs=i18n.counted("packs", draft.total_packs, lang),
        pieces=i18n.counted("pieces", draft.total_pieces, lang),
    )
    st.markdown(f"**{total}**")
    if draft.on_hand_reported is not None:
        st.markdown(say("confirm.on_hand", lang, packs=draft.on_hand_reported))
    # Each part isolated on its own: a phone number inside an Arabic name's isolate would still flip.
    contact = isolate_all(part for part in (draft.contact_name, draft.contact_phone) if part)
    if contact:
        st.markdown(say("confirm.contact", lang, contact=i18n.Words(contact)))
    if draft.note:
        st.markdown(say("confirm.note", lang))
        st.text(draft.note)  # plain text: whatever was typed shows as typed
    usual = restock.far_above_usual(
        visit.sessions, organization_id=visit.link.organization_id, total_packs=draft.total_packs
    )
    if usual is not None:
        st.warning(say("confirm.far_above", lang, packs=draft.total_packs, usual=usual), icon="⚠️")
    with st.form(state.RESTOCK_CONFIRM_FORM, border=False):
        send = st.form_submit_button(i18n.t("confirm.send", lang), type="primary", width="stretch")
    if st.button(i18n.t("confirm.back", lang), key=state.RESTOCK_BACK, width="stretch"):
        st.session_state[state.RESTOCK_STAGE] = "form"
        st.rerun()
    if send:
        send_request(visit, draft)


def send_request(visit: Visit, draft: Draft) -> None:
    try:
        sent = restock.submit_request(
            visit.sessions,
            token=visit.token,
            lines=draft.lines,
            idempotency_key=st.session_state[state.RESTOCK_IDEMPOTENCY_KEY],
            contact_name=draft.contact_name,
            contact_phone=draft.contact_phone,
            note=draft.note,
            on_hand_reported=draft.on_hand_reported,
            language=visit.lang,
        )
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, visit.lang)), icon="⚠️")
        return
    invalidate_reads()  # the write moved the data version: every coordinator's next rerun shows the request
    st.session_state[state.RESTOCK_DONE] = sent.reference
    st.session_state[state.RESTOCK_STAGE] = "done"
    st.rerun()


def show_done(lang: str) -> None:
    st.success(say("done.heading", lang), icon="✅")
    st.markdown(f"**{say('done.reference_label', lang)}**")
    # A code block: the confirmation number stays in one piece (also in right-to-left pages) and is copyable.
    st.code(st.session_state.get(state.RESTOCK_DONE, ""), language=None)
    st.caption(say("done.next", lang))
    if st.button(i18n.t("done.another", lang), key=state.RESTOCK_ANOTHER, width="stretch"):
        reset_form()
        st.rerun()


def show_history(visit: Visit) -> None:
    lang = visit.lang
    st.divider()
    st.markdown(f"### {say('history.heading', lang)}")
    frame = restock_queue.organization_requests(visit.sessions, visit.link.organization_id)
    if frame.empty:
        st.caption(say("history.empty", lang))
        return
    for _, rows in frame.groupby("request_id", sort=False):
        first = rows.iloc[0]
        date = pd.Timestamp(first["created_at"]).date()
        status = i18n.Words(i18n.status_label(str(first["status"]), lang))
        row = say("history.row", lang, reference=str(first["reference"]), date=date, status=status)
        st.markdown(f"**{row}**")
        items = [
            f"{i18n.item_label(line.material, line.language, lang)}: "
            f"{i18n.counted('packs', int(line.packs_requested), lang)}"
            for line in rows.itertuples()
        ]
        st.caption(escape_markdown(" · ".join(items)))
