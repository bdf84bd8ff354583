"""Every leader-facing key the field modules use exists in the catalogs (tests/test_i18n.py checks all ten
languages have the same keys and placeholders)."""

from __future__ import annotations

import re
from pathlib import Path

from outreach import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "pages" / "restock.py",
    *sorted((ROOT / "outreach" / "field").glob("*.py")),
    ROOT / "outreach" / "ui" / "parcel_receipts.py",
    ROOT / "outreach" / "ui" / "handout_form.py",
    ROOT / "outreach" / "documents" / "pdf.py",
]


def test_every_field_key_in_the_code_exists():
    pattern = re.compile(r"""["']((?:receipt|handouts)\.[a-z_.]+)["']""")
    used = {key for path in SOURCES for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert {"receipt.confirm", "handouts.more_than_had", "receipt.slip_scan"} <= used
    assert used <= set(i18n.messages("en")), used - set(i18n.messages("en"))
