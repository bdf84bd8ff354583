"""Render the campaign report (outreach/field/report_pdf.py) to PNG previews: docs/report-campaign-p1.png, -p2.png.

    .venv/bin/python scripts/report_preview.py [--dpi 70]

Sample figures, no database: deliveries spread over the districts in proportion to their LEP speakers, a share
confirmed and handed out. Needs poppler-utils (pdftoppm).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outreach.catalog import LANGUAGE_CODES  # noqa: E402
from outreach.coverage import need  # noqa: E402
from outreach.field import report, report_pdf  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"


def sample() -> pd.DataFrame:
    rng = random.Random(17)
    lep = need.need("district")
    rows = {name: [] for name in ("delivered", "confirmed", "handed_out", "requests", "silent")}
    for row in lep.itertuples():
        if rng.random() < 0.35:
            continue
        delivered = int(row.lep_speakers * rng.uniform(0.004, 0.02)) // 25 * 25
        confirmed = int(delivered * rng.uniform(0.4, 1.0))
        handed = int(confirmed * rng.uniform(0.2, 0.9))
        place = (row.borough, row.area, row.language)
        rows["delivered"].append((*place, "delivered", delivered))
        rows["confirmed"].append((*place, confirmed))
        rows["handed_out"].append((*place, handed))
        rows["requests"].append((*place, rng.randint(0, 2)))
        rows["silent"].append((*place, rng.randint(0, 1)))
    columns = ["borough", "community_district", "language"]
    frames = {
        name: pd.DataFrame(values, columns=[*columns, *(["status"] if name == "delivered" else []), "units"])
        for name, values in rows.items()
    }
    received = pd.Series({code: 3_200 for code in LANGUAGE_CODES})
    return report.report_rows(
        received,
        frames["delivered"],
        frames["confirmed"],
        frames["handed_out"],
        frames["requests"],
        frames["silent"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=70)
    args = parser.parse_args()
    pdf = report_pdf.report_pdf(sample(), generated_at=dt.datetime(2026, 12, 3, 18, 0))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(path), f"{folder}/page"], check=True)
        for number, page in enumerate(sorted(Path(folder).glob("page*.png")), start=1):
            target = DOCS / f"report-campaign-p{number}.png"
            Image.open(page).convert("RGB").quantize(64).save(target, optimize=True)
            print(target.relative_to(DOCS.parent), target.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
