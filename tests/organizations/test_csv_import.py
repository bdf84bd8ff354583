"""CSV import: reading any common file, per-row reasons, all-or-nothing, resumable geocoding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outreach import audit, organizations
from outreach.errors import Conflict, InvalidInput
from outreach.models import GeocodeCacheEntry, Organization
from outreach.organizations import csv_import as directory_import
from outreach.organizations.geocoding import FakeGeocoder, FallbackGeocoder, ZipCentroidGeocoder
from tests.organizations.test_records import PAYLOAD, TEN_SCRIPTS

HEADER = "name,faith_tradition,address,zip_code,borough,languages,contact_name,contact_phone\n"
MIXED = (
    HEADER
    + "Masjid Al-Falah,Muslim,37-02 75th Street,11372,Queens,bn; ur,Amina,718-555-0134\n"  # row 2 ok
    + ",Christian,1 Main St,11230,,es,,\n"  # row 3: empty name
    + "Newark Chapel,Christian,5 Broad St,07102,,es,,\n"  # row 4: ZIP outside NYC
    + "Iglesia Roca,Christian,100 Flatbush Ave,11230,Brooklyn,Spanish,,\n"  # row 5 ok
    + "\n"  # blank line: skipped, not an error
    + "iglesia  roca,Christian,100 Flatbush Avenue,11230,,es,,\n"  # row 7: duplicate of row 5
    + "Shul,Jewish,1 Ave J,112,,yi,,\n"  # row 8: bad ZIP format
    + "Temple,Hindu,1 X St,10463,,Klingon,,\n"  # row 9: unknown language
    + "Gurdwara,Sikh,2 Y St,11372,,,,\n"  # row 10 ok: no language, imported "languages to confirm"
    + "Too Many,Christian,3 Z St,11372,,en,a,718-555-0100,extra\n"  # row 11: extra value
).encode("utf-8")


def offline():
    return ZipCentroidGeocoder()


def _count(sessions, model=Organization) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_preview_lists_every_bad_row_with_its_reason(sessions):
    preview = directory_import.preview_import(sessions, MIXED)
    assert preview.valid_count == 3 and preview.record_rows == [2, 5, 10]
    assert preview.languages_to_confirm == 1 and preview.records[2]["languages"] == []
    reasons = dict(zip(preview.invalid["row"], preview.invalid["problems"], strict=True))
    assert set(reasons) == {3, 4, 7, 8, 9, 11}
    assert "name is empty" in reasons[3]
    assert "07102 is in Newark, NJ, outside New York City" in reasons[4]
    assert "Same name and address as row 5" in reasons[7]
    assert "'112' is not a 5-digit ZIP" in reasons[8]
    assert "Unknown language 'Klingon'" in reasons[9]
    assert "9 values but the header has 8 columns" in reasons[11]
    assert preview.messages()[0].startswith("Row 3: ")
    assert _count(sessions) == 0  # a preview writes nothing


def test_import_of_a_mixed_file_creates_exactly_the_valid_rows(sessions):
    preview = directory_import.preview_import(sessions, MIXED)
    result = directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    assert result.created == 3 and result.approximate == 3 and result.unplaced == 0
    assert result.languages_to_confirm == 1
    frame = organizations.list_organizations(sessions, include_contacts=True).set_index("name")
    assert list(frame.index) == ["Gurdwara", "Iglesia Roca", "Masjid Al-Falah"]
    assert frame["languages_to_confirm"].tolist() == [True, False, False]
    assert frame.loc["Masjid Al-Falah", "district"] == "QN 03"
    assert frame.loc["Masjid Al-Falah", "languages"] == "bn, ur"
    assert frame.loc["Masjid Al-Falah", "contact_phone"] == "+1 718-555-0134"  # outreach.phones
    assert frame.loc["Iglesia Roca", "community_district"] == 312
    history = audit.history(sessions)
    assert (history["action"] == "import").sum() == 4  # three organizations and the import itself
    again = directory_import.preview_import(sessions, MIXED)
    assert (
        again.valid_count == 0
        and "already in the directory" in again.invalid.set_index("row").loc[2, "problems"]
    )


@pytest.mark.parametrize(
    ("extra_column", "extra_value", "preferred"),
    [
        ("", "", "ht"),  # no preferred_language column
        (",preferred_language", ",", "ht"),  # the column, left blank
        (",preferred_language", ",en", "en"),  # given: kept
    ],
)
def test_a_row_without_a_preferred_language_prefers_the_first_language_served(
    sessions, extra_column, extra_value, preferred
):
    data = f"name,address,zip_code,languages{extra_column}\nLegliz Bondye,1 Church Ave,11226,ht; en{extra_value}\n"
    preview = directory_import.preview_import(sessions, data.encode("utf-8"))
    assert preview.records[0]["preferred_language"] == preferred
    directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    with sessions() as session:
        assert session.scalar(select(Organization.preferred_language)) == preferred


def test_nothing_is_half_imported_when_the_directory_changed_since_the_preview(sessions):
    preview = directory_import.preview_import(sessions, MIXED)
    organizations.create_organization(
        sessions,
        name="Iglesia Roca",
        borough=None,
        languages=["es"],
        actor="ada",
        address="100 Flatbush Ave",
        zip_code="11230",
    )
    with pytest.raises(Conflict, match=r"Nothing was imported.*row 5 \('Iglesia Roca'"):
        directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    assert _count(sessions) == 1
    assert (audit.history(sessions)["action"] == "import").sum() == 0


def test_the_template_has_example_rows_that_are_never_imported(sessions):
    text = directory_import.template_csv().decode("utf-8-sig")
    header, example, with_coordinates, *rest = text.split("\r\n")
    assert header.split(",") == list(directory_import.TEMPLATE_COLUMNS) and rest == [""]
    assert header.endswith(",latitude,longitude")
    assert example.startswith("# Example") and "300" in example.split(",")  # attendance as a whole number
    assert with_coordinates.startswith("# Example with coordinates") and with_coordinates.endswith(
        "40.7490,-73.8915"
    )
    preview = directory_import.preview_import(sessions, directory_import.template_csv())
    assert (preview.valid_count, len(preview.rows), preview.comment_rows) == (0, 0, 2)  # and no error


def test_the_example_row_is_a_valid_organization_once_its_mark_is_removed(sessions):
    """The example shows the format the import accepts: without its "#" it previews as a valid row."""
    text = directory_import.template_csv().decode("utf-8-sig")
    unmarked = text.replace(directory_import.TEMPLATE_EXAMPLE["name"], "Iglesia San Juan")
    preview = directory_import.preview_import(sessions, unmarked.encode("utf-8-sig"))
    assert preview.valid_count == 1, preview.messages()
    record = preview.records[0]
    assert record["languages"] == ["en", "es"] and record["weekly_attendance"] == 300
    assert "latitude" not in record  # an address row: looked up on import


def test_the_coordinate_example_is_a_valid_organization_once_its_mark_is_removed(sessions):
    text = directory_import.template_csv().decode("utf-8-sig")
    example = directory_import.TEMPLATE_COORDINATE_EXAMPLE["name"]
    unmarked = text.replace(example, example.rsplit(": ", 1)[1])
    preview = directory_import.preview_import(sessions, unmarked.encode("utf-8-sig"))
    assert preview.valid_count == 1 and preview.with_coordinates == 1 and preview.languages_to_confirm == 1
    assert preview.rows.iloc[0]["district"] == "QN 03"


def test_rows_filled_in_below_the_example_are_imported_and_it_is_not(sessions):
    filled = directory_import.template_csv() + b"Masjid Al-Falah,Muslim,37-02 75th Street,11372,,bn,,,,,,\r\n"
    preview = directory_import.preview_import(sessions, filled)
    assert preview.valid_count == 1 and preview.record_rows == [4] and preview.comment_rows == 2
    result = directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    names = organizations.list_organizations(sessions, include_contacts=False)["name"].tolist()
    assert result.created == 1 and names == ["Masjid Al-Falah"]


def test_a_file_with_no_valid_row_imports_nothing(sessions):
    preview = directory_import.preview_import(sessions, directory_import.template_csv())
    assert preview.valid_count == 0 and preview.rows.empty
    with pytest.raises(InvalidInput, match="Nothing to import"):
        directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")


def _ten_script_file() -> str:
    rows = [
        f"{name};{n} Main St;11372;{code}\n" for n, (code, name) in enumerate(TEN_SCRIPTS.items(), start=1)
    ]
    return "name;address;zip_code;languages\n" + "".join(rows)


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda text: text.encode("utf-8"), "UTF-8"),
        (lambda text: text.encode("utf-8-sig"), "UTF-8 with BOM"),
        (lambda text: text.encode("utf-16"), "UTF-16"),
    ],
)
def test_names_in_all_ten_scripts_survive_every_unicode_encoding(sessions, encode, encoding):
    preview = directory_import.preview_import(sessions, encode(_ten_script_file()))
    assert (preview.encoding, preview.delimiter) == (encoding, ";")
    assert preview.valid_count == 10
    directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    names = organizations.list_organizations(sessions, include_contacts=False)["name"]
    assert set(names) == set(TEN_SCRIPTS.values())


def test_latin1_file_with_accents(sessions):
    data = "name,address,zip_code,languages\nÉglise Baptiste Béthel,12 Rue,11230,Français; Kreyòl\n".encode(
        "latin-1"
    )
    preview = directory_import.preview_import(sessions, data)
    assert preview.encoding == "Windows-1252 (Latin-1)"
    assert preview.records[0]["name"] == "Église Baptiste Béthel" and preview.records[0]["languages"] == [
        "fr",
        "ht",
    ]


def test_languages_by_code_english_or_native_name(sessions):
    data = 'name,address,zip_code,languages\nMany Tongues,1 A St,11372,"es, English; বাংলা/ייִדיש | Kreyòl"\n'
    preview = directory_import.preview_import(sessions, data.encode())
    assert preview.records[0]["languages"] == ["bn", "en", "es", "ht", "yi"]


def test_header_aliases_and_ignored_columns(sessions):
    data = "Organization Name,Street Address,ZIP,Language,Community District,id\nA Church,1 A St,11372,es,999,4\n"
    preview = directory_import.preview_import(sessions, data.encode())
    assert preview.valid_count == 1 and preview.ignored_columns == ["community_district", "id"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"PK\x03\x04 rest of a workbook", "Excel workbook"),
        ("name,address\n".encode("utf-16-le"), "NUL bytes"),
        (b"name,address,languages\nA,1 A St,es\n", r"Missing column\(s\): zip_code"),
        (b"name|address|zip_code|languages\nA|1 A St|11372|es\n", "read as a single column"),
        (
            b'name,address,zip_code,languages\nA,"1 A St,11372,es\nB,2 B St,11372,es\n',
            r"Row 2 .* not valid CSV",
        ),
        (b"name,name,address,zip_code,languages\n", "appear more than once"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(sessions, data, message):
    with pytest.raises(InvalidInput, match=message):
        directory_import.preview_import(sessions, data)


def test_a_geocoder_that_times_out_still_imports_every_row_at_its_zip_centre(sessions):
    preview = directory_import.preview_import(sessions, _ten_script_file().encode())
    slow = FallbackGeocoder(FakeGeocoder(time_out=True), ZipCentroidGeocoder())
    result = directory_import.import_organizations(sessions, preview, geocoder=slow, actor="cora")
    assert result.created == 10 and result.approximate == 10
    notes = organizations.list_organizations(sessions, include_contacts=False)["location_note"]
    assert notes.str.contains("timed out").all()


def test_rows_nobody_can_place_are_imported_without_a_pin(sessions):
    preview = directory_import.preview_import(sessions, _ten_script_file().encode())
    down = FakeGeocoder(unavailable=True)  # no fallback configured: nothing can place them
    result = directory_import.import_organizations(sessions, preview, geocoder=down, actor="cora")
    assert result.created == 10 and result.unplaced == 10
    frame = organizations.list_organizations(sessions, include_contacts=False)
    assert frame["location_note"].str.startswith("Not placed on the map").all()


class Interrupted(Exception):
    pass


def test_an_interrupted_import_resumes_without_redoing_located_rows(sessions):
    data = _ten_script_file().encode()
    places = {f"{n} Main St": (40.7470, -73.8914) for n in range(1, 11)}

    def stop_after_six(done, total):
        if done == 6:
            raise Interrupted

    preview = directory_import.preview_import(sessions, data)
    first = FakeGeocoder(places)
    with pytest.raises(Interrupted):
        directory_import.import_organizations(
            sessions, preview, geocoder=first, actor="cora", progress=stop_after_six
        )
    assert _count(sessions) == 0 and _count(sessions, GeocodeCacheEntry) == 6
    preview = directory_import.preview_import(sessions, data)
    assert preview.already_located == 6
    second = FakeGeocoder(places)
    result = directory_import.import_organizations(sessions, preview, geocoder=second, actor="cora")
    assert second.calls == ["7 Main St", "8 Main St", "9 Main St", "10 Main St"]
    assert result.created == 10 and result.looked_up == 4
    located = organizations.list_organizations(sessions, include_contacts=False)
    assert (located["location_source"] == "geocoded").all() and (located["community_district"] == 403).all()


def test_html_payload_in_a_csv_name_is_kept_as_text(sessions):
    data = (
        'name,address,zip_code,languages\n"' + PAYLOAD.replace('"', '""') + '",1 A St,11372,en\n'
    ).encode()
    preview = directory_import.preview_import(sessions, data)
    directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    assert organizations.list_organizations(sessions, include_contacts=False)["name"].tolist() == [PAYLOAD]


def test_export_then_reimport_finds_every_row_already_there(sessions):
    from outreach.ui.widgets import csv_bytes

    preview = directory_import.preview_import(sessions, _ten_script_file().encode())
    directory_import.import_organizations(sessions, preview, geocoder=offline(), actor="cora")
    exported = csv_bytes(organizations.export_frame(sessions, include_contacts=True))
    again = directory_import.preview_import(sessions, exported)
    assert again.encoding == "UTF-8 with BOM" and again.valid_count == 0 and len(again.invalid) == 10
    assert again.invalid["problems"].str.contains("already in the directory").all()


# --- coordinates instead of an address (issue 17, item 6) --------------------------------------------------

OPEN_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "congregations_open_data.csv"


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("name,latitude,longitude", "40.7490,-73.8915"),
        ("Name,Lat,Lon", "40.7490,-73.8915"),
        ("NAME,LAT,LNG", "40.7490,-73.8915"),
        ("name,long,lat", "-73.8915,40.7490"),
        ("name,x,y", "-73.8915,40.7490"),  # x is the longitude, y the latitude
        ("name,Y,X", "40.7490,-73.8915"),
        ("name,point_x,point_y", "-73.8915,40.7490"),
        ("name;latitude;longitude", "40,7490;-73,8915"),  # semicolons and decimal commas
    ],
)
def test_coordinate_columns_by_any_common_name(sessions, header, values):
    delimiter = ";" if ";" in header else ","
    preview = directory_import.preview_import(sessions, f"{header}\nMasjid{delimiter}{values}\n".encode())
    assert preview.valid_count == 1, preview.messages()
    record = preview.records[0]
    assert (record["latitude"], record["longitude"]) == (40.749, -73.8915)
    assert preview.rows.iloc[0]["district"] == "QN 03" and preview.ignored_columns == []


@pytest.mark.parametrize(
    ("header", "values", "message"),
    [
        ("name,x,y", "40.7490,-73.8915", "look swapped"),  # x/y filled the other way round
        ("name,latitude,longitude", "-73.8915,40.7490", "look swapped"),
        ("name,x,y", "1012345,201432", "New York State Plane coordinates"),
        ("name,lat,lon", "40.7490,73.8915", "east of Greenwich"),
        (
            "name,lat,lon",
            "40.7357,-74.1724",
            r"\(latitude 40.7357, longitude -74.1724\) is outside New York City",
        ),
        ("name,lat,lon", "40.7490,", "is given without a longitude"),
    ],
)
def test_refused_coordinates_name_the_row_and_the_value_and_keep_the_other_rows(
    sessions, header, values, message
):
    good = "-73.9437,40.6418" if header.startswith("name,x") else "40.6418,-73.9437"
    data = f"{header}\nGood Church,{good}\nBad Church,{values}\n"
    preview = directory_import.preview_import(sessions, data.encode())
    assert preview.record_rows == [2], preview.messages()
    (only,) = preview.messages()
    assert only.startswith("Row 3: ")
    assert re.search(message, only), only
    result = directory_import.import_organizations(sessions, preview, geocoder=FakeGeocoder(), actor="cora")
    assert result.created == 1  # bad input loses nothing valid


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,lat\nA,40.7\n", r"Missing column\(s\): longitude"),
        (b"name,zip_code\nA,11372\n", r"Missing column\(s\): address"),
        (b"name,notes\nA,x\n", r"Missing column\(s\): address, zip_code.*or latitude and longitude"),
        (b"name,lat,y,lon\nA,1,2,3\n", "latitude appear more than once"),
    ],
)
def test_a_file_must_say_where_its_rows_are(sessions, data, message):
    with pytest.raises(InvalidInput, match=message):
        directory_import.preview_import(sessions, data)


def test_an_open_data_list_of_names_and_points_is_imported_without_the_geocoder(sessions):
    geocoder = FakeGeocoder()
    preview = directory_import.preview_import(sessions, OPEN_DATA.read_bytes())
    assert preview.valid_count == 10 and preview.with_coordinates == 10 and preview.languages_to_confirm == 10
    assert preview.ignored_columns == ["objectid"]
    result = directory_import.import_organizations(sessions, preview, geocoder=geocoder, actor="cora")
    assert geocoder.calls == [] and result.looked_up == 0
    assert (result.created, result.from_coordinates, result.languages_to_confirm) == (10, 10, 10)
    frame = organizations.list_organizations(sessions, include_contacts=False)
    assert frame["borough"].value_counts().to_dict() == {
        "Brooklyn": 4,
        "Queens": 3,
        "Manhattan": 1,
        "Bronx": 1,
        "Staten Island": 1,
    }
    assert frame["languages_to_confirm"].all() and (frame["languages"] == "").all()
    assert (frame["location_source"] == "manual").all() and (frame["location_precision"] == "exact").all()
    assert frame["location_note"].str.startswith("Placed from the coordinates in the imported file").all()
    marys = frame[frame["name"] == "St. Mary's Church"]
    assert sorted(marys["district"]) == ["MN 03", "QN 03"]  # one name, two places: two organizations
    again = directory_import.preview_import(sessions, OPEN_DATA.read_bytes())
    assert again.valid_count == 0 and again.invalid["problems"].str.contains("at this place is already").all()


def test_a_congregation_placed_by_its_point_can_be_edited_beside_its_namesake(sessions):
    directory_import.import_organizations(
        sessions,
        directory_import.preview_import(sessions, OPEN_DATA.read_bytes()),
        geocoder=FakeGeocoder(),
        actor="c",
    )
    frame = organizations.list_organizations(sessions, include_contacts=False)
    first = int(frame[frame["name"] == "St. Mary's Church"]["id"].iloc[0])
    organizations.update_organization(
        sessions, organization_id=first, actor="cora", notes="Spanish mass on Sundays", languages=["es", "en"]
    )
    edited = organizations.get_organization(sessions, first)
    assert edited.notes == "Spanish mass on Sundays" and edited.language_codes == ["en", "es"]
    after = organizations.list_organizations(sessions, include_contacts=False).set_index("id")
    assert not after.loc[first, "languages_to_confirm"] and after["languages_to_confirm"].sum() == 9


def test_a_mixed_file_looks_up_only_the_rows_without_coordinates(sessions):
    data = (
        b"name,address,zip_code,languages,latitude,longitude\n"
        b"Masjid Al-Falah,37-02 75th Street,11372,bn; ur,,\n"  # row 2: address, looked up
        b"Iglesia Roca,100 Flatbush Ave,11217,es,40.6834,-73.9776\n"  # row 3: both, the point wins
        b"Beth Shalom,,,,40.6257,-73.9615\n"  # row 4: a point and nothing else
        b"Shul Far Away,,,yi,41.1,-73.9\n"  # row 5: outside NYC, refused
        b"Temple Street,1 Temple St,11372,,,\n"  # row 6: address, no language
    )
    geocoder = FakeGeocoder({"37-02 75th Street": (40.7470, -73.8914), "1 Temple St": (40.7490, -73.8915)})
    preview = directory_import.preview_import(sessions, data)
    assert preview.record_rows == [2, 3, 4, 6] and preview.with_coordinates == 2
    assert preview.languages_to_confirm == 2
    assert (
        "Row 5: The point (latitude 41.1, longitude -73.9) is outside New York City" in preview.messages()[0]
    )
    result = directory_import.import_organizations(sessions, preview, geocoder=geocoder, actor="cora")
    assert geocoder.calls == ["37-02 75th Street", "1 Temple St"]  # never the rows with a point
    assert (result.created, result.looked_up, result.from_coordinates) == (4, 2, 2)
    frame = organizations.list_organizations(sessions, include_contacts=False).set_index("name")
    assert frame.loc["Iglesia Roca", "location_source"] == "manual"
    assert frame.loc["Iglesia Roca", "address"] == "100 Flatbush Ave"  # kept as text
    assert frame.loc["Iglesia Roca", "district"] == "BK 02"
    assert frame.loc["Masjid Al-Falah", "location_source"] == "geocoded"
    assert frame["languages_to_confirm"].to_dict() == {
        "Beth Shalom": True,
        "Iglesia Roca": False,
        "Masjid Al-Falah": False,
        "Temple Street": True,
    }
    summary = audit.history(sessions).query("entity == 'directory_import'")["after"].iloc[0]
    assert '"from_coordinates": 2' in summary and '"languages_to_confirm": 2' in summary
