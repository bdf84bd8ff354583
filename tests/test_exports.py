"""The CSV exports: each one's header is the list docs/exports.md documents (names, order and types cannot
drift), and what the files hold reads right in a spreadsheet: whole numbers as digits (300, never 300.0
or "70,064"), names instead of codes, empty cells where nothing is known."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from outreach import audit, exports, inventory, organizations
from outreach.columns import DECIMAL, NUMBER, WHOLE
from outreach.coverage import inputs as coverage_data
from outreach.coverage import planning, progress
from outreach.coverage import view as coverage_view
from outreach.db import utcnow
from outreach.field import followup, report
from outreach.organizations.fields import CONTACT_FIELDS, TEMPLATE_COLUMNS
from outreach.restock import fulfilment, triage
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.shipments import reads as shipment_reads
from outreach.shipments import totals as shipment_totals
from outreach.ui.widgets import csv_bytes
from tests.conftest import ACTOR, ship_until
from tests.coverage.test_inputs import make_org

DOCS = Path(__file__).resolve().parents[1] / "docs" / "exports.md"
HEADING = re.compile(r"^## .*\(`(\w+)`\)\s*$")
WHOLE_NUMBER = re.compile(r"-?\d+")
DECIMAL_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def documented() -> dict[str, list[tuple[str, str]]]:
    """Each export in docs/exports.md: (column, type) of its table's rows, in order."""
    found: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if heading := HEADING.match(line):
            current = heading.group(1)
            found[current] = []
        elif current and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            found[current].append((cells[0].strip("`"), cells[1]))
    return found


def documented_columns(key: str) -> list[str]:
    return [column for column, _type in documented()[key]]


def csv_rows(frame: pd.DataFrame) -> list[list[str]]:
    """The export as a spreadsheet reads it: header first, every cell as text."""
    return list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))


# --- the documentation and the code agree -------------------------------------------------------------


def test_every_export_is_documented_and_every_documented_one_exists():
    assert list(documented()) == list(exports.EXPORTS)


@pytest.mark.parametrize("key", list(exports.EXPORTS))
def test_the_documented_columns_and_types_are_the_export_s(key):
    export = exports.EXPORTS[key]
    expected = [(name, exports.TYPE_NAMES[spec.kind]) for name, spec in export.fields.items()]
    assert documented()[key] == expected, f"docs/exports.md's `{key}` table differs from exports.{key}"


def test_the_directory_export_starts_with_the_import_template():
    assert exports.DIRECTORY.columns[: len(TEMPLATE_COLUMNS)] == list(TEMPLATE_COLUMNS)


# --- every export, built as its page builds it ---------------------------------------------------------


@dataclass
class Campaign:
    noor: int  # Masjid Al-Noor: Arabic and Bangla, 300 a week, in QN 12, 200 Arabic flyers delivered
    pinless: int  # no location, no tradition, no attendance: its empty cells must stay empty
    waiting: str  # a submitted request (nothing approved yet)
    approved: str  # an approved request, turned into a shipment
    draft: int  # that shipment (a draft)


def seed_campaign(sessions, ref) -> Campaign:
    """A small campaign that fills every export: stock, organizations, shipments, requests, a low item."""
    arabic, bangla, booklet = (
        ref.units[key] for key in (("flyer", "ar"), ("flyer", "bn"), ("booklet", "es"))
    )
    for unit, units in ((arabic, 1_000), (bangla, 1_000), (booklet, 500)):
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=units, reference="PR-1", actor=ACTOR
        )
    noor = make_org(sessions, "Masjid Al-Noor", languages=["ar", "bn"], district=412, weekly_attendance=300)
    pinless = make_org(
        sessions, "Iglesia Sin Mapa", languages=["es"], district=204, borough="Bronx", coordinates=False
    )
    ship_until(sessions, ref, noor, {arabic: 200})
    token = restock_links.issue_link(sessions, organization_id=noor, actor=ACTOR)
    waiting, approved = (
        restock.submit_request(sessions, token=token, idempotency_key=uuid.uuid4().hex, lines=lines)
        for lines in ({bangla: 2}, {bangla: 1, booklet: 1})
    )
    triage.approve_request(sessions, request_id=approved.request_id, depot_id=ref.main_depot, actor=ACTOR)
    draft = fulfilment.create_shipment_from_request(sessions, request_id=approved.request_id, actor=ACTOR)
    inventory.set_low_stock_threshold(sessions, unit_id=arabic, threshold=900, actor=ACTOR)
    return Campaign(noor, pinless, waiting.reference, approved.reference, draft)


