"""scripts/throwaway-postgres.sh: each test run gets its own server on a free port, and a server left behind by
a killed run is removed by the next start, never one whose run is still going.

These start real PostgreSQL servers, so they run once, in the SQLite half of `make test` (marker
`postgres_servers`, deselected in the PostgreSQL half)."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "throwaway-postgres.sh"

pytestmark = pytest.mark.postgres_servers


def _start_command(directory: Path, owner: int, port: int | None = None) -> list[str]:
    return ["bash", str(SCRIPT), "start", str(directory), str(owner), *([str(port)] if port else [])]


def _started(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"the server did not start: {done.stderr}"
    return done.stdout.strip()


def _start(directory: Path, owner: int, port: int | None = None) -> str:
    done = subprocess.run(_start_command(directory, owner, port), capture_output=True, text=True, timeout=120)
    return _started(done)


def _port(url: str) -> int:
    port = make_url(url).port
    assert port is not None
    return port


def _answers(url: str) -> bool:
    parsed = make_url(url)
    try:
        with psycopg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            dbname=parsed.database,
            connect_timeout=5,
        ) as connection:
            return connection.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


@pytest.fixture
def server_dir() -> Iterator[object]:
    """Makes /tmp/kyr-pg.* directories the way scripts/run-tests.sh does; stops their servers afterwards."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.fail("PostgreSQL is missing: run `make system-deps` (Debian package postgresql).")
    made: list[Path] = []

    def make() -> Path:
        made.append(Path(tempfile.mkdtemp(prefix="kyr-pg.", dir="/tmp")))
        return made[-1]

    yield make
    for directory in made:
        subprocess.run(["bash", str(SCRIPT), "stop", str(directory)], check=False, timeout=60)


@pytest.fixture
def run_process() -> Iterator[object]:
    """Stand-ins for test runs that own a server: a process that is alive until the test kills it."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        started.append(subprocess.Popen(["sleep", "600"]))
        return started[-1]

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_two_servers_started_at_once_listen_on_different_free_ports_and_both_answer(server_dir, run_process):
    owner = run_process().pid
    starts = [
        subprocess.Popen(
            _start_command(server_dir(), owner), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    urls = []
    for process in starts:
        stdout, stderr = process.communicate(timeout=120)
        urls.append(_started(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)))

    assert _port(urls[0]) != _port(urls[1])
    assert _port(urls[0]) != 54329 and _port(urls[1]) != 54329  # the port every run used to share
    assert _answers(urls[0]) and _answers(urls[1])


def test_a_port_taken_before_the_server_binds_it_is_given_up_for_another(server_dir, run_process):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        done = subprocess.run(
            _start_command(server_dir(), run_process().pid, busy), capture_output=True, text=True, timeout=120
        )
        url = _started(done)

    assert _port(url) != busy
    assert f"Port {busy} was taken" in done.stderr
    assert _answers(url)


def test_a_server_whose_run_was_killed_is_stopped_and_removed_by_the_next_start(server_dir, run_process):
    killed_run = run_process()
    leftover = server_dir()
    leftover_url = _start(leftover, killed_run.pid)
    assert (leftover / "owner").read_text().split()[0] == str(killed_run.pid)
    killed_run.kill()  # a SIGKILL: its trap never ran, the server is still up
    killed_run.wait()
    assert _answers(leftover_url)

    next_url = _start(server_dir(), run_process().pid)

    assert not leftover.exists()
    assert not _answers(leftover_url)
    assert _answers(next_url)


def test_a_server_whose_run_is_still_going_is_kept_by_the_next_start(server_dir, run_process):
    running = server_dir()
    running_url = _start(running, run_process().pid)

    next_url = _start(server_dir(), run_process().pid)

    assert (running / "data").is_dir()
    assert _answers(running_url) and _answers(next_url)


def test_start_refuses_an_owner_that_is_not_running(server_dir, run_process):
    gone = run_process()
    gone.kill()
    gone.wait()

    done = subprocess.run(_start_command(server_dir(), gone.pid), capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert f"The owner process {gone.pid} is not running" in done.stderr
