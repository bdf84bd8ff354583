"""`python -m outreach.messages send`, in a fresh interpreter, against the test database and SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.messages.conftest import organization, submit_by_link

ROOT = Path(__file__).resolve().parents[2]


def run_send(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "KYR_DEMO_DATA": "0"}
    return subprocess.run(
        [sys.executable, "-m", "outreach.messages", "send", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_sends_what_is_due_once(sessions, ref, database_url, smtp_server):
    org = organization(sessions, "Église Baptiste", lang="fr", email="eglise@example.org")
    submit_by_link(sessions, ref, org)
    first = run_send(database_url)
    assert first.returncode == 0, first.stderr
    assert "1 sent" in first.stdout
    assert [m["To"] for m in smtp_server.received] == ["eglise@example.org"]
    again = run_send(database_url)
    assert "0 sent" in again.stdout and len(smtp_server.received) == 1


def test_without_a_server_it_says_messages_wait(sessions, ref, database_url, mail_env):
    org = organization(sessions, "Iglesia", lang="es", email="iglesia@example.org")
    submit_by_link(sessions, ref, org)
    result = run_send(database_url)
    assert result.returncode == 0 and "KYR_SMTP_HOST is not set" in result.stdout
