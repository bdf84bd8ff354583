"""Is KYR_PUBLIC_URL fit for phones? Restock links and their QR codes are built from it
(outreach/restock/links.py): when the app is served to other machines (bound to a non-loopback address, or
reached through a reverse proxy) and the setting is unset or names this machine, every link and QR code
would send a faith leader's phone to itself. Pure functions: the UI decides where the warning shows
(outreach/ui/deployment.py: the admin pages, and the log once per process).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# Names that mean "this machine" to whoever opens the link.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


def _is_local_host(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def points_at_this_machine(public_url: str) -> bool:
    """True when a link built from `public_url` would open this machine on someone else's phone."""
    return _is_local_host(urlsplit(public_url.strip()).hostname or "")


def is_loopback_bind(address: str) -> bool:
    """True when the server listens on loopback only (Streamlit's server.address; empty means all)."""
    return bool(address.strip()) and _is_local_host(address) and not _is_unspecified(address)


def _is_unspecified(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_unspecified
    except ValueError:
        return False


def served_publicly(*, bind_address: str, proxied: bool) -> bool:
    return proxied or not is_loopback_bind(bind_address)


def warning(public_url: str, *, bind_address: str, proxied: bool) -> str | None:
    """What to tell an admin (and the log) when links would point at this machine; None when all is well."""
    if not served_publicly(bind_address=bind_address, proxied=proxied):
        return None
    if not points_at_this_machine(public_url):
        return None
    how = "through a reverse proxy" if proxied else f"on the address `{_plain(bind_address) or '0.0.0.0'}`"
    return (
        f"Restock links and QR codes point at `{_plain(public_url)}`, but this app is served {how}: "
        "on a faith leader's phone they would open the phone itself, not KYR Tracker. Set `KYR_PUBLIC_URL` to "
        "the public address (for example `https://kyr.example.org`) in the environment or in "
        "`.streamlit/secrets.toml`, restart the app, and rotate the links (Restock requests → Restock links) "
        "of any poster already printed with this address."
    )


def _plain(setting: str) -> str:
    """A setting shown as code (in backticks): it cannot hold one itself."""
    return setting.replace("`", "")
