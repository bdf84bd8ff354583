"""The page registry: which page files exist, their titles, and which roles see them in the menu.

Navigation is not authorization: each page still guards itself with `require_role` and the same roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from outreach.accounts.auth import SIGNED_IN, STAFF


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: tuple[str, ...]  # empty: public (no sign-in)
    section: str = "Campaign"
    url_path: str | None = None


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/dashboard.py", "Dashboard", ":material/dashboard:", SIGNED_IN),
    PageSpec("pages/inventory.py", "Inventory", ":material/inventory_2:", STAFF, "Stock"),
    PageSpec("pages/shipments.py", "Shipments", ":material/local_shipping:", STAFF, "Stock"),
    PageSpec("pages/restock_requests.py", "Restock requests", ":material/inbox:", STAFF, "Stock", "requests"),
    PageSpec("pages/runs.py", "Delivery runs", ":material/route:", STAFF, "Stock"),
    PageSpec("pages/directory.py", "Directory", ":material/church:", STAFF, "Organizations"),
    PageSpec("pages/followup.py", "Follow-up", ":material/phone_in_talk:", SIGNED_IN, "Organizations"),
    PageSpec("pages/coverage.py", "Coverage map", ":material/map:", SIGNED_IN, "Coverage"),
    PageSpec("pages/planner.py", "Allocation planner", ":material/calculate:", STAFF, "Coverage"),
    PageSpec("pages/messages.py", "Messages", ":material/mail:", STAFF, "Admin"),
    PageSpec("pages/audit.py", "Audit trail", ":material/history:", STAFF, "Admin"),
    PageSpec("pages/users.py", "Users", ":material/group:", ("admin",), "Admin"),
    PageSpec("pages/backups.py", "Backups", ":material/backup:", ("admin",), "Admin"),
    PageSpec("pages/translations.py", "Translations", ":material/translate:", ("admin",), "Admin"),
)
SIGN_IN = PageSpec("pages/sign_in.py", "Sign in", ":material/login:", (), "Account", "sign-in")
RESTOCK = PageSpec("pages/restock.py", "Restock", ":material/add_shopping_cart:", (), "Public", "restock")
DRIVER = PageSpec("pages/driver.py", "Driver", ":material/local_shipping:", (), "Public", "driver")


def _page(spec: PageSpec, *, default: bool = False, hidden: bool = False) -> st.Page:  # type: ignore[name-defined]
    return st.Page(
        spec.path,
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def build_navigation(user: dict | None):  # type: ignore[no-untyped-def]
    """Signed-in users see the pages their role allows; anonymous visitors the sign-in and restock pages."""
    if user is None:
        # The restricted pages are known (not shown) so that a link to one is recognised: app.py has the
        # visitor sign in first and then opens it (guards.sign_in_first); it never runs for them.
        pages = [
            _page(SIGN_IN, default=True),
            _page(RESTOCK),
            _page(DRIVER),
            *(_page(spec) for spec in PAGES),
        ]
        return st.navigation(pages, position="hidden")
    sections: dict[str, list] = {}
    first = True
    for spec in PAGES:
        if user["role"] in spec.roles:
            sections.setdefault(spec.section, []).append(_page(spec, default=first))
            first = False
    # Reachable (a coordinator may open a restock link to check it) but not a menu item: the leaders' page
    # is a one-column phone page that collapses the sidebar, and with it the Sign out button.
    sections.setdefault("Public", []).append(_page(RESTOCK, hidden=True))
    sections["Public"].append(_page(DRIVER, hidden=True))
    # Every page in view: an admin now has fourteen, and a menu cut at ten hides Users and Backups behind
    # "View more", where nobody looks for them.
    return st.navigation(sections, expanded=True)


def url_path(spec: PageSpec) -> str:
    """The page's address below the app's root: its url_path, else its file name (as Streamlit does)."""
    return spec.url_path or Path(spec.path).stem


def signed_in_address(spec: PageSpec) -> str:
    """Where a signed-in user opens the page. The first page (Dashboard, every role's) is the default page,
    which Streamlit serves at the root: its own path would show "Page not found" before running it."""
    return "" if spec is PAGES[0] else url_path(spec)
