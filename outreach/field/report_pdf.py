"""The campaign report as a PDF for the city and funders: the figures per language (every language named in its
own script too), per borough, a choropleth of handed-out materials per 1,000 LEP speakers by community district
(matplotlib, from the same boundaries and need figures as the coverage map), bars per language, and the data
sources' caveats. Pure: the report table in (`outreach.field.report`), PDF bytes out.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import numpy as np
import pandas as pd
from fpdf import FPDF
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as PolygonPatch
from shapely.geometry import shape

from outreach.catalog import LANGUAGE_CODES, language_of
from outreach.coverage import need
from outreach.documents.fonts import face_for, faces_needed, register
from outreach.field.report import CAVEATS

matplotlib.use("Agg")  # no display: figures are drawn straight to PNG
STAGE_COLOURS = {"delivered": "#4C72B0", "confirmed": "#55A868", "handed_out": "#DD8452"}
STAGE_NAMES = {
    "delivered": "Delivered",
    "confirmed": "Confirmed received",
    "handed_out": "Reported handed out",
}
NO_DATA = "#d9d9d9"
MARGIN = 16.0  # mm
BOROUGH_WIDTHS = [60.0, 19.0, 19.0, 21.0, 24.0, 20.0]


def per_district(table: pd.DataFrame) -> pd.Series:
    """Pieces handed out per 1,000 LEP speakers (languages with LEP data) per community district."""
    districts = table[(table["level"] == "district") & (table["language"] != "en")]
    handed = districts.groupby("community_district")["handed_out"].sum()
    lep = need.need("district").groupby("area")["lep_speakers"].sum()
    return (handed.reindex(lep.index).fillna(0) / lep.where(lep > 0) * 1_000).rename("per_1000")


def map_png(table: pd.DataFrame) -> bytes:
    """A choropleth of `per_district` over the community districts, with a colour bar."""
    values = per_district(table)
    top = float(values.max()) if values.notna().any() and values.max() > 0 else 1.0
    colours = matplotlib.colormaps["viridis"]
    figure = Figure(figsize=(6.4, 6.4), dpi=150)
    axes = figure.add_axes((0.02, 0.14, 0.96, 0.84))
    for feature in need.boundaries("district")["features"]:
        geometry = shape(feature["geometry"])
        value = values.get(int(feature["properties"]["area"]), np.nan)
        fill = NO_DATA if pd.isna(value) else colours(float(value) / top)
        for polygon in getattr(geometry, "geoms", [geometry]):
            axes.add_patch(
                PolygonPatch(np.asarray(polygon.exterior.coords), facecolor=fill, edgecolor="white", lw=0.4)
            )
    axes.autoscale_view()
    axes.set_aspect(1 / np.cos(np.radians(40.7)))
    axes.axis("off")
    bar = figure.add_axes((0.15, 0.09, 0.7, 0.025))
    bar.imshow(np.linspace(0, 1, 256)[None, :], aspect="auto", cmap=colours, extent=(0, top, 0, 1))
    bar.set_yticks([])
    bar.set_xlabel("Pieces reported handed out per 1,000 LEP speakers (grey: no LEP figure)", fontsize=7)
    bar.tick_params(labelsize=7)
    return _png(figure)


def bars_png(table: pd.DataFrame) -> bytes:
    """Grouped bars per language: delivered, confirmed received, reported handed out."""
    campaign = table[table["level"] == "campaign"].set_index("language").reindex(list(LANGUAGE_CODES))
    figure = Figure(figsize=(7.2, 3.2), dpi=150)
    axes = figure.add_axes((0.08, 0.2, 0.9, 0.7))
    positions = np.arange(len(campaign))
    width = 0.27
    for offset, stage in zip((-width, 0, width), STAGE_COLOURS, strict=True):
        axes.bar(
            positions + offset,
            campaign[stage].fillna(0),
            width,
            label=STAGE_NAMES[stage],
            color=STAGE_COLOURS[stage],
        )
    axes.set_xticks(
        positions, [language_of(code).english for code in campaign.index], fontsize=7, rotation=30
    )
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylabel("Pieces", fontsize=8)
    axes.legend(fontsize=7, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- the PDF ------------------------------------------------------------------------------------------


def _text(
    pdf: FPDF, body: str, *, size: float = 10, bold: bool = False, lang: str = "en", width: float = 0
) -> None:
    face = face_for(lang)
    pdf.set_font(face.family, "B" if bold else "", size)
    pdf.set_text_shaping(True, direction="rtl" if language_of(lang).is_rtl else "ltr")
    pdf.multi_cell(width, size * 0.5, body, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_shaping(True)


def _row(
    pdf: FPDF, cells: list[str], widths: list[float], *, bold: bool = False, native: str | None = None
) -> None:
    """One table row; the first cell may carry a language's own name in its script after the English one."""
    pdf.set_font("NotoSans", "B" if bold else "", 8.5)
    x, y = pdf.get_x(), pdf.get_y()
    for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        if index == 0 and native:
            pdf.cell(width * 0.6, 6, cell)
            face = face_for(native)
            pdf.set_font(face.family, "", 8.5)
            pdf.set_text_shaping(True, direction="rtl" if language_of(native).is_rtl else "ltr")
            pdf.cell(width * 0.4, 6, language_of(native).native)
            pdf.set_text_shaping(True)
            pdf.set_font("NotoSans", "B" if bold else "", 8.5)
        else:
            pdf.cell(width, 6, cell, align="L" if index == 0 else "R")
    pdf.set_xy(x, y + 6)


