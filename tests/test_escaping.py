"""Escaping everywhere: what anyone typed comes back out as text, wherever it is shown.

`seed_payloads` sends HTML, script, markdown and formula payloads through every field a person can type
(organization name, address, notes, contact, faith tradition; restock contact and note; every reason;
shipment note; print run reference; depot name; display name; CSV import cells). The tests then check
each way out: reads (tables are text), markdown (`escape_markdown`), map tooltips, the restock poster,
PDFs (read back with pypdf) and CSV exports. A static check keeps pages from putting typed text into
markdown unescaped.

Covered elsewhere and not repeated here: the directory page and its map with a payload
(tests/pages/test_directory_page.py), the restock page (tests/pages/test_restock_page.py), the audit page
JSON (tests/pages/test_audit_page.py), a single poster payload (tests/restock/test_links.py). Pages fed with
these payloads: tests/pages/test_escaping_pages.py.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from outreach import audit, exports, inventory, organizations
from outreach.accounts import users as accounts
from outreach.coverage import gaps as coverage
from outreach.coverage import inputs as coverage_data
from outreach.coverage import maps, need
from outreach.demo import Reference
from outreach.documents import pdf as documents
from outreach.documents import shipment as shipment_documents
from outreach.organizations import csv_import as directory_import
from outreach.organizations.geocoding import ZipCentroidGeocoder
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock import triage
from outreach.shipments import reads as shipment_reads
from outreach.shipments import steps as shipments
from outreach.shipments import totals as shipment_totals
from outreach.ui.widgets import TYPOGRAPHY, WORD_JOINER, csv_bytes, escape_markdown
from tests.pages.conftest import shown_by_streamlit, streamlit_typography

ROOT = Path(__file__).resolve().parents[1]
ACTOR = "cora"
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "svg": '"><svg onload=alert(1)>',
    "js_url": "javascript:alert(1)",
    "md_link": "[click](javascript:alert(1))",
    "md_bold": "**bold**",
    "md_image": "![x](https://evil.example/p.png)",
    "formula": '=HYPERLINK("http://x","y")',
}
ALL = list(PAYLOADS.values())
# Payloads that are markup in HTML: they must never reach a browser unescaped.
HTML_PAYLOADS = [PAYLOADS[key] for key in ("script", "img", "svg")]


def rotated(start: int) -> list[str]:
    return ALL[start:] + ALL[:start]


@dataclass
class Seeded:
    """Ids of the rows that carry payloads, and which payload went where."""

    organizations: dict[str, int] = field(default_factory=dict)  # payload key -> organization id
    depot: int = 0
    request_ids: list[int] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    shipments: list[int] = field(default_factory=list)
    user_id: int = 0
    imported: list[int] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)  # where -> the payload stored there


def seed_payloads(sessions, ref: Reference) -> Seeded:
    """Every field a person can type, filled with a payload, through the domain verbs the pages call."""
    seeded = Seeded()
    geocoder = ZipCentroidGeocoder()
    for index, (key, payload) in enumerate(PAYLOADS.items()):
        others = rotated(index + 1)
        seeded.organizations[key] = organizations.create_organization(
            sessions,
            name=payload,
            borough=None,
            languages=["es", "en"],
            actor=ACTOR,
            faith_tradition=others[0],
            address=others[1],
            zip_code=("11372", "10463", "11230")[index % 3],
            contact_name=others[2],
            contact_phone="718-555-0134",
            contact_email="contact@example.org",
            notes=others[3] + "\n" + others[4],
            geocoder=geocoder,
        )
    seeded.depot = inventory.create_location(sessions, name=PAYLOADS["md_image"], borough=None, actor="ada")
    flyer, booklet = ref.units[("flyer", "es")], ref.units[("booklet", "es")]
    for unit in (flyer, booklet):
        inventory.receive(
            sessions,
            unit_id=unit,
            location_id=ref.main_depot,
            quantity=1_000,
            reference=PAYLOADS["formula"],
            actor=ACTOR,
        )
    inventory.adjust(
        sessions,
        unit_id=flyer,
        location_id=ref.main_depot,
        change=-1,
        reason=PAYLOADS["md_link"],
        actor=ACTOR,
    )
    inventory.count(
        sessions, unit_id=flyer, location_id=ref.main_depot, counted=998, reason=PAYLOADS["svg"], actor=ACTOR
    )
    inventory.transfer(
        sessions,
        unit_id=flyer,
        from_location_id=ref.main_depot,
        to_location_id=seeded.depot,
        quantity=100,  # two packs: a request can be approved at this depot
        reason=PAYLOADS["img"],
        actor=ACTOR,
    )
    target = seeded.organizations["script"]
    shipped = shipments.create_shipment(
        sessions,
        organization_id=target,
        depot_id=ref.main_depot,
        lines={flyer: 50},
        note=PAYLOADS["script"],
        actor=ACTOR,
    )
    for step in ("pack", "ship", "deliver"):
        getattr(shipments, f"{step}_shipment")(sessions, shipment_id=shipped, actor=ACTOR)
    cancelled = shipments.create_shipment(
        sessions, organization_id=target, depot_id=ref.main_depot, lines={flyer: 50}, actor=ACTOR
    )
    shipments.cancel_shipment(sessions, shipment_id=cancelled, reason=PAYLOADS["md_bold"], actor=ACTOR)
    seeded.shipments = [shipped, cancelled]

    token = restock_links.issue_link(sessions, organization_id=target, actor=ACTOR)
    for _ in range(3):
        sent = restock.submit_request(
            sessions,
            token=token,
            idempotency_key=uuid.uuid4().hex,
            lines={flyer: 2, booklet: 1},
            contact_name=PAYLOADS["img"],
            contact_phone="(718) 555-0134",  # a phone number is checked (outreach.phones): no payload fits
            note="\n".join(ALL),
        )
        seeded.request_ids.append(sent.request_id)
        seeded.references.append(sent.reference)
    approved, rejected, substituted = seeded.request_ids
    flyer_line = int(restock_queue.request_lines(sessions, approved).iloc[0]["line_id"])
    triage.approve_request(
        sessions,
        request_id=approved,
        depot_id=ref.main_depot,
        packs={flyer_line: 1},
        reasons={flyer_line: PAYLOADS["md_link"]},
        reason=PAYLOADS["svg"],
        actor=ACTOR,
    )
    triage.reject_request(sessions, request_id=rejected, reason=PAYLOADS["img"], actor=ACTOR)
    booklet_line = int(restock_queue.request_lines(sessions, substituted).iloc[1]["line_id"])
    triage.substitute_line(
        sessions,
        request_id=substituted,
        line_id=booklet_line,
        unit_id=ref.units[("flyer", "en")],
        reason=PAYLOADS["formula"],
        actor=ACTOR,
    )
    seeded.user_id = accounts.create_account(
        sessions,
        username="payload.user",
        password="a-long-password",
        role="organizer",
        actor="ada",
        display_name=PAYLOADS["script"],
    )
    cells = [f"{PAYLOADS['md_bold']} (csv)", *[PAYLOADS[k] for k in ("script", "formula", "img", "md_link")]]
    row = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
    data = f"name,faith_tradition,address,contact_name,notes,zip_code,languages\n{row},10463,es\n".encode()
    preview = directory_import.preview_import(sessions, data)
    assert preview.valid_count == 1, preview.messages()
    seeded.imported = directory_import.import_organizations(
        sessions, preview, geocoder=geocoder, actor=ACTOR
    ).ids
    return seeded


@pytest.fixture
def seeded(sessions, ref) -> Seeded:
    return seed_payloads(sessions, ref)


# --- reads give back exactly what was typed -----------------------------------------------------------


def test_every_typed_field_is_stored_and_read_back_exactly(sessions, ref, seeded):
    listing = organizations.list_organizations(sessions, include_contacts=True).set_index("id")
    for index, (key, payload) in enumerate(PAYLOADS.items()):
        row, others = listing.loc[seeded.organizations[key]], rotated(index + 1)
        assert row["name"] == payload
        assert (row["faith_tradition"], row["address"], row["contact_name"]) == tuple(others[:3])
        assert row["notes"] == others[3] + "\n" + others[4]
    imported = listing.loc[seeded.imported[0]]
    assert imported["name"] == f"{PAYLOADS['md_bold']} (csv)"
    assert (
        imported["faith_tradition"],
        imported["address"],
        imported["contact_name"],
        imported["notes"],
    ) == (
        PAYLOADS["script"],
        PAYLOADS["formula"],
        PAYLOADS["img"],
        PAYLOADS["md_link"],
    )

    ledger = inventory.movements(sessions)
    assert set(ledger["reference"].dropna()) >= {PAYLOADS["formula"]}
    assert {PAYLOADS["md_link"], PAYLOADS["svg"], PAYLOADS["img"]} <= set(ledger["reason"].dropna())
    assert PAYLOADS["md_image"] in set(inventory.locations(sessions)["name"])

    listed = shipment_reads.shipments(sessions).set_index("shipment_id")
    assert listed.loc[seeded.shipments[0], "note"] == PAYLOADS["script"]
    assert listed.loc[seeded.shipments[1], "cancel_reason"] == PAYLOADS["md_bold"]

    approved, rejected, substituted = (restock_queue.request_detail(sessions, i) for i in seeded.request_ids)
    assert (approved.contact_name, approved.contact_phone) == (PAYLOADS["img"], "+1 718-555-0134")
    assert approved.note == "\n".join(ALL)  # the leader's line breaks survive
    assert approved.decision_reason == PAYLOADS["svg"]
    assert rejected.decision_reason == PAYLOADS["img"]
    line_reasons = set(restock_queue.request_lines(sessions, seeded.request_ids[0])["reason"].dropna())
    assert line_reasons == {PAYLOADS["md_link"]}
    assert PAYLOADS["formula"] in set(restock_queue.request_lines(sessions, substituted.request_id)["reason"])

    users = accounts.user_table(sessions).set_index("id")
    assert users.loc[seeded.user_id, "display_name"] == PAYLOADS["script"]
    # The trail keeps the payloads as JSON text, decodable to exactly what was typed.
    decoded = [
        json.loads(value)
        for value in audit.history(sessions, limit=5_000)[["before", "after"]].stack().dropna()
    ]
    flat = json.dumps(decoded, ensure_ascii=False)
    for payload in ALL:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in flat


# --- markdown -----------------------------------------------------------------------------------------

MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~$"


def _unescaped_specials(text: str) -> list[str]:
    """Markdown or HTML characters in `text` that no backslash neutralises."""
    found, index = [], 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text) and text[index + 1] in MARKDOWN_SPECIALS:
            index += 2
            continue
        if text[index] in MARKDOWN_SPECIALS:
            found.append(text[index])
        index += 1
    return found


@pytest.mark.parametrize("payload", [*ALL, "a\n# heading\n> quote\n- item\n1. one", ":red[x] $x$ ~~s~~ `c`"])
def test_escape_markdown_leaves_nothing_for_markdown_or_html_to_act_on(payload):
    escaped = escape_markdown(payload)
    assert _unescaped_specials(escaped) == []
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL) == payload  # and it reads as typed


# Typed text that Streamlit's renderer would change after the escapes are undone ("--" -> "—", ":x:" -> 😀).
SHOWN_AS_TYPED = [
    "Robert'); --",
    "Robert'); -- DROP TABLE organizations",
    "-- at the start",
    "a -> b <- c <-> d",
    "x >= 1 and y <= 2, z ~= 3",
    "a -- -- b",
    "line one\n-- line two",
    "smile :smile: thumbs :+1: :-1: logo :streamlit: icon :material/home:",
    "services at 10:30:00 and 9:00",
    "a->b--c <=> d",  # not between spaces: Streamlit leaves it alone, and so does the escaper
]


@pytest.mark.parametrize("typed", SHOWN_AS_TYPED)
def test_escaped_text_is_shown_by_streamlit_exactly_as_typed(typed):
    assert shown_by_streamlit(escape_markdown(typed)) == typed


def test_backslashes_alone_do_not_stop_streamlits_typography():
    """Why escape_markdown adds word joiners: the escapes are undone before the replacements run."""
    backslashed = "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in "Robert'); --")
    assert shown_by_streamlit(backslashed) == "Robert'); —"
    assert shown_by_streamlit(":smile:") == "[:smile: as a picture]"


def test_the_escaper_knows_every_typographic_replacement_of_the_installed_streamlit():
    assert sorted(sequence for sequence, _symbol in streamlit_typography()) == sorted(TYPOGRAPHY)


def test_word_joiners_go_only_where_streamlit_would_change_the_text():
    assert WORD_JOINER not in escape_markdown("a->b, 9:00, email: x@y.org, – and —")
    assert escape_markdown("a -- b").count(WORD_JOINER) == 1


# --- maps ---------------------------------------------------------------------------------------------


def _assert_no_live_markup(rendered: str) -> None:
    for payload in HTML_PAYLOADS:
        assert payload not in rendered
    for fragment in ("<script>alert", "<img src=x", "<svg onload", 'href="javascript:', "href='javascript:"):
        assert fragment not in rendered


def test_directory_map_tooltips_carry_every_payload_escaped(sessions, seeded):
    frame = organizations.list_organizations(sessions, include_contacts=False)
    fmap = maps.directory_map(frame)
    _assert_no_live_markup(fmap.get_root().render())
    layer = next(child for child in fmap._children.values() if hasattr(child, "payload"))
    names = {row[3] for row in json.loads(layer.payload)}
    assert {html.escape(payload) for payload in ALL} <= names  # every one placed, escaped in Python


def test_coverage_map_markers_carry_every_payload_escaped(sessions, seeded):
    directory = coverage_data.organizations(sessions)
    table = coverage.gap_table(
        need.need("district"),
        shipment_totals.shipped_units(sessions),
        directory,
        coverage_data.campaign_totals(sessions),
        level="district",
        desert_min_lep=1_000,
        language="es",
    )
    fmap = maps.coverage_map(
        coverage.area_values(table, metric="gap"),
        areas=need.boundaries("district"),
        borough_outlines=need.boundaries("borough"),
        organizations=directory,
        metric="gap",
        caption="Spanish: gap",
        area_labels=dict(zip(table["area"], table["area_label"], strict=False)),
    )
    rendered = fmap.get_root().render()
    _assert_no_live_markup(rendered)
    layer = next(child for child in fmap._children.values() if hasattr(child, "payload"))
    assert {html.escape(payload) for payload in ALL} <= {row[3] for row in json.loads(layer.payload)}


# --- the restock poster -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_poster_shows_every_payload_as_text(language):
    name = " ".join(ALL)
    poster = restock_links.poster_html(
        organization_name=name, language=language, url="https://kyr.example/restock?t=" + "A" * 43
    )
    _assert_no_live_markup(poster)
    assert poster.count(html.escape(name)) >= 2  # <title>, <h2> (and the instruction, where it names it)
    assert len(re.findall(r"<script|<img|<svg", poster)) == 1  # only the poster's own QR <img>


# --- PDFs ---------------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace folded (lines wrap where the layout needs)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pick_list_packing_slip_and_poster_print_the_payloads_as_typed(sessions, seeded):
    """fpdf2 draws plain text: each payload reads back literally (tests/documents/test_pdf.py covers {nb})."""
    shipment = shipment_documents.shipment_details(sessions, seeded.shipments[0])
    assert (shipment.organization_name, shipment.packing_note) == (PAYLOADS["script"], PAYLOADS["script"])
    for pdf in (documents.pick_list(shipment), documents.packing_slip(shipment)):
        printed = _pdf_text(pdf)
        assert PAYLOADS["script"] in printed and str(shipment.address) in printed
    poster = _pdf_text(
        documents.qr_poster(organization_name=" ".join(ALL), url="https://kyr.example/r", language="en")
    )
    for payload in ALL:
        assert payload in poster


# --- CSV exports --------------------------------------------------------------------------------------


def _cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1-555", "'+1-555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (PAYLOADS["formula"], "'" + PAYLOADS["formula"]),
        (PAYLOADS["script"], PAYLOADS["script"]),  # not a formula: kept as typed (CSV is text)
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote(value, shown):
    frame = pd.DataFrame({"text": [value], "number": [-5]})
    assert _cells(csv_bytes(frame)) == ["text", "number", shown, "-5"]  # numbers stay numbers


def test_every_export_defuses_the_formula_and_keeps_the_rest_as_typed(sessions, seeded):
    written = {
        "directory": organizations.export_frame(sessions, include_contacts=True),
        "restock": restock_queue.export_frame(sessions),
        # As the pages write them (outreach/exports.py).
        "ledger": exports.shape(inventory.movements(sessions, limit=None), exports.MOVEMENTS),
        "shipments": exports.shape(shipment_reads.shipments(sessions, limit=None), exports.SHIPMENTS),
        "audit": exports.shape(audit.history(sessions, limit=5_000), exports.AUDIT),
        "users": accounts.user_table(sessions),
    }
    formula = PAYLOADS["formula"]
    for name, frame in written.items():
        cells = _cells(csv_bytes(frame))
        assert formula not in cells, name  # never a bare formula
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], name
    directory_cells = _cells(csv_bytes(written["directory"]))
    assert "'" + formula in directory_cells and set(HTML_PAYLOADS) <= set(directory_cells)
    assert "'" + formula in _cells(csv_bytes(written["restock"]))  # the substitution reason
    assert "'" + formula in _cells(csv_bytes(written["ledger"]))  # the print run reference
    users = _cells(csv_bytes(written["users"]))
    assert PAYLOADS["script"] in users


# --- static check: typed text never reaches markdown unescaped ----------------------------------------

# Streamlit calls whose text is rendered as markdown; `success=` is what run_write shows as the
# flash message on the next run.
MARKDOWN_CALLS = {
    "markdown",
    "caption",
    "success",
    "error",
    "warning",
    "info",
    "toast",
    "title",
    "header",
    "subheader",
    "expander",
}
# Functions whose result is safe markdown: escape_markdown, and the restock page's say() (it escapes).
ESCAPING_CALLS = {"escape_markdown", "say"}
NUMBER_CALLS = {"len", "int", "float", "round", "sum"}
# Dynamic parts nobody types: numbers, ids, statuses, roles and labels from our own constants. Each entry
# is (file, expression) -> why it is safe. A new f-string with typed text fails the test until escaped.
ALLOWED = {
    ("outreach/ui/runs.py", "_planned"): "a fixed sentence with a count of unplanned shipments",
    ("app.py", "user['role']"): "one of three role constants",
    ("pages/sign_in.py", "user['role']"): "one of three role constants",
    ("outreach/ui/guards.py", "user['role']"): "one of three role constants",
    ("outreach/ui/oidc.py", "label"): "provider label from secrets.toml (admin-controlled)",
    ("outreach/ui/deployment.py", "message"): (
        "outreach.public_url.warning: our words, and settings (KYR_PUBLIC_URL, the bind address) shown in code "
        "spans with backticks removed (tests/test_public_url.py); nothing a person typed"
    ),
    ("outreach/ui/widgets.py", "error.title"): "a class constant of the error",
    ("outreach/ui/widgets.py", "success"): "run_write passes on what its callers built (checked there)",
    ("outreach/ui/widgets.py", "message"): "the flash message run_write stored (checked at its callers)",
    ("outreach/ui/restock_panels.py", "success"): "passes on its callers' text (checked there)",
    ("outreach/ui/users.py", "role"): "picked from the ROLES constant",
    ("outreach/ui/followup.py", "count"): "a whole number of receipts",
    (
        "outreach/ui/run_outs.py",
        "sentence(row)",
    ): "escapes the organization's name; the rest is catalog names",
    ("outreach/ui/followup.py", "settings().confirm_after_days"): "a whole number from the settings",
    ("outreach/ui/followup.py", "followup.REPORT_AFTER_DAYS"): "a whole-number constant",
    ("outreach/ui/users.py", "action"): "picked from the ACTIONS constant",
    (
        "outreach/ui/users.py",
        "', '.join((provider.label for provider in configured))",
    ): "labels from secrets.toml",
    ("outreach/ui/directory_import.py", "preview.encoding"): "a name our CSV decoder chose",
    ("outreach/ui/directory_import.py", "preview.already_located"): "a count",
    ("pages/planner.py", "language_of(language_code).english"): "the catalog's language name",
    ("pages/restock.py", "script_css"): "CSS from font constants picked by the catalog code (web_fonts_css)",
    ("outreach/ui/planner.py", "total_caption(page, len(lines), noun='Organizations')"): "row numbers",
    ("outreach/ui/coverage.py", "total_caption(page, len(rows), noun='Rows')"): "row numbers",
    ("outreach/ui/followup.py", "total_caption(page, len(lists), noun='Organizations')"): "row numbers",
    ("outreach/ui/coverage.py", "need.AREA_LEVEL_LABELS[choice.level].lower()"): "a constant label",
    ("outreach/ui/coverage.py", "choice.language_name"): "the catalog's language name",
    ("outreach/ui/shipments.py", "shipment_id"): "a shipment id",
    ("outreach/ui/triage.py", "detail.reference"): "a generated reference like KYR-7F3K-92QX",
    ("outreach/ui/triage.py", "detail.status.replace('_', ' ')"): "a status constant",
    ("outreach/ui/triage.py", "detail.shipment_id"): "an id",
    ("outreach/ui/triage.py", "detail.shipment_status"): "a status constant",
    ("outreach/ui/triage.py", "action"): "picked from a constant list",
}


def _python_files() -> list[Path]:
    return sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "outreach" / "ui").glob("*.py")])


def _is_constant_name(node: ast.expr) -> bool:
    """UPPER_CASE names and attributes are constants by convention (PHONE_CSS, coverage_data.RECENT_DAYS)."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return bool(name) and name.isupper()


