"""`make serve` (scripts/stack.py): prints the HTTPS address, serves through Caddy, and Ctrl-C stops everything
it started (Caddy, the app processes, the throwaway PostgreSQL and its directory). The stack's behaviour under
load and with a process killed is tests/e2e/test_deployment.py's; this is the command itself.

It starts its own PostgreSQL, so it runs once, in the SQLite half of `make test` (postgres_servers)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.stack import insecure_context

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.postgres_servers, pytest.mark.slow]


def _children(pid: int) -> set[int]:
    """Every process below `pid` (from /proc, no extra tools)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_make_serve_prints_the_url_serves_it_and_stops_everything_on_ctrl_c():
    env = {**os.environ, "KYR_DEMO_DATA": "0", "KYR_PROCESSES": "1"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "scripts/stack.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()  # printed once everything answers
        found = re.search(r"KYR Tracker on (https://127\.0\.0\.1:\d+)\s+\(1 app processes", first_line)
        assert found, f"no URL printed: {first_line!r} {process.stderr.read() if process.poll() else ''}"
        url = found.group(1)
        with urllib.request.urlopen(url + "/_stcore/health", context=insecure_context(), timeout=10) as reply:
            assert reply.status == 200
        started = _children(process.pid)
        postgres_dirs = {
            d
            for d in Path("/tmp").glob("kyr-pg.*")
            if (d / "owner").exists() and (d / "owner").read_text().split()[0] == str(process.pid)
        }
        assert len(postgres_dirs) == 1, "the stack's own PostgreSQL directory, owned by its process"
        assert len(started) >= 2  # Caddy and one app process (PostgreSQL runs detached: pg_ctl)
        (postgres_dir,) = postgres_dirs
        started.add(int((postgres_dir / "data" / "postmaster.pid").read_text().split()[0]))

        process.send_signal(signal.SIGINT)  # Ctrl-C
        out, _ = process.communicate(timeout=90)
        assert process.returncode == 0
        assert "Stopped" in out
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in started):
            time.sleep(0.2)  # processes being reaped by init after their parent left
        left = [pid for pid in started if Path(f"/proc/{pid}").exists()]
        assert not left, f"processes left running after Ctrl-C: {left}"
        assert not any(d.exists() for d in postgres_dirs), (
            "the throwaway PostgreSQL directory was not removed"
        )
    finally:
        if process.poll() is None:  # a failed assertion: still stop what it started (Ctrl-C), then insist
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
