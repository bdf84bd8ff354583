"""The CSV downloads: each export's columns, in order, with what they hold (documented in docs/exports.md).

Every export follows the same rules, so a spreadsheet or a script can rely on them:
- column names are stable snake_case words, listed in docs/exports.md (tests/test_exports.py keeps the two
  equal);
- counts and ids are whole numbers (nullable Int64: 300, never 300.0 or "300"; empty when unknown);
  ratios and coordinates are plain decimals, never text such as "70,064";
- languages and materials are English names ("Arabic", "Flyer"; several languages "Arabic; Bangla", which
  the directory import reads back), boroughs their names; statuses and kinds are the stored codes
  ("partially_shipped"), which docs/exports.md lists;
- times are UTC, written "YYYY-MM-DD HH:MM:SS".

`shape` turns a read into its export; `outreach.ui.widgets.csv_bytes` writes it (formula-safe).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import pandas as pd

from outreach.catalog import BOROUGH_NAMES
from outreach.columns import (
    DECIMAL,
    FLAG,
    LANGUAGE,
    LANGUAGES,
    MATERIAL,
    NUMBER,
    TEXT,
    WHEN,
    WHOLE,
    language_list,
    readable,
)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# How docs/exports.md names each kind of column in its "type" column.
TYPE_NAMES = {
    TEXT: "text",
    LANGUAGE: "language name",
    LANGUAGES: "language names",
    MATERIAL: "material name",
    NUMBER: "whole number",
    WHOLE: "whole number",
    DECIMAL: "decimal",
    WHEN: "date and time (UTC)",
    FLAG: "True/False",
}


@dataclass(frozen=True)
class Field:
    kind: str = TEXT
    source: str | None = None  # the column of the read it comes from, when that is named otherwise
    digits: int = 1  # DECIMAL only: decimals written


@dataclass(frozen=True)
class Export:
    key: str  # the heading's key in docs/exports.md
    fields: Mapping[str, Field] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return list(self.fields)


def _fields(**kinds: str | Field) -> dict[str, Field]:
    return {name: kind if isinstance(kind, Field) else Field(kind) for name, kind in kinds.items()}


DIRECTORY = Export(
    "directory",
    _fields(
        # The import template's columns first, in its order: an edited export can be imported again.
        name=TEXT,
        faith_tradition=TEXT,
        address=TEXT,
        zip_code=TEXT,
        borough=TEXT,
        languages=LANGUAGES,
        preferred_language=LANGUAGE,
        weekly_attendance=WHOLE,
        contact_name=TEXT,
        contact_phone=TEXT,
        contact_email=TEXT,
        notes=TEXT,
        status=TEXT,
        community_district=NUMBER,
        district=TEXT,
        latitude=Field(DECIMAL, digits=6),
        longitude=Field(DECIMAL, digits=6),
        location_precision=TEXT,
        location_source=TEXT,
        location_note=TEXT,
        organization_id=Field(NUMBER, source="id"),
    ),
)
REQUESTS = Export(
    "requests",
    _fields(
        reference=TEXT,
        status=TEXT,
        organization=TEXT,
        borough=TEXT,
        channel=TEXT,
        created_at=WHEN,
        claimed_by=TEXT,
        depot=TEXT,
        shipment_id=NUMBER,
        material=MATERIAL,
        language=LANGUAGE,
        edition=TEXT,
        packs_requested=WHOLE,
        packs_approved=WHOLE,
        packs_shipped=WHOLE,
        units_approved=WHOLE,
        reason=TEXT,
        decided_by=TEXT,
        decision_reason=TEXT,
    ),
)
SHIPMENTS = Export(
    "shipments",
    _fields(
        shipment_id=NUMBER,
        status=TEXT,
        organization=TEXT,
        borough=TEXT,
        depot=TEXT,
        units=WHOLE,
        lines=WHOLE,
        request_id=NUMBER,
        created_at=WHEN,
        shipped_at=WHEN,
        delivered_at=WHEN,
        created_by=TEXT,
        note=TEXT,
        cancel_reason=TEXT,
    ),
)
STOCK = Export(
    "stock",
    _fields(
        unit_id=NUMBER,
        language=LANGUAGE,
        material=MATERIAL,
        edition=TEXT,
        edition_status=TEXT,
        on_hand=WHOLE,
        reserved=WHOLE,
        available=WHOLE,
        low_stock_threshold=WHOLE,
        low_stock=Field(FLAG, source="low"),
    ),
)
MOVEMENTS = Export(
    "movements",
    _fields(
        movement_id=Field(NUMBER, source="id"),
        created_at=WHEN,
        kind=TEXT,
        material=MATERIAL,
        language=LANGUAGE,
        edition=TEXT,
        depot=TEXT,
        quantity=WHOLE,
        reason=TEXT,
        reference=TEXT,
        shipment_id=NUMBER,
        actor=TEXT,
    ),
)
COVERAGE = Export(
    "coverage",
    _fields(
        area=TEXT,
        area_label=TEXT,
        borough=TEXT,
        language=LANGUAGE,
        lep_speakers=WHOLE,
        delivered=WHOLE,
        in_transit=WHOLE,
        coverage_per_1000=Field(DECIMAL, digits=1),
        fair_share=WHOLE,
        gap=WHOLE,
        active_organizations=WHOLE,
        desert=FLAG,
    ),
)
PLAN = Export(
    "plan",
    _fields(
        district=Field(TEXT, source="area_label"),
        organization_id=NUMBER,
        organization=TEXT,
        usual_packs=Field(WHOLE, source="cap_packs"),
        packs=WHOLE,
        units=WHOLE,
    ),
)
# Borough columns by their snake_case names; "unassigned" holds stock at depots and deliveries to
# organizations that have no borough yet.
BOROUGH_COLUMNS = {name.lower().replace(" ", "_"): name for name in BOROUGH_NAMES}
LANGUAGE_BY_BOROUGH = Export(
    "language_by_borough",
    _fields(language=LANGUAGE, **dict.fromkeys(BOROUGH_COLUMNS, WHOLE), unassigned=WHOLE, total=WHOLE),
)
AUDIT = Export(
    "audit",
    _fields(
        entry_id=Field(NUMBER, source="id"),
        at=WHEN,
        actor=TEXT,
        action=TEXT,
        entity=TEXT,
        entity_id=TEXT,
        before=TEXT,
        after=TEXT,
    ),
)
SILENT = Export(
    "silent",
    _fields(
        organization_id=NUMBER,
        name=TEXT,
        borough=TEXT,
        community_district=NUMBER,
        reason=TEXT,
        since=WHEN,
        days=WHOLE,
        parcels=WHOLE,
        contact_name=TEXT,
        contact_phone=TEXT,
        last_called_at=WHEN,
        last_call_note=TEXT,
    ),
)
CAMPAIGN_REPORT = Export(
    "campaign_report",
    _fields(
        level=TEXT,
        borough=TEXT,
        community_district=NUMBER,
        language=LANGUAGE,
        received=WHOLE,
        delivered=WHOLE,
        confirmed=WHOLE,
        handed_out=WHOLE,
        open_requests=WHOLE,
        silent_organizations=WHOLE,
    ),
)
EXPORTS = {
    export.key: export
    for export in (
        DIRECTORY,
        REQUESTS,
        SHIPMENTS,
        STOCK,
        MOVEMENTS,
        COVERAGE,
        PLAN,
        LANGUAGE_BY_BOROUGH,
        AUDIT,
        SILENT,
        CAMPAIGN_REPORT,
    )
}


def shape(frame: pd.DataFrame, export: Export, *, leave_out: Collection[str] = ()) -> pd.DataFrame:
    """`frame` (a read) as `export` writes it: its columns in order, values as the module docstring says.

    `leave_out`: columns this caller may not see (the directory's contact details for organizers)."""
    fields = {name: spec for name, spec in export.fields.items() if name not in leave_out}
    renamed = frame.rename(columns={spec.source: name for name, spec in fields.items() if spec.source})
    shaped = readable(renamed, {name: spec.kind for name, spec in fields.items()})
    for name, spec in fields.items():
        if spec.kind == LANGUAGES:  # semicolons: the names stay one cell even where commas split cells
            shaped[name] = renamed[name].map(lambda codes: language_list(codes, separator="; ")).to_numpy()
        elif spec.kind == DECIMAL:
            shaped[name] = shaped[name].round(spec.digits)
        elif spec.kind == WHEN:
            shaped[name] = shaped[name].dt.strftime(TIME_FORMAT)
    return shaped


def language_by_borough(grid: pd.DataFrame) -> pd.DataFrame:
    """`outreach.coverage.progress.pivot`'s grid (language codes x borough names, and "Total") as its
    export: every borough always present, any other place summed into `unassigned`."""
    others = [column for column in grid.columns if column not in (*BOROUGH_NAMES, "Total")]
    frame = pd.DataFrame({"language": list(grid.index)})
    for column, borough in BOROUGH_COLUMNS.items():
        frame[column] = grid[borough].to_numpy() if borough in grid.columns else 0
    frame["unassigned"] = grid[others].sum(axis=1).to_numpy() if others else 0
    frame["total"] = grid["Total"].to_numpy()
    return shape(frame, LANGUAGE_BY_BOROUGH)
