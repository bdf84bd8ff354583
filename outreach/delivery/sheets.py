"""The run sheet: one PDF per driver with a map of the route on page one, then each stop in order.

Each stop: its number and planned time, the organization, address, delivery window that day, contact and
phone, the packs per material and language, a box to tick, a line to sign, and the campaign's note in the
organization's language. The map is drawn with matplotlib from the stops' coordinates and the borough
outlines in `data/boroughs.geojson`: no map tiles, nothing downloaded. Labels for the driver are English.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from outreach.catalog import language_of, material_of  # noqa: E402
from outreach.config import DATA_DIR  # noqa: E402
from outreach.db import SessionFactory  # noqa: E402
from outreach.delivery.driver_links import DriverStop  # noqa: E402
from outreach.delivery.reads import stop_details  # noqa: E402
from outreach.delivery.runs import load_run  # noqa: E402
from outreach.delivery.windows import clock  # noqa: E402
from outreach.documents.pdf import GREY, _new_pdf, _paragraph, _rule, _signature_line  # noqa: E402
from outreach.i18n import REFERENCE_LANGUAGE, normalize, t  # noqa: E402
from outreach.models import Location  # noqa: E402

ROUTE_COLOUR = "#1f5fa8"
MAP_WIDTH = 150.0  # mm


@dataclass(frozen=True)
class RunSheet:
    run_id: int
    run_date: dt.date
    depot: str
    driver: str
    driver_phone: str | None
    start: tuple[float, float]
    stops: tuple[DriverStop, ...]
    arrivals: tuple[int | None, ...]


def run_sheet_data(sessions: SessionFactory, *, run_id: int, driver_id: int) -> RunSheet:
    with sessions() as session:
        run = load_run(session, run_id)
        driver = next(d for d in run.drivers if d.id == driver_id)
        depot = session.get(Location, run.depot_id)
        stops = stop_details(session, run, driver_id=driver_id)
        arrival = {s.id: s.arrival for s in run.stops}
        return RunSheet(
            run_id=run.id,
            run_date=run.run_date,
            depot=depot.name if depot else "",
            driver=driver.name,
            driver_phone=driver.phone,
            start=(run.start_latitude, run.start_longitude),
            stops=tuple(stops),
            arrivals=tuple(arrival.get(s.stop_id) for s in stops),
        )


@lru_cache(maxsize=1)
def _borough_shapes() -> list[object]:
    features = json.loads((DATA_DIR / "boroughs.geojson").read_text(encoding="utf-8"))["features"]
    return [shape(feature["geometry"]) for feature in features]


def route_map_png(
    start: tuple[float, float], points: list[tuple[float, float]], *, width_in: float = 7.0
) -> bytes:
    """The route on the borough outlines: the depot as a square, each stop numbered in order."""
    figure, axes = plt.subplots(figsize=(width_in, width_in * 0.72), dpi=160)
    for geometry in _borough_shapes():
        polygons = getattr(geometry, "geoms", [geometry])
        for polygon in polygons:
            xs, ys = polygon.exterior.xy
            axes.fill(xs, ys, color="#f1f1ee", zorder=0)
            axes.plot(xs, ys, color="#9a9a9a", linewidth=0.6, zorder=1)
    path = [start, *points, start]
    axes.plot([p[1] for p in path], [p[0] for p in path], color=ROUTE_COLOUR, linewidth=1.6, zorder=2)
    axes.scatter([start[1]], [start[0]], marker="s", s=70, color="#222222", zorder=3)
    for number, (lat, lon) in enumerate(points, start=1):
        axes.scatter([lon], [lat], s=150, color="white", edgecolors=ROUTE_COLOUR, linewidths=1.5, zorder=4)
        axes.annotate(str(number), (lon, lat), ha="center", va="center", fontsize=7, zorder=5, weight="bold")
    lats = [p[0] for p in path]
    lons = [p[1] for p in path]
    # The frame fits the route with a margin, widened to the figure's shape so the outlines fill it.
    lat_span = max(max(lats) - min(lats), 0.02) * 1.2
    lon_span = max(max(lons) - min(lons), 0.02) * 1.2
    shape_ratio = 1 / 0.72 / 0.7578  # figure width / height, in degrees of longitude per degree of latitude
    lon_span, lat_span = max(lon_span, lat_span * shape_ratio), max(lat_span, lon_span / shape_ratio)
    middle = ((max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2)
    axes.set_xlim(middle[1] - lon_span / 2, middle[1] + lon_span / 2)
    axes.set_ylim(middle[0] - lat_span / 2, middle[0] + lat_span / 2)
    axes.set_aspect(1 / 0.7578)  # a degree of longitude is cos(40.7°) of a degree of latitude in New York
    axes.set_xticks([])
    axes.set_yticks([])
    figure.tight_layout(pad=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _texts(sheet: RunSheet) -> list[str]:
    values = [sheet.depot, sheet.driver]
    for stop in sheet.stops:
        values += [
            stop.organization,
            stop.address,
            stop.contact or "",
            t("shipment.note", normalize(stop.language)),
        ]
        values += [language_of(language).native for _, language, _ in stop.lines]
    return values


def _packs(stop: DriverStop) -> str:
    return "; ".join(
        f"{material_of(material).name} · {language_of(language).english}: {packs} packs"
        for material, language, packs in stop.lines
    )


def run_sheet(sheet: RunSheet) -> bytes:
    languages = {normalize(s.language) for s in sheet.stops}
    languages |= {language for s in sheet.stops for _, language, _ in s.lines}
    pdf = _new_pdf(_texts(sheet), sorted(languages), title=f"Run sheet, run #{sheet.run_id}, {sheet.driver}")
    _paragraph(pdf, "Know Your Rights campaign · KYR Tracker", size=9, color=GREY)
    _paragraph(pdf, f"Run sheet · Run #{sheet.run_id} · {sheet.run_date:%A %d %B %Y}", size=18, bold=True)
    total = sum(packs for stop in sheet.stops for _, _, packs in stop.lines)
    facts = [f"Driver: {sheet.driver}"]
    if sheet.driver_phone:
        facts.append(sheet.driver_phone)
    facts += [f"from {sheet.depot}", f"{len(sheet.stops)} stops", f"{total} packs"]
    _paragraph(pdf, " · ".join(facts), size=11)
    pdf.ln(2)
    points = [(s.latitude or sheet.start[0], s.longitude or sheet.start[1]) for s in sheet.stops]
    pdf.image(io.BytesIO(route_map_png(sheet.start, points)), x=(pdf.w - MAP_WIDTH) / 2, w=MAP_WIDTH)
    _paragraph(
        pdf,
        "Square: the depot. Numbers: the stops in order. Straight lines, not streets.",
        size=8,
        color=GREY,
    )
    for number, (stop, arrival) in enumerate(zip(sheet.stops, sheet.arrivals, strict=True), start=1):
        _stop(pdf, number, stop, arrival)
    return bytes(pdf.output())


def _stop(pdf: object, number: int, stop: DriverStop, arrival: int | None) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    if pdf.will_page_break(85):
        pdf.add_page()
    _rule(pdf)
    when = f" · about {clock(arrival)}" if arrival is not None else ""
    _paragraph(pdf, f"{number}. {stop.organization}", size=13, bold=True)
    _paragraph(
        pdf,
        f"Shipment #{stop.shipment_id}{when} · open {stop.window or 'closed this day'}",
        size=10,
        color=GREY,
    )
    _paragraph(pdf, stop.address or "(no address)", size=11)
    contact = " · ".join(part for part in (stop.contact, stop.phone) if part)
    _paragraph(pdf, f"Contact: {contact or 'none on file'}", size=10)
    _paragraph(pdf, _packs(stop), size=10)
    lang = normalize(stop.language)
    _paragraph(pdf, t("shipment.note", lang), lang=lang, size=10)
    if lang != REFERENCE_LANGUAGE:
        _paragraph(pdf, t("shipment.note", REFERENCE_LANGUAGE), lang="en", size=8, color=GREY)
    pdf.ln(1)
    top = pdf.get_y()
    pdf.rect(pdf.l_margin, top + 0.8, 4, 4)
    pdf.set_x(pdf.l_margin + 6)
    _paragraph(pdf, "Delivered", size=10)
    pdf.ln(1)
    received = [(t("slip.received_by", lang), lang)]
    if lang != REFERENCE_LANGUAGE:
        received.append((t("slip.received_by", REFERENCE_LANGUAGE), REFERENCE_LANGUAGE))
    _signature_line(pdf, received, [(t("slip.date", REFERENCE_LANGUAGE), REFERENCE_LANGUAGE)])
