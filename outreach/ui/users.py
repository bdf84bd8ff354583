"""Sections of the users page (admins): the accounts table, changing one account, adding one, and the
single sign-on role mappings.

The three forms sit behind a segmented control, not tabs: only the chosen one runs, and the choice
survives the rerun after a write. Usernames and display names are typed by people: confirmations escape them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach.accounts import sso as identity
from outreach.accounts import users as accounts
from outreach.accounts.auth import ROLES
from outreach.columns import FLAG, NUMBER, WHEN, WHOLE, WORDS
from outreach.errors import InvalidInput
from outreach.ui import oidc, state
from outreach.ui.pickers import pick
from outreach.ui.resources import get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import escape_markdown, run_write, section_choice, show_error

SECTIONS = {"manage": "Change a user", "add": "Add a user", "sso": "Single sign-on"}
ACTIONS = {
    "role": "Change role",
    "deactivate": "Deactivate (no more sign-ins; nothing is deleted)",
    "reactivate": "Reactivate",
    "password": "Set a new password (also unlocks)",
    "unlock": "Unlock after failed sign-ins",
}


USER_COLUMNS = {
    "id": Column("#", NUMBER, width="small"),
    "username": Column("Username"),
    "display_name": Column("Name"),
    "email": Column("E-mail"),
    "role": Column("Role", WORDS),
    "active": Column("Active", FLAG),
    "sign_in": Column("Signs in with", WORDS),
    "failed_attempts": Column("Failed sign-ins", WHOLE),
    "locked_until": Column("Locked until (UTC)", WHEN),
    "last_login_at": Column("Last sign-in (UTC)", WHEN),
    "created_at": Column("Created (UTC)", WHEN),
}
MAPPING_COLUMNS = {
    "id": Column("#", NUMBER, width="small"),
    "pattern": Column("Address or @domain"),
    "role": Column("Role", WORDS),
    "created_by": Column("Added by"),
    "created_at": Column("Added (UTC)", WHEN),
}


def user_table(people: pd.DataFrame) -> None:
    show_table(people, USER_COLUMNS)


def chosen_section() -> str:
    return section_choice("Manage", SECTIONS, key=state.USERS_SECTION)


def change_form(people: pd.DataFrame, *, actor: str) -> None:
    labels = {
        int(row.id): f"{row.username} ({row.role}{'' if row.active else ', inactive'})"
        for row in people.itertuples()
    }
    with st.form(state.USERS_MANAGE_FORM):
        chosen = pick("User", labels, key=state.USERS_MANAGE_USER)
        action = st.radio(
            "Change", list(ACTIONS), format_func=lambda name: ACTIONS[name], key=state.USERS_MANAGE_ACTION
        )
        role = st.selectbox("New role (for a role change)", ROLES, index=None, key=state.USERS_MANAGE_ROLE)
        new_password = st.text_input(
            "New password (for a password change)",
            type="password",
            key=state.USERS_MANAGE_PASSWORD,
            autocomplete="new-password",
            help=accounts.PASSWORD_RULES,
        )
        if not st.form_submit_button("Apply", type="primary"):
            return
        if chosen is None:
            show_error(InvalidInput("Choose a user first."))
        elif action == "role" and role is None:
            show_error(InvalidInput("Choose the new role."))
        else:
            apply_change(
                chosen, labels[chosen], action or "role", role=role, password=new_password, actor=actor
            )


def apply_change(
    user_id: int, label: str, action: str, *, role: str | None, password: str, actor: str
) -> None:
    sessions = get_sessions()
    who = escape_markdown(label)
    if action == "role" and role is not None:
        run_write(
            lambda: accounts.change_role(sessions, user_id=user_id, role=role, actor=actor),
            success=f"{who} is now {role}.",
        )
    elif action in ("deactivate", "reactivate"):
        run_write(
            lambda: accounts.set_active(
                sessions, user_id=user_id, active=action == "reactivate", actor=actor
            ),
            success=f"{who}: {action}d.",
        )
    elif action == "password":
        run_write(
            lambda: accounts.reset_password(sessions, user_id=user_id, password=password, actor=actor),
            success=f"New password set for {who}. Tell them in person or by phone, not by e-mail.",
        )
    elif action == "unlock":
        run_write(lambda: accounts.unlock(sessions, user_id=user_id, actor=actor), success=f"{who} unlocked.")


def add_form(*, actor: str) -> None:
    with st.form(state.USERS_NEW_FORM, clear_on_submit=False):
        username = st.text_input("Username", key=state.USERS_NEW_USERNAME, help="Lower-case, e.g. maria.r")
        display_name = st.text_input("Full name", key=state.USERS_NEW_DISPLAY_NAME)
        email = st.text_input("E-mail (optional; lets them use single sign-on)", key=state.USERS_NEW_EMAIL)
        role = st.selectbox("Role", ROLES, index=1, key=state.USERS_NEW_ROLE)
        password = st.text_input(
            "Password", type="password", key=state.USERS_NEW_PASSWORD, autocomplete="new-password"
        )
        again = st.text_input(
            "Repeat the password",
            type="password",
            key=state.USERS_NEW_PASSWORD_AGAIN,
            autocomplete="new-password",
        )
        st.caption(accounts.PASSWORD_RULES)
        if not st.form_submit_button("Add user", type="primary"):
            return
        if password != again:
            show_error(InvalidInput("The two passwords differ. Type the same password twice."))
        elif role is None:
            show_error(InvalidInput("Choose the role."))
        else:
            run_write(
                lambda: accounts.create_account(
                    get_sessions(),
                    username=username,
                    password=password,
                    role=role,
                    actor=actor,
                    display_name=display_name,
                    email=email,
                ),
                success=f"Added {escape_markdown(username.strip().lower())} as {role}.",
            )


def single_sign_on(mappings: pd.DataFrame, *, actor: str) -> None:
    """Which addresses or domains get which role at their first single sign-on."""
    configured = oidc.providers()
    if configured:
        st.caption("Configured: " + ", ".join(provider.label for provider in configured) + ".")
    else:
        st.info(
            "Single sign-on is off: add an [auth] section to .streamlit/secrets.toml (see the README). "
            "Mappings saved here apply once it is on.",
            icon="ℹ️",
        )
    st.caption(
        "At someone's first single sign-on, an exact address wins over their domain; an address that already "
        "belongs to an account signs in to that account. Removing a mapping does not remove accounts made "
        "through it: deactivate those above."
    )
    show_table(mappings, MAPPING_COLUMNS)
    with st.form(state.USERS_MAP_FORM):
        pattern = st.text_input(
            "E-mail address or @domain",
            placeholder="@example.org",
            key=state.USERS_MAP_PATTERN,
        )
        role = st.selectbox("Role", ROLES, index=2, key=state.USERS_MAP_ROLE)
        if st.form_submit_button("Add mapping", type="primary"):
            if role is None:
                show_error(InvalidInput("Choose the role."))
            else:
                run_write(
                    lambda: identity.add_role_mapping(
                        get_sessions(), pattern=pattern, role=role, actor=actor
                    ),
                    success="Mapping added.",
                )
    options = {int(row.id): f"{row.pattern} → {row.role}" for row in mappings.itertuples()}
    with st.form(state.USERS_UNMAP_FORM):
        mapping_id = pick("Mapping", options, key=state.USERS_UNMAP_ID, placeholder=None)
        if st.form_submit_button("Remove mapping"):
            if mapping_id is None:
                show_error(InvalidInput("Choose a mapping to remove."))
            else:
                run_write(
                    lambda: identity.remove_role_mapping(get_sessions(), mapping_id=mapping_id, actor=actor),
                    success="Mapping removed.",
                )
