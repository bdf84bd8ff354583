"""The Messages page's sections: the outbox (pending, sent, failed with retry), template previews in every
language, "My notifications" (and the calendar feed), and organizations' e-mail opt-outs."""

from __future__ import annotations

import base64

import pandas as pd
import streamlit as st

from outreach.catalog import BOROUGH_NAMES, LANGUAGE_CODES
from outreach.columns import LANGUAGE, NUMBER, TEXT, WHEN, WHOLE
from outreach.config import settings
from outreach.errors import NotFound
from outreach.messages import calendar, outbox, preferences, smtp, templates
from outreach.models import MESSAGE_STATUSES
from outreach.ui import state
from outreach.ui.pickers import language_label, organization_picker
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import run_write, section_choice, show_error

SECTIONS = {
    "outbox": "Outbox",
    "previews": "Template previews",
    "mine": "My notifications",
    "organizations": "Organizations' e-mail",
}
STATUS_LABELS = {"pending": "Pending", "sent": "Sent", "failed": "Failed"}
KIND_LABELS = {
    "submitted": "Request received",
    "approved": "Request approved",
    "rejected": "Request rejected",
    "shipped": "Shipped",
    "delivered": "Delivered",
}
MODES = {
    "each": "A message for each new request",
    "digest": "One daily digest",
    "off": "No e-mail",
}
COLUMNS = {
    "id": Column("#", NUMBER),
    "kind": Column("What", TEXT),
    "recipient": Column("To", TEXT),
    "language": Column("Language", LANGUAGE),
    "subject": Column("Subject", TEXT),
    "attempts": Column("Attempts", WHOLE),
    "next_attempt_at": Column("Next try (UTC)", WHEN),
    "sent_at": Column("Sent (UTC)", WHEN),
    "failed_at": Column("Failed (UTC)", WHEN),
    "last_error": Column("Last error", TEXT),
}
SHOWN = {
    "pending": (
        "id",
        "kind",
        "recipient",
        "language",
        "subject",
        "attempts",
        "next_attempt_at",
        "last_error",
    ),
    "sent": ("id", "kind", "recipient", "language", "subject", "attempts", "sent_at"),
    "failed": ("id", "kind", "recipient", "language", "subject", "attempts", "failed_at", "last_error"),
}
OPT_OUT_COLUMNS = {
    "name": Column("Organization", TEXT),
    "borough": Column("Borough", TEXT),
    "source": Column("Stopped by", TEXT),
    "created_at": Column("Since (UTC)", WHEN),
}


@cached_read()
def load_counts(database_url: str) -> dict[str, int]:
    return outbox.counts(get_sessions())


@cached_read()
def load_listing(database_url: str, status: str) -> pd.DataFrame:
    return outbox.listing(get_sessions(), status=status)


@cached_read()
def load_opt_outs(database_url: str) -> pd.DataFrame:
    return preferences.opt_outs(get_sessions())


def as_data_url(document: str) -> str:
    return "data:text/html;charset=utf-8;base64," + base64.b64encode(document.encode()).decode()


def show_mail(document: str) -> None:
    """A message's HTML part as the recipient's mail client shows it. Built by outreach.messages.templates with
    every value html.escape'd; and as a data: URL the frame gets an opaque origin, so even a mistake there
    could not reach the app's page or cookies."""
    st.iframe(as_data_url(document), height=560)


def chosen_section() -> str:
    return section_choice("Section", SECTIONS, key=state.MSG_SECTION)


def server_notice() -> None:
    current = settings()
    counts = load_counts(current.database_url)
    if not smtp.configured(current):
        st.warning(
            f"No mail server is configured (KYR_SMTP_HOST), so nothing is sent: {counts['pending']:,} messages "
            "wait in the outbox and go out once it is set (see the README, Configuration).",
            icon="✉️",
        )
    left, middle, right = st.columns(3)
    left.metric("Pending", f"{counts['pending']:,}")
    middle.metric("Sent", f"{counts['sent']:,}")
    right.metric("Failed", f"{counts['failed']:,}")