def _escaped_names(tree: ast.Module) -> set[str]:
    """Names only ever assigned an escaping call (or a dict of them): `who = escape_markdown(...)`."""
    assigned: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            value = node.value.value if isinstance(node.value, ast.DictComp) else node.value
            safe = isinstance(value, ast.Call) and _call_name(value) in ESCAPING_CALLS
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = assigned.get(target.id, True) and safe
    return {name for name, safe in assigned.items() if safe}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _safe_value(node: ast.expr, spec: ast.expr | None, escaped: set[str]) -> bool:
    if spec is not None and re.search(r"[,dfeg%]", ast.unparse(spec)):
        return True  # formatted as a number or a date
    if isinstance(node, ast.Call):
        return _call_name(node) in ESCAPING_CALLS | NUMBER_CALLS
    if isinstance(node, ast.Subscript):
        return _is_constant_name(node.value) or (
            isinstance(node.value, ast.Name) and node.value.id in escaped
        )
    if isinstance(node, ast.Name):
        return node.id in escaped or _is_constant_name(node)
    return _is_constant_name(node) or isinstance(node, ast.Constant)


def _unsafe_parts(node: ast.expr, escaped: set[str]) -> list[ast.expr]:
    """The parts of a markdown argument that are typed text nobody escaped."""
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, ast.JoinedStr):
        return [
            part.value
            for part in node.values
            if isinstance(part, ast.FormattedValue) and not _safe_value(part.value, part.format_spec, escaped)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _unsafe_parts(node.left, escaped) + _unsafe_parts(node.right, escaped)
    if isinstance(node, ast.IfExp):
        return _unsafe_parts(node.body, escaped) + _unsafe_parts(node.orelse, escaped)
    if isinstance(node, ast.Lambda):  # success=lambda value: f"...": the text it builds
        return _unsafe_parts(node.body, escaped)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
        return [value for value in node.value.values if not isinstance(value, ast.Constant)]
    return [] if _safe_value(node, None, escaped) else [node]


def _markdown_arguments(call: ast.Call) -> list[ast.expr]:
    func = call.func
    found = []
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "st"
        and func.attr in MARKDOWN_CALLS
    ):
        found += call.args[:1] + [kw.value for kw in call.keywords if kw.arg in ("body", "label")]
    found += [kw.value for kw in call.keywords if kw.arg == "success"]
    return found


