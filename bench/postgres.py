"""A PostgreSQL server for the benchmarks, kept in bench/out/pg so the generated data survives between runs.

Unlike scripts/throwaway-postgres.sh (the test run's server, deleted after each run), this one keeps its data
directory: generating fifty times the campaign takes minutes, measuring it again should not.
    python -m bench.postgres start|stop
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
DATA = OUT / "pg"
PORT = int(os.environ.get("KYR_BENCH_PG_PORT", "54331"))


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit("PostgreSQL is not installed (Debian package: postgresql); run with --db sqlite.")
    return found[-1]


def _as_owner(*command: str) -> subprocess.CompletedProcess[str]:
    # initdb refuses to run as root: as root, the server runs as the `postgres` system user.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=False, capture_output=True, text=True)


def url(database: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/{database}"


def start() -> None:
    """Start the server (initialising it the first time); a running server is left as it is."""
    if not (DATA / "PG_VERSION").exists():
        DATA.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres", str(DATA)], check=True)
        done = _as_owner(_bin("initdb"), "-D", str(DATA), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        if done.returncode:
            raise SystemExit(f"initdb failed: {done.stderr.strip()}")
    if _as_owner(_bin("pg_ctl"), "-D", str(DATA), "status").returncode == 0:
        return
    options = f"-h 127.0.0.1 -p {PORT} -k {DATA} -c max_connections=200 -c shared_buffers=256MB"
    done = _as_owner(
        _bin("pg_ctl"), "-D", str(DATA), "-l", str(DATA / "server.log"), "-w", "-o", options, "start"
    )
    if done.returncode:
        raise SystemExit(f"PostgreSQL did not start: {done.stderr.strip()} (see {DATA / 'server.log'})")


def ensure_database(database: str) -> None:
    exists = _as_owner(
        _bin("psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(PORT),
        "-U",
        "postgres",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{database}'",
    )
    if exists.stdout.strip() != "1":
        _as_owner(_bin("createdb"), "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", database)


def drop_database(database: str) -> None:
    _as_owner(_bin("dropdb"), "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "--if-exists", database)


def stop() -> None:
    _as_owner(_bin("pg_ctl"), "-D", str(DATA), "-m", "fast", "stop")


if __name__ == "__main__":
    {"start": start, "stop": stop}[sys.argv[1]]()