def _show_message(frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    options = {int(row.id): f"#{row.id} · {row.subject}" for row in frame.itertuples()}
    chosen = st.selectbox(
        "Show a message", list(options), format_func=options.__getitem__, index=None, key=state.MSG_SHOW
    )
    found = outbox.body(get_sessions(), int(chosen)) if chosen is not None else None
    if found is not None:
        show_mail(found[1])


def outbox_section(username: str) -> None:
    status = section_choice("Messages", {s: STATUS_LABELS[s] for s in MESSAGE_STATUSES}, key=state.MSG_STATUS)
    frame = load_listing(settings().database_url, status)
    if frame.empty:
        st.info(
            {"pending": "No pending messages.", "sent": "No sent messages.", "failed": "No failed messages."}[
                status
            ]
        )
        return
    frame = frame.assign(kind=frame["kind"].map(lambda k: KIND_LABELS.get(k, k.replace("_", " "))))
    show_table(frame, {name: COLUMNS[name] for name in SHOWN[status]})
    if status == "failed":
        retry_form(frame, username)
    _show_message(frame)


def retry_form(frame: pd.DataFrame, actor: str) -> None:
    options = {int(row.id): f"#{row.id} · {row.recipient}" for row in frame.itertuples()}
    with st.form(state.MSG_RETRY_FORM):
        chosen = st.selectbox(
            "Message to send again", list(options), format_func=options.__getitem__, key=state.MSG_RETRY_PICK
        )
        again = st.form_submit_button("Retry")
        every = st.form_submit_button("Retry every failed message", key=state.MSG_RETRY_ALL)
    if again and chosen is not None:
        run_write(
            lambda: outbox.retry(get_sessions(), message_id=int(chosen), actor=actor),
            success=f"Message #{int(chosen)} is pending again.",
        )
    elif every:
        run_write(
            lambda: outbox.retry_all_failed(get_sessions(), actor=actor),
            success=lambda count: f"{count:,} messages are pending again.",
        )


def previews_section() -> None:
    left, right = st.columns(2)
    kind = left.selectbox(
        "Message",
        templates.ORGANIZATION_KINDS,
        format_func=KIND_LABELS.__getitem__,
        key=state.MSG_PREVIEW_KIND,
    )
    lang = right.selectbox("Language", LANGUAGE_CODES, format_func=language_label, key=state.MSG_PREVIEW_LANG)
    rendered = templates.preview(kind, lang)
    st.caption("Made-up sample values; the organization's own name, reference and lines go in the real one.")
    st.text(f"Subject: {rendered.subject}")
    show_mail(rendered.html)
    with st.expander("Plain-text part"):
        st.text(rendered.text)


def mine_section(username: str) -> None:
    sessions = get_sessions()
    try:
        user_id, email = preferences.account(sessions, username)
    except NotFound as error:
        show_error(error)
        return
    mode, boroughs = preferences.notifications(sessions, user_id)
    if not email:
        st.warning("Your account has no e-mail address, so nothing can reach you. Ask an admin to add one.")
    with st.form(state.MSG_MINE_FORM):
        chosen_mode = st.radio(
            "New restock requests",
            list(MODES),
            index=list(MODES).index(mode),
            format_func=MODES.__getitem__,
            key=state.MSG_MINE_MODE,
        )
        chosen_boroughs = st.multiselect(
            "Boroughs I follow (none: all five)", BOROUGH_NAMES, default=boroughs, key=state.MSG_MINE_BOROUGHS
        )
        st.caption(
            "Each new request: a message per request from the boroughs you follow, plus low stock and deliveries "
            "not confirmed. Daily digest: one message each morning with all of that."
        )
        if st.form_submit_button("Save"):
            run_write(
                lambda: preferences.set_notifications(
                    sessions, user_id=user_id, mode=chosen_mode, boroughs=chosen_boroughs, actor=username
                ),
                success="Your notifications are saved.",
            )
    st.subheader("Deliveries calendar")
    st.caption(
        "Planned and in-transit deliveries, for your calendar app (subscribe by URL) or a driver's. The address "
        "is private: anyone who has it sees the deliveries. It stops working if your account is deactivated."
    )
    st.code(calendar.feed_url(user_id, settings().public_url), language=None)


def organizations_section(username: str) -> None:
    frame = load_opt_outs(settings().database_url)
    st.caption(
        "Organizations that get no e-mail: they unsubscribed with the link in a message, or a coordinator "
        "switched it off."
    )
    if frame.empty:
        st.info("Every organization with an address gets e-mail.")
    else:
        show_table(frame, OPT_OUT_COLUMNS)
    organization = organization_picker(
        "Organization", key=state.MSG_OPT_ORG, search_key=state.MSG_OPT_ORG_SEARCH
    )
    with st.form(state.MSG_OPT_FORM):
        choice = st.radio(
            "E-mail to this organization",
            ["stop", "send"],
            horizontal=True,
            key=state.MSG_OPT_CHOICE,
            format_func={"stop": "Stop all e-mail", "send": "Send e-mail again"}.__getitem__,
        )
        if st.form_submit_button("Save") and organization is not None:
            run_write(
                lambda: preferences.set_opt_out(
                    get_sessions(),
                    organization_id=int(organization),
                    opted_out=choice == "stop",
                    actor=username,
                ),
                success="E-mail stopped for the organization."
                if choice == "stop"
                else "E-mail switched back on.",
            )
