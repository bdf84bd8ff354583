"""Against a real SMTP server on 127.0.0.1: who gets what, and nothing lost or doubled through an outage, a
refused recipient, and a sender that crashes between sending and marking."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from outreach import i18n
from outreach.db import utcnow
from outreach.messages import outbox, sender, smtp
from outreach.models import AuditEntry, OutboxMessage
from tests.messages.conftest import REFUSED, coordinator, organization, submit_by_link

LATER = dt.timedelta(hours=7)  # past the longest backoff


def rows(sessions, **where) -> list[OutboxMessage]:
    with sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for column, value in where.items():
            query = query.where(getattr(OutboxMessage, column) == value)
        return list(session.scalars(query))


def test_a_submission_mails_each_subscribed_coordinator_once_and_the_organization_in_its_language(
    sessions, ref, smtp_server
):
    coordinator(sessions, "ana", boroughs=["Brooklyn"])
    coordinator(sessions, "ben")  # every borough
    coordinator(sessions, "cleo", boroughs=["Queens"])
    coordinator(sessions, "dov", mode="digest")
    coordinator(sessions, "eve", mode=None)  # never chose: nothing
    coordinator(sessions, "fay", mode="off")
    org = organization(sessions, "Baitul Aman Masjid", email="leader@example.org")
    organization(sessions, "Other Congregation", borough="Queens", email="other@example.org")

    submitted = submit_by_link(sessions, ref, org)
    report = sender.send_once(sessions)

    assert report.sent == 3 and report.failed == 0
    assert sorted(m["To"] for m in smtp_server.received) == [
        "ana@example.org",
        "ben@example.org",
        "leader@example.org",
    ]
    (confirmation,) = smtp_server.to("leader@example.org")
    assert confirmation["Subject"] == i18n.t("mail.submitted.subject", "bn", reference=submitted.reference)
    assert confirmation["Content-Language"] == "bn"
    html = confirmation.get_body(("html",)).get_content()
    text = confirmation.get_body(("plain",)).get_content()
    assert '<html lang="bn" dir="ltr">' in html
    assert f"<bdi>{submitted.reference}</bdi>" in html and f"\u2068{submitted.reference}\u2069" in text
    assert "Other Congregation" not in html + text  # another organization's data never
    assert "/restock" not in html + text and "token=" not in text.split("\n--\n")[0]  # no restock link
    assert confirmation["List-Unsubscribe"].startswith(
        "<https://kyr.example.org/_kyr/mail/unsubscribe?token="
    )
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (to_ana,) = smtp_server.to("ana@example.org")
    assert submitted.reference in to_ana["Subject"] and to_ana["List-Unsubscribe"] is None

    assert sender.send_once(sessions).sent == 0  # sent once, marked once
    assert len(smtp_server.received) == 3


def test_an_smtp_outage_loses_nothing_and_doubles_nothing(sessions, ref, smtp_server):
    coordinator(sessions, "ana")
    org = organization(sessions, "Shul", lang="yi", email="gabbai@example.org")
    submit_by_link(sessions, ref, org)
    submit_by_link(sessions, ref, org)
    smtp_server.stop()

    first = sender.send_once(sessions)
    assert first.sent == 0 and first.deferred == 1 and first.unreachable
    assert [r.status for r in rows(sessions)] == ["pending"] * 4
    assert sender.send_once(sessions, now=utcnow() + dt.timedelta(minutes=3)).sent == 0  # still down

    smtp_server.start()
    assert sender.send_once(sessions, now=utcnow() + LATER).sent == 4
    assert [r.status for r in rows(sessions)] == ["sent"] * 4
    assert len(smtp_server.received) == 4
    assert len({m["Message-ID"] for m in smtp_server.received}) == 4
    assert sender.send_once(sessions, now=utcnow() + 2 * LATER).sent == 0


def test_a_refused_recipient_fails_alone_and_an_admin_can_retry_it(sessions, ref, smtp_server):
    coordinator(sessions, "ana")
    org = organization(sessions, "Refusing Church", lang="es", email=REFUSED)
    submit_by_link(sessions, ref, org)

    report = sender.send_once(sessions)
    assert report.sent == 1 and report.failed == 1
    (failed,) = rows(sessions, status="failed")
    assert failed.recipient == REFUSED and "550" in (failed.last_error or "")
    assert [m["To"] for m in smtp_server.received] == ["ana@example.org"]
    assert outbox.counts(sessions) == {"pending": 0, "sent": 1, "failed": 1}

    outbox.retry(sessions, message_id=failed.id, actor="admin")
    assert rows(sessions, id=failed.id)[0].status == "pending"
    assert sender.send_once(sessions).failed == 1  # still refused: back in the failed list


def test_after_the_maximum_attempts_a_message_moves_to_the_failed_list(
    sessions, ref, smtp_server, monkeypatch
):
    from outreach import config

    monkeypatch.setenv("KYR_MAIL_MAX_ATTEMPTS", "2")
    config.settings.cache_clear()
    org = organization(sessions, "Temple", lang="zh", email="temple@example.org")
    submit_by_link(sessions, ref, org)
    smtp_server.stop()
    sender.send_once(sessions)
    assert rows(sessions)[0].status == "pending"
    sender.send_once(sessions, now=utcnow() + LATER)
    (row,) = rows(sessions)
    assert row.status == "failed" and row.attempts == 2 and "Cannot reach" in (row.last_error or "")


class Crash(BaseException):
    """The process dies: not an Exception, so nothing in the sender catches it."""


class CrashAfterSend:
    """The real SMTP transport, and then the process dies before the sender marks the message sent."""

    def __init__(self) -> None:
        self.inner = smtp.SmtpTransport()

    def send(self, message):
        self.inner.send(message)
        raise Crash

    def close(self):
        self.inner.close()


def test_a_crash_between_sending_and_marking_resends_with_the_same_message_id(sessions, ref, smtp_server):
    org = organization(sessions, "Parish", lang="ht", email="parish@example.org")
    submit_by_link(sessions, ref, org)

    with pytest.raises(Crash):
        sender.send_once(sessions, transport_factory=CrashAfterSend)
    (row,) = rows(sessions)
    assert row.status == "pending" and row.attempts == 1  # not lost
    assert sender.send_once(sessions).sent == 0  # not before its backoff

    assert sender.send_once(sessions, now=utcnow() + LATER).sent == 1
    copies = smtp_server.to("parish@example.org")
    assert len(copies) == 2  # SMTP cannot tell the sender the first copy arrived ...
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"] == smtp.message_id(row.key, "kyr@example.org")
    assert len(smtp_server.mailbox("parish@example.org")) == 1  # ... so a de-duplicating server keeps one
    with sessions() as session:
        marked = session.scalar(
            select(func.count()).where(AuditEntry.entity == "message", AuditEntry.action == "sent")
        )
    assert marked == 1 and rows(sessions)[0].status == "sent"


def test_one_sender_at_a_time_holds_the_lease(sessions, mail_env):
    now = utcnow()
    assert sender.take_lease(sessions, "a", now=now)
    assert not sender.take_lease(sessions, "b", now=now)
    assert sender.take_lease(sessions, "a", now=now + dt.timedelta(seconds=60))  # renewed
    assert not sender.send_once(sessions, holder="b", now=now).lease
    later = now + dt.timedelta(seconds=sender.LEASE_SECONDS + 61)
    assert sender.take_lease(sessions, "b", now=later)  # a lapsed: b takes over
    sender.release_lease(sessions, "b")
    assert sender.take_lease(sessions, "a")


def test_without_smtp_messages_wait_in_the_outbox(sessions, ref, mail_env):
    org = organization(sessions, "Waiting Church", lang="fr", email="church@example.org")
    submit_by_link(sessions, ref, org)
    report = sender.send_once(sessions)
    assert report.sent == 0 and [r.status for r in rows(sessions)] == ["pending"]
    assert not smtp.configured()
