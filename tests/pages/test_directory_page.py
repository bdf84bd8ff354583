"""Directory page: list and filters, add and edit, pause, pin, import, map; user text stays text."""

from __future__ import annotations

import html
import json
import re

import pytest
import streamlit

from outreach import exports, organizations
from outreach.coverage import maps
from outreach.organizations.geocoding import ZipCentroidGeocoder
from outreach.ui import paging, pickers, state
from outreach.ui.widgets import escape_markdown
from tests.organizations.test_csv_import import MIXED, OPEN_DATA
from tests.organizations.test_records import PAYLOAD, TEN_SCRIPTS
from tests.pages.conftest import (
    empty_cell_text,
    open_page,
    page_text,
    seen_table,
    shown_by_streamlit,
    table_headers,
)

PAGE = "pages/directory.py"
LIST, EDIT, IMPORT, MAP = "List", "Add or edit", "Import", "Map"


def _open(role, section=LIST):
    """The directory page as `role`, showing `section` (only the chosen section's widgets exist)."""
    at = open_page(PAGE, role)
    if section != LIST:
        at.segmented_control(key=state.DIR_SECTION).set_value(section).run()
    return at


def _section(at):
    return at.segmented_control(key=state.DIR_SECTION).value


@pytest.fixture
def directory(page_db):
    sessions, _ref = page_db
    ids = {}
    for index, (code, name) in enumerate(TEN_SCRIPTS.items()):
        ids[code] = organizations.create_organization(
            sessions,
            name=name,
            borough=None,
            languages=[code],
            actor="t",
            zip_code=("11372", "10463", "11230")[index % 3],
            contact_phone=f"718-555-01{index:02d}",
            geocoder=ZipCentroidGeocoder(),
        )
    ids["payload"] = organizations.create_organization(
        sessions,
        name=PAYLOAD,
        borough=None,
        languages=["en"],
        actor="t",
        zip_code="11372",
        contact_name="Secret Person",
        geocoder=ZipCentroidGeocoder(),
    )
    return sessions, ids


