"""Panels of the restock-requests page besides the queue: a phone request, and an organization's private link.

Streamlit glue only; every write goes through `run_write` (errors shown once, caches cleared, rerun).
"""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from outreach import organizations
from outreach.catalog import LANGUAGE_CODES, MATERIALS, language_of
from outreach.columns import NUMBER, WHEN, WHOLE
from outreach.config import settings
from outreach.db import SessionFactory
from outreach.restock import links as restock_links
from outreach.restock import submission as restock
from outreach.ui import state
from outreach.ui.documents import poster_button
from outreach.ui.pickers import organization_picker, unit_frame
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.restock_form import wanted_lines
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import escape_markdown, quantity_input, run_write

LINK_COLUMNS = {
    "organization_id": Column("Org #", NUMBER, width="small"),
    "name": Column("Organization"),
    "borough": Column("Borough"),
    "active_since": Column("Live link since (UTC)", WHEN, help="Empty: no live link (revoked)"),
    "retired_links": Column("Retired links", WHOLE, help="Links rotated or revoked"),
}


@cached_read()
def cached_links() -> pd.DataFrame:
    return restock_links.links(get_sessions())


# --- phone requests -----------------------------------------------------------------------------------


def phone_widget_keys(units: pd.DataFrame) -> list[str]:
    keys = [f"{state.REQ_PHONE_PACKS}_{unit_id}" for unit_id in units["unit_id"]]
    return [*keys, state.REQ_PHONE_CONTACT_NAME, state.REQ_PHONE_CONTACT_PHONE, state.REQ_PHONE_NOTE]


def show_phone_request(sessions: SessionFactory, *, actor: str) -> None:
    """A coordinator enters a request for an organization (a phone call); it joins the queue."""
    st.caption("A leader called or wrote: enter the request for them. It joins the queue like any other.")
    units = unit_frame(settings().database_url)
    units = (
        units[units["edition_status"] == "active"]
        .sort_values("unit_id")
        .drop_duplicates(["material", "language"], keep="last")
    )
    if units.empty:
        st.info("Add stock items first.")
        return
    if state.REQ_PHONE_KEY not in st.session_state:  # one key per form instance: a double click saves once
        st.session_state[state.REQ_PHONE_KEY] = f"phone-{uuid.uuid4().hex}"
    organization_id = organization_picker(
        "Organization (phone request)", key=state.REQ_PHONE_ORG, search_key=state.REQ_PHONE_ORG_SEARCH
    )
    if organization_id is None:
        return
    with st.form(state.REQ_PHONE_FORM):
        st.markdown("**Packs per item** (leave empty or 0 for none)")
        by_item = {(r.material, r.language): int(r.unit_id) for r in units.itertuples()}
        for code in LANGUAGE_CODES:
            columns = st.columns(len(MATERIALS))
            for column, material in zip(columns, MATERIALS, strict=True):
                unit_id = by_item.get((material.code, code))
                if unit_id is not None:
                    with column:
                        quantity_input(
                            f"{material.name} · {language_of(code).label}",
                            key=f"{state.REQ_PHONE_PACKS}_{unit_id}",
                            placeholder="0",
                        )
        contact_name = st.text_input(
            "Contact name for this request",
            key=state.REQ_PHONE_CONTACT_NAME,
        )
        contact_phone = st.text_input("Contact phone", key=state.REQ_PHONE_CONTACT_PHONE)
        note = st.text_area("Note", key=state.REQ_PHONE_NOTE)
        save = st.form_submit_button("Save request", type="primary")
    if not save:
        return
    lines = wanted_lines(
        {
            unit_id: st.session_state.get(f"{state.REQ_PHONE_PACKS}_{unit_id}")
            for unit_id in units["unit_id"].astype(int)
        }
    )

    def fresh_form(_reference: object) -> None:  # an empty form, and a new key, for the next call
        for key in [*phone_widget_keys(units), state.REQ_PHONE_KEY]:
            st.session_state.pop(key, None)

    run_write(
        lambda: restock.submit_request(
            sessions,
            organization_id=int(organization_id),
            channel="phone",
            lines=lines,
            idempotency_key=st.session_state[state.REQ_PHONE_KEY],
            contact_name=contact_name,
            contact_phone=contact_phone,
            note=note,
            language="en",
            actor=actor,
        ),
        success="Phone request saved; it is in the queue.",
        keep=fresh_form,
    )


