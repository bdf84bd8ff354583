"""Every table a person sees (outreach/ui/tables.py), on every page and section that has one: headers in
words, names instead of codes, whole numbers right-aligned and formatted, times formatted, empty cells
empty (never "None", "nan" or "NaT")."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from argon2 import PasswordHasher

from outreach import exports
from outreach.accounts import auth
from outreach.accounts import sso as identity
from outreach.catalog import LANGUAGE_CODES
from outreach.columns import NUMBER, WHOLE
from outreach.ui import state
from tests.pages.conftest import (
    column_format,
    empty_cell_text,
    open_page,
    seen_table,
    table_headers,
)
from tests.test_exports import WHOLE_NUMBER, Campaign, documented_columns, seed_campaign

MISSING_SHOWN_AS_TEXT = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null"}


@pytest.fixture
def campaign(page_db, monkeypatch) -> Campaign:
    sessions, ref = page_db
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    auth.create_user(sessions, username="ada", password="long-enough-pw", role="admin", actor="t")
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="organizer", actor="ada")
    return seed_campaign(sessions, ref)


def _section(key: str, value: object) -> Callable:
    def choose(at):
        at.segmented_control(key=key).set_value(value).run()

    return choose


def _plan_bangla_flyers(at, campaign):
    at.selectbox(key=state.PLAN_LANGUAGE).set_value("bn").run()
    items = at.selectbox(key=state.PLAN_UNIT)
    items.select_index(next(i for i, label in enumerate(items.options) if label.startswith("Flyer"))).run()


def _links_of_noor(at, campaign):
    _section(state.REQ_SECTION, "links")(at)
    at.selectbox(key=state.REQ_LINK_ORG).set_value(campaign.noor).run()


def _record_of_noor(at, campaign):
    _section(state.DIR_SECTION, "Add or edit")(at)
    at.selectbox(key=state.DIR_EDIT_PICK).set_value(campaign.noor).run()


# (page, how to reach its tables, how many tables at least)
VIEWS = {
    "inventory": ("pages/inventory.py", None, 2),
    "shipments": (
        "pages/shipments.py",
        lambda at, c: at.selectbox(key=state.SHIP_SELECTED).set_value(c.draft).run(),
        2,
    ),
    "queue and a request": ("pages/restock_requests.py", None, 3),
    "restock links": ("pages/restock_requests.py", _links_of_noor, 1),
    "directory list": ("pages/directory.py", None, 1),
    "directory map": ("pages/directory.py", lambda at, c: _section(state.DIR_SECTION, "Map")(at), 1),
    "directory record": ("pages/directory.py", _record_of_noor, 1),
    "coverage": ("pages/coverage.py", None, 2),
    "planner": ("pages/planner.py", _plan_bangla_flyers, 2),
    "dashboard": ("pages/dashboard.py", None, 2),
    "audit": ("pages/audit.py", None, 1),
    "users": ("pages/users.py", lambda at, c: _section(state.USERS_SECTION, "sso")(at), 2),
}


def _open(view: str, campaign: Campaign):
    path, reach, _count = VIEWS[view]
    at = open_page(path, "admin")
    if reach is not None:
        reach(at, campaign)
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_table_reads_in_words(campaign, view):
    at = _open(view, campaign)
    assert len(at.dataframe) >= VIEWS[view][2], f"{view}: a table is missing"
    for table in at.dataframe:
        headers = table_headers(table)
        snake = [
            header
            for header in headers
            if "_" in header or header in table.value.columns and header.islower()
        ]
        assert not snake, f"{view}: headers {snake} are column names, not words"
        assert empty_cell_text(table) is not None, f"{view}: missing values would show as 'None'"
        shown = seen_table(table)
        for header in shown.columns:
            config = column_format(table, header)
            kind = config.get("type_config", {}).get("type")
            if kind == "number":
                assert config.get("alignment") == "right" and config["type_config"].get("format"), (
                    f"{view}: numbers under {header!r} are not formatted and right-aligned"
                )
                values = shown[header].dropna()
                assert (values == values.round()).all() or config["type_config"]["format"] == "%.1f"
            if shown[header].dtype == object or pd.api.types.is_string_dtype(shown[header]):
                cells = {str(value) for value in shown[header]}
                assert not cells & MISSING_SHOWN_AS_TEXT, (
                    f"{view}: {header!r} shows {cells & MISSING_SHOWN_AS_TEXT}"
                )
                if header.startswith("Language") or header.startswith("Replaces language"):
                    codes = {part.strip() for cell in cells for part in cell.split(",")} & set(LANGUAGE_CODES)
                    assert not codes, f"{view}: {header!r} shows language codes {codes}"


def test_times_are_formatted(campaign):
    at = _open("inventory", campaign)
    history = at.dataframe[1]
    assert column_format(history, "When (UTC)")["type_config"] == {
        "type": "datetime",
        "format": "YYYY-MM-DD HH:mm",
    }


# File names the downloads start with -> the export they write (docs/exports.md).
DOWNLOADS = {
    "directory-": "directory",
    "restock-requests.csv": "requests",
    "shipments.csv": "shipments",
    "stock.csv": "stock",
    "stock-movements.csv": "movements",
    "coverage_": "coverage",
    "allocation_plan.csv": "plan",
    "units-delivered-by-language-and-borough.csv": "language_by_borough",
    "kyr-audit-": "audit",
}


def test_every_download_writes_its_documented_columns_and_numbers_as_digits(campaign, downloads):
    for view in VIEWS:
        _open(view, campaign)
    for start, key in DOWNLOADS.items():
        rows = downloads.csv(start)
        assert rows[0] == documented_columns(key), f"{start}: the header is not docs/exports.md's {key}"
        assert len(rows) > 1, f"{start}: empty"
        whole = {name for name, spec in exports.EXPORTS[key].fields.items() if spec.kind in (NUMBER, WHOLE)}
        for row in rows[1:]:
            for name, cell in zip(rows[0], row, strict=True):
                assert name not in whole or not cell or WHOLE_NUMBER.fullmatch(cell), (
                    f"{start}: {name}={cell!r}"
                )