def _frame_with(at, column):
    """The table showing `column` (read-only st.dataframe elements carry no key in AppTest)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _table(at):
    return _frame_with(at, "location_source")


def _assert_no_unsafe_html(at):
    """No markdown may render HTML, and the payload never reaches markdown unescaped (tables are text)."""
    for element in at.markdown:
        assert not element.proto.allow_html, element.value
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader"):
        for element in getattr(at, kind):
            assert "<script>" not in str(element.value), (kind, element.value)


def test_list_shows_every_script_and_the_payload_as_literal_text(directory):
    at = open_page(PAGE, "coordinator")
    assert not at.exception
    table = _table(at)
    assert set(table["name"]) == {*TEN_SCRIPTS.values(), PAYLOAD}
    assert PAYLOAD in table["name"].tolist()  # the literal string, not rendered markup
    assert "Secret Person" in table["contact_name"].tolist()  # coordinators see contacts
    _assert_no_unsafe_html(at)


def test_filters_narrow_the_list(directory):
    at = open_page(PAGE, "admin")
    at.selectbox(key=state.DIR_FILTER_BOROUGH).select("Bronx").run()
    assert set(_table(at)["borough"]) == {"Bronx"} and len(_table(at)) == 3
    at.selectbox(key=state.DIR_FILTER_BOROUGH).set_value(None)
    at.selectbox(key=state.DIR_FILTER_LANGUAGE).select("bn").run()
    assert _table(at)["name"].tolist() == [TEN_SCRIPTS["bn"]]
    at.selectbox(key=state.DIR_FILTER_LANGUAGE).set_value(None)
    at.text_input(key=state.DIR_SEARCH).input("église").run()
    assert _table(at)["name"].tolist() == [TEN_SCRIPTS["fr"]]


def test_organizers_are_turned_away(directory):
    at = open_page(PAGE, "organizer")
    assert not at.dataframe and "Secret Person" not in page_text(at)


def test_the_edit_form_shows_the_payload_as_typed(directory):
    _sessions, ids = directory
    at = _open("coordinator", EDIT)
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["payload"]).run()
    assert not at.exception
    assert at.text_input(key=state.DIR_EDIT_NAME).value == PAYLOAD
    assert at.text_input(key=state.DIR_EDIT_CONTACT_NAME).value == "Secret Person"
    _assert_no_unsafe_html(at)


def test_add_an_organization_through_the_form(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    at.text_input(key=state.DIR_EDIT_NAME).input("Nueva Vida")
    at.text_input(key=state.DIR_EDIT_ZIP).input("11230")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception and not at.error
    frame = organizations.list_organizations(sessions, include_contacts=False)
    assert frame["name"].tolist() == ["Nueva Vida"] and frame.iloc[0]["district"] == "BK 12"
    assert at.selectbox(key=state.DIR_EDIT_PICK).value == int(frame.iloc[0]["id"])  # now editing it


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Robert'); -- DROP TABLE organizations", "Robert'); -- DROP TABLE organizations"),  # not "—"
        ("Iglesia -> Centro :church: <= 3", "Iglesia -> Centro :church: <= 3"),  # no arrow, emoji or "≤"
        ("Harbor\x00 Church", "Harbor Church"),  # the NUL is not stored, so it is not confirmed either
    ],
)
def test_the_confirmation_shows_the_name_exactly_as_stored(page_db, typed, stored):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    at.text_input(key=state.DIR_EDIT_NAME).input(typed)
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception and not at.error
    assert organizations.list_organizations(sessions, include_contacts=False)["name"].tolist() == [stored]
    (confirmation,) = [message.value for message in at.success]
    assert shown_by_streamlit(confirmation) == f"Added {stored}."
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Save changes").click().run()
    assert [shown_by_streamlit(message.value) for message in at.success] == [f"Saved {stored}."]


def test_a_contact_phone_is_stored_in_one_form_and_an_impossible_one_is_named(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    at.text_input(key=state.DIR_EDIT_NAME).input("Nueva Vida")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.text_input(key=state.DIR_EDIT_CONTACT_PHONE).input("123-456-7890")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    (error,) = [message.value.replace("\\", "") for message in at.error]
    assert "Phone number '123-456-7890' is not a number in use: check the area code" in error
    assert organizations.list_organizations(sessions, include_contacts=False).empty
    at.text_input(key=state.DIR_EDIT_CONTACT_PHONE).input("(718) 555-0134")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.error
    assert at.text_input(key=state.DIR_EDIT_CONTACT_PHONE).value == "+1 718-555-0134"  # refilled as stored


def test_an_empty_name_is_refused_with_a_message(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert any("name is empty" in error.value for error in at.error)
    assert organizations.list_organizations(sessions, include_contacts=False).empty


def test_edit_pause_and_pin(directory):
    sessions, ids = directory
    at = _open("coordinator", EDIT)
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["es"]).run()
    at.text_input(key=state.DIR_EDIT_TRADITION).input("Pentecostal")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Save changes").click().run()
    assert not at.error, [e.value for e in at.error]
    assert organizations.get_organization(sessions, ids["es"]).faith_tradition == "Pentecostal"

    at.number_input(key=state.DIR_PIN_LAT).set_value(40.6222)
    at.number_input(key=state.DIR_PIN_LON).set_value(-73.9653)
    at.button(key=f"FormSubmitter:{state.DIR_PIN_FORM}-Save the pin").click().run()
    org = organizations.get_organization(sessions, ids["es"])
    assert (org.location_source, org.community_district) == ("manual", 312)

    at.text_input(key=state.DIR_STATUS_REASON).input("closed for the summer")
    at.button(key=f"FormSubmitter:{state.DIR_STATUS_FORM}-Pause").click().run()
    assert organizations.get_organization(sessions, ids["es"]).status == "paused"


def test_import_preview_and_import(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", IMPORT)
    at.file_uploader(key=state.DIR_IMPORT_FILE).set_value(("partners.csv", MIXED, "text/csv")).run()
    assert not at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics == {
        "Valid rows": "3",
        "Rows with a problem": "6",
        "Placed by coordinates": "0",
        "Languages to confirm": "1",
    }
    invalid = _frame_with(at, "problems")
    assert invalid.set_index("row").loc[4, "problems"].startswith("ZIP code 07102 is in Newark")
    at.button(key=f"FormSubmitter:{state.DIR_IMPORT_FORM}-Import 3 valid row(s)").click().run()
    assert not at.exception and not at.error
    assert len(organizations.list_organizations(sessions, include_contacts=False)) == 3


def test_an_open_data_list_with_only_names_and_points_is_previewed_imported_and_followed_up(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", IMPORT)
    assert "`x` = longitude and `y` = latitude" in page_text(at)  # the rule, where the file is chosen
    upload = ("congregations.csv", OPEN_DATA.read_bytes(), "text/csv")
    at.file_uploader(key=state.DIR_IMPORT_FILE).set_value(upload).run()
    assert not at.exception and not at.error
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics == {
        "Valid rows": "10",
        "Rows with a problem": "0",
        "Placed by coordinates": "10",
        "Languages to confirm": "10",
    }
    assert "Ignored columns: objectid." in page_text(at)
    preview = next(seen_table(frame) for frame in at.dataframe if "district" in frame.value.columns)
    assert list(preview.columns) == [
        "Row",
        "Name",
        "Address",
        "ZIP",
        "Latitude",
        "Longitude",
        "District",
        "Languages",
        "Languages to confirm",
    ]
    first = preview.iloc[0]
    assert (first["Name"], first["District"], first["Latitude"]) == (
        "Iglesia Pentecostal Monte Sinai",
        "BX 11",
        40.8448,
    )
    assert preview["Languages to confirm"].all()
    at.button(key=f"FormSubmitter:{state.DIR_IMPORT_FORM}-Import 10 valid row(s)").click().run()
    assert not at.exception and not at.error
    (confirmation,) = [message.value for message in at.success]
    assert "Imported 10 organization(s): 10 placed by their coordinates" in confirmation
    assert "10 with languages to confirm" in confirmation

    first = int(organizations.list_organizations(sessions, include_contacts=False)["id"].iloc[0])
    organizations.update_organization(
        sessions, organization_id=first, actor="cora", languages=["es"]
    )  # a call
    at = _open("coordinator")  # the List, as a coordinator opens it next
    assert "9 organization(s) have languages to confirm" in page_text(at)
    at.checkbox(key=state.DIR_FILTER_TO_CONFIRM).check().run()
    listed = seen_table(next(frame for frame in at.dataframe if "location_source" in frame.value.columns))
    assert len(listed) == 9 and listed["Languages to confirm"].all() and (listed["Languages"] == "").all()
    assert "Rows 1–9 of 9 organization(s)." in page_text(at)
    assert "have languages to confirm" not in page_text(at)  # the filter is on: no nudge towards it


def test_a_file_that_cannot_be_read_shows_why(page_db):
    at = _open("coordinator", IMPORT)
    at.file_uploader(key=state.DIR_IMPORT_FILE).set_value(("x.csv", b"name|zip\nA|1\n", "text/csv")).run()
    assert any("Missing column" in error.value for error in at.error)


def test_map_tooltips_carry_the_payload_escaped(directory):
    sessions, _ids = directory
    frame = organizations.list_organizations(sessions, include_contacts=False)
    fmap = maps.directory_map(frame)
    rendered = fmap.get_root().render()
    assert "<script>alert" not in rendered and "<b>Bold" not in rendered
    layer = next(child for child in fmap._children.values() if hasattr(child, "payload"))
    rows = json.loads(layer.payload)
    assert html.escape(PAYLOAD) in [row[3] for row in rows]  # escaped before it reaches the browser
    assert TEN_SCRIPTS["yi"] in [row[3] for row in rows]


def test_saving_over_someone_elses_later_edit_is_refused(directory):
    sessions, ids = directory
    at = _open("coordinator", EDIT)
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["ru"]).run()
    organizations.update_organization(sessions, organization_id=ids["ru"], actor="ada", notes="ada's note")
    at.text_input(key=state.DIR_EDIT_TRADITION).input("Orthodox")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Save changes").click().run()
    assert any("changed by someone else" in error.value for error in at.error)
    org = organizations.get_organization(sessions, ids["ru"])
    assert (org.notes, org.faith_tradition) == ("ada's note", None)


# --- paging at scale (issue 7) ---------------------------------------------------------------------------


def test_the_list_comes_a_page_at_a_time_and_counts_every_match(directory, monkeypatch):
    sessions, _ids = directory
    monkeypatch.setattr(paging, "PAGE_SIZES", (4, 8))
    monkeypatch.setattr(paging, "DEFAULT_PAGE_SIZE", 4)
    everyone = organizations.list_organizations(sessions, include_contacts=False)["name"].tolist()
    at = open_page(PAGE, "coordinator")
    assert _table(at)["name"].tolist() == everyone[:4]
    assert "Rows 1–4 of 11 organization(s)." in page_text(at)
    at.number_input(key=f"{state.DIR_PAGE}_number").set_value(2).run()
    assert _table(at)["name"].tolist() == everyone[4:8]  # page 2: the next rows, by name
    assert "Rows 5–8 of 11" in page_text(at)
    at.number_input(key=f"{state.DIR_PAGE}_number").set_value(3).run()
    assert _table(at)["name"].tolist() == everyone[8:]
    # A filter goes back to page 1 and the count follows it.
    at.selectbox(key=state.DIR_FILTER_BOROUGH).select("Bronx").run()
    assert at.number_input(key=f"{state.DIR_PAGE}_number").value == 1
    assert set(_table(at)["borough"]) == {"Bronx"} and "Rows 1–3 of 3 organization(s)." in page_text(at)
    assert at.get("download_button")[0].proto.label == "Download all 3 matching organizations (CSV)"


def _maps(at):
    """The map documents on the page (st.iframe elements; the folium map is the only one)."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    return [element.proto.srcdoc for element in walk(at._tree) if getattr(element, "type", "") == "iframe"]


