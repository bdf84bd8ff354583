"""Printable documents: a pick list and a packing slip per shipment, and the organization's QR poster.

Pure functions: plain values in (`outreach.documents.shipment` reads them from the database), PDF bytes out.
US Letter, Noto fonts shaped by HarfBuzz (`outreach.documents.fonts`). Labels for the depot team are English;
what the organization reads (the note in the box, the receipt line, the poster) is in its preferred
language (the same catalog as the screens and the HTML poster: `outreach/translations/<code>/documents.json`,
read with `i18n.t`), with English underneath. Text anyone typed (names, addresses, notes) is written as plain text:
fpdf2 interprets no markup unless asked, and the "{nb}" page-count alias is switched off.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from fpdf import FPDF

from outreach import i18n
from outreach.bidi import isolate
from outreach.catalog import SHIPMENT_STATUS_LABELS, catalog_of, language_of, material_of
from outreach.documents.fonts import ARABIC, LATIN, URDU, face_for, face_in, faces_needed, register
from outreach.documents.shipment import DocumentLine, ShipmentDetails
from outreach.i18n import REFERENCE_LANGUAGE
from outreach.i18n_format import unambiguous
from outreach.restock.links import qr_png

PAGE_FORMAT = "Letter"
MARGIN = 18.0  # mm
MM_PER_PT = 25.4 / 72
ROW = 7.5  # table row height, mm
TABLE_SIZE = 10  # pt
GREY = (95, 95, 95)
BLACK = (0, 0, 0)
RULE = (170, 170, 170)
CAMPAIGN = "Know Your Rights campaign · KYR Tracker"
QR_SIZES = (110.0, 92.0, 76.0)  # mm: the largest that leaves room for the text (Nastaliq lines are tall)
NBSP = "\u00a0"
POSTER_BOTTOM = 12.0  # mm kept clear at the foot of the poster


# --- the page --------------------------------------------------------------------------------------------


def _new_pdf(texts: Iterable[str], languages: Iterable[str], *, title: str) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format=PAGE_FORMAT)
    pdf.set_margins(MARGIN, 16, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages("")  # a name containing "{nb}" prints as typed, not as the page count
    pdf.set_creator("KYR Tracker")
    pdf.set_title(title)
    register(pdf, faces_needed(texts, languages))
    pdf.set_text_shaping(True)
    pdf.add_page()
    return pdf


def _line_height(family: str, size: float) -> float:
    # Nastaliq stacks letters diagonally and needs about half as much room again as the other scripts.
    return size * MM_PER_PT * (2.2 if family == URDU.family else 1.45)


def _paragraph(
    pdf: FPDF,
    body: str,
    *,
    lang: str | None = None,
    size: float = 11,
    bold: bool = False,
    align: str = "L",
    color: tuple[int, int, int] = BLACK,
    width: float = 0,
) -> None:
    """A wrapped paragraph. `lang` picks the face and direction; None (typed text) lets bidi decide."""
    family = face_for(lang).family if lang else LATIN.family
    direction = None
    if lang:
        direction = i18n.direction(lang)
    if direction == "rtl" and align == "L":
        align = "R"
    if family == ARABIC.family:
        size *= 1.15  # Naskh's letters are small for their point size next to Noto Sans: match them by eye
    pdf.set_font(family, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.set_text_shaping(True, direction=direction)
    pdf.multi_cell(width, _line_height(family, size), body, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_shaping(True)
    pdf.set_text_color(*BLACK)


def _in_language(pdf: FPDF, key: str, lang: str, *, size: float, align: str = "L", **params: str) -> None:
    """A sentence in the organization's language, then in English (smaller, grey) for the staff."""
    _paragraph(pdf, i18n.t(key, lang, **params), lang=lang, size=size, align=align)
    if lang != REFERENCE_LANGUAGE:
        english = i18n.t(key, REFERENCE_LANGUAGE, **params)
        _paragraph(pdf, english, lang="en", size=size * 0.8, align=align, color=GREY)


def _rule(pdf: FPDF, gap: float = 3) -> None:
    pdf.ln(gap)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(*BLACK)
    pdf.ln(gap)


def _fit(pdf: FPDF, body: str, width: float) -> str:
    """Shorten a cell's text with an ellipsis so it never runs into the next column."""
    if pdf.get_string_width(body) <= width:
        return body
    while body and pdf.get_string_width(body + "…") > width:
        body = body[:-1]
    return body + "…"


