"""The KYR_PUBLIC_URL check in the log: the first request through a proxy logs it once (serve.py's middleware);
a public address, or a request that came straight to the process, logs nothing."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from outreach import config
from outreach.ui import deployment


async def _downstream(scope, receive, send):
    scope["served"] = True


def _request(check: deployment.ProxyCheck, headers: list[tuple[bytes, bytes]]) -> dict:
    scope = {"type": "http", "headers": headers}
    # In its own thread: the browser tests' Playwright keeps an event loop running in this one all session.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, check(scope, None, None)).result()
    return scope


@pytest.fixture
def fresh_log(monkeypatch):
    deployment._logged.clear()
    yield
    deployment._logged.clear()
    config.settings.cache_clear()


def _public_url(monkeypatch, url: str) -> None:
    monkeypatch.setenv("KYR_PUBLIC_URL", url)
    config.settings.cache_clear()


def test_the_first_proxied_request_logs_the_warning_once(fresh_log, monkeypatch, caplog):
    _public_url(monkeypatch, "http://localhost:8501")
    check = deployment.ProxyCheck(_downstream)
    with caplog.at_level(logging.WARNING, logger="kyr.deployment"):
        assert _request(check, [(b"host", b"kyr.example.org")])["served"]  # straight to the process: quiet
        assert not caplog.records
        for _ in range(3):
            assert _request(check, [(b"x-forwarded-for", b"203.0.113.9")])["served"]
    assert len(caplog.records) == 1
    assert "KYR_PUBLIC_URL" in caplog.text and "through a reverse proxy" in caplog.text


def test_a_public_address_logs_nothing(fresh_log, monkeypatch, caplog):
    _public_url(monkeypatch, "https://kyr.example.org")
    check = deployment.ProxyCheck(_downstream)
    with caplog.at_level(logging.WARNING, logger="kyr.deployment"):
        assert _request(check, [(b"x-forwarded-for", b"203.0.113.9")])["served"]
    assert not caplog.records