def test_the_map_is_built_only_in_the_map_section(directory):
    at = open_page(PAGE, "coordinator")
    assert not _maps(at)  # the List section builds no map
    at.segmented_control(key=state.DIR_SECTION).set_value(MAP).run()
    assert not at.exception, at.exception
    assert len(_maps(at)) == 1
    assert "The 11 organization(s) matching the filters above" in page_text(at)


def test_the_map_section_draws_the_whole_map_with_a_height(directory, monkeypatch):
    """Regression: the map showed a frame of height 0. st_folium rebuilt the map's script without the
    compact marker layer, so the browser stopped at an undefined variable before sizing the frame."""
    heights = []
    draw = streamlit.iframe

    def spy(src, **options):
        heights.append(options.get("height"))
        return draw(src, **options)

    monkeypatch.setattr(streamlit, "iframe", spy)
    at = _open("coordinator", MAP)
    (document,) = _maps(at)
    assert len(heights) == 1 and isinstance(heights[0], int) and heights[0] > 0
    assert "L.map(" in document and "L.markerClusterGroup(" in document  # the map and its markers
    layer = re.search(r"var (fast_marker_cluster_\w+) = \(function", document)
    assert layer and f"{layer.group(1)}," in document.replace(" ", "")  # defined, then used by the controls
    assert json.dumps(TEN_SCRIPTS["yi"], ensure_ascii=False)[1:-1] in document  # the organizations


