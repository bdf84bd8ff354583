"""The Backups page (admins only): a download button, and restore of an uploaded archive into an empty
database, refused with the reason otherwise."""

from __future__ import annotations

import shutil

import pytest

from outreach import backup, inventory, organizations
from outreach.db import make_engine, make_sessions
from outreach.demo import seed_reference
from outreach.ui import state
from tests.pages.conftest import open_page, page_text


def _submit(at, label):
    next(button for button in at.button if button.label == label).click()
    return at.run()


@pytest.fixture
def archive(tmp_path, sqlite_template) -> bytes:
    """An archive of a small campaign, made from another database."""
    path = tmp_path / "source.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_sessions(engine)
    ref = seed_reference(sessions)
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "yi")],
        location_id=ref.main_depot,
        quantity=250,
        reference="PR",
        actor="t",
    )
    organizations.create_organization(
        sessions, name="Beth Shalom", borough="Brooklyn", languages=["yi"], actor="t"
    )
    data = backup.backup_bytes(sessions, actor="t")
    engine.dispose()
    return data


@pytest.mark.parametrize("role", ["coordinator", "organizer"])
def test_only_admins_can_open_it(app_env, role):
    at = open_page("pages/backups.py", role)
    assert not at.get("download_button") and not at.get("file_uploader")


def test_admin_is_offered_a_download(app_env):
    at = open_page("pages/backups.py", "admin")
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.proto.label == "Download backup"


def test_restore_into_an_empty_database_then_sign_out(app_env, sessions, archive):
    at = open_page("pages/backups.py", "admin")
    at.get("file_uploader")[0].set_value(("kyr.zip", archive, "application/zip"))
    at = _submit(at, "Restore")
    assert any("tick the box" in error.value for error in at.error)
    assert organizations.organization_choices(sessions).empty

    at.checkbox(key=state.BACKUP_RESTORE_CONFIRM).check()
    at = _submit(at, "Restore")
    assert not at.exception and not at.error, [error.value for error in at.error]
    assert organizations.organization_choices(sessions)["name"].tolist() == ["Beth Shalom"]
    assert state.USER not in at.session_state  # the accounts were replaced: sign in again


def test_restore_over_campaign_data_is_refused_with_the_reason(page_db, archive):
    sessions, _ = page_db  # the reference catalog is campaign data
    at = open_page("pages/backups.py", "admin")
    at.get("file_uploader")[0].set_value(("kyr.zip", archive, "application/zip"))
    at.checkbox(key=state.BACKUP_RESTORE_CONFIRM).check()
    at = _submit(at, "Restore")
    assert "already holds campaign data" in page_text(at)
    assert organizations.organization_choices(sessions).empty
    assert at.session_state[state.USER]["username"] == "ada"


def test_a_file_that_is_not_a_backup_is_refused(app_env, sessions):
    at = open_page("pages/backups.py", "admin")
    at.get("file_uploader")[0].set_value(("kyr.zip", b"hello", "application/zip"))
    at.checkbox(key=state.BACKUP_RESTORE_CONFIRM).check()
    at = _submit(at, "Restore")
    assert "not a KYR Tracker backup" in page_text(at)


@pytest.fixture
def bound_to_every_address():
    """Streamlit listening on 0.0.0.0, as when a host serves the app without a proxy."""
    from streamlit import config as streamlit_config

    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "0.0.0.0")
    yield
    streamlit_config.set_option("server.address", before)


@pytest.mark.parametrize("page", ["pages/backups.py", "pages/users.py"])
def test_admin_pages_warn_when_links_would_point_at_localhost(
    app_env, bound_to_every_address, monkeypatch, page
):
    from outreach import config

    monkeypatch.setenv("KYR_PUBLIC_URL", "http://localhost:8501")
    config.settings.cache_clear()
    at = open_page(page, "admin")
    assert [w.value for w in at.warning if "KYR_PUBLIC_URL" in w.value], page_text(at)
    assert "`http://localhost:8501`" in next(w.value for w in at.warning if "KYR_PUBLIC_URL" in w.value)

    monkeypatch.setenv("KYR_PUBLIC_URL", "https://kyr.example.org")
    config.settings.cache_clear()
    at = open_page(page, "admin")
    assert not [w for w in at.warning if "KYR_PUBLIC_URL" in w.value]


def test_no_warning_on_a_loopback_laptop_install(app_env):
    at = open_page("pages/backups.py", "admin")  # loopback bind (.streamlit/config.toml), default URL
    assert not [w for w in at.warning if "KYR_PUBLIC_URL" in w.value]
