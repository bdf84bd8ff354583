"""Size limits from DESIGN.md: a page stays thin (at most 150 lines: guard, cached reads, calls into its
outreach/ui sections) and a module stays readable (at most 400 lines, then it is split by what it does).
Migrations are generated and frozen, so they are not counted."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_LIMIT = 150
MODULE_LIMIT = 400


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _over(paths: list[Path], limit: int) -> list[str]:
    assert paths, "no files found: the layout moved, and this check must follow it"
    return [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in sorted(paths)
        if (lines := _line_count(path)) > limit
    ]


def test_every_page_is_at_most_150_lines():
    offenders = _over(list((ROOT / "pages").glob("*.py")), PAGE_LIMIT)
    assert not offenders, (
        f"Pages over {PAGE_LIMIT} lines; move sections into outreach/ui/<page>.py:\n  "
        + "\n  ".join(offenders)
    )


def test_every_module_under_outreach_is_at_most_400_lines():
    modules = [path for path in (ROOT / "outreach").rglob("*.py") if "migrations" not in path.parts]
    offenders = _over(modules, MODULE_LIMIT)
    assert not offenders, f"Modules over {MODULE_LIMIT} lines; split them by what they do:\n  " + "\n  ".join(
        offenders
    )
