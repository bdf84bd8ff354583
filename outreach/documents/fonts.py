"""Fonts for the printed documents: Debian's Noto fonts, found by path, registered only when the text needs them;
and the fonts the faith-leader page and the HTML poster ask the browser for (`web_fonts_css`).

The core PDF fonts know Latin-1 only, so every document embeds Noto: NotoSans for Latin and Cyrillic, and one
face per script the campaign prints in. fpdf2 shapes the text with HarfBuzz (`uharfbuzz`): Bengali conjuncts
and vowel signs, Arabic and Urdu joining, Hebrew points, and the bidi algorithm for right-to-left lines.
A line in one font that meets a character it lacks takes it from the fallback faces, so "Urdu · اردو" works.

Registering a face costs little, but fpdf2 writes (and subsets) every registered face into the file, and the
CJK collection alone adds half a second; so a document registers only the faces its text uses.
`scripts/install-system-deps.sh` installs the packages (`run` and `test` modes); a missing file raises
FontsMissing naming the Debian package to install.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from outreach.errors import OutreachError

NOTO_DIR = Path("/usr/share/fonts/truetype/noto")  # Debian fonts-noto-core
NOTO_CJK_DIR = Path("/usr/share/fonts/opentype/noto")  # Debian fonts-noto-cjk


class FontsMissing(OutreachError):
    title = "Fonts for printing are not installed"


@dataclass(frozen=True)
class Face:
    family: str  # the name fpdf2 knows it by; also the /BaseFont embedded in the PDF
    regular: Path
    bold: Path
    package: str  # the Debian package that ships the files
    ranges: tuple[tuple[int, int], ...] = ()  # code points that make a document need this face
    collection_index: int = 0  # face inside a .ttc collection

    @property
    def paths(self) -> tuple[Path, Path]:
        return self.regular, self.bold


def _noto(family: str, ranges: tuple[tuple[int, int], ...] = ()) -> Face:
    return Face(
        family, NOTO_DIR / f"{family}-Regular.ttf", NOTO_DIR / f"{family}-Bold.ttf", "fonts-noto-core", ranges
    )


ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

LATIN = _noto("NotoSans")  # Latin (Spanish, French, Kreyòl) and Cyrillic (Russian); always registered
BENGALI = _noto("NotoSansBengali", ((0x0980, 0x09FF),))
ARABIC = _noto("NotoNaskhArabic", ARABIC_RANGES)
# Urdu is read in Nastaliq; it is chosen for text known to be Urdu, never by character (the letters are
# Arabic-script, so an Urdu word in an English line falls back to Naskh, which Urdu readers also read).
URDU = _noto("NotoNastaliqUrdu")
HEBREW = _noto("NotoSansHebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)))
CJK = Face(
    "NotoSansCJK",
    NOTO_CJK_DIR / "NotoSansCJK-Regular.ttc",
    NOTO_CJK_DIR / "NotoSansCJK-Bold.ttc",
    "fonts-noto-cjk",
    (
        (0x2E80, 0x2FFF),
        (0x3000, 0x303F),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xF900, 0xFAFF),
        (0xFF00, 0xFFEF),
    ),
    collection_index=2,  # the collection holds JP, KR, SC, TC, HK: Simplified Chinese for the `zh` catalog
)
# Traditional Chinese (the `zh-Hant` catalog): the same collection's TC face, whose glyphs follow the Traditional
# standard (e.g. 說, 為 drawn as Traditional readers expect). Like Nastaliq it is chosen by language, never by
# character: the code points are shared with Simplified, so a document in zh-Hant sets its Chinese in TC, and
# Chinese in any other document (an organization's name) falls back to SC.
CJK_TC = Face("NotoSansCJKTC", CJK.regular, CJK.bold, "fonts-noto-cjk", CJK.ranges, collection_index=3)
FACES: tuple[Face, ...] = (LATIN, BENGALI, ARABIC, URDU, HEBREW, CJK, CJK_TC)
FALLBACK_ORDER: tuple[Face, ...] = (LATIN, BENGALI, ARABIC, HEBREW, CJK_TC, CJK)
BY_LANGUAGE: dict[str, Face] = {
    "bn": BENGALI,
    "ar": ARABIC,
    "ur": URDU,
    "yi": HEBREW,
    "zh": CJK,
    "zh-Hant": CJK_TC,
}


def face_for(language: str) -> Face:
    """The face text in `language` (a catalog code) is set in (NotoSans for the Latin and Cyrillic languages)."""
    return BY_LANGUAGE.get(language, LATIN)


def face_in(pdf: FPDF, language: str) -> Face:
    """The face for `language` among those the document registered: Chinese in TC when it has TC only."""
    face = face_for(language)
    if face is CJK and CJK.family.casefold() not in pdf.fonts and CJK_TC.family.casefold() in pdf.fonts:
        return CJK_TC
    return face


def missing(faces: Iterable[Face] = FACES) -> list[Path]:
    return [path for face in faces for path in face.paths if not path.is_file()]


def check_fonts(faces: Iterable[Face] = FACES) -> None:
    """Raise FontsMissing, naming the files and the Debian packages to install, when any font is absent."""
    wanted = tuple(faces)
    absent = missing(wanted)
    if not absent:
        return
    packages = sorted({face.package for face in wanted for path in face.paths if path in absent})
    names = ", ".join(str(path) for path in absent)
    raise FontsMissing(
        f"The font files {names} are missing, so documents cannot be printed. Install the Debian "
        f"package{'s' if len(packages) > 1 else ''} {' '.join(packages)} "
        f"(as root: apt-get install -y {' '.join(packages)}, or run scripts/install-system-deps.sh run)."
    )


def faces_needed(texts: Iterable[str], languages: Iterable[str] = ()) -> list[Face]:
    """NotoSans, the face of each language named, and every face whose script appears in the texts (Chinese
    characters in TC when the document is in Traditional Chinese, else in SC)."""
    points = {ord(ch) for text in texts for ch in text if ord(ch) >= 0x0590}
    needed = {LATIN, *(face_for(code) for code in languages)}
    for face in FACES:
        if face is CJK_TC or (face is CJK and CJK_TC in needed):
            continue
        if any(low <= point <= high for point in points for low, high in face.ranges):
            needed.add(face)
    if CJK_TC in needed:  # a Traditional document sets all its Chinese (a "中文" line too) in TC
        needed.discard(CJK)
    return [face for face in FACES if face in needed]


def register(pdf: FPDF, faces: Iterable[Face]) -> None:
    """Add the faces (regular and bold) to the document and make them each other's fallbacks."""
    wanted = list(faces)
    check_fonts(wanted)
    for face in wanted:
        pdf.add_font(face.family, "", face.regular, collection_font_number=face.collection_index)
        pdf.add_font(face.family, "B", face.bold, collection_font_number=face.collection_index)
    # Nastaliq is never a fallback (see URDU); exact_match=False lets bold text borrow a regular glyph.
    pdf.set_fallback_fonts([face.family for face in FALLBACK_ORDER if face in wanted], exact_match=False)


