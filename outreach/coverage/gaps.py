"""Demand against supply: coverage, fair shares, gaps and deserts. Pure pandas: no I/O, no database.

Inputs (all DataFrames, see `outreach.coverage.need` and `outreach.coverage.inputs` for where they come from):

- need: area, area_label, borough, language, lep_speakers (one row per area x language with LEP data)
- shipped: language, community_district, borough, status ('shipped' = in transit, 'delivered'), units
- organizations: id, borough, community_district, status ('active'/'paused'), languages (codes); or the
  same counted instead of listed (`inputs.organization_groups`): no id, and `organizations`, how many
  organizations each row stands for (`headcount`)
- totals: the campaign total per language (units), as a mapping or a Series indexed by language

Definitions (DESIGN.md, Coverage):
- coverage = units delivered per 1,000 LEP speakers;
- fair share = the campaign total of a language split across areas in proportion to LEP speakers;
- gap = fair share - delivered (positive: under-served);
- desert = an area with at least `desert_min_lep` LEP speakers of a language and no active organization
  serving that language there.
A figure that cannot be computed (no LEP data, as for English; zero speakers) is NaN, shown as "no data".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from outreach.catalog import BOROUGHS, LANGUAGE_CODES
from outreach.coverage.need import check_level

NO_DATA = "no data"
METRICS = ("coverage", "gap", "deserts")
METRIC_LABELS = {
    "coverage": "Coverage (units delivered per 1,000 LEP speakers)",
    "gap": "Gap (fair share − delivered, units)",
    "deserts": "Deserts (languages with many LEP speakers and no active organization)",
}
TABLE_COLUMNS = [
    "area",
    "area_label",
    "borough",
    "language",
    "lep_speakers",
    "delivered",
    "in_transit",
    "coverage_per_1000",
    "fair_share",
    "gap",
    "active_organizations",
    "desert",
]
_BOROUGH_BY_CODE = {b.code: b.name for b in BOROUGHS}
_LANGUAGE_ORDER = {code: i for i, code in enumerate(LANGUAGE_CODES)}


def area_of(frame: pd.DataFrame, level: str) -> pd.Series:
    """Each row's area at `level`: the boro_cd (Int64, <NA> when unplaced) or the borough name."""
    district = pd.to_numeric(frame["community_district"], errors="coerce").astype("Int64")
    if level == "district":
        return district
    borough = frame["borough"].astype("object")
    from_district = (district // 100).map(_BOROUGH_BY_CODE, na_action="ignore").astype("object")
    return borough.where(borough.notna() & (borough != ""), from_district)


def headcount(organizations: pd.DataFrame) -> np.ndarray:
    """How many organizations each row stands for: 1 for a listed organization, `organizations` for a row of
    `inputs.organization_groups` (at fifty times the campaign the coverage page counts in SQL, not in rows)."""
    if "organizations" in organizations.columns:
        return organizations["organizations"].to_numpy(dtype=np.int64)
    return np.ones(len(organizations.index), dtype=np.int64)


COUNTED_BY = ["borough", "community_district", "status", "languages"]


def count_organizations(organizations: pd.DataFrame, reporting: Iterable[int] = ()) -> pd.DataFrame:
    """The organizations counted instead of listed: one row per borough, community_district, status,
    languages and `reported` (in `reporting`, the organizations that sent a handout report), with
    `organizations`, how many. Fifty thousand organizations share a few thousand such rows, so the gap and
    stage tables count on these (`headcount` reads them) instead of on each organization."""
    counted = organizations[COUNTED_BY].assign(reported=organizations["id"].isin(list(reporting)))
    groups = counted.groupby([*COUNTED_BY, "reported"], dropna=False, sort=False).size()
    return groups.rename("organizations").reset_index()


def _empty_supply() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "language": pd.Series(dtype="object"),
            "area": pd.Series(dtype="object"),
            "delivered": pd.Series(dtype="int64"),
            "in_transit": pd.Series(dtype="int64"),
        }
    )


