"""Private restock links: one random token per organization, stored only as its SHA-256.

Because only the hash is kept, a link can be shown exactly once: when it is created or rotated. A coordinator
who lost it rotates (the old link stops working at once) and prints the new QR code. `resolve` answers every
bad token (unknown, forged, truncated, revoked, rotated) with the same NotFound and nothing about any
organization. Tokens never reach logs or the audit trail; the audit names the token row id only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import re
import secrets
from dataclasses import dataclass

import pandas as pd
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from outreach import audit, i18n
from outreach.bidi import bdi
from outreach.config import settings
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.documents.fonts import WEB_LINE_HEIGHT, web_family, web_font_faces
from outreach.errors import Conflict, NotFound
from outreach.models import Organization, RestockToken

TOKEN_BYTES = 32  # 256 bits: guessing is hopeless, so a plain lookup by hash is safe
# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is refused before hashing.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class ResolvedLink:
    """What the public page may know once a token checks out."""

    token_id: int
    organization_id: int
    organization_name: str
    preferred_language: str
    languages: tuple[str, ...]


def invalid_link() -> NotFound:
    """The one answer to every bad token: polite, translated, and the same whatever went wrong."""
    return i18n.localized(NotFound, "token.invalid")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_url(token: str) -> str:
    return f"{settings().public_url}/restock?t={token}"


def _active_token(session: Session, organization_id: int) -> RestockToken | None:
    return session.scalar(
        select(RestockToken)
        .where(RestockToken.organization_id == organization_id, RestockToken.revoked_at.is_(None))
        .order_by(RestockToken.id.desc())
        .limit(1)
    )


def _lock_organization(session: Session, organization_id: int) -> Organization:
    # FOR UPDATE serializes link changes per organization on PostgreSQL (SQLite: BEGIN IMMEDIATE already does).
    organization = session.scalar(
        select(Organization).where(Organization.id == organization_id).with_for_update()
    )
    if organization is None:
        raise NotFound(f"Organization #{organization_id} does not exist. Pick one from the list.")
    return organization


def _revoke_active(session: Session, organization_id: int, reason: str) -> list[int]:
    ids = list(
        session.scalars(
            select(RestockToken.id).where(
                RestockToken.organization_id == organization_id, RestockToken.revoked_at.is_(None)
            )
        )
    )
    if ids:
        session.execute(
            update(RestockToken)
            .where(RestockToken.id.in_(ids))
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )
    return ids


def _new_token(session: Session, organization_id: int, actor: str) -> tuple[str, int]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = RestockToken(organization_id=organization_id, token_hash=hash_token(token), created_by=actor)
    session.add(row)
    session.flush()
    return token, row.id


def issue_link(sessions: SessionFactory, *, organization_id: int, actor: str) -> str:
    """Create the organization's first link and return the token (shown once; only its hash is kept)."""
    with sessions.begin() as session:
        organization = _lock_organization(session, organization_id)
        if _active_token(session, organization_id) is not None:
            raise Conflict(
                f"{organization.name} already has an active restock link. Rotate it to get a new one "
                "(the old link stops working)."
            )
        token, token_id = _new_token(session, organization_id, actor)
        audit.record(
            session,
            actor=actor,
            action="issue_link",
            entity="organization",
            entity_id=organization_id,
            after={"token_id": token_id},
        )
        return token


def rotate_link(sessions: SessionFactory, *, organization_id: int, actor: str) -> str:
    """Replace the active link (revoked as 'rotated') with a new one and return the new token."""
    with sessions.begin() as session:
        _lock_organization(session, organization_id)
        old = _revoke_active(session, organization_id, "rotated")
        token, token_id = _new_token(session, organization_id, actor)
        audit.record(
            session,
            actor=actor,
            action="rotate_link",
            entity="organization",
            entity_id=organization_id,
            before={"token_ids": old},
            after={"token_id": token_id},
        )
        return token


def revoke_link(sessions: SessionFactory, *, organization_id: int, actor: str) -> None:
    """Switch the organization's link off; the QR code on its poster stops working."""
    with sessions.begin() as session:
        organization = _lock_organization(session, organization_id)
        old = _revoke_active(session, organization_id, "revoked")
        if not old:
            raise NotFound(f"{organization.name} has no active restock link to revoke.")
        audit.record(
            session,
            actor=actor,
            action="revoke_link",
            entity="organization",
            entity_id=organization_id,
            before={"token_ids": old},
            after={"revoked": True},
        )


def resolve(sessions: SessionFactory, token: str | None) -> ResolvedLink:
    """The organization behind a token, or NotFound (`invalid_link`) for anything that is not a live link."""
    candidate = (token or "").strip()
    if not _TOKEN_SHAPE.match(candidate):
        raise invalid_link()
    wanted = hash_token(candidate)
    with sessions() as session:
        row = session.scalar(select(RestockToken).where(RestockToken.token_hash == wanted))
        # The lookup is by hash, so timing says nothing about the token; compare_digest is belt and braces.
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, wanted):
            raise invalid_link()
        organization = session.get(Organization, row.organization_id)
        if organization is None:
            raise invalid_link()
        return ResolvedLink(
            token_id=row.id,
            organization_id=organization.id,
            organization_name=organization.name,
            preferred_language=i18n.normalize(organization.preferred_language),
            languages=tuple(organization.language_codes),
        )


