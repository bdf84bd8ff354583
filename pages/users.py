"""Users (admins only): accounts and roles, password resets and unlocks, and single sign-on role mappings."""

import pandas as pd
import streamlit as st

from outreach.accounts import sso as identity
from outreach.accounts import users as accounts
from outreach.config import settings
from outreach.ui import users as users_ui
from outreach.ui.deployment import warn_about_public_url
from outreach.ui.guards import require_role
from outreach.ui.resources import cached_read, get_sessions
from outreach.ui.widgets import show_flash

user = require_role("admin")


@cached_read()
def load_users(database_url: str) -> pd.DataFrame:
    return accounts.user_table(get_sessions())


@cached_read()
def load_mappings(database_url: str) -> pd.DataFrame:
    return identity.role_mappings(get_sessions())


st.title("Users")
show_flash()
warn_about_public_url()
url, actor = settings().database_url, user["username"]
people = load_users(url)
users_ui.user_table(people)

section = users_ui.chosen_section()
if section == "manage":
    users_ui.change_form(people, actor=actor)
elif section == "add":
    users_ui.add_form(actor=actor)
else:
    users_ui.single_sign_on(load_mappings(url), actor=actor)
