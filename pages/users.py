"""Users (admins only): accounts and roles, password resets and unlocks, and single sign-on role mappings."""

import streamlit as st

from outreach.accounts import sso as identity
from outreach.accounts import users as accounts
from outreach.accounts.auth import ROLES
from outreach.config import settings
from outreach.errors import InvalidInput
from outreach.ui import oidc, state
from outreach.ui.guards import require_role
from outreach.ui.resources import READ_TTL_SECONDS, get_sessions
from outreach.ui.widgets import escape_markdown, run_write, show_error, show_flash

user = require_role("admin")
actor = user["username"]
ACTIONS = {
    "role": "Change role",
    "deactivate": "Deactivate (no more sign-ins; nothing is deleted)",
    "reactivate": "Reactivate",
    "password": "Set a new password (also unlocks)",
    "unlock": "Unlock after failed sign-ins",
}


def write(action, *, success: str) -> None:
    """Run one audited write; on success the page reruns so the tables above show it."""
    run_write(action, success=success)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_users(database_url: str):
    return accounts.user_table(get_sessions())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def load_mappings(database_url: str):
    return identity.role_mappings(get_sessions())


st.title("Users")
show_flash()
people = load_users(settings().database_url)
st.dataframe(
    people,
    hide_index=True,
    width="stretch",
    column_config={
        "id": st.column_config.NumberColumn("#", width="small"),
        "active": st.column_config.CheckboxColumn("Active"),
        "sign_in": st.column_config.TextColumn("Signs in with"),
        "failed_attempts": st.column_config.NumberColumn("Failed sign-ins"),
        "locked_until": st.column_config.DatetimeColumn("Locked until (UTC)"),
        "last_login_at": st.column_config.DatetimeColumn("Last sign-in (UTC)"),
        "created_at": st.column_config.DatetimeColumn("Created (UTC)"),
    },
)
labels = {
    int(row.id): f"{row.username} ({row.role}{'' if row.active else ', inactive'})"
    for row in people.itertuples()
}

manage, create, sso = st.tabs(["Change a user", "Add a user", "Single sign-on"])

with manage, st.form(state.USERS_MANAGE_FORM):
    chosen = st.selectbox(
        "User",
        list(labels),
        format_func=labels.get,
        index=None,
        placeholder="Choose…",
        key=state.USERS_MANAGE_USER,
    )
    action = st.radio("Change", list(ACTIONS), format_func=ACTIONS.get, key=state.USERS_MANAGE_ACTION)
    role = st.selectbox("New role (for a role change)", ROLES, index=None, key=state.USERS_MANAGE_ROLE)
    new_password = st.text_input(
        "New password (for a password change)",
        type="password",
        key=state.USERS_MANAGE_PASSWORD,
        autocomplete="new-password",
        help=accounts.PASSWORD_RULES,
    )
    if st.form_submit_button("Apply", type="primary"):
        sessions = get_sessions()
        if chosen is None:
            show_error(InvalidInput("Choose a user first."))
        elif action == "role" and role is None:
            show_error(InvalidInput("Choose the new role."))
        elif action == "role":
            write(
                lambda: accounts.change_role(sessions, user_id=chosen, role=role, actor=actor),
                success=f"{escape_markdown(labels[chosen])} is now {role}.",
            )
        elif action in ("deactivate", "reactivate"):
            write(
                lambda: accounts.set_active(
                    sessions, user_id=chosen, active=action == "reactivate", actor=actor
                ),
                success=f"{escape_markdown(labels[chosen])}: {action}d.",
            )
        elif action == "password":
            write(
                lambda: accounts.reset_password(sessions, user_id=chosen, password=new_password, actor=actor),
                success=f"New password set for {escape_markdown(labels[chosen])}. Tell them in person or by phone, not by e-mail.",
            )
        else:
            write(
                lambda: accounts.unlock(sessions, user_id=chosen, actor=actor),
                success=f"{escape_markdown(labels[chosen])} unlocked.",
            )

with create, st.form(state.USERS_NEW_FORM, clear_on_submit=False):
    username = st.text_input(
        "Username", max_chars=79, key=state.USERS_NEW_USERNAME, help="Lower-case, e.g. maria.r"
    )
    display_name = st.text_input("Full name", max_chars=120, key=state.USERS_NEW_DISPLAY_NAME)
    email = st.text_input(
        "E-mail (optional; lets them use single sign-on)", max_chars=254, key=state.USERS_NEW_EMAIL
    )
    new_role = st.selectbox("Role", ROLES, index=1, key=state.USERS_NEW_ROLE)
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
    if st.form_submit_button("Add user", type="primary"):
        if password != again:
            show_error(InvalidInput("The two passwords differ. Type the same password twice."))
        else:
            write(
                lambda: accounts.create_account(
                    get_sessions(),
                    username=username,
                    password=password,
                    role=new_role,
                    actor=actor,
                    display_name=display_name,
                    email=email,
                ),
                success=f"Added {escape_markdown(username.strip().lower())} as {new_role}.",
            )

with sso:
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
    mappings = load_mappings(settings().database_url)
    st.dataframe(mappings, hide_index=True, width="stretch")
    with st.form(state.USERS_MAP_FORM):
        pattern = st.text_input(
            "E-mail address or @domain",
            max_chars=254,
            placeholder="@example.org",
            key=state.USERS_MAP_PATTERN,
        )
        map_role = st.selectbox("Role", ROLES, index=2, key=state.USERS_MAP_ROLE)
        if st.form_submit_button("Add mapping", type="primary"):
            write(
                lambda: identity.add_role_mapping(
                    get_sessions(), pattern=pattern, role=map_role, actor=actor
                ),
                success="Mapping added.",
            )
    options = {int(row.id): f"{row.pattern} → {row.role}" for row in mappings.itertuples()}
    with st.form(state.USERS_UNMAP_FORM):
        mapping_id = st.selectbox(
            "Mapping", list(options), format_func=options.get, index=None, key=state.USERS_UNMAP_ID
        )
        if st.form_submit_button("Remove mapping"):
            if mapping_id is None:
                show_error(InvalidInput("Choose a mapping to remove."))
            else:
                write(
                    lambda: identity.remove_role_mapping(get_sessions(), mapping_id=mapping_id, actor=actor),
                    success="Mapping removed.",
                )
