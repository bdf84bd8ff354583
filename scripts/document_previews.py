"""Render the printed documents to small PNG previews for the README (docs/documents-*.png).

    .venv/bin/python scripts/document_previews.py [--dpi 90]

Sample data, no database. Needs poppler-utils (pdftoppm), which `scripts/install-system-deps.sh test` installs.
The previews are how the shaping of Bengali, Arabic, Urdu, Yiddish and Chinese (Simplified and Traditional) was
checked by eye.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outreach import i18n  # noqa: E402
from outreach.documents import pdf as documents  # noqa: E402
from outreach.documents.shipment import DocumentLine, ShipmentDetails  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"
SAMPLES = {
    "bn": "Jackson Heights জ্যাকসন হাইটস বায়তুল মামুর মসজিদ",
    "ar": "Bay Ridge مسجد النور",
    "ur": "Coney Island مسجد مکی",
    "yi": "Williamsburg קהל ייִטב־לב",
    "zh": "Flushing 法拉盛华人基督教会",
    "zh-Hant": "Chinatown 華埠浸信會",
}
URL = "https://kyr.example.org/restock?t=" + "x" * 43


def sample(lang: str) -> ShipmentDetails:
    stock = i18n.language_of_catalog(lang)  # Traditional Chinese readers get the Chinese stock
    return ShipmentDetails(
        shipment_id=1042,
        status="packed",
        organization_name=SAMPLES[lang],
        address="409 E 8th St",
        zip_code="11218",
        borough="Brooklyn",
        preferred_language=lang,
        depot="Brooklyn depot",
        created_at=dt.datetime(2026, 3, 9, 14, 5),
        request_reference="R-7QX2K9",
        packing_note="Side door; deliveries after 3 pm.",
        receipt_url="https://kyr.example.org/restock?r=1042.sample-signature",  # the slip's "we received it" code
        lines=(
            DocumentLine("flyer", stock, "2026-03", 300),
            DocumentLine("flyer", "en", "2026-03", 50),
            DocumentLine("booklet", stock, "2026-03", 85),
        ),
    )


def render(pdf: bytes, target: Path, dpi: int, *, crop_to: float = 1.0) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), f"{folder}/page"], check=True
        )
        image = Image.open(f"{folder}/page.png").convert("L")
        image = image.crop((0, 0, image.width, int(image.height * crop_to)))
        image.quantize(16).save(target, optimize=True)  # grey text and black lines: 16 shades are plenty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=90)
    args = parser.parse_args()
    for lang in SAMPLES:
        target = DOCS / f"documents-packing-slip-{lang.lower()}.png"
        render(
            documents.packing_slip(sample(lang)), target, args.dpi, crop_to=0.85
        )  # down to the receipt code
        print(target.relative_to(DOCS.parent), target.stat().st_size, "bytes")
    for lang in ("ur", "bn", "zh-Hant"):
        target = DOCS / f"documents-poster-{lang.lower()}.png"
        render(documents.qr_poster(organization_name=SAMPLES[lang], url=URL, language=lang), target, args.dpi)
        print(target.relative_to(DOCS.parent), target.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
