"""How this process is served, checked where an admin will see it: a warning on the admin pages (Users,
Backups) and one line in the log when restock links would point at this machine (outreach/public_url.py).

"Behind a proxy" is read from the request: Caddy (deploy/Caddyfile), like any reverse proxy, adds
X-Forwarded-For, and the websocket's handshake carries it into `st.context.headers`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import streamlit as st

from outreach import public_url
from outreach.config import settings

log = logging.getLogger("kyr.deployment")
_logged = threading.Event()  # one log line per process is enough


def _bind_address() -> str:
    return str(st.get_option("server.address") or "")


def _proxied() -> bool:
    try:
        headers = st.context.headers
    except Exception:  # no request (AppTest, a bare script run): not behind anything
        return False
    return bool(headers.get("X-Forwarded-For") or headers.get("Forwarded"))


def _log_once(message: str) -> None:
    if not _logged.is_set():
        _logged.set()
        log.warning("KYR_PUBLIC_URL: %s", message)


def check_at_start() -> None:
    """At server start: a non-loopback bind with a local KYR_PUBLIC_URL goes to the log (serve.py). Behind a
    loopback-bound process the proxy shows itself with the first request, and is logged then."""
    message = public_url.warning(settings().public_url, bind_address=_bind_address(), proxied=False)
    if message:
        _log_once(message)


class ProxyCheck:
    """ASGI middleware (serve.py): the first request that comes through a proxy logs the warning, so the log
    says it at start even before an admin opens a page. Every later request passes straight through."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.checked = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if not self.checked and scope.get("type") in ("http", "websocket"):
            names = {name.lower() for name, _ in scope.get("headers", [])}
            if b"x-forwarded-for" in names or b"forwarded" in names:
                self.checked = True
                message = public_url.warning(
                    settings().public_url, bind_address=_bind_address(), proxied=True
                )
                if message:
                    _log_once(message)
        await self.app(scope, receive, send)


def warn_about_public_url() -> None:
    """The admin pages' banner: links and QR codes must not point at localhost when served publicly."""
    message = public_url.warning(settings().public_url, bind_address=_bind_address(), proxied=_proxied())
    if message:
        _log_once(message)
        st.warning(message, icon=":material/link_off:")  # settings, not typed text; shown as code