def test_the_map_follows_the_filters_kept_from_the_list(directory):
    at = open_page(PAGE, "coordinator")
    at.selectbox(key=state.DIR_FILTER_BOROUGH).select("Bronx").run()
    at.segmented_control(key=state.DIR_SECTION).set_value(EDIT).run()
    at.segmented_control(key=state.DIR_SECTION).set_value(MAP).run()
    assert at.selectbox(key=state.DIR_FILTER_BOROUGH).value == "Bronx"  # kept while editing
    assert "The 3 organization(s) matching the filters above" in page_text(at)


def test_a_large_directory_is_searched_before_editing(directory, monkeypatch):
    _sessions, ids = directory
    monkeypatch.setattr(pickers, "LIST_ALL_UP_TO", 3)  # eleven organizations count as "large" here
    at = _open("coordinator", EDIT)
    at.text_input(key=state.DIR_EDIT_SEARCH).input("église").run()
    assert at.selectbox(key=state.DIR_EDIT_PICK).options == [
        "➕ New organization",
        f"{TEN_SCRIPTS['fr']} (Brooklyn)",
    ]
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["fr"]).run()
    assert at.text_input(key=state.DIR_EDIT_NAME).value == TEN_SCRIPTS["fr"]


def test_after_pause_the_screen_shows_paused_and_offers_reactivate(directory):
    """Regression: a successful Pause left "Active" and a Pause button on screen (the verb returns None)."""
    sessions, ids = directory
    at = _open("coordinator", EDIT)
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["es"]).run()
    at.button(key=f"FormSubmitter:{state.DIR_STATUS_FORM}-Pause").click().run()

    assert organizations.get_organization(sessions, ids["es"]).status == "paused"
    assert "Paused: kept in the directory" in page_text(at)
    assert "Active: shipments and restock requests go through." not in page_text(at)
    labels = [button.label for button in at.button]
    assert "Reactivate" in labels and "Pause" not in labels
    assert [message.value for message in at.success] == ["Paused."]  # one confirmation, in plain words

    at.button(key=f"FormSubmitter:{state.DIR_STATUS_FORM}-Reactivate").click().run()
    assert organizations.get_organization(sessions, ids["es"]).status == "active"
    assert "Active: shipments and restock requests go through." in page_text(at)


