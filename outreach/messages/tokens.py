"""Signed tokens for the links in messages (one-click unsubscribe) and for the calendar feed.

A token is "<id>.<HMAC-SHA256 of scope and id>", signed with KYR_SECRET_KEY. When that is unset, a random key
is made once and kept in data/secret.key (git-ignored, readable by its owner only), so links keep working
across restarts of one install; set KYR_SECRET_KEY when several machines serve the app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading

from outreach.config import DATA_DIR, settings

SECRET_FILE = DATA_DIR / "secret.key"
UNSUBSCRIBE = "unsubscribe"
CALENDAR = "calendar"
_lock = threading.Lock()


def _secret() -> bytes:
    configured = settings().secret_key
    if configured:
        return configured.encode()
    with _lock:
        if not SECRET_FILE.exists():
            SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return SECRET_FILE.read_text().strip().encode()


def _mac(scope: str, value: int) -> str:
    digest = hmac.new(_secret(), f"{scope}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(scope: str, value: int) -> str:
    return f"{value}.{_mac(scope, value)}"


def verify(scope: str, token: str | None) -> int | None:
    """The id a token was signed for, or None when it is malformed or not signed by us for `scope`."""
    head, _, mac = (token or "").strip().partition(".")
    if not head.isdigit() or len(head) > 12 or not mac:
        return None
    value = int(head)
    return value if hmac.compare_digest(mac, _mac(scope, value)) else None
