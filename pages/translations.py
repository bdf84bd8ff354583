"""Translations (admins only): who reviewed each language, and the reviewer's round trip (export a language
as a spreadsheet, import the reviewed file: every change shown before it is applied)."""

import streamlit as st

from outreach.ui import translations
from outreach.ui.guards import require_role
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import show_flash

user = require_role("admin")
sessions = get_sessions()

st.title("Translations")
show_flash()
st.caption(
    "The faith-leader screens and posters in ten languages. Reviewed texts are kept in the database and "
    "shown at once; `python -m outreach.translation_review write-catalog <code>` writes them into the JSON "
    "catalogs of the repository."
)
translations.show_status(sessions)
translations.show_export(sessions)
translations.show_import(sessions, actor=user["username"])