# --- sections (the page's segmented control) ---------------------------------------------------------


def test_only_the_chosen_section_is_drawn(directory):
    at = open_page(PAGE, "coordinator")
    assert _section(at) == LIST and _table(at) is not None
    assert not at.get("file_uploader") and state.DIR_EDIT_FORM not in str(at.button)
    at.segmented_control(key=state.DIR_SECTION).set_value(IMPORT).run()
    assert len(at.get("file_uploader")) == 1 and not at.selectbox


def test_after_adding_an_organization_the_list_shows_it(page_db):
    at = open_page(PAGE, "coordinator")
    assert "Rows" not in page_text(at) and "0 match these filters" in page_text(at)  # the list, read once
    at.segmented_control(key=state.DIR_SECTION).set_value(EDIT).run()
    at.text_input(key=state.DIR_EDIT_NAME).input("Nueva Vida")
    at.text_input(key=state.DIR_EDIT_ZIP).input("11230")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    at.segmented_control(key=state.DIR_SECTION).set_value(LIST).run()
    assert not at.exception
    assert _table(at)["name"].tolist() == ["Nueva Vida"]
    assert "Rows 1–1 of 1 organization(s)." in page_text(at)


def test_a_write_in_add_or_edit_stays_in_add_or_edit(directory):
    _sessions, ids = directory
    at = _open("coordinator", EDIT)
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["es"]).run()
    at.text_input(key=state.DIR_EDIT_TRADITION).input("Pentecostal")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Save changes").click().run()
    assert [message.value for message in at.success] == [f"Saved {escape_markdown(TEN_SCRIPTS['es'])}."]
    assert _section(at) == EDIT
    assert at.selectbox(key=state.DIR_EDIT_PICK).value == ids["es"]
    assert at.text_input(key=state.DIR_EDIT_TRADITION).value == "Pentecostal"  # refilled from the database
    assert not any("location_source" in frame.value.columns for frame in at.dataframe)  # not the list


def test_the_record_being_edited_survives_a_look_at_the_list(directory):
    _sessions, ids = directory
    at = _open("coordinator", EDIT)
    at.selectbox(key=state.DIR_EDIT_PICK).select(ids["fr"]).run()
    at.segmented_control(key=state.DIR_SECTION).set_value(LIST).run()
    at.segmented_control(key=state.DIR_SECTION).set_value(EDIT).run()
    assert at.selectbox(key=state.DIR_EDIT_PICK).value == ids["fr"]
    assert at.text_input(key=state.DIR_EDIT_NAME).value == TEN_SCRIPTS["fr"]


