"""How long one printed document takes to make, by language (the Chinese font collection dominates).

    python -m bench.bench_documents [--runs 5]

Sample data, no database: the time is fpdf2's (font parsing, HarfBuzz shaping, subsetting on output).
Prints the median milliseconds per document and its size. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

from outreach.catalog import LANGUAGE_CODES
from outreach.documents import pdf as documents
from outreach.documents.shipment import DocumentLine, ShipmentDetails


def sample(lang: str, lines: int) -> ShipmentDetails:
    return ShipmentDetails(
        shipment_id=1,
        status="packed",
        organization_name="Sample Community Center",
        address="1 Main St",
        zip_code="11218",
        borough="Brooklyn",
        preferred_language=lang,
        depot="Brooklyn depot",
        created_at=None,
        request_reference=None,
        packing_note=None,
        lines=tuple(DocumentLine("flyer", lang, "2026-03", 50 * (i + 1)) for i in range(lines)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'language':8} {'pick list ms':>12} {'slip ms':>8} {'poster ms':>9} {'slip KB':>8}")
    for lang in LANGUAGE_CODES:
        shipment = sample(lang, 4)
        timings: dict[str, list[float]] = {"pick": [], "slip": [], "poster": []}
        size = 0
        for _ in range(args.runs):
            makers = {
                "pick": partial(documents.pick_list, shipment),
                "slip": partial(documents.packing_slip, shipment),
                "poster": partial(
                    documents.qr_poster, organization_name="Sample", url="https://x/r?t=a", language=lang
                ),
            }
            for kind, make in makers.items():
                start = time.perf_counter()
                pdf = make()
                timings[kind].append((time.perf_counter() - start) * 1000)
                if kind == "slip":
                    size = len(pdf)
        medians = {kind: statistics.median(values) for kind, values in timings.items()}
        print(
            f"{lang:8} {medians['pick']:12.0f} {medians['slip']:8.0f} {medians['poster']:9.0f} {size / 1024:8.0f}"
        )


if __name__ == "__main__":
    main()