def _coverage(sessions, language: str | None = None) -> pd.DataFrame:
    shown = coverage_view.coverage_view(
        shipment_totals.shipped_units(sessions, language=language),
        coverage_data.organizations(sessions, language=language),
        coverage_data.campaign_totals(sessions),
        level="district",
        language=language,
        metric="gap",
        caption="All languages: gap",
        desert_min_lep=1_000,
    )
    return coverage_view.export_frame(coverage_view.ranked(shown.table, metric="gap"))


def _plan(sessions, ref) -> pd.DataFrame:
    plan = planning.plan_for_language(
        shipment_totals.shipped_units(sessions, language="bn"),
        coverage_data.organizations(sessions, language="bn", for_map=False, only_active=True),
        coverage_data.campaign_totals(sessions),
        shipment_totals.pending_units(sessions, language="bn"),
        language="bn",
        units=500,
        pack_size=50,
        edition_status="active",
        desert_min_lep=1_000,
        max_packs=40,
    )
    return exports.shape(plan.lines, exports.PLAN)


def build(key: str, sessions, ref) -> pd.DataFrame:
    """The export `key` as the app builds it for its download button."""
    builders = {
        "directory": lambda: organizations.export_frame(sessions, include_contacts=True),
        "requests": lambda: restock_queue.export_frame(sessions),
        "shipments": lambda: exports.shape(shipment_reads.shipments(sessions, limit=None), exports.SHIPMENTS),
        "stock": lambda: exports.shape(inventory.stock_levels(sessions), exports.STOCK),
        "movements": lambda: exports.shape(inventory.movements(sessions, limit=None), exports.MOVEMENTS),
        "coverage": lambda: _coverage(sessions),
        "plan": lambda: _plan(sessions, ref),
        "language_by_borough": lambda: exports.language_by_borough(
            progress.pivot(progress.language_borough(sessions), "delivered")
        ),
        "audit": lambda: exports.shape(audit.history(sessions, limit=5_000), exports.AUDIT),
        "campaign_report": lambda: exports.shape(report.campaign_report(sessions), exports.CAMPAIGN_REPORT),
        "silent": lambda: exports.shape(
            followup.silent_organizations(
                sessions,
                followup.current_lists(sessions, now=utcnow() + dt.timedelta(days=60)),
                include_contacts=True,
            ),
            exports.SILENT,
        ),
    }
    return builders[key]()


@pytest.fixture
def campaign(sessions, ref) -> Campaign:
    return seed_campaign(sessions, ref)


@pytest.mark.parametrize("key", list(exports.EXPORTS))
def test_each_export_s_header_is_the_documented_list(sessions, ref, campaign, key):
    rows = csv_rows(build(key, sessions, ref))
    assert rows[0] == documented_columns(key)
    assert len(rows) > 1, f"the campaign leaves the {key} export empty: it proves nothing"


@pytest.mark.parametrize("key", list(exports.EXPORTS))
def test_numbers_are_written_as_numbers(sessions, ref, campaign, key):
    """Whole numbers parse as integers (no 300.0, no thousands separators), decimals as decimals."""
    rows = csv_rows(build(key, sessions, ref))
    fields = exports.EXPORTS[key].fields
    for row in rows[1:]:
        for name, cell in zip(rows[0], row, strict=True):
            if cell and fields[name].kind in (NUMBER, WHOLE):
                assert WHOLE_NUMBER.fullmatch(cell), f"{key}.{name} = {cell!r} is not a whole number"
            if cell and fields[name].kind == DECIMAL:
                assert DECIMAL_NUMBER.fullmatch(cell), f"{key}.{name} = {cell!r} is not a number"
    whole = [name for name, spec in fields.items() if spec.kind in (NUMBER, WHOLE)]
    read = pd.read_csv(io.BytesIO(csv_bytes(build(key, sessions, ref))), encoding="utf-8-sig")
    for name in whole:
        if read[name].notna().all():
            assert pd.api.types.is_integer_dtype(read[name]), f"{key}.{name} reads as {read[name].dtype}"


