"""The peers: each page written the naive way, for comparison. Every rerun reads whole tables with
pd.read_sql and computes in pandas; they show the same main table(s) as the page (same visible rows)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
# Page file stem -> its peer (the requests page may be renamed restock_requests).
ALIASES = {"restock_requests": "requests"}


def peer_for(page_stem: str) -> Path | None:
    path = HERE / f"{ALIASES.get(page_stem, page_stem)}.py"
    return path if path.exists() else None
