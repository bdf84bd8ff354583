"""The languages an organization serves, kept twice: one row per language (`organization_languages`, what
filters and the directory search) and one sorted text on the organization (`organizations.language_list`,
"en es zh"), which the coverage map and the planner read for tens of thousands of organizations at once
without joining or aggregating the language rows (at fifty times the campaign that aggregation was a third
of the coverage page's database time).

Every write sets both through `serve`; bulk loads and restores go around it, and `rebuild` recomputes the text
from the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from outreach.models import Organization, OrganizationLanguage


def language_list(codes: Iterable[str]) -> str:
    return " ".join(sorted(set(codes)))


def serve(organization: Organization, codes: Iterable[str]) -> None:
    """Set the languages `organization` serves (replacing any it served before)."""
    codes = sorted(set(codes))
    organization.languages = [OrganizationLanguage(language=code) for code in codes]
    organization.language_list = language_list(codes)


def rebuild(session: Session) -> None:
    """Recompute `language_list` from the language rows where it differs, in the caller's transaction. A
    derived column, not an edit: `updated_at` keeps its value."""
    served: dict[int, list[str]] = defaultdict(list)
    for organization_id, code in session.execute(
        select(OrganizationLanguage.organization_id, OrganizationLanguage.language)
    ):
        served[organization_id].append(code)
    stored = session.execute(select(Organization.id, Organization.language_list)).all()
    wanted = {
        organization_id: language_list(served.get(organization_id, [])) for organization_id, _ in stored
    }
    changes = [
        {"key": organization_id, "text": wanted[organization_id]}
        for organization_id, text in stored
        if text != wanted[organization_id]
    ]
    if changes:
        statement = (
            update(Organization)
            .where(Organization.id == bindparam("key"))
            .values(language_list=bindparam("text"), updated_at=Organization.updated_at)
        )
        session.connection().execute(statement, changes)
