"""Every page, for every role and for an anonymous visitor, run directly (without app.py) and via app.py."""

from __future__ import annotations

import pytest

from outreach import inventory
from outreach.ui.navigation import PAGES, RESTOCK, SIGN_IN
from tests.pages.conftest import open_page, page_text

ROLES = (None, "organizer", "coordinator", "admin")


@pytest.fixture
def stocked(page_db):
    sessions, ref = page_db
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "bn")],
        location_id=ref.main_depot,
        quantity=500,
        reference="PR-1",
        actor="t",
    )
    return sessions, ref


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.path)
def test_restricted_page_run_directly(stocked, spec, role):
    at = open_page(spec.path, role)
    assert not at.exception, at.exception
    allowed = role in spec.roles
    if allowed:
        assert at.title and at.title[0].value, f"{spec.path} shows no title to {role}"
        assert not any("cannot open this page" in e.value for e in at.error)
    else:
        # Nothing restricted: no tables, no forms' inputs, only the explanation.
        assert not at.dataframe and not at.text_input and not at.number_input
        assert "sign in" in page_text(at).lower() or "cannot open this page" in page_text(at)


def test_anonymous_app_shows_sign_in_only(stocked):
    at = open_page("app.py")
    assert not at.exception
    assert at.text_input(key="sign_in_username") is not None
    assert not at.dataframe


@pytest.mark.parametrize("role", ("organizer", "coordinator", "admin"))
def test_app_lands_signed_in_users_on_a_page_they_may_see(stocked, role):
    at = open_page("app.py", role)
    assert not at.exception
    assert any("cannot open" in e.value for e in at.error) is False
    assert at.sidebar.button(key="sign_out") is not None


def test_public_pages_run_without_sign_in(stocked):
    for spec in (SIGN_IN, RESTOCK):
        at = open_page(spec.path)
        assert not at.exception, at.exception


def test_no_page_file_shadows_an_installed_module():
    """A page runs with pages/ on sys.path, so pages/requests.py would replace `requests` for folium."""
    import importlib.util
    from pathlib import Path

    for path in (Path(__file__).resolve().parents[2] / "pages").glob("*.py"):
        assert importlib.util.find_spec(path.stem) is None, (
            f"pages/{path.name} shadows the module {path.stem!r}"
        )
