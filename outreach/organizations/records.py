"""Writing organization records: create, edit, pause, reactivate, and place them on the map.

Every verb is one transaction with an audit row holding the state before and after. Geocoding (which may
touch the network) happens before the transaction opens; the borough and community district are assigned
from the coordinates on every save (`outreach.organizations.areas`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

# shipment_totals: its flush hook moves an organization's shipped units along when its place changes.
from outreach import audit
from outreach.db import SessionFactory, get_or_not_found, utcnow
from outreach.errors import Conflict, GeocodingError, InvalidInput
from outreach.models import Organization
from outreach.organizations import areas, served
from outreach.organizations.addresses import normalize_address, normalize_key, place_key
from outreach.organizations.fields import (
    LOCATION_FIELDS,
    clean_fields,
    clean_latitude,
    clean_longitude,
    clean_reason,
)
from outreach.organizations.geocode_cache import geocode_cached
from outreach.organizations.geocoding import Geocoder, GeocodeResult
from outreach.shipments import totals as _shipment_totals  # noqa: F401

# Columns copied into the audit trail (contact details included: the trail is staff-only, see audit.py).
SNAPSHOT_FIELDS = (
    "name",
    "faith_tradition",
    "address",
    "zip_code",
    "borough",
    "community_district",
    *LOCATION_FIELDS,
    "preferred_language",
    "weekly_attendance",
    "usual_request_packs",
    "contact_name",
    "contact_phone",
    "contact_email",
    "notes",
    "status",
)


@dataclass(frozen=True)
class Placement:
    """Where a save put an organization (shown to the coordinator after a save or an import)."""

    latitude: float | None
    longitude: float | None
    borough: str | None
    community_district: int | None
    note: str | None


def snapshot(organization: Organization) -> dict[str, Any]:
    state = {field: getattr(organization, field) for field in SNAPSHOT_FIELDS}
    state["languages"] = organization.language_codes
    return state


def _join_notes(*notes: str | None) -> str | None:
    text = " ".join(note.strip() for note in notes if note and note.strip())
    return text or None


def apply_area(
    organization: Organization,
    area: areas.Area,
    *,
    typed_borough: str | None,
    base_note: str | None = None,
    keep_note: bool = False,
) -> None:
    """Borough and district from the area; outside NYC the typed borough stays and the district is empty.

    `base_note` starts the location note (why the location is what it is); the area's own note follows.
    With `keep_note` the note is left as it was (a save that did not move the organization).
    """
    mismatch = None
    if area.in_nyc:
        if typed_borough and typed_borough != area.borough:
            mismatch = f"The borough was given as {typed_borough}, but the location is in {area.borough}."
        organization.borough = area.borough
        organization.community_district = area.community_district
    else:
        organization.community_district = None
    if not keep_note:
        organization.location_note = _join_notes(base_note, area.note, mismatch)


def place(
    organization: Organization,
    result: GeocodeResult | None,
    *,
    typed_borough: str | None,
    base_note: str | None = None,
    keep_note: bool = False,
) -> Placement:
    """Set coordinates (when given), then the borough and district they fall in (see `apply_area`)."""
    if result is not None:
        organization.latitude, organization.longitude = result.latitude, result.longitude
        organization.location_precision, organization.location_source = result.precision, result.source
    if organization.latitude is None or organization.longitude is None:
        return Placement(None, None, organization.borough, organization.community_district, None)
    area = areas.assign(organization.latitude, organization.longitude)
    apply_area(organization, area, typed_borough=typed_borough, base_note=base_note, keep_note=keep_note)
    return Placement(
        organization.latitude,
        organization.longitude,
        organization.borough,
        organization.community_district,
        organization.location_note,
    )


def _check_duplicate(
    session: Session, name_key: str, address_key: str, *, ignore_id: int | None = None
) -> None:
    statement = select(Organization.id, Organization.name).where(
        Organization.name_key == name_key, Organization.address_key == address_key
    )
    if ignore_id is not None:
        statement = statement.where(Organization.id != ignore_id)
    found = session.execute(statement).first()
    if found is not None:
        raise Conflict(
            f"{found.name!r} at this address is already in the directory (#{found.id}). Edit that record "
            "instead of adding it again."
        )


def _locate(
    sessions: SessionFactory, geocoder: Geocoder | None, address: str | None, zip_code: str | None
) -> GeocodeResult | None:
    """Geocode through the cache; a failure leaves the organization unplaced (it is saved anyway)."""
    if geocoder is None or not (address or zip_code):
        return None
    try:
        return geocode_cached(sessions, geocoder, address=address, zip_code=zip_code)
    except GeocodingError:
        return None


def create_organization(
    sessions: SessionFactory,
    *,
    name: str,
    borough: str | None,
    languages: list[str],
    actor: str,
    preferred_language: str | None = None,
    geocoder: Geocoder | None = None,
    **fields: object,
) -> int:
    """Add an organization. With a geocoder and no coordinates, its address (or ZIP) is looked up first.
    Without a preferred language, it is the first of `languages` (the main language served)."""
    data = clean_fields(
        {"name": name, "borough": borough, "languages": languages, "preferred_language": preferred_language}
        | dict(fields)
    )
    codes = list(data.pop("languages"))  # type: ignore[call-overload]
    typed_borough = data.get("borough")
    result = None
    if data.get("latitude") is None or data.get("longitude") is None:
        data.pop("latitude", None), data.pop("longitude", None)
        result = _locate(sessions, geocoder, data.get("address"), data.get("zip_code"))  # type: ignore[arg-type]
    with sessions.begin() as session:
        organization = Organization(**data)
        organization.name_key = normalize_key(organization.name)
        organization.address_key = place_key(
            organization.address, organization.zip_code, organization.latitude, organization.longitude
        )
        _check_duplicate(session, organization.name_key, organization.address_key)
        if result is None and geocoder is not None and organization.latitude is None:
            organization.location_note = "The address could not be placed on the map; set the pin by hand."
        if organization.latitude is not None and not organization.location_source:
            organization.location_source, organization.location_precision = "manual", "exact"
        place(
            organization,
            result,
            typed_borough=typed_borough,  # type: ignore[arg-type]
            base_note=result.note if result else organization.location_note,
        )
        served.serve(organization, codes)
        return audit.add_and_record(
            session, organization, actor=actor, entity="organization", after=lambda: snapshot(organization)
        )


def _load(session: Session, organization_id: int) -> Organization:
    return get_or_not_found(
        session,
        Organization,
        organization_id,
        f"Organization #{organization_id} does not exist. Pick one from the list.",
    )


def get_organization(sessions: SessionFactory, organization_id: int) -> Organization:
    with sessions() as session:
        organization = _load(session, organization_id)
        session.expunge(organization)
        return organization


def update_organization(
    sessions: SessionFactory,
    *,
    organization_id: int,
    actor: str,
    geocoder: Geocoder | None = None,
    expected_updated_at: dt.datetime | None = None,
    **changes: object,
) -> Placement:
    """Change fields. When the address or ZIP changes and a geocoder is given, the location follows it.

    `expected_updated_at` (from when the form was loaded) refuses to overwrite someone else's edit.
    """
    not_here = set(changes) & {*LOCATION_FIELDS, "community_district", "status"}
    if not_here:
        raise TypeError(
            f"Use set_location / pause_organization for {sorted(not_here)}, not update_organization."
        )
    data = clean_fields(changes)
    if "name" in changes and data.get("name") is None:
        raise InvalidInput("The organization's name is empty. Enter its name as people know it.")
    current = get_organization(sessions, organization_id)
    address = data.get("address", current.address)
    zip_code = data.get("zip_code", current.zip_code)
    moved = (address, zip_code) != (current.address, current.zip_code)
    result = _locate(sessions, geocoder, address, zip_code) if moved else None  # type: ignore[arg-type]
    with sessions.begin() as session:
        organization = _load(session, organization_id)
        if expected_updated_at is not None and organization.updated_at != expected_updated_at:
            raise Conflict(
                f"{organization.name!r} was changed by someone else while you were editing. Reload the page "
                "and make your change again."
            )
        before = snapshot(organization)
        codes = data.pop("languages", None)
        for field, value in data.items():
            setattr(organization, field, value)
        if codes is not None:
            served.serve(organization, codes)  # type: ignore[arg-type]
        organization.name_key = normalize_key(organization.name)
        if moved:  # else the key stays (a record placed by its coordinates alone keeps its point key)
            organization.address_key = normalize_address(organization.address, organization.zip_code)
        _check_duplicate(session, organization.name_key, organization.address_key, ignore_id=organization_id)
        if moved and geocoder is not None and result is None:
            organization.latitude = organization.longitude = None
            organization.location_precision = organization.location_source = None
            organization.community_district = None
            organization.location_note = (
                "The new address could not be placed on the map; set the pin by hand."
            )
        elif moved and geocoder is None and organization.latitude is not None:
            organization.location_note = _join_notes(
                organization.location_note, "The address changed; the pin was not moved."
            )
        if result is not None:
            placement = place(
                organization,
                result,
                typed_borough=str(data["borough"]) if data.get("borough") else None,
                base_note=result.note,
            )
        else:  # not moved: the coordinates still decide the borough and district
            placement = place(organization, None, typed_borough=None, keep_note=True)
        organization.updated_at = utcnow()
        after = snapshot(organization)
        changed = {key for key in after if after[key] != before[key]}
        audit.record(
            session,
            actor=actor,
            action="update",
            entity="organization",
            entity_id=organization_id,
            before={key: before[key] for key in sorted(changed)},
            after={key: after[key] for key in sorted(changed)},
        )
        return placement


def set_location(
    sessions: SessionFactory,
    *,
    organization_id: int,
    latitude: object,
    longitude: object,
    actor: str,
    note: str | None = None,
) -> Placement:
    """A coordinator's pin: exact, source 'manual'; borough and district follow it."""
    lat, lon = clean_latitude(latitude), clean_longitude(longitude)
    if lat is None or lon is None:
        raise InvalidInput("Enter both latitude and longitude, in decimal degrees (e.g. 40.7513, -73.8830).")
    note = clean_fields({"location_note": note})["location_note"]  # type: ignore[assignment]  # length, no NUL
    with sessions.begin() as session:
        organization = _load(session, organization_id)
        before = {
            field: getattr(organization, field)
            for field in (*LOCATION_FIELDS, "borough", "community_district")
        }
        manual = GeocodeResult(lat, lon, "exact", "manual", _join_notes("Pin set by hand.", note))
        placement = place(organization, manual, typed_borough=None, base_note=manual.note)
        organization.updated_at = utcnow()
        after = {field: getattr(organization, field) for field in before}
        audit.record(
            session,
            actor=actor,
            action="set_location",
            entity="organization",
            entity_id=organization_id,
            before=before,
            after=after,
        )
        return placement


