"""Reading the directory: search and filters, pickers, the CSV export. DataFrames out.

Contact details (name, phone, e-mail of the contact person) are only in a frame when the caller asks with
`include_contacts=True`, which pages do for coordinators and admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, or_, select

from outreach import exports
from outreach.catalog import borough_of, district_label, language_of
from outreach.db import SessionFactory, read_frame
from outreach.errors import InvalidInput
from outreach.models import Organization, OrganizationLanguage
from outreach.organizations.addresses import normalize_key
from outreach.organizations.fields import CONTACT_FIELDS, LOCATION_FIELDS, STATUSES, TEMPLATE_COLUMNS

LIST_COLUMNS = (
    "id",
    "name",
    "faith_tradition",
    "address",
    "zip_code",
    "borough",
    "community_district",
    "district",
    "languages",
    "languages_to_confirm",
    "preferred_language",
    "weekly_attendance",
    "status",
    *LOCATION_FIELDS,
    "notes",
    "updated_at",
)
# The export matches the import template first (a round trip works), then what the app worked out.
EXPORT_COLUMNS = (
    *TEMPLATE_COLUMNS,
    "status",
    "community_district",
    "district",
    *LOCATION_FIELDS,
    "id",
)


@dataclass(frozen=True)
class DirectoryFilters:
    """What narrows the directory; None is "any". Frozen and hashable: pages use it as a cache key, and the
    list, its count and the export read the same rows because they take the same value."""

    search: str | None = None
    borough: str | None = None
    community_district: int | None = None
    language: str | None = None
    faith_tradition: str | None = None
    status: str | None = None
    # Only organizations with no language served (imported from a list that had none): to follow up.
    languages_to_confirm: bool = False


NO_FILTERS = DirectoryFilters()


def organization_choices(
    sessions: SessionFactory,
    *,
    active_only: bool = True,
    search: str | None = None,
    ids: list[int] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Id, name and borough for pickers (no contact details); `search` narrows them as the directory's
    search does, `ids` picks given ones, `limit` keeps the first by name (pickers past a few hundred)."""
    statement = select(
        Organization.id, Organization.name, Organization.borough, Organization.status
    ).order_by(Organization.name, Organization.id)
    if active_only:
        statement = statement.where(Organization.status == "active")
    if search:
        statement = _filtered(statement, DirectoryFilters(search=search))
    if ids is not None:
        statement = statement.where(Organization.id.in_(ids))
    if limit is not None:
        statement = statement.limit(limit)
    return read_frame(sessions, statement)


def _filtered(statement: Select, filters: DirectoryFilters) -> Select:
    if filters.search and (term := normalize_key(filters.search)):
        # name_key/address_key are folded (case, accents, punctuation) in Python, so this matches the same
        # way on SQLite and PostgreSQL, for every script.
        statement = statement.where(
            or_(
                Organization.name_key.contains(term, autoescape=True),
                Organization.address_key.contains(term, autoescape=True),
                # The folded term, not the raw text: it holds no NUL, which PostgreSQL would refuse.
                Organization.zip_code == term,
            )
        )
    if filters.borough:
        statement = statement.where(Organization.borough == borough_of(filters.borough).name)
    if filters.community_district:
        statement = statement.where(Organization.community_district == int(filters.community_district))
    if filters.language:
        code = language_of(filters.language).code
        statement = statement.where(
            Organization.id.in_(
                select(OrganizationLanguage.organization_id).where(OrganizationLanguage.language == code)
            )
        )
    if filters.languages_to_confirm:
        statement = statement.where(
            ~select(OrganizationLanguage.organization_id)
            .where(OrganizationLanguage.organization_id == Organization.id)
            .exists()
        )
    if filters.faith_tradition:
        statement = statement.where(Organization.faith_tradition == filters.faith_tradition)
    if status := filters.status:
        if status not in STATUSES:
            raise InvalidInput(f"Status {status!r} is not valid. Use one of: {', '.join(STATUSES)}.")
        statement = statement.where(Organization.status == status)
    return statement


