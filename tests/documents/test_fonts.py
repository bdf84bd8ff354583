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


def test_traditional_chinese_is_set_in_the_tc_face_and_never_found_by_character():
    assert document_fonts.face_for("zh-Hant") is document_fonts.CJK_TC
    assert document_fonts.CJK_TC.collection_index == 3 and CJK.collection_index == 2  # JP KR SC TC HK
    assert document_fonts.faces_needed(["華埠"]) == [LATIN, CJK]  # a name alone: Simplified, as before
    # a Traditional document sets every Chinese character in TC, also the "中文" of a zh stock line
    assert document_fonts.faces_needed(["華埠 中文"], ["zh-Hant", "zh"]) == [LATIN, document_fonts.CJK_TC]


def test_the_served_nastaliq_is_debians_file_with_its_licence():
    folder = document_fonts.STATIC_FONTS_DIR / "noto-nastaliq-urdu"
    for name, _ in document_fonts.NASTALIQ_WEB_FILES:
        assert (folder / name).read_bytes() == (document_fonts.NOTO_DIR / name).read_bytes(), name
    licence = (folder / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "PERMISSION & CONDITIONS" in licence
    sums = (document_fonts.STATIC_FONTS_DIR / "SHA256SUMS").read_text(encoding="utf-8")
    assert sums.count("noto-nastaliq-urdu/") == len(document_fonts.NASTALIQ_WEB_FILES)


def test_web_fonts_only_where_the_default_is_wrong():
    assert document_fonts.web_fonts_css("es", "main") == "" and document_fonts.web_font_faces("zh") == ""
    urdu = document_fonts.web_fonts_css("ur", "main")
    assert urdu.startswith("<style>") and urdu.count("@font-face") == 2
    assert "/app/static/fonts/noto-nastaliq-urdu/NotoNastaliqUrdu-Bold.ttf" in urdu
    assert "stIconMaterial" in urdu  # Streamlit's icon font is left alone
    embedded = document_fonts.web_font_faces("ur", embed=True)
    assert embedded.count("data:font/ttf;base64,") == 2 and "/app/static" not in embedded
    assert "TC" in document_fonts.web_fonts_css("zh-Hant", "main")