def lock_live_token(session: Session, token: str | None) -> RestockToken:
    """Inside a write: the live token row, locked (PostgreSQL) so per-token limits count exactly."""
    candidate = (token or "").strip()
    if not _TOKEN_SHAPE.match(candidate):
        raise invalid_link()
    row = session.scalar(
        select(RestockToken).where(RestockToken.token_hash == hash_token(candidate)).with_for_update()
    )
    if row is None or row.revoked_at is not None:
        raise invalid_link()
    return row


# --- reads --------------------------------------------------------------------------------------------


def link_status(sessions: SessionFactory, organization_id: int) -> dict[str, object] | None:
    """When and by whom the active link was made (never the token: it is not stored), or None."""
    with sessions() as session:
        row = _active_token(session, organization_id)
        if row is None:
            return None
        return {"token_id": row.id, "created_at": row.created_at, "created_by": row.created_by}


def links(sessions: SessionFactory) -> pd.DataFrame:
    """Organizations that have had a link: whether one is live, since when, and how many were retired."""
    rows = read_frame(
        sessions,
        select(
            RestockToken.organization_id,
            Organization.name,
            Organization.borough,
            RestockToken.created_at,
            RestockToken.revoked_at,
        )
        .join(Organization, Organization.id == RestockToken.organization_id)
        .order_by(Organization.name, RestockToken.id),
    )
    columns = ["organization_id", "name", "borough", "active_since", "retired_links"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    live = rows["revoked_at"].isna()
    summary = rows.groupby("organization_id", sort=False).agg(
        name=("name", "first"), borough=("borough", "first")
    )
    summary["active_since"] = rows[live].groupby("organization_id")["created_at"].max()
    summary["retired_links"] = (~live).groupby(rows["organization_id"]).sum().astype(int)
    return summary.reset_index()[columns]


# --- QR code and poster -------------------------------------------------------------------------------


def qr_png(url: str, *, box_size: int = 10) -> bytes:
    """The link as a QR code PNG (medium error correction survives a scuffed print)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def poster_html(*, organization_name: str, language: str, url: str) -> str:
    """A printable one-page poster: QR code, the organization's name and the instruction in its language.

    HTML rather than a rendered image, so the browser supplies fonts for every script (Bengali, Arabic,
    Hebrew, Chinese). Its words are the same catalog entries as the PDF poster's (`documents.json`). Urdu is
    set in Nastaliq, embedded in the file (it is opened from disk, where the app's URL may not be reachable);
    Chinese asks for the Traditional or Simplified faces. Every piece of text is escaped.
    """
    lang = i18n.normalize(language)
    faces = web_font_faces(lang, embed=True)
    family = web_family(lang) or ""
    script = f"{faces}\n  body {{ font-family: {family}; }}" if family else ""
    if lang in WEB_LINE_HEIGHT:
        script += f"\n  h1, h2, p {{ line-height: {WEB_LINE_HEIGHT[lang]}; }}"
    dir_ = i18n.direction(lang)
    name = html.escape(organization_name)
    image = base64.b64encode(qr_png(url, box_size=12)).decode("ascii")
    heading = html.escape(i18n.t("poster.heading", lang))
    # The name in <bdi>: a Latin "Grace Church Inc." keeps its full stop at its end in a right-to-left poster.
    instruction = i18n.t_html("poster.instruction", lang, organization=organization_name)
    link_hint = html.escape(i18n.t("poster.link", lang))
    private = html.escape(i18n.t("poster.private", lang))
    return f"""<!doctype html>
<html lang="{lang}" dir="{dir_}">
<head>
<meta charset="utf-8">
<title>{name}</title>
<style>
  @page {{ size: letter portrait; margin: 18mm; }}
  body {{ font-family: "Noto Sans", "Noto Sans Bengali", "Noto Naskh Arabic", "Noto Sans Hebrew",
         "Noto Sans CJK SC", system-ui, sans-serif; text-align: center; margin: 0; color: #111; }}
  h1 {{ font-size: 30pt; margin: 0 0 8mm; }}
  h2 {{ font-size: 22pt; margin: 0 0 10mm; font-weight: 600; }}
  p {{ font-size: 16pt; line-height: 1.45; margin: 0 auto 6mm; max-width: 160mm; }}
  img {{ width: 110mm; height: 110mm; image-rendering: pixelated; }}
  .url {{ font-family: monospace; font-size: 10pt; word-break: break-all; direction: ltr; }}
  .small {{ font-size: 11pt; color: #444; }}
  {script}
</style>
</head>
<body>
<h1>{heading}</h1>
<h2>{bdi(organization_name)}</h2>
<img src="data:image/png;base64,{image}" alt="QR">
<p>{instruction}</p>
<p class="small">{link_hint}</p>
<p class="url">{html.escape(url)}</p>
<p class="small">{private}</p>
</body>
</html>
"""
