"""The directory of participating faith organizations.

- `fields`: what a record holds and how typed values are cleaned (forms and CSV import share it);
- `records`: the write verbs (create, update, pause, reactivate, set_location, relocate), each one
  audited transaction, placing the organization in its borough and community district on every save;
- `listing`: the reads (search and filters, pickers, export), contact details only on request;
- `addresses`: address keys and New York City ZIP codes;
- `geocoding`: addresses to coordinates (Nominatim, ZIP-centroid fallback, fake);
- `geocode_cache`: the cache in front of any geocoder (no address looked up twice, imports resume);
- `areas`: borough and community district by point-in-polygon;
- `csv_import`: the CSV template, validation, preview, all-or-nothing import, resumable geocoding;
- `served`: the languages an organization serves, kept as rows and as one sorted text (what the map reads).
"""

from outreach.organizations.addresses import normalize_address, normalize_key
from outreach.organizations.fields import CONTACT_FIELDS, STATUSES, clean_fields
from outreach.organizations.listing import (
    DirectoryFilters,
    count_organizations,
    districts_in_use,
    export_frame,
    faith_traditions,
    list_organizations,
    organization_choices,
)
from outreach.organizations.records import (
    Placement,
    create_organization,
    get_organization,
    pause_organization,
    reactivate_organization,
    relocate,
    set_location,
    snapshot,
    update_organization,
)

__all__ = [
    "CONTACT_FIELDS",
    "DirectoryFilters",
    "STATUSES",
    "Placement",
    "clean_fields",
    "count_organizations",
    "create_organization",
    "districts_in_use",
    "export_frame",
    "faith_traditions",
    "get_organization",
    "list_organizations",
    "normalize_address",
    "normalize_key",
    "organization_choices",
    "pause_organization",
    "reactivate_organization",
    "relocate",
    "set_location",
    "snapshot",
    "update_organization",
]
