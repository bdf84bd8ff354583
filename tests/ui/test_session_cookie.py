"""The sign-in cookie's routes, driven as the ASGI server drives them: a one-time code becomes an HttpOnly cookie
and a redirect to the page asked for; codes work once and briefly; other sites are refused; Secure and the
paths follow HTTPS, KYR_PUBLIC_URL and the base URL path (a reverse proxy in front)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.applications import Starlette
from streamlit import config as streamlit_config

from outreach import config
from outreach.ui import session_cookie

HOST = "kyr.example.org"
SESSION_ID = "s" * 43


@pytest.fixture(autouse=True)
def plain_http(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("KYR_PUBLIC_URL", f"http://{HOST}")
    monkeypatch.setenv("KYR_SESSION_MAX_HOURS", "12")
    config.settings.cache_clear()
    # routes() marks the routes as mounted for the whole process; other tests run without them.
    monkeypatch.setattr(session_cookie, "_mounted", threading.Event())
    yield
    config.settings.cache_clear()


@pytest.fixture
def base_url_path() -> Iterator[None]:
    streamlit_config.set_option("server.baseUrlPath", "kyr")
    yield
    streamlit_config.set_option("server.baseUrlPath", "")


def post(
    name: str,
    *,
    code: str | None = None,
    origin: str | None = f"http://{HOST}",
    scheme: str = "http",
    prefix="",
) -> tuple[int, dict[str, str], list[str]]:
    """POST to /<prefix>/_kyr/session/<name>; returns the status, the headers and every Set-Cookie."""
    app = Starlette(routes=session_cookie.routes())
    path = f"{prefix}/{session_cookie.ROUTE_PREFIX}/{name}"
    body = f"code={code}".encode() if code else b""
    headers = [(b"host", HOST.encode()), (b"content-type", b"application/x-www-form-urlencoded")]
    if origin:
        headers.append((b"origin", origin.encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": scheme,  # uvicorn sets https from X-Forwarded-Proto when the proxy is trusted
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": (HOST, 443 if scheme == "https" else 80),
        "client": ("127.0.0.1", 50000),
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    # In a thread of its own: in the full suite the browser tests' Playwright keeps an event loop running
    # in this thread, and asyncio.run refuses to start inside one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    pairs = [(key.decode().lower(), value.decode()) for key, value in start["headers"]]
    return start["status"], dict(pairs), [value for key, value in pairs if key == "set-cookie"]


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def test_a_code_becomes_an_http_only_cookie_and_a_redirect_to_the_page_asked_for():
    code = session_cookie.issue_handover(SESSION_ID, "inventory")
    assert SESSION_ID not in code
    status, headers, cookies = post("begin", code=code)
    assert (status, headers["location"]) == (303, "/inventory")
    assert len(cookies) == 1 and cookies[0].startswith(f"{session_cookie.COOKIE_NAME}={SESSION_ID};")
    assert _attributes(cookies[0]) == {"httponly", "samesite=lax", "path=/", f"max-age={12 * 3600}"}


def test_a_code_works_once():
    code = session_cookie.issue_handover(SESSION_ID, "inventory")
    post("begin", code=code)
    status, headers, cookies = post("begin", code=code)
    assert (status, headers["location"], cookies) == (303, "/", [])


def test_a_code_expires_after_a_minute(monkeypatch):
    code = session_cookie.issue_handover(SESSION_ID, "")
    later = session_cookie.time.monotonic() + session_cookie.HANDOVER_SECONDS + 1
    monkeypatch.setattr(session_cookie.time, "monotonic", lambda: later)
    status, headers, cookies = post("begin", code=code)
    assert (status, headers["location"], cookies) == (303, "/", [])


@pytest.mark.parametrize("origin", ["https://evil.example", f"http://{HOST}.evil.example", None])
def test_a_post_from_another_site_is_refused_and_does_not_use_up_the_code(origin):
    code = session_cookie.issue_handover(SESSION_ID, "")
    status, _, cookies = post("begin", code=code, origin=origin)
    assert (status, cookies) == (403, [])
    status, _, cookies = post("end", origin=origin)
    assert (status, cookies) == (403, [])
    assert post("begin", code=code)[2]  # the code still works from our own page


def test_sign_out_clears_the_cookie():
    status, _, cookies = post("end")
    assert status == 204  # posted in the background: the tab carries on
    assert len(cookies) == 1 and cookies[0].startswith(f'{session_cookie.COOKIE_NAME}="";')
    assert {"httponly", "path=/", "max-age=0"} <= _attributes(cookies[0])


def test_over_https_the_cookie_is_secure():
    code = session_cookie.issue_handover(SESSION_ID, "")
    _, _, cookies = post("begin", code=code, origin=f"https://{HOST}", scheme="https")
    assert "secure" in _attributes(cookies[0])


def test_behind_a_proxy_that_is_not_trusted_the_public_url_says_https(monkeypatch):
    """The proxy speaks plain HTTP to the app and its X-Forwarded-Proto is not believed: KYR_PUBLIC_URL is."""
    monkeypatch.setenv("KYR_PUBLIC_URL", f"https://{HOST}")
    config.settings.cache_clear()
    code = session_cookie.issue_handover(SESSION_ID, "")
    status, _, cookies = post("begin", code=code, origin=f"https://{HOST}", scheme="http")
    assert status == 303 and "secure" in _attributes(cookies[0])


def test_under_a_base_url_path_routes_redirects_and_the_cookie_follow_it(base_url_path):
    code = session_cookie.issue_handover(SESSION_ID, "inventory")
    status, headers, cookies = post("begin", code=code, prefix="/kyr")
    assert (status, headers["location"]) == (303, "/kyr/inventory")
    assert "path=/kyr" in _attributes(cookies[0])
    assert "path=/kyr" in _attributes(post("end", prefix="/kyr")[2][0])