# --- on screen and in the HTML poster ---------------------------------------------------------------------

STATIC_FONTS_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"  # static/fonts/README.md
STATIC_FONTS_URL = "/app/static/fonts"  # where Streamlit serves it (enableStaticServing)
NASTALIQ_WEB_FAMILY = "Noto Nastaliq Urdu"
NASTALIQ_WEB_FILES = (  # (file, CSS font-weight), under static/fonts/noto-nastaliq-urdu/
    ("NotoNastaliqUrdu-Regular.ttf", 400),
    ("NotoNastaliqUrdu-Bold.ttf", 700),
)
# The browser's font stack per catalog, first the face the PDFs use. Urdu: our served Nastaliq (it has no
# Latin letters: a name or "QR" in Urdu text takes Streamlit's own Source Sans, not a serif). Chinese: the Traditional or Simplified faces phones and
# desktops ship, so a shared code point takes the glyph shape its readers expect.
WEB_FAMILIES = {
    "ur": f'"{NASTALIQ_WEB_FAMILY}", "Source Sans", "Noto Sans", sans-serif',
    "zh": '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    "zh-Hant": '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif',
}
# Nastaliq climbs diagonally and hangs below the line: it needs about twice the line height of Latin text.
WEB_LINE_HEIGHT = {"ur": "2.1"}


def web_family(lang: str) -> str | None:
    """The CSS font-family list for text in catalog `lang`; None: the page's own font is right."""
    return WEB_FAMILIES.get(lang)


@lru_cache(maxsize=2)
def _font_data_url(name: str) -> str:
    data = (STATIC_FONTS_DIR / "noto-nastaliq-urdu" / name).read_bytes()
    return "data:font/ttf;base64," + base64.b64encode(data).decode("ascii")


def web_font_faces(lang: str, *, embed: bool = False) -> str:
    """The @font-face rules for the fonts the app serves that text in `lang` needs ('' for most catalogs).

    `embed=False`: the app's own URL (the restock page); `embed=True`: the font inside the CSS as a data: URL,
    for an HTML file opened from disk (the poster). Always the served file, not a local() copy: it is the
    version the PDFs use, and a browser caches it after the first page."""
    if lang != "ur":
        return ""
    rules = []
    for name, weight in NASTALIQ_WEB_FILES:
        url = _font_data_url(name) if embed else f"{STATIC_FONTS_URL}/noto-nastaliq-urdu/{name}"
        rules.append(
            f'@font-face {{ font-family: "{NASTALIQ_WEB_FAMILY}"; font-style: normal; font-weight: {weight}; '
            f'font-display: swap; src: url("{url}") format("truetype"); }}'
        )
    return "\n".join(rules)


def web_fonts_css(lang: str, selector: str) -> str:
    """A <style> block setting text under `selector` in the catalog's fonts ('' when the default is right).

    Everything `lang` decides is one of our constants (the catalog code picks from WEB_FAMILIES), so the
    block carries nothing anyone typed. Code (a confirmation number, a link) keeps its monospace font, and
    Streamlit's icons (a font whose ligatures draw them) keep theirs."""
    family = web_family(lang)
    if family is None:
        return ""
    keep = ":not(code, code *, pre, pre *, [data-testid='stIconMaterial'])"
    rules = [
        f"{selector} :is(h1, h2, h3, p, li, label, input, textarea, button, span, div){keep} "
        f"{{ font-family: {family}; }}"
    ]
    if lang in WEB_LINE_HEIGHT:
        rules.append(f"{selector} :is(p, li, label){keep} {{ line-height: {WEB_LINE_HEIGHT[lang]}; }}")
        # Headings: a little less (a Latin organization name in h3 would drift apart), and the title smaller,
        # since Nastaliq looks about a third larger than Source Sans at the same size.
        rules.append(f"{selector} :is(h1, h2, h3){keep} {{ line-height: 1.7; }}")
        rules.append(f"{selector} h1{keep} {{ font-size: 2.2rem; }}")
    return "<style>\n" + "\n".join(filter(None, [web_font_faces(lang), *rules])) + "\n</style>"
