"""The deployment files that cannot run here are at least checked here: the Caddyfile is valid for a public
domain (Let's Encrypt, as compose.yaml and the systemd route use it) and for `tls internal`; the Dockerfile copies
files that exist; the systemd units run commands this repository has; no secret is written into any of them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
CADDY = shutil.which("caddy")


def _validate(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), **settings}
    return subprocess.run(
        [CADDY or "caddy", "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(CADDY is None, reason="Caddy is not installed (make system-deps)")
@pytest.mark.parametrize(
    "settings",
    [
        {"KYR_SITE_ADDRESS": "kyr.example.org", "KYR_TLS": "", "KYR_UPSTREAMS": "app1:8501 app2:8501"},
        {
            "KYR_SITE_ADDRESS": "https://127.0.0.1:8443",
            "KYR_TLS": "tls internal",
            "KYR_UPSTREAMS": "127.0.0.1:8501 127.0.0.1:8502",
            "KYR_HTTP_PORT": "8080",
            "KYR_HTTPS_PORT": "8443",
        },
    ],
    ids=["public-domain", "tls-internal"],
)
def test_the_caddyfile_is_valid(tmp_path, settings):
    done = _validate(tmp_path, **settings)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Valid configuration" in done.stdout + done.stderr


def test_the_dockerfile_copies_what_exists_and_runs_as_a_user():
    text = (DEPLOY / "Dockerfile").read_text("utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim-bookworm" in text
    for sources in re.findall(r"^COPY (.+) \S+$", text, flags=re.MULTILINE):
        for source in sources.split():
            assert (ROOT / source).exists(), f"deploy/Dockerfile copies {source}, which does not exist"
    assert re.search(r"^USER kyr$", text, flags=re.MULTILINE) and "HEALTHCHECK" in text
    assert "secrets.toml" in (ROOT / ".dockerignore").read_text("utf-8")


def test_the_systemd_units_run_commands_this_repository_has():
    units = {path.name: path.read_text("utf-8") for path in (DEPLOY / "systemd").glob("kyr*")}
    assert {
        "kyr@.service",
        "kyr.target",
        "kyr-migrate.service",
        "kyr-backup.service",
        "kyr-backup.timer",
    } <= set(units)
    for name, text in units.items():
        for module in re.findall(r"python -m ([\w.]+)", text):
            assert (ROOT / Path(*module.split("."))).with_suffix(".py").is_file(), f"{name}: {module}"
        for script in re.findall(r"streamlit run (\S+)", text):
            assert (ROOT / script).is_file(), f"{name}: {script}"
    assert "--keep" in units["kyr-backup.service"] and "OnCalendar=" in units["kyr-backup.timer"]
    assert "User=kyr" in units["kyr@.service"] and "127.0.0.1 --server.port %i" in units["kyr@.service"]


def test_no_secret_is_written_into_the_deployment_files():
    files = [*DEPLOY.rglob("*"), ROOT / "compose.yaml"]
    for path in (p for p in files if p.is_file()):
        text = path.read_text("utf-8")
        assert not re.search(r"PASSWORD=(?!change-me|\$\{)[^\s]+", text), f"{path.name} holds a password"