# --- shipment documents -----------------------------------------------------------------------------------


def _shipment_texts(shipment: ShipmentDetails) -> list[str]:
    """Everything a shipment document may print, so the fonts its scripts need are registered up front."""
    lang = shipment.preferred_language
    values = [
        shipment.organization_name,
        shipment.address or "",
        shipment.depot,
        shipment.packing_note or "",
        shipment.request_reference or "",
    ]
    values += [line.edition for line in shipment.lines]
    values += [language_of(line.language).native for line in shipment.lines]
    values += [i18n.t(key, lang) for key in ("shipment.note", "slip.received_by", "slip.date")]
    return values


def _header(pdf: FPDF, shipment: ShipmentDetails, title: str, *, party: str) -> None:
    _paragraph(pdf, CAMPAIGN, size=9, color=GREY)
    _paragraph(pdf, f"{title} · Shipment #{shipment.shipment_id}", size=20, bold=True)
    facts = [f"Status: {SHIPMENT_STATUS_LABELS.get(shipment.status, shipment.status)}"]
    if shipment.created_at is not None:
        facts.append(f"created {shipment.created_at:%Y-%m-%d}")
    facts.append(f"from depot: {shipment.depot}")
    if shipment.request_reference:
        facts.append(f"restock request {shipment.request_reference}")
    _paragraph(pdf, " · ".join(facts), size=10, color=GREY)
    pdf.ln(3)
    _paragraph(pdf, party, size=9, bold=True, color=GREY)
    _paragraph(pdf, shipment.organization_name, size=15, bold=True)
    place = ", ".join(part for part in (shipment.address, shipment.zip_code, shipment.borough) if part)
    if place:
        _paragraph(pdf, place, size=11)
    reader = catalog_of(shipment.preferred_language)
    _paragraph(pdf, f"Preferred language: {reader.label}", size=10, color=GREY)
    pdf.ln(3)


def _columns(checkboxes: bool, usable: float) -> list[tuple[str, float, str]]:
    # Widths fit "Booklet (packs of 25)", "Haitian Kreyòl · Kreyòl ayisyen" and "24 + 49 loose" at 10 pt.
    columns = [("Material", 37.0, "L"), ("Language", 55.0, "L"), ("Edition", 24.0, "L"), ("Packs", 0.0, "R")]
    columns.append(("Units", 22.0, "R"))
    if checkboxes:
        columns.insert(0, ("", 9.0, "C"))
    fixed = sum(width for _, width, _ in columns)
    return [(name, width or usable - fixed, align) for name, width, align in columns]


def _table_header(pdf: FPDF, columns: Sequence[tuple[str, float, str]]) -> None:
    pdf.set_font(LATIN.family, "B", TABLE_SIZE)
    pdf.set_fill_color(235, 235, 235)
    for name, width, align in columns:
        pdf.cell(width, ROW, name, align=align, fill=True)
    pdf.ln(ROW)


def _language_cell(pdf: FPDF, code: str, width: float) -> None:
    """'Bangla · বাংলা': the English name for the depot, the native name in its own face and direction."""
    reader = language_of(code)
    start = pdf.get_x()
    pdf.set_font(LATIN.family, "", TABLE_SIZE)
    english = reader.english if reader.native == reader.english else f"{reader.english} · "
    pdf.cell(pdf.get_string_width(english), ROW, english)
    if reader.native != reader.english:
        pdf.set_font(face_in(pdf, code).family, "", TABLE_SIZE)
        pdf.set_text_shaping(True, direction=reader.direction)
        pdf.cell(max(start + width - pdf.get_x(), 1), ROW, reader.native)
        pdf.set_text_shaping(True)
    pdf.set_x(start + width)


def _packs(line: DocumentLine) -> str:
    return f"{line.packs} + {line.loose} loose" if line.loose else str(line.packs)


