"""Fonts for the printed documents: Debian's Noto files are where the code looks, and a missing one says
which package to install."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF

from outreach.documents import fonts as document_fonts
from outreach.documents.fonts import ARABIC, BENGALI, CJK, HEBREW, LATIN, URDU, Face, FontsMissing


def test_every_face_the_documents_use_is_installed():
    """`scripts/install-system-deps.sh test` installs them; this fails loudly when it did not."""
    document_fonts.check_fonts()
    assert {face.package for face in document_fonts.FACES} == {"fonts-noto-core", "fonts-noto-cjk"}


def test_a_missing_font_names_the_debian_package(tmp_path: Path):
    absent = Face("NotoSansCJK", tmp_path / "NotoSansCJK-Regular.ttc", tmp_path / "b.ttc", "fonts-noto-cjk")
    with pytest.raises(FontsMissing) as caught:
        document_fonts.check_fonts([LATIN, absent])
    message = str(caught.value)
    assert "fonts-noto-cjk" in message and "fonts-noto-core" not in message
    assert str(tmp_path / "NotoSansCJK-Regular.ttc") in message
    with pytest.raises(FontsMissing):
        document_fonts.register(FPDF(), [absent])


@pytest.mark.parametrize(
    ("sample", "face"),
    [("বাংলা", BENGALI), ("العربية", ARABIC), ("اردو", ARABIC), ("ייִדיש", HEBREW), ("中文", CJK)],
)
def test_the_faces_a_text_needs_follow_its_script(sample, face):
    assert document_fonts.faces_needed([f"Flyer · {sample}"]) == [LATIN, face]


def test_latin_and_cyrillic_need_only_noto_sans_and_urdu_text_gets_nastaliq():
    assert document_fonts.faces_needed(["Kreyòl ayisyen", "Русский", "Español"]) == [LATIN]
    assert document_fonts.faces_needed(["اردو"], ["ur"]) == [LATIN, ARABIC, URDU]
    assert document_fonts.face_for("ur") is URDU and document_fonts.face_for("ru") is LATIN


def test_one_line_in_noto_sans_takes_each_script_from_its_fallback_face_but_never_nastaliq():
    pdf = FPDF()
    document_fonts.register(pdf, [LATIN, BENGALI, ARABIC, URDU, HEBREW])
    pdf.add_page()
    pdf.set_font(LATIN.family, "", 11)
    pdf.set_text_shaping(True)
    pdf.cell(text="Bangla · বাংলা, Arabic · العربية, Urdu · اردو, Yiddish · ייִדיש")
    page = pypdf.PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]
    used = {
        str(font.get_object()["/BaseFont"]).split("+")[-1] for font in page["/Resources"]["/Font"].values()
    }
    assert used == {"NotoSans", "NotoSansBengali", "NotoNaskhArabic", "NotoSansHebrew"}