def markdown_violations() -> list[str]:
    problems = []
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        escaped = _escaped_names(tree)
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            for argument in _markdown_arguments(call):
                for part in _unsafe_parts(argument, escaped):
                    if (relative, ast.unparse(part)) not in ALLOWED:
                        problems.append(f"{relative}:{part.lineno}: {ast.unparse(part)}")
    return problems


def test_no_page_puts_unescaped_text_into_markdown():
    assert markdown_violations() == [], (
        "Wrap typed text in escape_markdown(...) (or add a number/constant to ALLOWED with the reason)."
    )


def test_the_static_check_catches_typed_text(tmp_path, monkeypatch):
    """The check itself: an f-string with a name in a toast is caught, the escaped form is not."""
    sample = tmp_path / "pages"
    sample.mkdir()
    (tmp_path / "outreach" / "ui").mkdir(parents=True)
    (tmp_path / "app.py").write_text("")
    (sample / "bad.py").write_text(
        "import streamlit as st\n"
        "name = input()\n"
        "st.toast(f'Saved {name}')\n"
        "run_write(lambda: 0, success='Added ' + name)\n"
        "st.caption(f'{escape_markdown(name)} has {len(name):,} letters')\n"
        "who = escape_markdown(name)\n"
        "st.info(f'Signed in as {who}')\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert markdown_violations() == ["pages/bad.py:3: name", "pages/bad.py:4: name"]


def _html_sinks(tree: ast.Module) -> list[tuple[ast.Call, ast.expr]]:
    sinks = []
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        unsafe = any(
            kw.arg == "unsafe_allow_html" and not (isinstance(kw.value, ast.Constant) and not kw.value.value)
            for kw in call.keywords
        )
        if unsafe or _call_name(call) in {"html", "iframe"} and call.args:
            sinks.append((call, call.args[0] if call.args else call))
    return sinks


# The only HTML a page hands to the browser that is not a constant: the coverage and directory maps, which
# outreach.coverage.maps builds with every text html.escape'd (tested above), and the sign-in cookie's form and
# script (a generated one-time code and our own route's path, escaped; nothing anyone typed).
HTML_ALLOWED = {
    ("outreach/ui/coverage.py", "view.map_html"),
    ("outreach/ui/directory_map.py", "map_html"),
    ("outreach/ui/session_cookie.py", "form"),
    ("outreach/ui/session_cookie.py", "script"),
    # A message's HTML part (outreach.messages.templates html.escape's every value and wraps it in <bdi>;
    # tests/messages/test_templates.py) as a data: URL, so the frame has an opaque origin besides.
    ("outreach/ui/messages.py", "as_data_url(document)"),
    # fonts for the page's catalog: CSS built from constants picked by the catalog code (WEB_FAMILIES)
    ("pages/restock.py", "script_css"),
}


def test_raw_html_only_ever_carries_constants():
    problems = []
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and target.id.isupper()
        }
        for call, argument in _html_sinks(tree):
            constant = isinstance(argument, ast.Constant) or (
                isinstance(argument, ast.Name) and argument.id in constants
            )
            if not constant and (relative, ast.unparse(argument)) not in HTML_ALLOWED:
                problems.append(f"{relative}:{call.lineno}: {ast.unparse(call)[:80]}")
    assert problems == []
