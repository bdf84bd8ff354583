"""Printed documents in each of the ten languages, read back with pypdf (and checked by poppler).

What can be checked by reading text back, and why not everything: pypdf maps each glyph back to characters
through the ToUnicode table fpdf2 writes. That is exact for Latin, Cyrillic and (once pypdf's NUL padding
and spacing are dropped) Chinese. After shaping it is not: a Bengali conjunct or a Nastaliq contextual form
is one glyph for several characters, and right-to-left lines come back in visual order. So for Arabic and
Yiddish every word of the note is checked (words survive, their order does not); for Bengali and Urdu the
check is that the script's own face is embedded in the page's resources, next to the numbers and Latin text
that do round-trip. The pages were also rendered with pdftoppm and read by eye (docs/documents-*.png).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from outreach import i18n, organizations
from outreach.bidi import strip
from outreach.catalog import CATALOG_CODES
from outreach.documents import pdf as documents
from outreach.documents.fonts import face_for
from outreach.documents.shipment import ShipmentDetails, shipment_details
from outreach.shipments import steps as shipments

ACTOR = "tester"
URL = "http://127.0.0.1:8501/restock?t=" + "Ab3_-" * 8 + "xyz"
# Names as people write them: a Latin part (which round-trips) and, where the community writes another
# script, that script too.
NAMES = {
    "es": "Parroquia Santa Brígida",
    "en": "Lantern Hill Community Church",
    "fr": "Église baptiste de l'Espérance",
    "zh": "Flushing 法拉盛华人基督教会",
    "zh-Hant": "Chinatown 華埠浸信會",
    "ar": "Bay Ridge مسجد النور",
    "ru": "Община «Свет» Брайтон-Бич",
    "bn": "Jackson Heights জ্যাকসন হাইটস মসজিদ",
    "ur": "Coney Island مسجد مکی",
    "ht": "Legliz Batis Evanjelik Kreyòl",
    "yi": "Williamsburg קהל ייִטב־לב",
}
EXACT = {"es", "en", "fr", "ru", "ht"}  # Latin and Cyrillic round-trip character for character
LATIN_PART = re.compile(r"^[A-Za-z][A-Za-z' ]+?(?= [^\x00-\x7f])")


@dataclass(frozen=True)
class Read:
    """A PDF read back once: its text and the fonts its pages use."""

    pages: int
    text: str
    fonts: frozenset[str]


def read(pdf: bytes) -> Read:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])  # drop the subset prefix
    text_ = "\n".join(page.extract_text() for page in reader.pages)
    return Read(len(reader.pages), text_, frozenset(fonts))


def flat(value: str) -> str:
    return " ".join(strip(value).split())  # without the bidi isolate marks around typed values


def squeezed(value: str) -> str:
    return re.sub(r"[\s\x00]+", "", value)  # pypdf pads CJK glyphs with NULs and spaces


def bare(word: str) -> str:
    """A word without the punctuation and quote marks around it (bidi moves those to the other end)."""
    while word and unicodedata.category(word[0])[0] in "PS":
        word = word[1:]
    while word and unicodedata.category(word[-1])[0] in "PS":
        word = word[:-1]
    return word


def assert_says(doc: Read, sentence: str, lang: str) -> None:
    """The sentence is in the document, as far as the script's extraction allows (see the module doc)."""
    if lang in EXACT:
        assert flat(sentence) in flat(doc.text)
    elif lang in ("zh", "zh-Hant"):
        assert squeezed(sentence) in squeezed(doc.text)
    elif lang in ("ar", "yi"):
        for word in map(bare, sentence.split()):
            if word and not re.search(r"[A-Za-z]", word):  # mixed words ("QR־קאָד") split at the bidi seam
                assert word in doc.text, word
    assert face_for(lang).family + ("SC" if lang == "zh" else "") in doc.fonts
    if lang == "zh-Hant":  # Traditional text in the Traditional face only
        assert "NotoSansCJKSC" not in doc.fonts


def assert_named(doc: Read, name: str, lang: str) -> None:
    if lang in EXACT:
        assert flat(name) in flat(doc.text)
    elif lang in ("zh", "zh-Hant"):
        assert squeezed(name) in squeezed(doc.text)
    else:
        match = LATIN_PART.match(name)
        assert match is not None
        assert match.group(0) in doc.text


def make_shipment(
    sessions, ref, lang: str, *, name: str | None = None, note: str | None = None
) -> ShipmentDetails:
    organization = organizations.create_organization(
        sessions,
        name=name or NAMES[lang],
        borough="Brooklyn",
        languages=sorted({i18n.language_of_catalog(lang), "es"}),
        preferred_language=lang,
        address="409 E 8th St",
        zip_code="11218",
        actor=ACTOR,
    )
    shipment_id = shipments.create_shipment(
        sessions,
        organization_id=organization,
        depot_id=ref.main_depot,
        # 150 flyers = 3 packs; 85 booklets = 3 packs and 10 loose
        lines={ref.units[("flyer", i18n.language_of_catalog(lang))]: 150, ref.units[("booklet", "es")]: 85},
        note=note or "Ring the side door after 3 pm.",
        actor=ACTOR,
    )
    return shipment_details(sessions, shipment_id)