def test_the_directory_writes_names_whole_numbers_and_empty_cells(sessions, ref, campaign):
    rows = csv_rows(build("directory", sessions, ref))
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    noor, pinless = by_name["Masjid Al-Noor"], by_name["Iglesia Sin Mapa"]
    assert noor["weekly_attendance"] == "300"  # not 300.0
    assert noor["languages"] == "Arabic; Bangla" and noor["preferred_language"] == "Arabic"  # its first
    assert noor["community_district"] == "412" and noor["district"] == "QN 12"
    assert noor["organization_id"] == str(campaign.noor)
    assert pinless["weekly_attendance"] == pinless["faith_tradition"] == pinless["latitude"] == ""
    assert not {cell for row in rows for cell in row} & {"None", "nan", "NaN", "NaT", "<NA>"}


def test_organizers_get_the_directory_without_the_contact_columns(sessions, ref, campaign):
    frame = organizations.export_frame(sessions, include_contacts=False)
    assert list(frame.columns) == [c for c in documented_columns("directory") if c not in CONTACT_FIELDS]


def test_requests_leave_what_is_not_decided_yet_empty(sessions, ref, campaign):
    rows = csv_rows(build("requests", sessions, ref))
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    waiting = next(line for line in lines if line["reference"] == campaign.waiting)
    assert (waiting["packs_approved"], waiting["units_approved"], waiting["shipment_id"]) == ("", "", "")
    assert (waiting["material"], waiting["language"], waiting["status"]) == ("Flyer", "Bangla", "submitted")
    booklet = next(
        line for line in lines if line["reference"] == campaign.approved and line["material"] == "Booklet"
    )
    assert (booklet["packs_approved"], booklet["units_approved"]) == ("1", "25")
    assert booklet["shipment_id"].isdigit() and re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", booklet["created_at"]
    )


def test_coverage_figures_are_numbers_and_english_has_none(sessions, ref, campaign):
    frame = build("coverage", sessions, ref)
    rows = csv_rows(frame)
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    jamaica = next(line for line in lines if line["area"] == "412" and line["language"] == "Arabic")
    assert jamaica["delivered"] == "200" and int(jamaica["lep_speakers"]) > 0
    assert float(jamaica["coverage_per_1000"]) > 0
    # Thousands are digits only ("70064", not "70,064"), and rounded figures have no ".0".
    assert max(int(line["lep_speakers"]) for line in lines if line["lep_speakers"]) >= 1_000
    assert all(WHOLE_NUMBER.fullmatch(line["fair_share"]) for line in lines if line["fair_share"])
    english = csv_rows(_coverage(sessions, language="en"))
    assert len(english) > 1 and {row[english[0].index("language")] for row in english[1:]} == {"English"}
    for name in ("lep_speakers", "coverage_per_1000", "fair_share", "gap"):
        assert {row[english[0].index(name)] for row in english[1:]} == {""}, name


def test_low_stock_is_true_or_false(sessions, ref, campaign):
    rows = csv_rows(build("stock", sessions, ref))
    flags = {row[rows[0].index("low_stock")] for row in rows[1:]}
    arabic = next(row for row in rows[1:] if row[1] == "Arabic" and row[2] == "Flyer")
    assert flags == {"True", "False"} and arabic[rows[0].index("low_stock")] == "True"


# --- shaping ------------------------------------------------------------------------------------------


def test_shape_renames_orders_and_leaves_out():
    frame = pd.DataFrame(
        {
            "area_label": ["QN 08 · Fresh Meadows"],
            "cap_packs": [4.0],  # a computed column arrives as a float
            "packs": [3],
            "units": [150],
            "organization": ["Masjid"],
            "organization_id": [7],
        }
    )
    shaped = exports.shape(frame, exports.PLAN)
    assert list(shaped.columns) == exports.PLAN.columns
    assert shaped.iloc[0]["usual_packs"] == 4 and str(shaped["usual_packs"].dtype) == "Int64"
    assert list(exports.shape(frame, exports.PLAN, leave_out=["district"]).columns)[0] == "organization_id"


def test_the_dashboard_grid_always_has_every_borough_and_sums_the_rest():
    grid = pd.DataFrame(
        {"Queens": [5], "Unassigned": [2], "Total": [7]}, index=pd.Index(["ht"], name="language")
    )
    shaped = exports.language_by_borough(grid)
    assert list(shaped.columns) == documented_columns("language_by_borough")
    row = shaped.iloc[0]
    assert (row["language"], row["queens"], row["manhattan"], row["unassigned"], row["total"]) == (
        "Haitian Kreyòl",
        5,
        0,
        2,
        7,
    )
