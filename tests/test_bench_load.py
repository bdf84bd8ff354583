"""bench/bench_load.py's section of docs/performance.md survives bench/run.py writing the page report again."""

from __future__ import annotations

from bench.bench_load import BEGIN, END, load_section, write_report


def test_the_page_report_keeps_the_load_section(tmp_path):
    report = tmp_path / "performance.md"
    section = f"{BEGIN}\n## Load across processes\n\n| 2 processes | 3.1/s |\n{END}"
    report.write_text(f"# Performance\n\nold pages\n\n{section}\n", "utf-8")

    write_report(report, "# Performance\n\nnew pages\n")

    text = report.read_text("utf-8")
    assert "new pages" in text and "old pages" not in text
    assert load_section(text) == section


def test_a_report_without_the_section_is_written_as_is(tmp_path):
    report = tmp_path / "performance.md"
    write_report(report, "# Performance\n")
    assert report.read_text("utf-8") == "# Performance\n"
