"""The whole deployment on one machine: PostgreSQL, N app processes and Caddy in front (`make serve`).

    python scripts/stack.py                 # KYR_PROCESSES app processes (default 2); Ctrl-C stops everything
    python scripts/stack.py --processes 3

What it starts, in order:
1. PostgreSQL: the one in DATABASE_URL when that names a PostgreSQL database, otherwise a throwaway server
   (scripts/throwaway-postgres.sh: its own /tmp/kyr-pg.* directory, a free loopback port, deleted at the end).
2. The schema upgrade, once, before any app process starts (and the demo data into an empty database when
   KYR_DEMO_DATA is not 0), so the processes never race to migrate.
3. N times `streamlit run serve.py` on free loopback ports, each checked on /_stcore/health.
4. Caddy with deploy/Caddyfile on a free HTTPS port (its own local CA, `tls internal`; `KYR_HTTPS_PORT` fixes
   the port), with its data (the CA's keys) in this run's temporary directory and no admin endpoint.

Tests and benchmarks use `running_stack()` (tests/e2e/test_deployment.py, bench/bench_load.py). For a server
with a domain name, follow docs/deploy.md (systemd units or Docker) instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CADDYFILE = ROOT / "deploy" / "Caddyfile"
POSTGRES_SCRIPT = ROOT / "scripts" / "throwaway-postgres.sh"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"
HEALTH = "/_stcore/health"
START_SECONDS = 90


class StackError(RuntimeError):
    """A part of the stack did not start; the message says which and where its log is."""


@dataclass
class AppProcess:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def dial(self) -> str:
        """The upstream address as Caddy dials it (and hashes it into the `lb` cookie)."""
        return f"127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Stack:
    url: str  # the public address, through Caddy
    database_url: str
    apps: list[AppProcess]
    caddy: subprocess.Popen[bytes]
    workdir: Path
    env: dict[str, str] = field(repr=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def insecure_context() -> ssl.SSLContext:
    """For talking to Caddy's local CA from this machine (the certificate is real, its root is not trusted)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2, context=insecure_context()) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_healthy(url: str, what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"{what} exited with status {process.returncode}; see {log}:\n{_tail(log)}")
        if _healthy(url):
            return
        time.sleep(0.3)  # a process that is starting: nothing to wait on but its port
    raise StackError(
        f"{what} did not answer {url}{HEALTH} within {START_SECONDS} s; see {log}:\n{_tail(log)}"
    )


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def _database(database_url: str | None, workdir: Path) -> Iterator[str]:
    """The configured PostgreSQL database, or a throwaway server for this run."""
    if database_url:
        yield database_url
        return
    pg_dir = Path(tempfile.mkdtemp(prefix="kyr-pg.", dir="/tmp"))
    done = subprocess.run(
        ["bash", str(POSTGRES_SCRIPT), "start", str(pg_dir), str(os.getpid())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop", str(pg_dir)], check=False)
        raise StackError(f"PostgreSQL did not start: {done.stderr.strip()}")
    try:
        yield done.stdout.strip()
    finally:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop", str(pg_dir)], check=False, timeout=60)


def app_command(port: int) -> list[str]:
    """One app process on a loopback port: `streamlit run serve.py` (also the browser tests' server)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "serve.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # A server does not reload its code when a file changes; watching costs every session a scan of
        # every loaded module after each run (bench/bench_load.py measured it).
        "--server.fileWatcherType",
        "none",
    ]


def _start_app(env: dict[str, str], workdir: Path, number: int) -> AppProcess:
    port = free_port()
    log = workdir / f"app-{number}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            app_command(port), cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    return AppProcess(port=port, process=process, log=log)


def _start_caddy(
    env: dict[str, str], workdir: Path, apps: list[AppProcess], https_port: int
) -> subprocess.Popen[bytes]:
    caddy_env = {
        **env,
        "KYR_SITE_ADDRESS": f"https://127.0.0.1:{https_port}",
        "KYR_TLS": "tls internal",
        "KYR_UPSTREAMS": " ".join(app.dial for app in apps),
        "KYR_HTTPS_PORT": str(https_port),
        "KYR_HTTP_PORT": str(free_port()),
        "KYR_CADDY_ADMIN": "off",
        # Caddy keeps its certificates and its local CA's keys under XDG_DATA_HOME: this run's directory.
        "XDG_DATA_HOME": str(workdir / "caddy-data"),
        "XDG_CONFIG_HOME": str(workdir / "caddy-config"),
        "HOME": str(workdir),
    }
    log = workdir / "caddy.log"
    with log.open("wb") as output:
        return subprocess.Popen(
            [CADDY, "run", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
            cwd=workdir,
            env=caddy_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def running_stack(
    *,
    processes: int = 2,
    database_url: str | None = None,
    demo_data: bool = False,
    environment: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Start PostgreSQL (unless `database_url` is given), migrate, N app processes and Caddy; stop them all
    after, whatever happens."""
    if processes < 1:
        raise StackError(f"KYR_PROCESSES={processes}: at least one app process is needed.")
    if not Path(CADDY).exists():
        raise StackError("Caddy is not installed (Debian package: caddy).")
    workdir = Path(tempfile.mkdtemp(prefix="kyr-stack."))
    started: list[subprocess.Popen[bytes]] = []
    try:
        with _database(database_url, workdir) as url:
            https_port = int(os.environ.get("KYR_HTTPS_PORT") or free_port())
            public_url = f"https://127.0.0.1:{https_port}"
            env = {
                **os.environ,
                **(environment or {}),
                "DATABASE_URL": url,
                "KYR_PUBLIC_URL": public_url,
                "KYR_DEMO_DATA": "1" if demo_data else "0",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
            subprocess.run(  # the one schema upgrade (and demo data into an empty database)
                [sys.executable, "-m", "outreach.demo", "--if-empty"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=600,
            )
            apps = [_start_app(env, workdir, number) for number in range(1, processes + 1)]
            started.extend(app.process for app in apps)
            for number, app in enumerate(apps, start=1):
                _wait_healthy(f"http://{app.dial}", f"App process {number}", app.process, app.log)
            caddy = _start_caddy(env, workdir, apps, https_port)
            started.append(caddy)
            _wait_healthy(public_url, "Caddy", caddy, workdir / "caddy.log")
            yield Stack(url=public_url, database_url=url, apps=apps, caddy=caddy, workdir=workdir, env=env)
    finally:
        for process in reversed(started):
            _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/stack.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--processes",
        type=int,
        default=int(os.environ.get("KYR_PROCESSES") or 2),
        help="app processes behind Caddy (default: KYR_PROCESSES, or 2)",
    )
    args = parser.parse_args(argv)
    configured = os.environ.get("DATABASE_URL", "")
    if configured and not configured.startswith("postgresql"):
        print(
            f"DATABASE_URL names {configured.split(':')[0]}; several processes need PostgreSQL.",
            file=sys.stderr,
        )
        return 2
    demo = os.environ.get("KYR_DEMO_DATA", "1").strip().lower() not in {"0", "false", "no", "off"}
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        with running_stack(
            processes=args.processes, database_url=configured or None, demo_data=demo
        ) as stack:
            where = "configured database" if configured else "throwaway PostgreSQL, deleted at the end"
            print(f"KYR Tracker on {stack.url}  ({args.processes} app processes behind Caddy; {where})")
            print("Caddy's certificate comes from its own local CA: the browser asks you to accept it once.")
            print(f"Logs: {stack.workdir}. Ctrl-C stops everything.", flush=True)
            reported: set[int] = set()
            while True:
                for number, app in enumerate(stack.apps, start=1):
                    if not app.alive() and number not in reported:
                        reported.add(number)
                        print(
                            f"App process {number} exited ({app.process.returncode}); Caddy routes around it."
                        )
                if stack.caddy.poll() is not None:
                    print(f"Caddy exited ({stack.caddy.returncode}); see {stack.workdir / 'caddy.log'}.")
                    return 1
                time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopped: Caddy, the app processes and PostgreSQL.")
        return 0
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
