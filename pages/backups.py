"""Backups (admins only): download the whole database as an archive; restore one into an empty database."""

import datetime as dt

import streamlit as st

from outreach import backup
from outreach.errors import InvalidInput
from outreach.ui import guards, state
from outreach.ui.deployment import warn_about_public_url
from outreach.ui.guards import require_role
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import run_write, show_error, show_flash

user = require_role("admin")
actor = user["username"]
sessions = get_sessions()

st.title("Backups")
show_flash()
warn_about_public_url()

st.subheader("Download a backup")
st.caption(
    "One zip archive with every table, read at one moment, with checksums. It holds contact details and "
    "account data: keep it somewhere only admins can reach. Each download is recorded in the audit trail. "
    "From the command line: `python -m outreach.backup create FILE`."
)
st.download_button(
    "Download backup",
    # Built when clicked, not on every page view: the archive is read in one snapshot at that moment.
    data=lambda: backup.backup_bytes(sessions, actor=actor),
    file_name=f"kyr-backup-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}.zip",
    mime="application/zip",
    key=state.BACKUP_DOWNLOAD,
    icon=":material/download:",
    on_click="ignore",
)

st.subheader("Restore a backup")
st.caption(
    "Only into an empty database (a new install): restore never overwrites campaign data. The accounts "
    "already on the new install are replaced by the archive's accounts, so you will be signed out; the audit "
    "trail keeps its rows and gains the archive's. From the command line: `python -m outreach.backup restore FILE`."
)
with st.form(state.BACKUP_RESTORE_FORM):
    upload = st.file_uploader("Backup archive (.zip)", type=["zip"], key=state.BACKUP_RESTORE_FILE)
    confirm = st.checkbox(
        "I understand that the accounts on this install are replaced by the archive's",
        key=state.BACKUP_RESTORE_CONFIRM,
    )
    if st.form_submit_button("Restore", type="primary"):
        if upload is None or not confirm:
            show_error(InvalidInput("Choose the archive and tick the box to confirm."))
        else:
            data = upload.getvalue()
            run_write(
                lambda: backup.restore(sessions, source=data, actor=actor),
                success="Backup restored. Sign in with an account from the backup.",
                keep=lambda _counts: guards.sign_out(),
            )
