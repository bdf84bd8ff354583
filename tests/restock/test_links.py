"""Private restock links: hash-only storage, rotation, revocation, resolve, QR code and poster."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from outreach import i18n, organizations
from outreach.config import settings
from outreach.errors import Conflict, NotFound
from outreach.models import AuditEntry, RestockToken
from outreach.restock import links as restock_links


@pytest.fixture
def org(sessions):
    return organizations.create_organization(
        sessions,
        name="Crescent Grove Masjid",
        borough="Queens",
        languages=["ar", "ur", "en"],
        preferred_language="ur",
        actor="t",
    )


def test_issue_returns_a_random_token_and_stores_only_its_hash(sessions, org):
    token = restock_links.issue_link(sessions, organization_id=org, actor="cora")
    assert len(token) == 43
    with sessions() as session:
        rows = session.scalars(select(RestockToken)).all()
        audit_text = " ".join(f"{a.before} {a.after}" for a in session.scalars(select(AuditEntry)))
    assert [row.token_hash for row in rows] == [restock_links.hash_token(token)]
    assert token not in audit_text and rows[0].token_hash not in audit_text
    assert restock_links.rotate_link(sessions, organization_id=org, actor="cora") != token


def test_resolve_gives_the_organization(sessions, org):
    token = restock_links.issue_link(sessions, organization_id=org, actor="cora")
    link = restock_links.resolve(sessions, token)
    assert (link.organization_id, link.organization_name, link.preferred_language) == (
        org,
        "Crescent Grove Masjid",
        "ur",
    )
    assert link.languages == ("ar", "en", "ur")
    assert restock_links.resolve(sessions, f"  {token} ").organization_id == org


def test_every_bad_token_gets_the_same_answer(sessions, org):
    token = restock_links.issue_link(sessions, organization_id=org, actor="cora")
    answers = set()
    for bad in (
        None,
        "",
        "abc",
        token[:-1],
        token + "A",
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "' OR 1=1 --" + "x" * 32,
        "<script>alert(1)</script>".ljust(43, "x"),
    ):
        with pytest.raises(NotFound) as caught:
            restock_links.resolve(sessions, bad)
        answers.add(str(caught.value))
        assert "Crescent" not in str(caught.value)
    assert answers == {i18n.t("token.invalid", "en")}


def test_rotation_and_revocation(sessions, org):
    first = restock_links.issue_link(sessions, organization_id=org, actor="cora")
    with pytest.raises(Conflict, match="Rotate"):
        restock_links.issue_link(sessions, organization_id=org, actor="cora")
    second = restock_links.rotate_link(sessions, organization_id=org, actor="cora")
    with pytest.raises(NotFound):
        restock_links.resolve(sessions, first)
    assert restock_links.resolve(sessions, second).organization_id == org
    restock_links.revoke_link(sessions, organization_id=org, actor="cora")
    with pytest.raises(NotFound):
        restock_links.resolve(sessions, second)
    with pytest.raises(NotFound, match="no active restock link"):
        restock_links.revoke_link(sessions, organization_id=org, actor="cora")
    with sessions() as session:
        reasons = [
            row.revoked_reason for row in session.scalars(select(RestockToken).order_by(RestockToken.id))
        ]
    assert reasons == ["rotated", "revoked"]
    assert restock_links.link_status(sessions, org) is None
    third = restock_links.issue_link(
        sessions, organization_id=org, actor="cora"
    )  # a fresh start after revoking
    assert restock_links.link_status(sessions, org)["created_by"] == "cora"
    organizations.create_organization(sessions, name="No Link Yet", borough=None, languages=["en"], actor="t")
    overview = restock_links.links(sessions).set_index("organization_id")
    assert list(overview.index) == [org]  # only organizations that have had a link
    assert overview.loc[org, "retired_links"] == 2 and overview.loc[org, "active_since"] is not None
    assert restock_links.resolve(sessions, third).organization_id == org


def test_unknown_organization(sessions):
    with pytest.raises(NotFound):
        restock_links.issue_link(sessions, organization_id=999, actor="cora")


def test_link_url_uses_the_public_address(monkeypatch):
    monkeypatch.setenv("KYR_PUBLIC_URL", "https://kyr.example.org/")
    settings.cache_clear()
    try:
        assert restock_links.link_url("TOKEN") == "https://kyr.example.org/restock?t=TOKEN"
    finally:
        settings.cache_clear()


def test_qr_code_is_a_png():
    png = restock_links.qr_png("http://localhost:8501/restock?t=" + "a" * 43)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == image.size[1] >= 250


def test_poster_is_escaped_and_in_the_organizations_language():
    poster = restock_links.poster_html(
        organization_name='<img src=x onerror="alert(1)"> & Sons',
        language="ur",
        url="http://x/restock?t=abc&z=1",
    )
    assert '<html lang="ur" dir="rtl">' in poster
    assert (
        "<img src=x" not in poster and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Sons" in poster
    )
    assert i18n.t("poster.heading", "ur") in poster and "data:image/png;base64," in poster
    assert "t=abc&amp;z=1" in poster
    english = restock_links.poster_html(organization_name="A", language="zz", url="u")
    assert 'dir="ltr"' in english and i18n.t("poster.heading", "en") in english


def test_the_html_poster_carries_its_script_fonts_and_the_documents_words():
    url = "http://127.0.0.1:8501/restock?t=abc"
    urdu = restock_links.poster_html(organization_name="Masjid مسجد مکی", language="ur", url=url)
    assert '<html lang="ur" dir="rtl">' in urdu
    assert "@font-face" in urdu and "data:font/ttf;base64," in urdu  # opens from disk, still Nastaliq
    assert 'font-family: "Noto Nastaliq Urdu"' in urdu
    assert i18n.t("poster.private", "ur") in urdu
    traditional = restock_links.poster_html(organization_name="華埠浸信會", language="zh-Hant", url=url)
    assert '<html lang="zh-Hant" dir="ltr">' in traditional and "Noto Sans CJK TC" in traditional
    assert i18n.t("poster.heading", "zh-Hant") in traditional and "@font-face" not in traditional
    assert "@font-face" not in restock_links.poster_html(organization_name="X", language="es", url=url)