def supply(shipped: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Units delivered and in transit per language and area (rows with no area at this level are dropped;
    `unplaced` reports them)."""
    check_level(level)
    if shipped.empty:
        return _empty_supply()
    area = area_of(shipped, level)
    placed = area.notna().to_numpy()
    if not placed.any():
        return _empty_supply()
    # Summed per (language, area) in numpy, as `serving` counts: a pandas groupby cost more than the rest.
    frame = shipped[placed]
    language, languages = pd.factorize(frame["language"], sort=True)
    where_area, areas = pd.factorize(area[placed], sort=True)
    pairs, where = np.unique(language.astype(np.int64) * len(areas) + where_area, return_inverse=True)
    units = frame["units"].to_numpy(dtype=np.int64)
    status = frame["status"].to_numpy(dtype=object)

    def summed(stage: str) -> np.ndarray:
        weights = np.where(status == stage, units, 0)
        return np.bincount(where, weights=weights, minlength=len(pairs)).round().astype("int64")

    area_column = areas.take(pairs % len(areas))
    return pd.DataFrame(
        {
            "language": languages.take(pairs // len(areas)),
            # Borough names as text, as a grouping by them gives (the district codes stay Int64).
            "area": area_column if level == "district" else area_column.astype("str"),
            "delivered": summed("delivered"),
            "in_transit": summed("shipped"),
        }
    )


def language_codes(value: object) -> list[str]:
    """Languages as a list of codes, from a list, a tuple, or an 'es, zh' / 'es zh' string."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, Iterable):
        return [str(part) for part in value]
    return []


def distinct_language_codes(values: pd.Series) -> tuple[np.ndarray, list[list[str]]]:
    """`language_codes` of every row, parsed once per distinct value: (each row's position, code lists).

    Tens of thousands of organizations share a few hundred language combinations, so parsing each row
    cost more than everything else the coverage page does in Python. Position -1 (a missing value) reads
    the last list, which is empty.
    """
    try:
        positions, distinct = pd.factorize(values)
        parsed = [language_codes(value) for value in distinct]
    except TypeError:  # lists of codes are unhashable: parse row by row
        positions, parsed = np.arange(len(values)), [language_codes(value) for value in values]
    return positions, [*parsed, []]


def speaks(values: pd.Series, code: str) -> pd.Series:
    """Whether each row's languages include `code` (a boolean Series aligned with `values`)."""
    positions, parsed = distinct_language_codes(values)
    serves = np.array([code in codes for codes in parsed], dtype=bool)
    return pd.Series(serves[positions], index=values.index, dtype=bool)


def _language_rows(languages: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """One entry per row x language served (a code per entry, as `explode` after dropping repeats): the
    row's position and the code."""
    positions, parsed = distinct_language_codes(languages)
    parsed = [list(dict.fromkeys(codes)) for codes in parsed]  # "bn bn" serves Bangla once
    lengths = np.array([len(codes) for codes in parsed], dtype=np.int64)
    flat = np.array([code for codes in parsed for code in codes], dtype=object)
    starts = np.cumsum(lengths) - lengths  # where each distinct value's codes begin in `flat`
    counts = lengths[positions]
    rows = np.repeat(np.arange(len(positions)), counts)
    # The k-th code of a row sits at starts[position] + k.
    within = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, flat[np.repeat(starts[positions], counts) + within]


def serving(organizations: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Active organizations serving each language per area: language, area, active_organizations.

    Organizations without coordinates still count (they have a district); those without an area at this
    level cannot, and are reported by `unplaced`.
    """
    check_level(level)
    empty = pd.DataFrame({"language": pd.Series(dtype="object"), "area": pd.Series(dtype="object")}).assign(
        active_organizations=pd.Series(dtype="int64")
    )
    if organizations.empty:
        return empty
    active = organizations[organizations["status"] == "active"]
    active = active.assign(area=area_of(active, level))
    active = active[active["area"].notna()]
    if active.empty:
        return empty
    # Organizations (or counted groups of them) per (language, area) in numpy: pandas' grouped counts cost
    # the planner a tenth of a second on a few hundred rows.
    rows, codes = _language_rows(active["languages"])
    language, languages = pd.factorize(pd.Series(codes, dtype="str"), sort=True)
    area, areas = pd.factorize(active["area"].iloc[rows], sort=True)
    pair = language.astype(np.int64) * len(areas) + area
    pairs, where = np.unique(pair, return_inverse=True)
    counts = np.bincount(where, weights=headcount(active)[rows], minlength=len(pairs))
    return pd.DataFrame(
        {
            "language": languages.take(pairs // len(areas)),
            "area": areas.take(pairs % len(areas)),
            "active_organizations": counts.astype("int64"),
        }
    )


def _totals_series(totals: Mapping[str, float] | pd.Series | None) -> pd.Series:
    if totals is None:
        return pd.Series(dtype="float64")
    return pd.Series(dict(totals) if not isinstance(totals, pd.Series) else totals, dtype="float64")


def fair_shares(need: pd.DataFrame, totals: Mapping[str, float] | pd.Series | None) -> pd.DataFrame:
    """`need` plus fair_share: each language's campaign total split by LEP speakers (NaN if none)."""
    total = _totals_series(totals)
    frame = need.copy()
    language_lep = frame.groupby("language")["lep_speakers"].transform("sum").astype("float64")
    campaign = frame["language"].map(total).fillna(0.0).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = campaign * frame["lep_speakers"].astype("float64") / language_lep.replace(0.0, np.nan)
    frame["fair_share"] = share
    return frame


def coverage_per_1000(delivered: pd.Series, lep: pd.Series) -> pd.Series:
    """Units per 1,000 LEP speakers; NaN where there are no speakers or no data (never a division by 0)."""
    lep_float = pd.to_numeric(lep, errors="coerce").astype("float64").replace(0.0, np.nan)
    return delivered.astype("float64") * 1000.0 / lep_float


def gap_table(
    need: pd.DataFrame,
    shipped: pd.DataFrame,
    organizations: pd.DataFrame,
    totals: Mapping[str, float] | pd.Series | None,
    *,
    level: str,
    desert_min_lep: int,
    language: str | None = None,
) -> pd.DataFrame:
    """One row per area x language, ranked by gap (largest first; "no data" last).

    `language=None` covers every language with need data or supply (English shows supply only).
    """
    check_level(level)
    area_index = need[["area", "area_label", "borough"]].drop_duplicates("area")
    with_shares = fair_shares(need, totals)
    supplied = supply(shipped, level=level)
    served = serving(organizations, level=level)
    languages = sorted(
        set(need["language"]) | set(supplied["language"]) if language is None else {language},
        key=lambda code: _LANGUAGE_ORDER.get(code, len(_LANGUAGE_ORDER)),
    )
    if not languages or area_index.empty:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in TABLE_COLUMNS})
    table = _grid(area_index, languages, with_shares, supplied, served)
    table["coverage_per_1000"] = coverage_per_1000(table["delivered"], table["lep_speakers"])
    table["gap"] = table["fair_share"] - table["delivered"]
    table["desert"] = (table["lep_speakers"] >= desert_min_lep) & (table["active_organizations"] == 0)
    table = table.sort_values(
        ["gap", "lep_speakers", "area_label", "language"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="mergesort",
    )
    return table[TABLE_COLUMNS].reset_index(drop=True)


def _grid(
    area_index: pd.DataFrame,
    languages: list[str],
    with_shares: pd.DataFrame,
    supplied: pd.DataFrame,
    served: pd.DataFrame,
) -> pd.DataFrame:
    """Every area x language (areas in `area_index` order, then `languages`), with its need, supply and
    organizations. Each input has one row per (area, language), placed by position in numpy: three pandas
    merges cost a quarter of the gap table's time, on the coverage page and the planner alike."""
    areas = pd.Index(area_index["area"])
    width = len(languages)
    codes = pd.Index(languages)

    def spread(frame: pd.DataFrame, column: str, missing: float) -> np.ndarray:
        values = np.full(len(areas) * width, missing, dtype="float64")
        area, language = areas.get_indexer(frame["area"]), codes.get_indexer(frame["language"])
        found = (area >= 0) & (language >= 0)
        values[area[found] * width + language[found]] = frame[column].to_numpy(dtype="float64")[found]
        return values

    table = area_index.loc[area_index.index.repeat(width)].reset_index(drop=True)
    if not pd.api.types.is_numeric_dtype(table["area"]):
        table["area"] = table["area"].astype("object")  # borough names: plain text, like the language codes
    table["language"] = pd.Series(languages * len(areas), dtype="object")
    table["lep_speakers"] = spread(with_shares, "lep_speakers", np.nan)  # NaN = no LEP data (English)
    table["fair_share"] = spread(with_shares, "fair_share", np.nan)
    for frame, column in (
        (supplied, "delivered"),
        (supplied, "in_transit"),
        (served, "active_organizations"),
    ):
        table[column] = spread(frame, column, 0).astype("int64")
    return table


def deserts(table: pd.DataFrame) -> pd.DataFrame:
    """The desert rows of a gap table, most LEP speakers first."""
    rows = table[table["desert"].astype(bool)]
    return rows.sort_values("lep_speakers", ascending=False, kind="mergesort").reset_index(drop=True)


AREA_COLUMNS = (
    "area",
    "value",
    "lep_speakers",
    "delivered",
    "in_transit",
    "fair_share",
    "gap",
    "active_organizations",
    "deserts",
)


def area_values(table: pd.DataFrame, *, metric: str) -> pd.DataFrame:
    """One value per area for the map: the metric for one language, or combined over languages.

    Combined: coverage = all delivered / all LEP speakers (languages with LEP data only), gap = sum of gaps,
    deserts = number of desert languages. Columns: area, value, lep_speakers, delivered, in_transit,
    fair_share, gap, active_organizations, deserts.
    """
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; use one of {METRICS}.")
    if table.empty:
        return pd.DataFrame(columns=list(AREA_COLUMNS))
    # Summed per area in numpy, areas in order of first appearance (largest gap first).
    where, areas = pd.factorize(table["area"])
    has_need = table["lep_speakers"].notna().to_numpy()

    def total(values: pd.Series, *, whole: bool = False) -> np.ndarray:
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        present = ~np.isnan(numbers)
        sums = np.bincount(where, weights=np.where(present, numbers, 0.0), minlength=len(areas))
        if whole:
            return sums.round().astype("int64")
        # An area whose languages all lack a figure (English has no LEP data) sums to "no data", not to 0.
        return np.where(np.bincount(where, weights=present, minlength=len(areas)) > 0, sums, np.nan)

    grouped = pd.DataFrame(
        {
            "area": areas if pd.api.types.is_numeric_dtype(areas) else areas.astype("str"),
            "lep_speakers": total(table["lep_speakers"]),
            "delivered": total(table["delivered"], whole=True),
            "in_transit": total(table["in_transit"], whole=True),
            "fair_share": total(table["fair_share"]),
            "gap": total(table["gap"]),
            "active_organizations": total(table["active_organizations"], whole=True),
            "deserts": total(table["desert"].astype("int64"), whole=True),
        }
    )
    coverage = coverage_per_1000(
        pd.Series(total(table["delivered"].where(has_need, 0))), grouped["lep_speakers"]
    )
    grouped["value"] = {"coverage": coverage, "gap": grouped["gap"], "deserts": grouped["deserts"]}[metric]
    if metric == "deserts":
        # An area with no LEP data for the language(s) shown cannot be called a desert or not.
        grouped.loc[grouped["lep_speakers"].isna(), "value"] = np.nan
    return grouped[list(AREA_COLUMNS)]


def unplaced(shipped: pd.DataFrame, organizations: pd.DataFrame, *, level: str) -> dict[str, int]:
    """What the area tables cannot show: units and organizations with no area at this level."""
    check_level(level)
    result = {"delivered": 0, "in_transit": 0, "organizations": 0}
    if not shipped.empty:
        loose = shipped[area_of(shipped, level).isna()]
        result["delivered"] = int(loose.loc[loose["status"] == "delivered", "units"].sum())
        result["in_transit"] = int(loose.loc[loose["status"] == "shipped", "units"].sum())
    if not organizations.empty:
        result["organizations"] = int(
            headcount(organizations)[area_of(organizations, level).isna().to_numpy()].sum()
        )
    return result


def format_number(value: object, *, decimals: int = 0) -> str:
    """'1,234' / '12.5', or "no data" for NaN/None (what the page and map show)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return NO_DATA
    return f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,}"  # type: ignore[arg-type]