def test_a_new_organization_prefers_its_first_language(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    assert at.selectbox(key=state.DIR_EDIT_PREFERRED).value is None  # "The first language served"
    at.text_input(key=state.DIR_EDIT_NAME).input("Iglesia Sola")
    at.text_input(key=state.DIR_EDIT_ZIP).input("11372")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("es")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception and not at.error
    new_id = at.selectbox(key=state.DIR_EDIT_PICK).value
    assert organizations.get_organization(sessions, new_id).preferred_language == "es"
    assert at.selectbox(key=state.DIR_EDIT_PREFERRED).value == "es"  # what the form now shows


def test_a_preferred_language_picked_by_hand_is_kept(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    at.text_input(key=state.DIR_EDIT_NAME).input("Masjid Two")
    at.text_input(key=state.DIR_EDIT_ZIP).input("11372")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("bn").select("en")
    at.selectbox(key=state.DIR_EDIT_PREFERRED).select("en")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    new_id = at.selectbox(key=state.DIR_EDIT_PICK).value
    assert organizations.get_organization(sessions, new_id).preferred_language == "en"


def test_weekly_attendance_is_typed_in_any_script_and_shown_again_to_edit(page_db):
    sessions, _ref = page_db
    at = _open("coordinator", EDIT)
    at.text_input(key=state.DIR_EDIT_NAME).input("Baitul Mukarram")
    at.multiselect(key=state.DIR_EDIT_LANGUAGES).select("bn")
    at.text_input(key=state.DIR_EDIT_ATTENDANCE).input("১,২০০")  # 1,200 in Bengali digits
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Add organization").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (organization_id,) = organizations.list_organizations(sessions, include_contacts=False)["id"].tolist()
    assert organizations.get_organization(sessions, organization_id).weekly_attendance == 1_200
    assert at.text_input(key=state.DIR_EDIT_ATTENDANCE).value == "1200"  # the stored number, to edit

    at.text_input(key=state.DIR_EDIT_ATTENDANCE).input("300.5")
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Save changes").click().run()
    expected = "Weekly attendance: “300.5” is not a whole number. Enter it without decimals, for example 50."
    assert [e.value.endswith(escape_markdown(expected)) for e in at.error] == [True]
    assert organizations.get_organization(sessions, organization_id).weekly_attendance == 1_200

    at = _open("coordinator", EDIT)  # (the form refills itself from the database after a failed save)
    at.selectbox(key=state.DIR_EDIT_PICK).select(organization_id).run()
    at.text_input(key=state.DIR_EDIT_ATTENDANCE).input("")  # emptied: not known
    at.button(key=f"FormSubmitter:{state.DIR_EDIT_FORM}-Save changes").click().run()
    assert not at.error, [e.value for e in at.error]
    assert organizations.get_organization(sessions, organization_id).weekly_attendance is None


def test_the_list_shows_language_names_and_empty_cells_and_its_csv_whole_numbers(page_db, downloads):
    sessions, _ref = page_db
    organizations.create_organization(
        sessions,
        name="Masjid Al-Noor",
        borough="Queens",
        languages=["ar", "bn"],
        actor="t",
        zip_code="11372",
        weekly_attendance=300,
    )
    at = open_page(PAGE, "coordinator")
    table = at.dataframe[0]
    headers = table_headers(table)
    assert {"Name", "Languages", "Weekly attendance", "Located by"} <= set(headers)
    assert not [header for header in headers if "_" in header]
    row = seen_table(table).iloc[0]
    assert row["Languages"] == "Arabic, Bangla" and row["Weekly attendance"] == 300
    assert row["Status"] == "Active"
    # Nothing typed for the tradition, the contact or the location note: empty cells, not "None".
    assert row["Tradition"] == row["Contact"] == row["Location note"] == "" and empty_cell_text(table) == ""
    assert "None" not in page_text(at) and " ar" not in seen_table(table).to_string()

    rows = downloads.csv("directory-")
    assert rows[0] == exports.DIRECTORY.columns
    written = dict(zip(rows[0], rows[1], strict=True))
    assert written["weekly_attendance"] == "300"  # not 300.0
    assert written["languages"] == "Arabic; Bangla" and written["faith_tradition"] == ""