@pytest.mark.parametrize("lang", CATALOG_CODES)
def test_pick_list_and_packing_slip_in_each_language(sessions, ref, lang):
    shipment = make_shipment(sessions, ref, lang)
    pick, slip = read(documents.pick_list(shipment)), read(documents.packing_slip(shipment))
    for doc in (pick, slip):
        assert f"Shipment #{shipment.shipment_id}" in doc.text
        assert_named(doc, shipment.organization_name, lang)
        assert "409 E 8th St" in doc.text
        assert "Manhattan central depot" in doc.text
        # the lines: quantities in packs and units, and the totals (6 whole packs, 235 units)
        assert re.search(r"Flyer \(packs of 50\).*\b3 150\n", doc.text)
        assert "Booklet (packs of 25) Spanish · Español 2026-03 3 + 10 loose 85" in doc.text
        assert "Total: 2 lines 6 235" in doc.text
        assert_says(doc, i18n.t("shipment.note", lang), lang)
        assert flat(i18n.t("shipment.note", "en")) in flat(doc.text)  # and in English for the staff
    assert "Ring the side door after 3 pm." in pick.text
    assert "Packed by (name and signature)" in slip.text
    assert_says(slip, i18n.t("slip.received_by", lang), lang)


@pytest.mark.parametrize("lang", CATALOG_CODES)
def test_poster_in_each_language(lang):
    pdf = documents.qr_poster(organization_name=NAMES[lang], url=URL, language=lang)
    doc = read(pdf)
    assert doc.pages == 1
    assert_named(doc, NAMES[lang], lang)
    assert URL in doc.text.replace("\n", "")
    assert_says(doc, i18n.t("poster.heading", lang), lang)
    assert_says(doc, i18n.t("poster.private", lang), lang)
    assert "Scan this code with your phone's camera" in doc.text
    assert "/XObject" in str(pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"])  # the QR image


def test_documents_embed_only_the_faces_their_text_needs(sessions, ref):
    """The Chinese collection costs half a second per file: a Spanish slip must not carry it."""
    spanish = make_shipment(sessions, ref, "es")
    assert read(documents.packing_slip(spanish)).fonts <= {"NotoSans", "NotoSansBold"}
    urdu = read(documents.packing_slip(make_shipment(sessions, ref, "ur")))
    assert {"NotoNastaliqUrdu", "NotoSans"} <= urdu.fonts
    assert "NotoSansCJKSC" not in urdu.fonts


def test_typed_text_prints_exactly_as_typed(sessions, ref):
    name = "St. Anne {nb} **Parish** <b>Hall</b> $x$ {organization}"
    note = "Leave at <script>door</script> & call {nb}; **not** before 9"
    shipment = make_shipment(sessions, ref, "en", name=name, note=note)
    pick = read(documents.pick_list(shipment)).text
    assert name in pick
    assert note in pick
    assert name in read(documents.packing_slip(shipment)).text
    poster = read(documents.qr_poster(organization_name=name, url=URL, language="fr")).text
    assert name in flat(poster)
    assert f"pour {name}, dans les langues" in flat(poster)  # placed into the sentence, braces and all


def test_a_very_long_name_in_a_tall_script_still_fits_one_poster():
    name = ("Masjid Makki مسجد مکی کونی آئی لینڈ ایونیو " * 5)[:200]
    doc = read(documents.qr_poster(organization_name=name, url=URL, language="ur"))
    assert doc.pages == 1
    assert "Masjid Makki" in doc.text


def test_a_shipment_over_a_page_repeats_the_table_header(sessions, ref):
    shipment = make_shipment(sessions, ref, "en")
    many = tuple(shipment.lines) * 30  # more lines than one page holds
    pdf = documents.pick_list(ShipmentDetails(**{**shipment.__dict__, "lines": many}))
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert all("Material Language Edition Packs Units" in page for page in pages[:2])
    # Thousands grouped by a narrow no-break space: no reader takes "7 050" for 7.05 (i18n_format.unambiguous).
    total = "Total: 60 lines 180 7\u202f050"
    assert total in pages[-1] or total in "".join(pages)


@pytest.mark.parametrize("lang", ["bn", "ar", "ur", "yi", "zh", "zh-Hant"])
def test_poppler_reads_every_shaped_script(sessions, ref, lang, tmp_path: Path):
    """A second, independent reader: fonts embedded with Unicode maps, and the page renders cleanly."""
    assert shutil.which("pdftoppm") and shutil.which("pdffonts"), (
        "poppler-utils is missing: run scripts/install-system-deps.sh test (as root)"
    )
    path = tmp_path / f"slip-{lang}.pdf"
    path.write_bytes(documents.packing_slip(make_shipment(sessions, ref, lang)))
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in listing.stdout.splitlines()[2:]]
    assert rows and all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows), listing.stdout  # emb sub uni
    render = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0 and render.stderr == "", render.stderr
    assert (tmp_path / "page.png").stat().st_size > 2_000
