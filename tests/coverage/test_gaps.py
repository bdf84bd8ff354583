"""Coverage arithmetic on small hand-computed cases (outreach/coverage/gaps.py is pure: no database here)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from outreach.coverage import gaps as coverage
from outreach.coverage import need
from outreach.errors import InvalidInput

# Three districts. Bangla: 1,000 / 3,000 / 0 LEP speakers; Chinese: 2,000 / 0 / 2,000.
NEED = pd.DataFrame(
    [
        (101, "MN 01", "Manhattan", "bn", 1000),
        (102, "MN 02", "Manhattan", "bn", 3000),
        (301, "BK 01", "Brooklyn", "bn", 0),
        (101, "MN 01", "Manhattan", "zh", 2000),
        (102, "MN 02", "Manhattan", "zh", 0),
        (301, "BK 01", "Brooklyn", "zh", 2000),
    ],
    columns=["area", "area_label", "borough", "language", "lep_speakers"],
)
SHIPPED = pd.DataFrame(
    [
        ("bn", 101, "Manhattan", "delivered", 50),
        ("bn", 102, "Manhattan", "shipped", 25),
        ("bn", 102, "Manhattan", "delivered", 100),
        ("zh", 301, "Brooklyn", "delivered", 10),
        ("en", 101, "Manhattan", "delivered", 20),
        ("bn", None, "Queens", "delivered", 30),  # an organization not yet placed in a district
    ],
    columns=["language", "community_district", "borough", "status", "units"],
).astype({"community_district": "Int64"})
ORGS = pd.DataFrame(
    [
        (1, "Bangla Masjid", "Manhattan", 101, 40.75, -73.99, "active", "bn en"),
        (2, "Paused Mosque", "Manhattan", 102, 40.76, -73.98, "paused", "bn"),
        (3, "Chinese Temple", "Brooklyn", 301, 40.71, -73.95, "active", ["zh"]),
        (4, "Queens Center", "Queens", None, None, None, "active", "bn"),
    ],
    columns=["id", "name", "borough", "community_district", "latitude", "longitude", "status", "languages"],
).astype({"community_district": "Int64"})
TOTALS = {"bn": 400, "zh": 100, "en": 50}


def table(language: str | None = None, **kwargs) -> pd.DataFrame:
    options = {"level": "district", "desert_min_lep": 500, "language": language, **kwargs}
    return coverage.gap_table(NEED, SHIPPED, ORGS, TOTALS, **options)


def row(frame: pd.DataFrame, area: object, language: str) -> pd.Series:
    found = frame[(frame["area"] == area) & (frame["language"] == language)]
    assert len(found) == 1, (area, language)
    return found.iloc[0]


def test_supply_separates_delivered_from_in_transit_and_drops_unplaced_rows():
    supplied = coverage.supply(SHIPPED, level="district").set_index(["language", "area"])
    assert supplied.loc[("bn", 102), "delivered"] == 100
    assert supplied.loc[("bn", 102), "in_transit"] == 25
    assert supplied.loc[("bn", 101), "in_transit"] == 0
    assert supplied["delivered"].sum() == 50 + 100 + 10 + 20  # the 30 unplaced units are not in an area


def test_fair_share_splits_the_campaign_total_by_lep_speakers():
    bangla = table("bn")
    assert row(bangla, 101, "bn")["fair_share"] == pytest.approx(100.0)  # 400 x 1000 / 4000
    assert row(bangla, 102, "bn")["fair_share"] == pytest.approx(300.0)
    assert row(bangla, 301, "bn")["fair_share"] == pytest.approx(0.0)
    assert bangla["fair_share"].sum() == pytest.approx(400.0)


def test_gap_and_coverage_per_thousand():
    bangla = table("bn")
    assert row(bangla, 101, "bn")["gap"] == pytest.approx(50.0)  # 100 - 50 delivered
    assert row(bangla, 102, "bn")["gap"] == pytest.approx(200.0)  # 300 - 100 (in transit does not count)
    assert row(bangla, 101, "bn")["coverage_per_1000"] == pytest.approx(50.0)
    assert row(bangla, 102, "bn")["coverage_per_1000"] == pytest.approx(100 / 3)
    assert row(bangla, 102, "bn")["in_transit"] == 25


def test_zero_speakers_gives_no_data_not_a_division_by_zero():
    bangla = table("bn")
    empty_area = row(bangla, 301, "bn")
    assert math.isnan(empty_area["coverage_per_1000"])
    assert coverage.format_number(empty_area["coverage_per_1000"]) == coverage.NO_DATA
    assert not empty_area["desert"]


def test_deserts_need_enough_speakers_and_no_active_organization():
    everything = table()
    assert row(everything, 102, "bn")["desert"]  # 3,000 speakers; only a paused organization
    assert row(everything, 101, "zh")["desert"]  # 2,000 speakers; nobody serves Chinese there
    assert not row(everything, 101, "bn")["desert"]  # an active organization serves Bangla
    assert not row(everything, 301, "zh")["desert"]
    found = coverage.deserts(everything)
    assert set(zip(found["area"], found["language"], strict=True)) == {
        (102, "bn"),
        (101, "zh"),
    }
    # A higher threshold removes the smaller desert.
    strict = table(desert_min_lep=2500)
    assert list(coverage.deserts(strict)["area"]) == [102]


def test_ranked_by_gap_with_no_data_last():
    everything = table()
    ranked = list(zip(everything["area"], everything["language"], strict=True))
    # 200 (bn 102), then two gaps of 50 (more speakers first: zh 101 before bn 101), then zh 301 (40).
    assert ranked[:4] == [(102, "bn"), (101, "zh"), (101, "bn"), (301, "zh")]
    assert set(ranked[-3:]) == {(101, "en"), (102, "en"), (301, "en")}


def test_language_without_need_data_shows_supply_and_no_data():
    english = table("en")
    first = row(english, 101, "en")
    assert first["delivered"] == 20
    assert math.isnan(first["lep_speakers"])
    assert math.isnan(first["coverage_per_1000"]) and math.isnan(first["gap"])
    assert not english["desert"].any()
    assert row(english, 101, "en")["active_organizations"] == 1


def test_unplaced_units_and_organizations_are_reported_apart():
    assert coverage.unplaced(SHIPPED, ORGS, level="district") == {
        "delivered": 30,
        "in_transit": 0,
        "organizations": 1,
    }
    # At borough level the Queens organization and its units have an area.
    assert coverage.unplaced(SHIPPED, ORGS, level="borough") == {
        "delivered": 0,
        "in_transit": 0,
        "organizations": 0,
    }


def test_organizations_without_coordinates_still_count_in_their_area():
    orgs = ORGS.copy()
    orgs.loc[orgs["id"] == 1, ["latitude", "longitude"]] = None
    assert (
        row(coverage.gap_table(NEED, SHIPPED, orgs, TOTALS, level="district", desert_min_lep=500), 101, "bn")[
            "active_organizations"
        ]
        == 1
    )


def test_borough_level_groups_by_borough_and_fills_it_from_the_district():
    borough_need = pd.DataFrame(
        [("Manhattan", "Manhattan", "Manhattan", "bn", 4000), ("Queens", "Queens", "Queens", "bn", 4000)],
        columns=["area", "area_label", "borough", "language", "lep_speakers"],
    )
    shipped = SHIPPED.assign(borough=SHIPPED["borough"].where(SHIPPED["community_district"].isna(), None))
    frame = coverage.gap_table(
        borough_need, shipped, ORGS, TOTALS, level="borough", desert_min_lep=500, language="bn"
    )
    manhattan, queens = row(frame, "Manhattan", "bn"), row(frame, "Queens", "bn")
    assert manhattan["delivered"] == 150 and manhattan["in_transit"] == 25  # borough taken from 101/102
    assert queens["delivered"] == 30 and queens["fair_share"] == pytest.approx(200.0)
    assert queens["active_organizations"] == 1


def test_empty_campaign_gives_zeros_not_errors():
    empty_shipped = SHIPPED.iloc[0:0]
    empty_orgs = ORGS.iloc[0:0]
    frame = coverage.gap_table(NEED, empty_shipped, empty_orgs, None, level="district", desert_min_lep=500)
    assert len(frame) == 6  # 3 areas x 2 languages with need data
    assert (frame["delivered"] == 0).all() and (frame["fair_share"] == 0).all() and (frame["gap"] == 0).all()
    assert row(frame, 102, "bn")["coverage_per_1000"] == 0.0
    assert frame["desert"].sum() == 4  # every area with >= 500 speakers, since nobody serves anything
    assert coverage.unplaced(empty_shipped, empty_orgs, level="district") == {
        "delivered": 0,
        "in_transit": 0,
        "organizations": 0,
    }
    values = coverage.area_values(frame, metric="coverage")
    assert len(values) == 3


def test_area_values_combine_languages_for_the_map():
    values = coverage.area_values(table(), metric="coverage").set_index("area")
    # District 101: (50 Bangla + 0 Chinese; English has no LEP figure) per (1,000 + 2,000) speakers.
    assert values.loc[101, "value"] == pytest.approx(50 * 1000 / 3000)
    assert values.loc[101, "delivered"] == 70  # supply still counts English
    gaps = coverage.area_values(table(), metric="gap").set_index("area")
    assert gaps.loc[101, "value"] == pytest.approx(100.0)  # 50 + 50, English NaN skipped
    deserts = coverage.area_values(table(), metric="deserts").set_index("area")
    assert (
        deserts.loc[101, "value"] == 1 and deserts.loc[102, "value"] == 1 and deserts.loc[301, "value"] == 0
    )
    english = coverage.area_values(table("en"), metric="coverage")
    assert english["value"].isna().all()
    with pytest.raises(ValueError):
        coverage.area_values(table(), metric="nonsense")


def test_language_codes_accepts_lists_and_strings():
    assert coverage.language_codes("es, zh") == ["es", "zh"]
    assert coverage.language_codes("es zh") == ["es", "zh"]
    assert coverage.language_codes(["bn"]) == ["bn"]
    assert coverage.language_codes(None) == [] and coverage.language_codes(float("nan")) == []


def test_real_need_data_is_consistent():
    districts = need.need("district")
    boroughs = need.need("borough")
    assert districts["area"].nunique() == 59
    assert set(districts["language"]) == {"es", "fr", "zh", "ar", "ru", "bn", "ur", "ht", "yi"}
    assert "en" not in set(boroughs["language"])
    # Borough figures are the sums of their districts.
    summed = districts.groupby(["borough", "language"])["lep_speakers"].sum()
    assert (
        summed.loc[("Brooklyn", "yi")]
        == boroughs.set_index(["area", "language"]).loc[("Brooklyn", "yi"), "lep_speakers"]
    )
    assert len(need.boundaries("district")["features"]) == 59  # joint interest areas left out
    assert {f["properties"]["area"] for f in need.boundaries("borough")["features"]} == {
        "Manhattan",
        "Bronx",
        "Brooklyn",
        "Queens",
        "Staten Island",
    }
    with pytest.raises(InvalidInput):
        need.need("county")


# The ways a directory spells languages: parsed once per distinct value, they must count as row by row.
SPELLINGS = ["bn zh", "zh, bn", "bn bn", "", None, "  zh  "]


@pytest.mark.parametrize("dtype", ["object", "str"])
def test_serving_counts_every_spelling_of_languages_once_per_organization(dtype):
    orgs = pd.DataFrame(
        {
            "id": range(1, 7),
            "borough": "Manhattan",
            "community_district": pd.array([101] * 6, dtype="Int64"),
            "status": "active",
            "languages": pd.Series(SPELLINGS, dtype=dtype),
        }
    )
    served = coverage.serving(orgs, level="district").set_index(["language", "area"])["active_organizations"]
    assert served.to_dict() == {("bn", 101): 3, ("zh", 101): 3}  # bn: 1, 2, 3 ("bn bn" once); zh: 1, 2, 6
    # Lists of codes (unhashable) next to strings give the same counts.
    mixed = orgs.astype({"languages": "object"})
    mixed.at[0, "languages"] = ["bn", "zh"]
    assert coverage.serving(mixed, level="district").equals(coverage.serving(orgs, level="district"))
    repeated = orgs.set_axis([7] * len(orgs))  # e.g. frames concatenated without a new index
    assert coverage.serving(repeated, level="district").equals(coverage.serving(orgs, level="district"))


def test_serving_with_no_languages_at_all():
    orgs = ORGS.assign(languages=[None, "", float("nan"), " "])
    assert coverage.serving(orgs, level="district").empty


def test_speaks_reads_every_spelling_and_keeps_the_index():
    values = pd.Series([*SPELLINGS, ["bn"], float("nan")], index=range(10, 18), dtype="object")
    assert coverage.speaks(values, "bn").to_dict() == {
        10: True,
        11: True,
        12: True,
        13: False,
        14: False,
        15: False,
        16: True,
        17: False,
    }
    assert coverage.speaks(pd.Series([], dtype="str"), "bn").empty


def random_directory(seed: int, size: int = 400) -> pd.DataFrame:
    """Organizations as the coverage page reads them, with every awkward case: no district, no borough,
    paused, no language, several languages, one language written twice."""
    rng = np.random.default_rng(seed)
    spellings = ["bn", "zh", "bn zh", "en zh", "", "ht", "bn bn", "ar bn zh"]
    districts = pd.Series(rng.choice([101, 102, 301, -1], size=size), dtype="Int64")
    return pd.DataFrame(
        {
            "id": rng.permutation(size) + 1,
            "borough": rng.choice(["Manhattan", "Brooklyn", ""], size=size),
            "community_district": districts.where(districts > 0, pd.NA),
            "status": rng.choice(["active", "active", "paused"], size=size),
            "languages": rng.choice(spellings, size=size),
        }
    )


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("level", ["district", "borough"])
def test_counted_organizations_give_the_same_tables_as_listed_ones(seed, level):
    directory = random_directory(seed)
    counted = coverage.count_organizations(directory)
    assert len(counted) < len(directory) and counted["organizations"].sum() == len(directory)
    options = {"level": level, "desert_min_lep": 500}
    need_at_level = need.need(level)
    pd.testing.assert_frame_equal(
        coverage.gap_table(need_at_level, SHIPPED, counted, TOTALS, **options),
        coverage.gap_table(need_at_level, SHIPPED, directory, TOTALS, **options),
    )
    assert coverage.unplaced(SHIPPED, counted, level=level) == coverage.unplaced(
        SHIPPED, directory, level=level
    )
    assert coverage.unplaced(SHIPPED, counted, level=level)["organizations"] > 0  # the case is exercised
