"""SMTP with the standard library: the e-mail as it goes out, and the connection (STARTTLS, TLS or plain).

Network services sit behind a small protocol (DESIGN.md): `Transport` has the real adapter `SmtpTransport`;
tests drive it against a real aiosmtpd server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol

from outreach.config import Settings, settings
from outreach.models import OutboxMessage

TIMEOUT_SECONDS = 30


class SendFailed(Exception):
    """The server did not take the message. `permanent`: it refused it (5xx), trying again will not help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class ServerUnreachable(Exception):
    """No connection (refused, timed out, dropped): nothing more can be sent now."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def configured(values: Settings | None = None) -> bool:
    return bool((values or settings()).smtp_host)


def message_id(key: str, sender: str) -> str:
    """The Message-ID of the message with this outbox key: the same on every attempt."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "kyr-tracker.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def build(row: OutboxMessage, values: Settings | None = None) -> EmailMessage:
    """The e-mail of an outbox row: plain text and HTML alternatives, and for organizations RFC 8058 headers."""
    values = values or settings()
    message = EmailMessage()
    message["From"] = values.smtp_from
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(row.key, values.smtp_from)
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    message["Content-Language"] = row.language  # after the content: set_content clears Content-* headers
    return message


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class SmtpTransport:
    """One connection to the configured server, opened on the first message and reused for the batch."""

    def __init__(self, values: Settings | None = None) -> None:
        self.values = values or settings()
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        values = self.values
        try:
            if values.smtp_tls == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    values.smtp_host,
                    values.smtp_port,
                    timeout=TIMEOUT_SECONDS,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(values.smtp_host, values.smtp_port, timeout=TIMEOUT_SECONDS)
                if values.smtp_tls == "starttls":
                    client.starttls(context=ssl.create_default_context())
            if values.smtp_user:
                client.login(values.smtp_user, values.smtp_password)
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerUnreachable(f"Cannot reach {values.smtp_host}:{values.smtp_port}: {exc}") from exc
        return client

    def send(self, message: EmailMessage) -> None:
        if self._client is None:
            self._client = self._connect()
        try:
            self._client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            reason = "; ".join(f"{code} {_text(text)}" for code, text in exc.recipients.values())
            raise SendFailed(f"Recipient refused: {reason}", permanent=all(c >= 500 for c in codes)) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise SendFailed(
                f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500
            ) from exc
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self._client = None
            raise ServerUnreachable(f"Connection lost: {exc}") from exc

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._client = None
