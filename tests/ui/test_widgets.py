"""Download buttons (outreach/ui/widgets.py csv_download and every other one in the app) never rerun the page.

In Streamlit 1.67 a download button whose click also reruns the page can lose a lazily built file: the
reply carrying its address is dropped from the outgoing queue when the rerun starts, and the button spins
for three minutes (issue 14.6). The browser tests in tests/e2e/test_downloads.py click each button twice.
"""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("outreach/ui/*.py"), ROOT / "app.py"])


def _download_buttons(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "download_button"
    ]


def _on_click(call: ast.Call) -> object:
    keyword = next((k for k in call.keywords if k.arg == "on_click"), None)
    return keyword.value.value if keyword and isinstance(keyword.value, ast.Constant) else None


def test_every_download_button_leaves_the_page_alone():
    calls = {path: _download_buttons(path) for path in SOURCES}
    assert sum(map(len, calls.values())) >= 10  # the check sees the app's buttons
    rerunning = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, found in calls.items()
        for call in found
        if _on_click(call) != "ignore"
    ]
    assert rerunning == [], f'download buttons without on_click="ignore": {rerunning}'


def _stock_csv() -> None:
    import pandas as pd

    from outreach.ui.widgets import csv_download

    csv_download(pd.DataFrame({"item": ["Flyer"], "on_hand": [757]}), label="CSV", file_name="x.csv", key="k")


def test_csv_download_offers_the_frame_without_a_rerun_on_click():
    at = AppTest.from_function(_stock_csv).run()
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.proto.label == "CSV"
    assert button.proto.ignore_rerun  # what the browser reads: no rerun on click