def relocate(sessions: SessionFactory, *, organization_id: int, geocoder: Geocoder, actor: str) -> Placement:
    """Look the address up again, ignoring the cache (to replace an approximate or wrong location)."""
    current = get_organization(sessions, organization_id)
    if not (current.address or current.zip_code):
        raise InvalidInput(
            f"{current.name!r} has no address or ZIP to look up. Add one, or set the pin by hand."
        )
    result = geocode_cached(
        sessions, geocoder, address=current.address, zip_code=current.zip_code, refresh=True
    )
    with sessions.begin() as session:
        organization = _load(session, organization_id)
        before = {
            field: getattr(organization, field)
            for field in (*LOCATION_FIELDS, "borough", "community_district")
        }
        placement = place(organization, result, typed_borough=None, base_note=result.note)
        organization.updated_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="relocate",
            entity="organization",
            entity_id=organization_id,
            before=before,
            after={field: getattr(organization, field) for field in before},
        )
        return placement


def _set_status(
    sessions: SessionFactory, *, organization_id: int, status: str, reason: str | None, actor: str
) -> None:
    why = clean_reason(reason)
    with sessions.begin() as session:
        organization = _load(session, organization_id)
        previous = organization.status
        # Conditional: two coordinators pressing "pause" at once write one change and one clear message.
        result = session.execute(
            update(Organization)
            .where(Organization.id == organization_id, Organization.status != status)
            .values(status=status, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"{organization.name!r} is already {status}. Reload the page to see its state.")
        audit.record(
            session,
            actor=actor,
            action="pause" if status == "paused" else "reactivate",
            entity="organization",
            entity_id=organization_id,
            before={"status": previous},
            after={"status": status, "reason": why},
        )


def pause_organization(
    sessions: SessionFactory, *, organization_id: int, actor: str, reason: str | None = None
) -> None:
    """A paused organization stays in the directory but gets no shipments until reactivated."""
    _set_status(sessions, organization_id=organization_id, status="paused", reason=reason, actor=actor)


def reactivate_organization(
    sessions: SessionFactory, *, organization_id: int, actor: str, reason: str | None = None
) -> None:
    _set_status(sessions, organization_id=organization_id, status="active", reason=reason, actor=actor)
