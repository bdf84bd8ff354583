"""A Latin name ending in "Inc." keeps its full stop at its end inside the poster's right-to-left sentence.

pypdf gives the text of a line in the order it is drawn, left to right, so a name laid out in order reads
"Grace Church Inc." and one whose full stop moved to the other end reads ".Grace Church Inc".
"""

from __future__ import annotations

import io
import re

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from outreach.bidi import strip
from outreach.documents import pdf
from outreach.documents.fonts import face_for, faces_needed, register

NAME = "Grace Church Inc."
MOVED = re.compile(r"Grace Church Inc(?!\.)")  # the name without its full stop after it


def drawn_lines(document: bytes) -> list[str]:
    text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
    return [strip(line).replace("\u00a0", " ") for line in text.splitlines()]


@pytest.mark.parametrize("lang", ["ar", "ur", "yi"])
def test_the_poster_sentence_keeps_the_name_in_order(lang):
    lines = drawn_lines(pdf.qr_poster(organization_name=NAME, url="http://127.0.0.1/restock", language=lang))
    english = "Scan this code"
    sentence = [line for line in lines if "Grace" in line and english not in line and line != NAME]
    assert sentence, lines  # the name inside the sentence in the organization's language
    assert any(NAME in line for line in sentence), sentence
    assert not any(MOVED.search(line) for line in sentence), sentence


def test_without_the_isolate_the_full_stop_moves():
    """The check above can fail: the same sentence, the name not isolated, puts the full stop first."""
    sentence = f"لطلب المزيد لـ {NAME}، باللغات التي يحتاجها مجتمعكم."
    document = FPDF()
    register(document, faces_needed([sentence], ["ar"]))
    document.add_page()
    document.set_text_shaping(True, direction="rtl")
    document.set_font(face_for("ar").family, "", 12)
    document.multi_cell(0, 8, sentence, align="R")
    lines = drawn_lines(bytes(document.output()))
    assert any(MOVED.search(line) for line in lines), lines
