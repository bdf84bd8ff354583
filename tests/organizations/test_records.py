"""The directory: create/edit/pause with areas assigned on save, audit before/after, search, contacts."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from outreach import audit, organizations
from outreach.errors import Conflict, InvalidInput, NotFound
from outreach.organizations import DirectoryFilters
from outreach.organizations.geocoding import FakeGeocoder, FallbackGeocoder, ZipCentroidGeocoder

ACTOR = "cora"
# One name per campaign language, in its own script.
TEN_SCRIPTS = {
    "es": "Iglesia Pentecostal Nueva Vida",
    "en": "Harbor Street Community Church",
    "fr": "Église Évangélique Français",
    "zh": "华人基督教会",
    "ar": "مسجد النور",
    "ru": "Русская православная церковь",
    "bn": "বাংলা মসজিদ",
    "ur": "مسجد اہل سنت",
    "ht": "Legliz Batis Kreyòl Bondye",
    "yi": "קהילת ייִדיש",
}
PAYLOAD = '<script>alert("x")</script><b>Bold</b> Church'


def offline():
    return ZipCentroidGeocoder()


def _entries(sessions, organization_id):
    return audit.history(sessions, entity="organization", entity_id=organization_id)


def test_create_places_by_zip_and_assigns_borough_and_district(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Masjid Al-Falah",
        borough=None,
        languages=["bn", "Urdu", "en"],
        actor=ACTOR,
        address="37-02 75th Street",
        zip_code="11372",
        contact_name="Amina R.",
        contact_phone="718-555-0134",
        contact_email="amina@example.org",
        geocoder=offline(),
    )
    org = organizations.get_organization(sessions, org_id)
    assert (org.borough, org.community_district) == ("Queens", 403)
    assert (org.location_precision, org.location_source) == ("approximate", "zip_centroid")
    assert "ZIP 11372" in org.location_note
    assert org.language_codes == ["bn", "en", "ur"]
    entry = _entries(sessions, org_id).iloc[0]
    assert entry["action"] == "create" and entry["actor"] == ACTOR
    after = json.loads(entry["after"])
    assert after["community_district"] == 403 and after["contact_phone"] == "+1 718-555-0134"


def test_typed_borough_that_disagrees_with_the_location_is_corrected_and_noted(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Temple",
        borough="Brooklyn",
        languages=["en"],
        actor=ACTOR,
        zip_code="10463",
        geocoder=offline(),
    )
    org = organizations.get_organization(sessions, org_id)
    assert org.borough == "Bronx" and "given as Brooklyn" in org.location_note


def test_without_a_geocoder_nothing_is_looked_up(sessions):
    org_id = organizations.create_organization(
        sessions, name="No Pin Chapel", borough="Queens", languages=["es"], actor=ACTOR, zip_code="11372"
    )
    org = organizations.get_organization(sessions, org_id)
    assert (org.latitude, org.borough, org.community_district) == (None, "Queens", None)


def test_a_geocoder_timeout_falls_back_and_the_row_says_so(sessions):
    geocoder = FallbackGeocoder(FakeGeocoder(time_out=True), ZipCentroidGeocoder())
    org_id = organizations.create_organization(
        sessions,
        name="Slow Net Church",
        borough=None,
        languages=["ht"],
        actor=ACTOR,
        address="1 Flatbush Ave",
        zip_code="11230",
        geocoder=geocoder,
    )
    org = organizations.get_organization(sessions, org_id)
    assert org.location_source == "zip_centroid" and "timed out" in org.location_note
    assert org.community_district == 312


def test_an_address_nobody_can_place_is_saved_without_a_pin(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Lost Chapel",
        borough="Queens",
        languages=["es"],
        actor=ACTOR,
        address="1 Nowhere Lane",
        geocoder=FakeGeocoder(unavailable=True),
    )
    org = organizations.get_organization(sessions, org_id)
    assert org.latitude is None and "set the pin by hand" in org.location_note


def test_demo_style_coordinates_are_kept_and_the_district_computed(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Demo Masjid",
        borough="Queens",
        languages=["bn"],
        actor=ACTOR,
        latitude=40.7513,
        longitude=-73.883,
        location_precision="approximate",
        location_source="manual",
        community_district=999 - 500,  # wrong on purpose: the point decides
    )
    org = organizations.get_organization(sessions, org_id)
    assert org.community_district == 403 and org.location_source == "manual"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "name is empty"),
        ({"zip_code": "07102"}, "Newark, NJ, outside New York City"),
        ({"zip_code": "1137"}, "'1137' is not a 5-digit ZIP"),
        ({"languages": ["klingon"]}, "Unknown language 'klingon'"),
        ({"contact_email": "amina@"}, "'amina@' is not valid"),
        ({"contact_phone": "call me"}, "'call me' is not a phone number"),
        ({"contact_phone": "555-0134"}, "'555-0134' has no area code"),
        ({"contact_phone": "123-456-7890"}, "'123-456-7890' is not a number in use"),
        ({"weekly_attendance": "-5"}, "at least 0"),
        ({"borough": "Jersey"}, "Unknown borough 'Jersey'"),
    ],
)
def test_bad_fields_are_refused_with_the_value_named(sessions, fields, message):
    values = {"name": "Good Name", "borough": None, "languages": ["en"]} | fields
    with pytest.raises(InvalidInput, match=message):
        organizations.create_organization(sessions, actor=ACTOR, **values)
    assert organizations.list_organizations(sessions, include_contacts=False).empty


def test_the_same_name_at_the_same_address_is_a_duplicate(sessions):
    values = {"borough": None, "languages": ["es"], "address": "100 Flatbush Avenue", "zip_code": "11230"}
    first = organizations.create_organization(sessions, name="Iglesia Roca", actor=ACTOR, **values)
    with pytest.raises(Conflict, match=f"#{first}"):
        organizations.create_organization(
            sessions, name="IGLESIA  ROCA", actor=ACTOR, **(values | {"address": "100 Flatbush Ave."})
        )
    # the same street in another ZIP is another place
    organizations.create_organization(
        sessions, name="Iglesia Roca", actor=ACTOR, **(values | {"zip_code": "11372"})
    )


def test_update_moves_the_pin_with_the_address_and_audits_only_what_changed(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Moving Church",
        borough=None,
        languages=["es"],
        actor=ACTOR,
        address="1 Main St",
        zip_code="11372",
        geocoder=offline(),
    )
    placement = organizations.update_organization(
        sessions,
        organization_id=org_id,
        actor="ada",
        geocoder=offline(),
        address="2 Other St",
        zip_code="11230",
        languages=["es", "ht"],
    )
    assert (placement.borough, placement.community_district) == ("Brooklyn", 312)
    org = organizations.get_organization(sessions, org_id)
    assert org.language_codes == ["es", "ht"] and org.address == "2 Other St"
    entry = _entries(sessions, org_id).iloc[0]
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert entry["action"] == "update" and entry["actor"] == "ada"
    assert before["zip_code"] == "11372" and after["zip_code"] == "11230"
    assert before["languages"] == ["es"] and after["languages"] == ["es", "ht"]
    assert "name" not in after and "contact_phone" not in after


def test_update_refuses_a_stale_form(sessions):
    org_id = organizations.create_organization(
        sessions, name="Busy Shul", borough=None, languages=["yi"], actor=ACTOR
    )
    loaded = organizations.get_organization(sessions, org_id).updated_at
    organizations.update_organization(sessions, organization_id=org_id, actor="ada", notes="first edit")
    with pytest.raises(Conflict, match="changed by someone else"):
        organizations.update_organization(
            sessions, organization_id=org_id, actor="cora", expected_updated_at=loaded, notes="second edit"
        )
    assert organizations.get_organization(sessions, org_id).notes == "first edit"
    with pytest.raises(InvalidInput, match="name is empty"):
        organizations.update_organization(sessions, organization_id=org_id, actor="ada", name="")


def test_update_without_moving_keeps_the_location_note(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Quiet Church",
        borough=None,
        languages=["es"],
        actor=ACTOR,
        zip_code="11372",
        geocoder=offline(),
    )
    note = organizations.get_organization(sessions, org_id).location_note
    organizations.update_organization(
        sessions, organization_id=org_id, actor=ACTOR, borough="Bronx", notes="x"
    )
    org = organizations.get_organization(sessions, org_id)
    assert org.location_note == note and org.borough == "Queens"  # the point decides the borough


def test_manual_pin_moves_the_district_and_outside_nyc_keeps_the_row(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Pin Church",
        borough="Queens",
        languages=["en"],
        actor=ACTOR,
        zip_code="11372",
        geocoder=offline(),
    )
    placement = organizations.set_location(
        sessions, organization_id=org_id, latitude="40.6222", longitude="-73.9653", actor=ACTOR
    )
    assert (placement.borough, placement.community_district) == ("Brooklyn", 312)
    org = organizations.get_organization(sessions, org_id)
    assert (org.location_source, org.location_precision) == ("manual", "exact")
    placement = organizations.set_location(
        sessions,
        organization_id=org_id,
        latitude=40.7357,
        longitude=-74.1724,
        actor=ACTOR,
        note="Newark annex",
    )
    assert placement.community_district is None and placement.borough == "Brooklyn"
    assert "outside New York City" in placement.note and "Newark annex" in placement.note
    entry = _entries(sessions, org_id).iloc[0]
    assert entry["action"] == "set_location" and json.loads(entry["before"])["community_district"] == 312
    with pytest.raises(InvalidInput, match="Latitude 95.0 is out of range"):
        organizations.set_location(sessions, organization_id=org_id, latitude=95, longitude=0, actor=ACTOR)


def test_relocate_looks_up_again_ignoring_the_cache(sessions):
    org_id = organizations.create_organization(
        sessions,
        name="Approx Church",
        borough=None,
        languages=["en"],
        actor=ACTOR,
        address="40 Main St",
        zip_code="11372",
        geocoder=offline(),
    )
    precise = FakeGeocoder({"40 Main St": (40.7470, -73.8914)})
    placement = organizations.relocate(sessions, organization_id=org_id, geocoder=precise, actor=ACTOR)
    org = organizations.get_organization(sessions, org_id)
    assert (org.location_precision, org.location_source, org.latitude) == ("exact", "geocoded", 40.7470)
    assert placement.community_district == 403 and precise.calls == ["40 Main St"]


def test_pause_and_reactivate_are_audited_and_not_repeated(sessions):
    org_id = organizations.create_organization(
        sessions, name="Pause Me", borough=None, languages=["en"], actor=ACTOR
    )
    organizations.pause_organization(sessions, organization_id=org_id, actor=ACTOR, reason="renovation")
    assert organizations.get_organization(sessions, org_id).status == "paused"
    with pytest.raises(Conflict, match="already paused"):
        organizations.pause_organization(sessions, organization_id=org_id, actor=ACTOR)
    assert organizations.organization_choices(sessions).empty  # pickers hide paused organizations
    organizations.reactivate_organization(sessions, organization_id=org_id, actor=ACTOR)
    actions = _entries(sessions, org_id)["action"].tolist()
    assert actions[:2] == ["reactivate", "pause"]
    assert json.loads(_entries(sessions, org_id).iloc[1]["after"]) == {
        "status": "paused",
        "reason": "renovation",
    }
    with pytest.raises(NotFound):
        organizations.pause_organization(sessions, organization_id=9999, actor=ACTOR)


@pytest.mark.parametrize(
    ("languages", "preferred", "stored"),
    [
        (["es"], None, "es"),  # a Spanish-only church is not written to in English
        (["bn", "Urdu", "en"], None, "bn"),  # the first served, not the first alphabetically
        ("Haitian Creole; English", None, "ht"),
        (["ur", "en"], "", "ur"),  # blank is the same as not given
        (["ur", "en"], "en", "en"),  # one picked is kept
        (["zh", "en"], "Chinese (Traditional)", "zh-Hant"),  # a script: the catalog its documents use
        (["zh"], "繁體中文", "zh-Hant"),
        (["zh"], "Chinese", "zh"),
    ],
)
def test_without_a_preferred_language_the_first_language_served_is_preferred(
    sessions, languages, preferred, stored
):
    extra = {} if preferred is None else {"preferred_language": preferred}
    org_id = organizations.create_organization(
        sessions, name="Casa de Fe", borough=None, languages=languages, actor=ACTOR, **extra
    )
    assert organizations.get_organization(sessions, org_id).preferred_language == stored


def test_an_edit_with_a_blank_preferred_language_takes_the_first_language_served(sessions):
    org_id = organizations.create_organization(
        sessions, name="Casa de Fe", borough=None, languages=["es"], actor=ACTOR
    )
    organizations.update_organization(
        sessions, organization_id=org_id, actor=ACTOR, languages=["ht", "en"], preferred_language=""
    )
    assert organizations.get_organization(sessions, org_id).preferred_language == "ht"


def test_a_pause_reason_is_cleaned_and_too_long_is_refused_not_cut(sessions):
    org_id = organizations.create_organization(
        sessions, name="Pause Me", borough=None, languages=["en"], actor=ACTOR
    )
    with pytest.raises(InvalidInput, match=r"The reason is too long \(501 of 500 characters\)"):
        organizations.pause_organization(sessions, organization_id=org_id, actor=ACTOR, reason="r" * 501)
    assert organizations.get_organization(sessions, org_id).status == "active"  # nothing changed
    organizations.pause_organization(sessions, organization_id=org_id, actor=ACTOR, reason=" roof\x00 leak ")
    assert json.loads(_entries(sessions, org_id).iloc[0]["after"])["reason"] == "roof leak"


@pytest.fixture
def directory(sessions):
    ids = {}
    for index, (code, name) in enumerate(TEN_SCRIPTS.items()):
        ids[code] = organizations.create_organization(
            sessions,
            name=name,
            borough=None,
            languages=[code, "en"],
            actor=ACTOR,
            faith_tradition="Muslim" if code in {"ar", "bn", "ur"} else "Christian",
            zip_code=("11372", "10463", "11230")[index % 3],
            contact_name=f"Contact {code}",
            contact_phone=f"718-555-01{index:02d}",
            geocoder=offline(),
        )
    return ids


def test_names_in_all_ten_scripts_round_trip_and_are_searchable(sessions, directory):
    frame = organizations.list_organizations(sessions, include_contacts=False)
    assert set(frame["name"]) == set(TEN_SCRIPTS.values())
    for code, name in TEN_SCRIPTS.items():
        word = name.split()[-1] if code not in {"zh"} else name[:2]
        found = organizations.list_organizations(
            sessions, include_contacts=False, filters=DirectoryFilters(search=word)
        )
        assert name in found["name"].tolist(), (code, word)
    # case- and accent-insensitive, in Latin and Cyrillic alike
    assert organizations.list_organizations(
        sessions, include_contacts=False, filters=DirectoryFilters(search="eglise evangelique")
    )["name"].tolist() == [TEN_SCRIPTS["fr"]]
    assert organizations.list_organizations(
        sessions, include_contacts=False, filters=DirectoryFilters(search="РУССКАЯ")
    )["name"].tolist() == [TEN_SCRIPTS["ru"]]
    assert organizations.list_organizations(
        sessions, include_contacts=False, filters=DirectoryFilters(search="100%_")
    ).empty


def test_filters(sessions, directory):
    def names(**filters):
        return set(
            organizations.list_organizations(
                sessions, include_contacts=False, filters=DirectoryFilters(**filters)
            )["name"]
        )

    assert names(language="bn") == {TEN_SCRIPTS["bn"]}
    assert len(names(language="en")) == 10
    assert names(faith_tradition="Muslim") == {TEN_SCRIPTS[c] for c in ("ar", "bn", "ur")}
    queens = names(borough="Queens")
    assert queens == names(community_district=403) and len(queens) == 4
    assert names(borough="bx") == names(community_district=208)
    organizations.pause_organization(sessions, organization_id=directory["yi"], actor=ACTOR)
    assert names(status="paused") == {TEN_SCRIPTS["yi"]}
    assert names(status="active", language="yi") == set()
    assert organizations.districts_in_use(sessions) == [208, 312, 403]
    assert organizations.faith_traditions(sessions) == ["Christian", "Muslim"]


def test_contact_details_only_when_asked(sessions, directory):
    public = organizations.list_organizations(sessions, include_contacts=False)
    assert not set(organizations.CONTACT_FIELDS) & set(public.columns)
    assert "718-555-01" not in public.to_csv()
    staff = organizations.list_organizations(sessions, include_contacts=True)
    assert set(organizations.CONTACT_FIELDS) <= set(staff.columns)
    assert not set(organizations.CONTACT_FIELDS) & set(
        organizations.export_frame(sessions, include_contacts=False)
    )


def test_export_starts_with_the_template_columns(sessions, directory):
    from outreach.organizations.fields import TEMPLATE_COLUMNS

    frame = organizations.export_frame(
        sessions, include_contacts=True, filters=DirectoryFilters(language="zh")
    )
    assert list(frame.columns[: len(TEMPLATE_COLUMNS)]) == list(TEMPLATE_COLUMNS)
    assert frame.iloc[0]["languages"] == "English; Chinese"  # names, which the import reads back
    assert frame.iloc[0]["name"] == TEN_SCRIPTS["zh"]


def test_an_html_payload_is_stored_and_listed_as_typed(sessions):
    org_id = organizations.create_organization(
        sessions, name=PAYLOAD, borough="Queens", languages=["en"], actor=ACTOR
    )
    assert organizations.get_organization(sessions, org_id).name == PAYLOAD
    assert organizations.list_organizations(sessions, include_contacts=False)["name"].tolist() == [PAYLOAD]


def test_updated_at_moves_on_every_change(sessions):
    org_id = organizations.create_organization(
        sessions, name="Clock", borough=None, languages=["en"], actor=ACTOR
    )
    first = organizations.get_organization(sessions, org_id).updated_at
    organizations.update_organization(sessions, organization_id=org_id, actor=ACTOR, notes="n")
    assert organizations.get_organization(sessions, org_id).updated_at >= first
    assert isinstance(first, dt.datetime)


def test_a_traditional_chinese_preference_is_exported_by_name_and_read_back(sessions):
    org_id = organizations.create_organization(
        sessions, name="華埠浸信會", borough=None, languages=["zh"], preferred_language="zh-Hant", actor=ACTOR
    )
    frame = organizations.export_frame(sessions, include_contacts=False)
    row = frame[frame["name"] == "華埠浸信會"].iloc[0]
    assert (row["languages"], row["preferred_language"]) == ("Chinese", "Chinese (Traditional)")
    organizations.update_organization(
        sessions, organization_id=org_id, actor=ACTOR, preferred_language=row["preferred_language"]
    )
    assert organizations.get_organization(sessions, org_id).preferred_language == "zh-Hant"
    with pytest.raises(InvalidInput, match="Klingon"):
        organizations.update_organization(
            sessions, organization_id=org_id, actor=ACTOR, preferred_language="Klingon"
        )