def _languages(sessions: SessionFactory, ids: list[int] | Select) -> dict[int, str]:
    """'bn, en' per organization: `ids` is a page's id list or, for a whole filtered set, a SELECT of ids
    (a subquery, not a list: a list of 50,000 bound parameters is past SQLite's limit). Joined in pandas:
    string aggregation differs between databases."""
    if isinstance(ids, list) and not ids:
        return {}
    frame = read_frame(
        sessions,
        select(OrganizationLanguage.organization_id, OrganizationLanguage.language)
        .where(OrganizationLanguage.organization_id.in_(ids))
        .order_by(OrganizationLanguage.organization_id, OrganizationLanguage.language),
    )
    return frame.groupby("organization_id")["language"].agg(", ".join).to_dict()


def list_organizations(
    sessions: SessionFactory,
    *,
    include_contacts: bool,
    filters: DirectoryFilters = NO_FILTERS,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """The directory, filtered, ordered by name. `languages` is a 'bn, en' string (empty, and
    `languages_to_confirm` true, when none is known yet); `district` is 'QN 03'.

    `limit`/`offset` give one page (filters and order applied in SQL first); without them, every match.
    """
    table = Organization.__table__.c
    names = [name for name in LIST_COLUMNS if name in table]
    if include_contacts:
        names += list(CONTACT_FIELDS)
    columns = [table[name] for name in names]
    statement = _filtered(select(*columns).order_by(Organization.name_key, Organization.id), filters)
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    elif offset:
        statement = statement.offset(offset)
    frame = read_frame(sessions, statement)
    paged = limit is not None or offset
    ids = [int(value) for value in frame["id"].tolist()]
    spoken = _languages(sessions, ids if paged else _filtered(select(Organization.id), filters))
    frame["languages"] = pd.Series([spoken.get(value, "") for value in ids], dtype=object)
    # Stored as no language rows at all (nothing else to keep in step): the form asks for one on the next save.
    frame["languages_to_confirm"] = pd.Series([value not in spoken for value in ids], dtype=bool)
    frame["community_district"] = frame["community_district"].astype("Int64")
    frame["district"] = [
        "" if pd.isna(code) else district_label(int(code)) for code in frame["community_district"]
    ]
    wanted = [c for c in LIST_COLUMNS if c in frame.columns]
    if include_contacts:
        wanted += list(CONTACT_FIELDS)
    return frame[wanted]


def count_organizations(sessions: SessionFactory, *, filters: DirectoryFilters = NO_FILTERS) -> int:
    """How many organizations `list_organizations` returns with the same filters (for "rows X–Y of N")."""
    statement = _filtered(select(func.count()).select_from(Organization), filters)
    return int(read_frame(sessions, statement).iloc[0, 0])


def export_frame(
    sessions: SessionFactory, *, include_contacts: bool, filters: DirectoryFilters = NO_FILTERS
) -> pd.DataFrame:
    """The directory as the CSV export (`exports.DIRECTORY`): the import template's columns first, so a file
    can be edited and imported again, then what the app worked out. No contact columns without contacts."""
    frame = list_organizations(sessions, include_contacts=include_contacts, filters=filters)
    return exports.shape(frame, exports.DIRECTORY, leave_out=() if include_contacts else CONTACT_FIELDS)


def _distinct(sessions: SessionFactory, column: Any) -> list[Any]:
    """The distinct non-empty values of one organization column, sorted (for filter pickers)."""
    frame = read_frame(sessions, select(column).where(column.is_not(None)).distinct().order_by(column))
    return frame.iloc[:, 0].tolist()


def faith_traditions(sessions: SessionFactory) -> list[str]:
    return [str(value) for value in _distinct(sessions, Organization.faith_tradition)]


def districts_in_use(sessions: SessionFactory) -> list[int]:
    return [int(value) for value in _distinct(sessions, Organization.community_district)]
