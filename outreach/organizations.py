"""The directory of participating faith organizations (minimal records; the directory issue extends it)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from sqlalchemy import select

from outreach import audit
from outreach.catalog import borough as borough_of
from outreach.catalog import language as language_of
from outreach.db import SessionFactory, read_frame
from outreach.errors import InvalidInput, NotFound
from outreach.models import Organization, OrganizationLanguage


def normalize_key(text: str | None) -> str:
    """Case-, accent- and punctuation-insensitive key for duplicate checks."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def create_organization(
    sessions: SessionFactory,
    *,
    name: str,
    borough: str | None,
    languages: list[str],
    actor: str,
    preferred_language: str = "en",
    **fields: object,
) -> int:
    clean_name = " ".join((name or "").split())
    if not clean_name:
        raise InvalidInput("The organization's name is empty. Enter its name as people know it.")
    if len(clean_name) > 200:
        raise InvalidInput(f"The name is {len(clean_name)} characters; keep it under 200.")
    borough_name = borough_of(borough).name if borough else None
    codes = sorted({language_of(code).code for code in languages})
    language_of(preferred_language)
    with sessions.begin() as session:
        organization = Organization(
            name=clean_name,
            borough=borough_name,
            preferred_language=preferred_language,
            name_key=normalize_key(clean_name),
            address_key=normalize_key(str(fields.get("address") or "")),
            **fields,
        )
        organization.languages = [OrganizationLanguage(language=code) for code in codes]
        session.add(organization)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            entity="organization",
            entity_id=organization.id,
            after={"name": clean_name, "borough": borough_name, "languages": codes},
        )
        return organization.id


def get_organization(sessions: SessionFactory, organization_id: int) -> Organization:
    with sessions() as session:
        organization = session.get(Organization, organization_id)
        if organization is None:
            raise NotFound(f"Organization #{organization_id} does not exist.")
        session.expunge(organization)
        return organization


def organization_choices(sessions: SessionFactory, *, active_only: bool = True) -> pd.DataFrame:
    """Id, name and borough for pickers (no contact details)."""
    statement = select(
        Organization.id, Organization.name, Organization.borough, Organization.status
    ).order_by(Organization.name)
    if active_only:
        statement = statement.where(Organization.status == "active")
    return read_frame(sessions, statement)