def _lines_table(pdf: FPDF, shipment: ShipmentDetails, *, checkboxes: bool) -> None:
    columns = _columns(checkboxes, pdf.w - pdf.l_margin - pdf.r_margin)
    _table_header(pdf, columns)
    for line in shipment.lines:
        if pdf.will_page_break(ROW * 2):
            pdf.add_page()
            _table_header(pdf, columns)
        pack = material_of(line.material)
        cells = {
            "Material": f"{pack.name} (packs of {pack.pack_size})",
            "Edition": line.edition,
            "Packs": _packs(line),
            "Units": unambiguous(line.units),
        }
        for name, width, align in columns:
            if name == "Language":
                _language_cell(pdf, line.language, width)
            elif name == "":
                pdf.rect(pdf.get_x() + 2.2, pdf.get_y() + 2, 3.5, 3.5)  # a box to tick when picked
                pdf.set_x(pdf.get_x() + width)
            else:
                pdf.set_font(LATIN.family, "", TABLE_SIZE)
                pdf.cell(width, ROW, _fit(pdf, cells[name], width - 1), align=align)
        pdf.ln(ROW)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_draw_color(*BLACK)
    pdf.set_font(LATIN.family, "B", TABLE_SIZE)
    label_width = sum(width for name, width, _ in columns if name not in ("Packs", "Units"))
    pdf.cell(label_width, ROW, f"Total: {len(shipment.lines)} line{'s' if len(shipment.lines) != 1 else ''}")
    pdf.cell(columns[-2][1], ROW, unambiguous(shipment.total_packs), align="R")
    pdf.cell(columns[-1][1], ROW, unambiguous(shipment.total_units), align="R")
    pdf.ln(ROW + 2)


def _note_to_organization(pdf: FPDF, shipment: ShipmentDetails) -> None:
    _rule(pdf)
    _in_language(pdf, "shipment.note", shipment.preferred_language, size=12)


def pick_list(shipment: ShipmentDetails) -> bytes:
    """The depot's list: what to take off the shelves for this shipment, with a box to tick per line."""
    pdf = _new_pdf(
        _shipment_texts(shipment),
        [shipment.preferred_language, *(line.language for line in shipment.lines)],
        title=f"Pick list, shipment #{shipment.shipment_id}",
    )
    _header(pdf, shipment, "Pick list", party="Ship to")
    _lines_table(pdf, shipment, checkboxes=True)
    if shipment.packing_note:
        _paragraph(pdf, "Note for the packing team", size=10, bold=True)
        _paragraph(pdf, shipment.packing_note, size=11)
    _note_to_organization(pdf, shipment)
    pdf.ln(6)
    _signature_line(pdf, [("Picked by (name and signature)", "en")], [("Date", "en")])
    return bytes(pdf.output())


def packing_slip(shipment: ShipmentDetails) -> bytes:
    """Travels in the box: what was sent, a thank-you note in the organization's language, two signatures."""
    lang = shipment.preferred_language
    pdf = _new_pdf(
        _shipment_texts(shipment),
        [lang, *(line.language for line in shipment.lines)],
        title=f"Packing slip, shipment #{shipment.shipment_id}",
    )
    _header(pdf, shipment, "Packing slip", party="Delivered to")
    _lines_table(pdf, shipment, checkboxes=False)
    _note_to_organization(pdf, shipment)
    pdf.ln(6)
    _signature_line(pdf, [("Packed by (name and signature)", "en")], [("Date", "en")])
    pdf.ln(4)
    received = [(i18n.t("slip.received_by", lang), lang)]
    dates = [(i18n.t("slip.date", lang), lang)]
    if lang != REFERENCE_LANGUAGE:
        received.append((i18n.t("slip.received_by", REFERENCE_LANGUAGE), REFERENCE_LANGUAGE))
        dates.append((i18n.t("slip.date", REFERENCE_LANGUAGE), REFERENCE_LANGUAGE))
    _signature_line(pdf, received, dates)
    _receipt_code(pdf, shipment)
    return bytes(pdf.output())


RECEIPT_QR = 34.0  # mm


def _receipt_code(pdf: FPDF, shipment: ShipmentDetails) -> None:
    """The parcel's own QR code ("we received it", outreach.field.receipts), with what to do beside it."""
    if not shipment.receipt_url:
        return
    if pdf.will_page_break(RECEIPT_QR + 8):
        pdf.add_page()
    top = pdf.get_y() + 6
    pdf.image(io.BytesIO(qr_png(shipment.receipt_url)), x=pdf.l_margin, y=top, w=RECEIPT_QR, h=RECEIPT_QR)
    lang = shipment.preferred_language
    width = pdf.w - pdf.r_margin - pdf.l_margin - RECEIPT_QR - 6
    pdf.set_y(top + 4)
    for index, code in enumerate(dict.fromkeys((lang, REFERENCE_LANGUAGE))):
        pdf.set_x(pdf.l_margin + RECEIPT_QR + 6)
        _paragraph(
            pdf, i18n.t("receipt.slip_scan", code), lang=code, size=8.5 if index else 10.5, width=width
        )
    pdf.set_y(max(pdf.get_y(), top + RECEIPT_QR) + 2)


