"""The menu: which pages each visitor sees in it, and that the leaders' restock page never hides Sign out."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from outreach.ui import navigation
from outreach.ui.navigation import DRIVER, PAGES, RESTOCK, SIGN_IN


@pytest.fixture
def menu(monkeypatch):
    """What build_navigation hands to st.navigation: {section: [(title, visibility), ...]} and the position."""
    shown: dict = {}

    def fake_navigation(pages, position="sidebar", expanded=False):
        sections = pages if isinstance(pages, dict) else {"": pages}
        shown["position"] = position
        shown["expanded"] = expanded
        shown["sections"] = {
            name: [(page.title, page.visibility) for page in listed] for name, listed in sections.items()
        }
        return shown

    def fake_page(path, *, title, visibility="visible", **_options):  # st.Page needs a running app
        return SimpleNamespace(path=path, title=title, visibility=visibility)

    monkeypatch.setattr(navigation.st, "navigation", fake_navigation)
    monkeypatch.setattr(navigation.st, "Page", fake_page)
    return shown


@pytest.mark.parametrize("role", ["organizer", "coordinator", "admin"])
def test_signed_in_users_reach_the_restock_page_but_it_is_not_in_their_menu(menu, role):
    navigation.build_navigation({"role": role})
    listed = [entry for entries in menu["sections"].values() for entry in entries]
    assert (RESTOCK.title, "hidden") in listed  # a coordinator may still open a link to check it
    visible = [title for title, visibility in listed if visibility == "visible"]
    assert visible == [spec.title for spec in PAGES if role in spec.roles]
    assert menu["position"] == "sidebar"
    assert menu["expanded"] is True  # an admin's fourteen pages all in view, none behind "View more"


def test_anonymous_visitors_get_sign_in_and_restock_and_no_menu(menu):
    navigation.build_navigation(None)
    assert menu["position"] == "hidden"  # no menu at all
    (listed,) = menu["sections"].values()
    # The public pages: sign-in, a leader's restock link, a driver's run link.
    assert listed[:3] == [(SIGN_IN.title, "visible"), (RESTOCK.title, "visible"), (DRIVER.title, "visible")]
    # The restricted pages are only registered, so that a link to one is recognised and the visitor is sent
    # to sign in first (guards.sign_in_first); none of them runs for an anonymous visitor.
    assert [title for title, _visibility in listed[3:]] == [spec.title for spec in PAGES]