def _number(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"  # type: ignore[call-overload]


def report_pdf(table: pd.DataFrame, *, generated_at: dt.datetime) -> bytes:
    """The whole report: summary, language table, borough table, map, bars, caveats."""
    natives = [language_of(code).native for code in LANGUAGE_CODES]
    pdf = FPDF(orientation="P", unit="mm", format="Letter")
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.alias_nb_pages("")
    pdf.set_creator("KYR Tracker")
    pdf.set_title("Know Your Rights campaign report")
    register(pdf, faces_needed(natives, LANGUAGE_CODES))
    pdf.set_text_shaping(True)
    pdf.add_page()
    _text(pdf, "Know Your Rights campaign: from print run to people", size=16, bold=True)
    _text(pdf, f"Report of {generated_at:%Y-%m-%d %H:%M} UTC · KYR Tracker", size=9)
    pdf.ln(3)
    campaign = table[table["level"] == "campaign"]
    totals = campaign[["received", "delivered", "confirmed", "handed_out", "open_requests"]].sum()
    _text(
        pdf,
        f"Printed and received {_number(totals['received'])} pieces; delivered {_number(totals['delivered'])}; "
        f"confirmed received {_number(totals['confirmed'])}; reported handed out {_number(totals['handed_out'])}. "
        f"Open restock requests (by language): {_number(totals['open_requests'])}.",
    )
    pdf.ln(2)
    headers = ["Language", "Received", "Delivered", "Confirmed", "Handed out", "Open requests", "Silent orgs"]
    widths = [60.0, 19.0, 19.0, 19.0, 21.0, 24.0, 20.0]
    columns = ["received", "delivered", "confirmed", "handed_out", "open_requests", "silent_organizations"]
    _row(pdf, headers, widths, bold=True)
    for row in campaign.itertuples():
        cells = [language_of(row.language).english, *(_number(getattr(row, c)) for c in columns)]
        _row(pdf, cells, widths, native=None if row.language == "en" else str(row.language))
    pdf.ln(3)
    _text(pdf, "By borough (all languages)", size=11, bold=True)
    boroughs = table[table["level"] == "borough"].groupby("borough")[columns[1:]].sum()
    _row(pdf, ["Borough", *headers[2:]], BOROUGH_WIDTHS, bold=True)
    for borough, row in boroughs.iterrows():
        _row(pdf, [str(borough), *(_number(row[c]) for c in columns[1:])], BOROUGH_WIDTHS)
    pdf.ln(3)
    _text(pdf, "Per language: delivered, confirmed, handed out", size=11, bold=True)
    pdf.image(io.BytesIO(bars_png(table)), w=pdf.w - 2 * MARGIN)
    pdf.add_page()
    _text(pdf, "Handed out per 1,000 LEP speakers, by community district", size=11, bold=True)
    pdf.image(io.BytesIO(map_png(table)), w=150, x=(pdf.w - 150) / 2)
    pdf.ln(2)
    _text(pdf, "About these figures", size=11, bold=True)
    for caveat in CAVEATS:
        _text(pdf, "• " + caveat, size=8.5)
        pdf.ln(1)
    _text(pdf, "Every figure per community district and language is in the CSV of this report.", size=8.5)
    return bytes(pdf.output())
