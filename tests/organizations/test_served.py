"""The languages an organization serves, as rows and as the sorted text the coverage map reads: every write
keeps the two equal, and `rebuild` mends the text after writes that go around them."""

from __future__ import annotations

from sqlalchemy import select, update

from outreach import organizations
from outreach.models import Organization, OrganizationLanguage
from outreach.organizations import csv_import as directory_import
from outreach.organizations import served
from outreach.organizations.geocoding import ZipCentroidGeocoder


def _served(sessions) -> dict[int, tuple[str, list[str]]]:
    """Each organization's stored text and its language rows."""
    with sessions() as session:
        rows: dict[int, list[str]] = {}
        for organization_id, code in session.execute(
            select(OrganizationLanguage.organization_id, OrganizationLanguage.language)
        ):
            rows.setdefault(organization_id, []).append(code)
        return {
            organization_id: (text, sorted(rows.get(organization_id, [])))
            for organization_id, text in session.execute(select(Organization.id, Organization.language_list))
        }


def test_creating_editing_and_importing_keep_the_text_equal_to_the_rows(sessions):
    created = organizations.create_organization(
        sessions, name="Iglesia Roca", borough="Brooklyn", languages=["zh", "es", "en"], actor="cora"
    )
    assert _served(sessions)[created] == ("en es zh", ["en", "es", "zh"])
    organizations.update_organization(sessions, organization_id=created, actor="cora", languages=["ht"])
    assert _served(sessions)[created] == ("ht", ["ht"])
    organizations.update_organization(sessions, organization_id=created, actor="cora", notes="Side door")
    assert _served(sessions)[created] == ("ht", ["ht"])  # an edit that leaves the languages alone

    csv = (
        b"name,address,zip_code,languages\n"
        b"Masjid Al-Falah,37-02 75th Street,11372,ur; bn; en\n"
        b"Gurdwara,2 Y St,11372,\n"  # no language yet: an empty text, not a stale one
    )
    preview = directory_import.preview_import(sessions, csv)
    directory_import.import_organizations(sessions, preview, geocoder=ZipCentroidGeocoder(), actor="cora")
    texts = sorted(text for text, _ in _served(sessions).values())
    assert texts == ["", "bn en ur", "ht"]
    assert all(text == " ".join(rows) for text, rows in _served(sessions).values())


def test_rebuild_mends_texts_a_bulk_write_left_stale_and_touches_nothing_else(sessions):
    first = organizations.create_organization(
        sessions, name="Shul", borough="Brooklyn", languages=["yi", "en"], actor="cora"
    )
    second = organizations.create_organization(
        sessions, name="Temple", borough="Queens", languages=["bn"], actor="cora"
    )
    with sessions.begin() as session:  # as a restore of an older archive or a bulk load leaves them
        session.execute(update(Organization).values(language_list="", updated_at=Organization.updated_at))
    with sessions() as session:
        updated_before = dict(session.execute(select(Organization.id, Organization.updated_at)).all())
    with sessions.begin() as session:
        served.rebuild(session)
    assert _served(sessions) == {first: ("en yi", ["en", "yi"]), second: ("bn", ["bn"])}
    with sessions() as session:
        assert dict(session.execute(select(Organization.id, Organization.updated_at)).all()) == updated_before
