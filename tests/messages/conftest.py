"""A real SMTP server (aiosmtpd) on 127.0.0.1 on a free port, that can go down and come back, refuse a
recipient, and keep what it received; and the mail settings pointed at it."""

from __future__ import annotations

import email
import socket
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from outreach import config, organizations
from outreach.accounts import auth
from outreach.messages import preferences
from outreach.restock import links
from outreach.restock import submission as restock

REFUSED = "refused@example.org"
PUBLIC_URL = "https://kyr.example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Handler:
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == REFUSED:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]

    def mailbox(self, address: str) -> dict[str, EmailMessage]:
        """What a mailbox shows when its server de-duplicates by Message-ID."""
        return {m["Message-ID"]: m for m in self.to(address)}


@pytest.fixture
def mail_env(database_url, monkeypatch):
    monkeypatch.setenv("KYR_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("KYR_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.delenv("KYR_SMTP_HOST", raising=False)
    monkeypatch.setenv("KYR_DIGEST_HOUR", "24")  # never due, unless a test says otherwise
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


@pytest.fixture
def smtp_server(mail_env, monkeypatch):
    server = MailServer()
    server.start()
    monkeypatch.setenv("KYR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KYR_SMTP_PORT", str(server.port))
    monkeypatch.setenv("KYR_SMTP_TLS", "none")
    monkeypatch.setenv("KYR_SMTP_FROM", "KYR Tracker <kyr@example.org>")
    config.settings.cache_clear()
    yield server
    server.stop()
    config.settings.cache_clear()


def coordinator(sessions, name: str, *, mode: str | None = "each", boroughs=(), role="coordinator") -> int:
    user_id = auth.create_user(
        sessions, username=name, password="long-enough-pw", role=role, email=f"{name}@example.org", actor="t"
    )
    if mode is not None:
        preferences.set_notifications(sessions, user_id=user_id, mode=mode, boroughs=boroughs, actor="t")
    return user_id


def organization(sessions, name: str, *, borough="Brooklyn", lang="bn", email: str | None = None) -> int:
    return organizations.create_organization(
        sessions,
        name=name,
        borough=borough,
        languages=[lang],
        preferred_language=lang,
        contact_email=email,
        actor="t",
    )


def submit_by_link(sessions, ref, organization_id: int, packs: int = 3) -> restock.Submitted:
    """A leader's submission through the organization's private link (made on first use).

    The links are kept on the session factory itself: keyed by `id(sessions)`, a later test's factory could
    get a freed id and be handed an earlier test's link (seen once in CI: "this link does not work")."""
    issued: dict[int, str] = sessions.__dict__.setdefault("_test_links", {})
    if organization_id not in issued:
        issued[organization_id] = links.issue_link(sessions, organization_id=organization_id, actor="t")
    token = issued[organization_id]
    return restock.submit_request(
        sessions,
        token=token,
        lines={ref.units[("flyer", "bn")]: packs},
        idempotency_key=uuid.uuid4().hex,
        language="bn",
    )
