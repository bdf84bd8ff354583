"""The app's sender: get_sessions() starts one background thread per process when SMTP is configured, and it
delivers what is queued without anyone running the command."""

from __future__ import annotations

import threading
import time

from outreach.config import settings
from outreach.ui import resources
from tests.messages.conftest import organization, submit_by_link


def senders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kyr-mail-sender" and t.is_alive()]


def test_the_app_process_starts_one_sender_that_delivers(app_env, smtp_server, sessions, ref):
    org = organization(sessions, "St. Mary's", lang="en", email="office@example.org")
    submit_by_link(sessions, ref, org)
    current = settings()

    resources.get_sessions()
    resources.get_sessions()  # every page run calls it: still one thread
    background = resources._mail_sender_for(current.database_url, current.smtp_host)
    try:
        assert background is not None and senders() == [background.thread]
        deadline = time.monotonic() + 20
        while not smtp_server.received and time.monotonic() < deadline:
            time.sleep(0.1)  # the thread's first pass runs at once; nothing to wait on but the mailbox
        assert [m["To"] for m in smtp_server.received] == ["office@example.org"]
    finally:
        background.stop.set()
        background.thread.join(timeout=20)
    assert senders() == []


def test_no_smtp_no_thread(app_env):
    resources.get_sessions()
    assert resources._mail_sender_for(settings().database_url, settings().smtp_host) is None
    assert senders() == []
