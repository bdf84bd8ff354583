"""Single sign-on (OpenID Connect, via Streamlit's `st.login`): who may come in, and with which role.

The identity provider proves an e-mail address; the database decides the role. An address that already
belongs to an account signs in to that account (its role and active flag are managed on the Users page).
Otherwise a role mapping (an exact address, or `@domain` for a whole domain) gives the role and an account
is created at first sign-in. No mapping, no entry. Local password accounts keep working alongside.

The pure parts (reading the `[auth]` section, the claims and the patterns) are separate from the verbs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.accounts.auth import MAX_DISPLAY_NAME, ROLES
from outreach.db import SessionFactory, get_or_not_found, read_frame, utcnow
from outreach.errors import AuthenticationFailed, Conflict, InvalidInput
from outreach.models import RoleMapping, User
from outreach.text import plain_text

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
PATTERN_MAX = 254  # role_mappings.pattern
_LOCAL_PART = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
_KNOWN_LABELS = {
    "microsoft": "Microsoft",
    "entra": "Microsoft Entra ID",
    "azure": "Microsoft",
    "google": "Google",
    "okta": "Okta",
    "auth0": "Auth0",
}
_KNOWN_HOSTS = {"login.microsoftonline.com": "Microsoft", "accounts.google.com": "Google"}
USERNAME_MAX = 80  # users.username


@dataclass(frozen=True)
class Provider:
    """One configured identity provider: `key` is what `st.login` takes (None: the default [auth])."""

    key: str | None
    label: str


# --- pure ---------------------------------------------------------------------------------------------


def configured_providers(auth_section: Mapping[str, Any] | None) -> list[Provider]:
    """The providers an `[auth]` section of secrets.toml configures completely; [] when there is none."""
    if not auth_section or not auth_section.get("redirect_uri") or not auth_section.get("cookie_secret"):
        return []
    providers = []
    if all(auth_section.get(key) for key in _PROVIDER_KEYS):
        host = urlparse(str(auth_section["server_metadata_url"])).hostname or ""
        providers.append(Provider(None, _KNOWN_HOSTS.get(host, "single sign-on")))
    for key, section in auth_section.items():
        # Streamlit refuses provider names with underscores, so they are not offered.
        if isinstance(section, Mapping) and "_" not in key and all(section.get(k) for k in _PROVIDER_KEYS):
            providers.append(Provider(str(key), _KNOWN_LABELS.get(str(key).lower(), str(key).title())))
    return providers


def email_from_claims(claims: Mapping[str, Any]) -> str:
    """The verified e-mail address in an ID token's claims, lower-cased.

    Microsoft Entra often sends no `email` but a `preferred_username` that is the address; an address the
    provider says it has not verified is refused.
    """
    candidates = [claims.get("email"), claims.get("preferred_username"), claims.get("upn")]
    address = next((str(c).strip().lower() for c in candidates if c and "@" in str(c)), "")
    if not _EMAIL.match(address):
        raise AuthenticationFailed(
            "Your identity provider did not share an e-mail address. Ask an admin to request the "
            "'email' scope from the provider."
        )
    if str(claims.get("email_verified", True)).lower() in {"false", "0"}:
        raise AuthenticationFailed(
            f"Your identity provider has not verified {address}. Verify it with the provider and try again."
        )
    return address


def normalize_pattern(pattern: str) -> str:
    """'Jane@NYC.gov' -> 'jane@nyc.gov'; 'nyc.gov', '@nyc.gov' and '*@nyc.gov' -> '@nyc.gov'."""
    text = (pattern or "").strip().lower().removeprefix("*")
    if "@" not in text:
        text = "@" + text
    local, _, domain = text.rpartition("@")
    if len(text) > PATTERN_MAX:
        raise InvalidInput(f"The pattern is {len(text):,} characters; an address has at most {PATTERN_MAX}.")
    if not _DOMAIN.match(domain) or (local and not _LOCAL_PART.match(local)):
        raise InvalidInput(
            f"{pattern!r} is neither an e-mail address (jane@nyc.gov) nor a domain (@nyc.gov). Check for typos."
        )
    return text


def match_role(address: str, mappings: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """(pattern, role) for an address: the exact address wins over its domain; no subdomain matches."""
    table = dict(mappings)
    address = address.strip().lower()
    for pattern in (address, "@" + address.rpartition("@")[2]):
        if pattern in table:
            return pattern, table[pattern]
    return None


# --- verbs --------------------------------------------------------------------------------------------


def role_mappings(sessions: SessionFactory) -> pd.DataFrame:
    return read_frame(
        sessions,
        select(
            RoleMapping.id,
            RoleMapping.pattern,
            RoleMapping.role,
            RoleMapping.created_by,
            RoleMapping.created_at,
        ).order_by(RoleMapping.pattern),
    )


def add_role_mapping(sessions: SessionFactory, *, pattern: str, role: str, actor: str) -> int:
    normalized = normalize_pattern(pattern)
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}. Use one of: {', '.join(ROLES)}.")
    try:
        with sessions.begin() as session:
            if session.scalar(select(RoleMapping.id).where(RoleMapping.pattern == normalized)):
                raise Conflict(f"{normalized} already has a role. Remove that mapping first to change it.")
            mapping = RoleMapping(pattern=normalized, role=role, created_by=actor)
            return audit.add_and_record(
                session,
                mapping,
                actor=actor,
                entity="role_mapping",
                after={"pattern": normalized, "role": role},
            )
    except IntegrityError:  # the same pattern added at the same moment by someone else
        raise Conflict(f"{normalized} already has a role. Reload the page.") from None


def remove_role_mapping(sessions: SessionFactory, *, mapping_id: int, actor: str) -> None:
    """Accounts already created through the mapping stay; deactivate them on the Users page."""
    with sessions.begin() as session:
        mapping = get_or_not_found(
            session, RoleMapping, mapping_id, f"No role mapping #{mapping_id}. Reload the page."
        )
        before = {"pattern": mapping.pattern, "role": mapping.role}
        session.delete(mapping)
        audit.record(
            session, actor=actor, action="delete", entity="role_mapping", entity_id=mapping_id, before=before
        )


def sign_in_with_identity(
    sessions: SessionFactory, *, claims: Mapping[str, Any], provider: str = "single sign-on"
) -> dict[str, str]:
    """Turn a provider's verified claims into a signed-in user {'username', 'display_name', 'role'}."""
    address = email_from_claims(claims)
    with sessions.begin() as session:
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        if user is None:
            mappings = [(m.pattern, m.role) for m in session.scalars(select(RoleMapping))]
            matched = match_role(address, mappings)
            if matched is None:
                raise AuthenticationFailed(
                    f"{address} has no access to KYR Tracker yet. Ask an admin to add your address or "
                    "your organization's domain under Users → Single sign-on."
                )
            if len(address) > USERNAME_MAX:
                raise AuthenticationFailed(
                    f"{address} is longer than {USERNAME_MAX} characters. Ask an admin to create an account "
                    "for you with this e-mail address."
                )
            # Cut, not refused: the provider sent this name, and a long one must not keep the person out.
            name = plain_text(claims.get("name"))[:MAX_DISPLAY_NAME] or address
            user = User(
                username=address, display_name=name, email=address, role=matched[1], password_hash=None
            )
            audit.add_and_record(
                session,
                user,
                actor=address,
                entity="user",
                after={"username": address, "role": matched[1], "via": provider, "mapping": matched[0]},
            )
        if not user.active:
            raise AuthenticationFailed(
                f"The account for {address} is deactivated. Ask an admin to reactivate it."
            )
        user.last_login_at = utcnow()
        audit.record(
            session,
            actor=user.username,
            action="sign_in",
            entity="user",
            entity_id=user.id,
            after={"via": provider},
        )
        return {"username": user.username, "display_name": user.display_name, "role": user.role}
