"""'We received it' on the public page: each parcel on the road or delivered, one tap to confirm, an optional
name, and 'we got fewer packs than listed' with the count per line. In the leader's language.

Reached two ways: the organization's restock link (every recent parcel of that organization) and the code on
a packing slip (`?r=`, that one parcel only). Both are public; nothing but the organization's name, the parcel
number, its date and its lines is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from outreach import i18n
from outreach.db import SessionFactory
from outreach.errors import NotFound, OutreachError
from outreach.field import receipts
from outreach.field.receipts import Parcel, ScannedSlip
from outreach.ui import state
from outreach.ui.resources import invalidate_reads
from outreach.ui.widgets import escape_markdown, quantity_input

SLIP_ACTOR = "receipt-code"
LINK_ACTOR = "restock-link"


def say(key: str, lang: str, **params: Any) -> str:
    return escape_markdown(i18n.t(key, lang, **params))


def isolated(item: tuple[str, str], lang: str) -> str:
    """An item's name inside a sentence, isolated (U+2068 ... U+2069) so that a name in another script
    ("Fèy · العربية") keeps its own order and the numbers after it stay where they belong."""
    return f"\u2068{i18n.item_label(item[0], item[1], lang)}\u2069"


def scanned_slip(sessions: SessionFactory, code: str) -> ScannedSlip | None | NotFound:
    """The parcel of a packing-slip code; None without a code; the NotFound to show for a bad one."""
    if not code:
        return None
    try:
        return receipts.resolve_code(sessions, code)
    except NotFound as error:
        return error


def show_slip(sessions: SessionFactory, slip: ScannedSlip, lang: str) -> None:
    """The page a packing slip's code opens: the organization's name and that parcel's confirmation."""
    st.subheader(escape_markdown(slip.organization_name))
    st.caption(say("receipt.slip_intro", lang))
    show_parcel(sessions, slip.parcel, lang, channel="slip")


def show_parcels(sessions: SessionFactory, organization_id: int, lang: str) -> None:
    """The restock link's section: every unconfirmed parcel of the organization, and recent confirmed ones."""
    st.divider()
    st.markdown(f"### {say('receipt.heading', lang)}")
    found = receipts.parcels(sessions, organization_id=organization_id)
    if not found:
        st.caption(say("receipt.none", lang))
        done_message(lang)
        return
    for parcel in found:
        show_parcel(sessions, parcel, lang, channel="link")


def done_message(lang: str, shipment_id: int | None = None) -> None:
    done = st.session_state.get(state.FIELD_RECEIPT_DONE)
    if done and (shipment_id is None or done[0] == shipment_id):
        st.session_state.pop(state.FIELD_RECEIPT_DONE, None)
        key = "receipt.done_short" if done[1] else "receipt.done"
        st.success(say(key, lang, number=done[0]), icon="✅")


def show_parcel(sessions: SessionFactory, parcel: Parcel, lang: str, *, channel: str) -> None:
    sid = parcel.shipment_id
    with st.container(border=True):
        date = parcel.sent_on or "—"  # a date: i18n.t writes it for the reader
        st.markdown(f"**{say('receipt.parcel', lang, number=str(sid), date=date)}**")
        for line in parcel.lines:
            st.markdown(
                say(
                    "receipt.line",
                    lang,
                    item=isolated((line.material, line.language), lang),
                    packs=line.packs,
                )
            )
        done_message(lang, sid)
        if parcel.confirmed_at is not None:
            st.caption(say("receipt.confirmed_on", lang, date=parcel.confirmed_at))
            return
        with st.form(f"{state.FIELD_RECEIPT_FORM}_{sid}", border=False):
            name = st.text_input(
                i18n.t("receipt.name", lang), key=f"{state.FIELD_RECEIPT_NAME}_{sid}", autocomplete="name"
            )
            got_it = st.form_submit_button(i18n.t("receipt.confirm", lang), type="primary", width="stretch")
        if got_it:
            confirm(sessions, parcel, lang, channel=channel, name=name)
        with st.expander(say("receipt.fewer", lang)):
            with st.form(f"{state.FIELD_SHORT_FORM}_{sid}", border=False):
                st.caption(say("receipt.fewer_help", lang))
                typed = {
                    line.unit_id: quantity_input(
                        i18n.t("receipt.received_packs", lang, item=(line.material, line.language)),
                        value=str(line.packs),
                        key=f"{state.FIELD_SHORT_PACKS}_{sid}_{line.unit_id}",
                    )
                    for line in parcel.lines
                }
                short_name = st.text_input(
                    i18n.t("receipt.name", lang), key=f"{state.FIELD_SHORT_NOTE}_{sid}", autocomplete="name"
                )
                send = st.form_submit_button(i18n.t("receipt.send_fewer", lang), width="stretch")
            if send:
                confirm(sessions, parcel, lang, channel=channel, name=short_name, received=typed)


def confirm(
    sessions: SessionFactory,
    parcel: Parcel,
    lang: str,
    *,
    channel: str,
    name: str | None,
    received: Mapping[int, object] | None = None,
) -> None:
    """Store the receipt; errors in the leader's language, once; the thanks on the next run."""
    try:
        done = receipts.confirm_receipt(
            sessions,
            shipment_id=parcel.shipment_id,
            organization_id=parcel.organization_id,
            channel=channel,
            language=lang,
            confirmed_by=name,
            received_packs=received,
            actor=SLIP_ACTOR if channel == "slip" else LINK_ACTOR,
        )
    except OutreachError as error:
        st.error(escape_markdown(i18n.localize(error, lang)), icon="⚠️")
        return
    invalidate_reads()  # coverage and the coordinators' queue show it at once
    st.session_state[state.FIELD_RECEIPT_DONE] = (parcel.shipment_id, done.mismatch)
    st.rerun()
