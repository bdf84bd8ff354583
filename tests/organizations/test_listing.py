"""The directory read in pages: SQL paging by name, a COUNT that agrees with the filters, a full export."""

from __future__ import annotations

import pytest

from outreach import organizations
from outreach.catalog import language_names
from outreach.organizations import DirectoryFilters


@pytest.fixture
def sixty(sessions, ref):
    """60 organizations named 'Org 00'..'Org 59': even ones in Queens serving Spanish, odd ones in the Bronx."""
    for number in range(60):
        even = number % 2 == 0
        organizations.create_organization(
            sessions,
            name=f"Org {number:02d}",
            borough="Queens" if even else "Bronx",
            languages=["es"] if even else ["en", "bn"],
            address=f"{number} Main Street",
            actor="t",
        )
    return [f"Org {number:02d}" for number in range(60)]


def test_pages_follow_each_other_by_name(sessions, sixty):
    pages = [
        organizations.list_organizations(sessions, include_contacts=False, limit=25, offset=offset)
        for offset in (0, 25, 50)
    ]
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [name for page in pages for name in page["name"]] == sixty
    # Each row's languages are its own (read for the page's ids only): even numbers Spanish, odd ones not.
    assert pages[2]["languages"].tolist() == ["es", "bn, en"] * 5


@pytest.mark.parametrize(
    "filters",
    [
        DirectoryFilters(),
        DirectoryFilters(borough="Queens"),
        DirectoryFilters(language="bn"),
        DirectoryFilters(search="org 1"),
        DirectoryFilters(search="4 main"),
        DirectoryFilters(status="paused"),
    ],
)
def test_count_and_export_agree_with_the_listed_rows(sessions, sixty, filters):
    listed = organizations.list_organizations(sessions, include_contacts=True, filters=filters)
    assert organizations.count_organizations(sessions, filters=filters) == len(listed)
    page = organizations.list_organizations(
        sessions, include_contacts=True, limit=5, offset=5, filters=filters
    )
    assert page["name"].tolist() == listed["name"].tolist()[5:10]
    export = organizations.export_frame(
        sessions, include_contacts=True, filters=filters
    )  # the whole set, unpaged
    assert export["name"].tolist() == listed["name"].tolist()
    # Names, one cell: 'bn, en' is written 'Bangla; English' (the import reads it back).
    assert export["languages"].tolist() == [
        language_names(codes, separator="; ") for codes in listed["languages"]
    ]


def test_filters_in_sql_pick_the_right_rows(sessions, sixty):
    assert organizations.count_organizations(sessions, filters=DirectoryFilters(borough="Queens")) == 30
    assert (
        organizations.count_organizations(sessions, filters=DirectoryFilters(language="bn", borough="Queens"))
        == 0
    )
    assert (
        organizations.count_organizations(sessions, filters=DirectoryFilters(search="org 1")) == 10
    )  # Org 10..Org 19
    found = organizations.list_organizations(
        sessions, include_contacts=False, filters=DirectoryFilters(language="es"), limit=3, offset=3
    )
    assert found["name"].tolist() == ["Org 06", "Org 08", "Org 10"]


def test_languages_to_confirm_are_flagged_and_filtered_in_sql(sessions, sixty):
    """Imported without languages: no language rows at all, flagged in the list, found by their own filter
    (also paged and counted), and no longer once a language is added."""
    silent = [
        organizations.create_organization(
            sessions,
            name=f"Unknown {n}",
            borough=None,
            languages=[],
            latitude=40.6418,
            longitude=-73.9437 + n / 1e3,
            actor="t",
        )
        for n in range(3)
    ]
    to_confirm = DirectoryFilters(languages_to_confirm=True)
    frame = organizations.list_organizations(sessions, include_contacts=False, filters=to_confirm)
    assert frame["name"].tolist() == ["Unknown 0", "Unknown 1", "Unknown 2"]
    assert frame["languages_to_confirm"].all() and (frame["languages"] == "").all()
    assert organizations.count_organizations(sessions, filters=to_confirm) == 3
    paged = organizations.list_organizations(
        sessions, include_contacts=False, filters=to_confirm, limit=2, offset=2
    )
    assert paged["name"].tolist() == ["Unknown 2"] and paged["languages_to_confirm"].all()
    everyone = organizations.list_organizations(sessions, include_contacts=False)
    assert everyone["languages_to_confirm"].sum() == 3 and len(everyone) == 63
    organizations.update_organization(sessions, organization_id=silent[0], actor="t", languages=["ht"])
    assert organizations.count_organizations(sessions, filters=to_confirm) == 2
    both = DirectoryFilters(languages_to_confirm=True, borough="Brooklyn")
    assert organizations.count_organizations(sessions, filters=both) == 2