def _signature_line(pdf: FPDF, labels: Sequence[tuple[str, str]], dates: Sequence[tuple[str, str]]) -> None:
    """Labels stacked over a line to sign on (left) and a line for the date (right)."""
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    sign_width, gap = usable * 0.64, usable * 0.06
    date_x = pdf.l_margin + sign_width + gap
    if pdf.will_page_break(30):
        pdf.add_page()
    top = pdf.get_y()
    for index, (label, lang) in enumerate(labels):
        _paragraph(pdf, label, lang=lang, size=8.5 if index else 10, width=sign_width)
    bottom = pdf.get_y()
    pdf.set_y(top)
    for index, (label, lang) in enumerate(dates):
        pdf.set_x(date_x)
        _paragraph(pdf, label, lang=lang, size=8.5 if index else 10, width=usable - sign_width - gap)
        pdf.set_x(date_x)
    y = max(bottom, pdf.get_y()) + 11
    pdf.line(pdf.l_margin, y, pdf.l_margin + sign_width, y)
    pdf.line(date_x, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 2)


# --- the QR poster ---------------------------------------------------------------------------------------


def qr_poster(*, organization_name: str, url: str, language: str) -> bytes:
    """One page for the notice board: the organization's name large, its QR code, what to do (twice)."""
    lang = i18n.normalize(language)
    name = " ".join(organization_name.split())
    for qr_size in QR_SIZES:
        pdf = _poster(name, url, lang, qr_size)
        # Auto page breaks are off (one page, always); a long name in a tall script may need a smaller code.
        if pdf.get_y() <= pdf.h - POSTER_BOTTOM:
            break
    return bytes(pdf.output())


def _poster(name: str, url: str, lang: str, qr_size: float) -> FPDF:
    keys = ("poster.heading", "poster.instruction", "poster.link", "poster.private")
    texts = [name, url, *(i18n.t(key, code, organization=name) for key in keys for code in (lang, "en"))]
    pdf = _new_pdf(texts, [lang], title="Restock poster")
    pdf.set_auto_page_break(False)
    _paragraph(pdf, i18n.t("poster.heading", lang), lang=lang, size=24, bold=True, align="C")
    if lang != REFERENCE_LANGUAGE:
        english = i18n.t("poster.heading", REFERENCE_LANGUAGE)
        _paragraph(pdf, english, lang="en", size=14, align="C", color=GREY)
    pdf.ln(5)
    _paragraph(pdf, name, size=_name_size(pdf, name), bold=True, align="C")
    top = pdf.get_y() + 4
    pdf.image(io.BytesIO(qr_png(url)), x=(pdf.w - qr_size) / 2, y=top, w=qr_size, h=qr_size)
    pdf.set_y(top + qr_size + 4)
    # The name isolated (FSI…PDI): "Grace Church Inc." keeps its full stop at its end in an RTL sentence.
    _in_language(pdf, "poster.instruction", lang, size=15, align="C", organization=_unbroken(pdf, name, lang))
    pdf.ln(3)
    _in_language(pdf, "poster.link", lang, size=10, align="C")
    _paragraph(pdf, url, lang="en", size=9, align="C")
    pdf.ln(3)
    _in_language(pdf, "poster.private", lang, size=10, align="C")
    return pdf


def _unbroken(pdf: FPDF, name: str, lang: str) -> str:
    """The name isolated, and in a right-to-left sentence kept on one line when it fits one (no-break
    spaces): a name wrapped in two halves reads in order, but its second half starts the next line."""
    pdf.set_font(LATIN.family, "", 15)
    rtl = i18n.is_rtl(lang)
    if rtl and pdf.get_string_width(name) < (pdf.w - pdf.l_margin - pdf.r_margin) * 0.8:
        name = name.replace(" ", NBSP)
    return isolate(name)


def _name_size(pdf: FPDF, name: str) -> float:
    """The largest size at which the organization's name fits in two lines (names run to 200 characters)."""
    for size in (30, 24, 19, 15, 12):
        pdf.set_font(LATIN.family, "B", size)
        lines = pdf.multi_cell(0, _line_height(LATIN.family, size), name, dry_run=True, output="LINES")
        assert isinstance(lines, list)  # output="LINES" gives the wrapped lines
        if len(lines) <= 2:
            return size
    return 10