# --- private links ------------------------------------------------------------------------------------


def show_links(sessions: SessionFactory, *, actor: str) -> None:
    """Create, rotate or revoke an organization's private link; show a new link once, with QR and poster."""
    st.caption(
        "Each organization has one private link (and QR code) for restock requests. Only a fingerprint of the "
        "link is stored, so it is shown once, right after it is made. Lost it? Rotate: a new link is made and "
        "the old one stops working."
    )
    picked = organization_picker(
        "Organization (link)", key=state.REQ_LINK_ORG, search_key=state.REQ_LINK_ORG_SEARCH
    )
    if picked is None:
        return
    organization_id = int(picked)
    status = restock_links.link_status(sessions, organization_id)
    if status:
        made_by = escape_markdown(str(status["created_by"]))
        st.success(f"Active link made {status['created_at']:%Y-%m-%d %H:%M} UTC by {made_by}.")
        actions = {
            "rotate": "Rotate (new link; the old one stops working)",
            "revoke": "Revoke (switch it off)",
        }
    else:
        st.info("This organization has no active link.")
        actions = {"issue": "Create a link"}
    with st.form(state.REQ_LINK_FORM):
        action = st.radio("Action", list(actions), format_func=actions.__getitem__, key=state.REQ_LINK_ACTION)
        go = st.form_submit_button("Apply", type="primary")
    if go:
        verbs = {
            "issue": restock_links.issue_link,
            "rotate": restock_links.rotate_link,
            "revoke": restock_links.revoke_link,
        }

        def show_once(token: str | None) -> None:  # the link is shown once, on the run after the write
            if token:
                st.session_state[state.REQ_LINK_NEW] = {"organization_id": organization_id, "token": token}
            else:
                st.session_state.pop(state.REQ_LINK_NEW, None)

        run_write(
            lambda: verbs[action](sessions, organization_id=organization_id, actor=actor),
            success={"issue": "Link created.", "rotate": "Link rotated.", "revoke": "Link revoked."}[action],
            keep=show_once,
        )
    fresh = st.session_state.get(state.REQ_LINK_NEW)
    if fresh and fresh["organization_id"] == organization_id:
        show_new_link(sessions, organization_id, fresh["token"])
    with st.expander("All organizations' links"):
        show_table(cached_links(), LINK_COLUMNS)


def show_new_link(sessions: SessionFactory, organization_id: int, token: str) -> None:
    organization = organizations.get_organization(sessions, organization_id)
    url = restock_links.link_url(token)
    st.warning("Copy or print this link now: it will not be shown again.", icon="🔑")
    st.code(url, language=None)
    png = restock_links.qr_png(url)
    st.image(png, caption="QR code of the link", width=240)
    left, middle, right = st.columns(3)
    left.download_button(
        "QR code (PNG)",
        data=png,
        file_name=f"restock-qr-{organization_id}.png",
        mime="image/png",
        key=state.REQ_LINK_QR,
        on_click="ignore",
    )
    with middle:
        poster_button(organization_name=organization.name, url=url, language=organization.preferred_language)
    poster = restock_links.poster_html(
        organization_name=organization.name, language=organization.preferred_language, url=url
    )
    right.download_button(
        "Printable poster (HTML: open, then print)",
        data=poster.encode("utf-8"),
        file_name=f"restock-poster-{organization_id}.html",
        mime="text/html",
        key=state.REQ_LINK_POSTER,
        on_click="ignore",
    )
    if st.button("Hide the link", key=state.REQ_LINK_HIDE):
        st.session_state.pop(state.REQ_LINK_NEW, None)
        st.rerun()
