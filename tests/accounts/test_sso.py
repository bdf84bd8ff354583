"""Single sign-on: which providers a secrets [auth] section configures, which claims count, which role an
address gets, and what a sign-in writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from outreach import audit
from outreach.accounts import auth
from outreach.accounts import sso as identity
from outreach.accounts.sso import Provider
from outreach.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from outreach.models import User

SHARED = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
CLIENT = {
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example/.well-known",
}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (None, []),
        ({}, []),
        ({**CLIENT}, []),  # no redirect_uri / cookie_secret: Streamlit would refuse, so nothing is offered
        ({**SHARED}, []),
        (
            {
                **SHARED,
                **CLIENT,
                "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
            },
            [Provider(None, "Google")],
        ),
        ({**SHARED, **CLIENT}, [Provider(None, "single sign-on")]),
        (
            {
                **SHARED,
                "microsoft": CLIENT,
                "google": CLIENT,
                "my_idp": CLIENT,
                "okta": {"client_id": "only"},
            },
            [Provider("microsoft", "Microsoft"), Provider("google", "Google")],
        ),
        ({**SHARED, "cityidp": CLIENT}, [Provider("cityidp", "Cityidp")]),
    ],
)
def test_configured_providers(section, expected):
    assert identity.configured_providers(section) == expected


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "Jane.Doe@NYC.gov", "email_verified": True}, "jane.doe@nyc.gov"),
        ({"email": " jane@nyc.gov "}, "jane@nyc.gov"),
        ({"preferred_username": "jane@nyc.gov", "name": "Jane"}, "jane@nyc.gov"),  # Microsoft Entra
        ({"upn": "jane@nyc.gov"}, "jane@nyc.gov"),
        ({"email": "not-an-address", "preferred_username": "jane@nyc.gov"}, "jane@nyc.gov"),
    ],
)
def test_email_from_claims(claims, expected):
    assert identity.email_from_claims(claims) == expected


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({}, "did not share an e-mail"),
        ({"preferred_username": "jdoe"}, "did not share an e-mail"),
        ({"email": "a@b"}, "did not share an e-mail"),
        ({"email": "jane@nyc.gov", "email_verified": False}, "not verified jane@nyc.gov"),
        ({"email": "jane@nyc.gov", "email_verified": "false"}, "not verified"),
    ],
)
def test_email_from_claims_refuses(claims, message):
    with pytest.raises(AuthenticationFailed, match=message):
        identity.email_from_claims(claims)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("Jane@NYC.gov", "jane@nyc.gov"),
        ("@nyc.gov", "@nyc.gov"),
        ("nyc.gov", "@nyc.gov"),
        ("*@cityhall.nyc.gov ", "@cityhall.nyc.gov"),
    ],
)
def test_normalize_pattern(pattern, expected):
    assert identity.normalize_pattern(pattern) == expected


@pytest.mark.parametrize(
    "pattern", ["", "@", "jane@", "@nyc", "jane@@nyc.gov", "@-bad.gov", "jane doe@nyc.gov", "<b>@x.org"]
)
def test_normalize_pattern_refuses(pattern):
    with pytest.raises(InvalidInput, match="neither an e-mail address"):
        identity.normalize_pattern(pattern)


def test_match_role_prefers_the_exact_address_and_ignores_subdomains():
    mappings = [("@nyc.gov", "organizer"), ("boss@nyc.gov", "admin")]
    assert identity.match_role("boss@nyc.gov", mappings) == ("boss@nyc.gov", "admin")
    assert identity.match_role("Jane@NYC.gov", mappings) == ("@nyc.gov", "organizer")
    assert identity.match_role("jane@dept.nyc.gov", mappings) is None
    assert identity.match_role("jane@nyc.gov.evil.com", mappings) is None


def test_mappings_are_managed_and_audited(sessions):
    mapping = identity.add_role_mapping(sessions, pattern="NYC.gov", role="organizer", actor="ada")
    with pytest.raises(Conflict, match="@nyc.gov already has a role"):
        identity.add_role_mapping(sessions, pattern="@nyc.gov", role="admin", actor="ada")
    with pytest.raises(InvalidInput, match="Unknown role 'root'"):
        identity.add_role_mapping(sessions, pattern="x@nyc.gov", role="root", actor="ada")
    assert identity.role_mappings(sessions)[["pattern", "role"]].values.tolist() == [
        ["@nyc.gov", "organizer"]
    ]
    identity.remove_role_mapping(sessions, mapping_id=mapping, actor="ada")
    with pytest.raises(NotFound):
        identity.remove_role_mapping(sessions, mapping_id=mapping, actor="ada")
    assert identity.role_mappings(sessions).empty
    trail = audit.history(sessions, entity="role_mapping")
    assert trail["action"].tolist() == ["delete", "create"]
    assert '"pattern": "@nyc.gov"' in trail.iloc[0]["before"]


def test_first_sign_in_creates_an_account_from_the_domain_mapping(sessions):
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="organizer", actor="ada")
    user = identity.sign_in_with_identity(
        sessions,
        claims={"email": "Jane@nyc.gov", "name": "Jane Doe", "is_logged_in": True},
        provider="Microsoft",
    )
    assert user == {"username": "jane@nyc.gov", "display_name": "Jane Doe", "role": "organizer"}
    with sessions() as session:
        row = session.scalar(select(User).where(User.username == "jane@nyc.gov"))
        assert row.password_hash is None and row.email == "jane@nyc.gov" and row.last_login_at
    # A second sign-in reuses the account; an admin's later role change sticks.
    identity.sign_in_with_identity(sessions, claims={"email": "jane@nyc.gov"})
    with sessions() as session:
        assert session.query(User).count() == 1
    trail = audit.history(sessions, entity="user")
    assert trail["action"].tolist() == ["sign_in", "sign_in", "create"]
    assert '"via": "Microsoft"' in trail.iloc[2]["after"]
    # No password: the local sign-in form never lets this account in.
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(sessions, username="jane@nyc.gov", password="")


def test_an_existing_account_with_that_address_is_used_whatever_the_mappings(sessions):
    auth.create_user(
        sessions,
        username="cora",
        password="long-enough-pw",
        role="coordinator",
        actor="t",
        email="Cora@Example.org",
    )
    user = identity.sign_in_with_identity(sessions, claims={"email": "cora@example.org"})
    assert user["username"] == "cora" and user["role"] == "coordinator"


def test_no_mapping_no_entry(sessions):
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="organizer", actor="ada")
    with pytest.raises(AuthenticationFailed, match="mallory@evil.example has no access"):
        identity.sign_in_with_identity(sessions, claims={"email": "mallory@evil.example"})
    with sessions() as session:
        assert session.query(User).count() == 0


def test_a_deactivated_account_is_refused_and_nothing_is_written(sessions):
    auth.create_user(
        sessions, username="otto", password=None, role="organizer", actor="t", email="otto@nyc.gov"
    )
    with sessions.begin() as session:
        session.scalar(select(User)).active = False
    before = len(audit.history(sessions))
    with pytest.raises(AuthenticationFailed, match="otto@nyc.gov is deactivated"):
        identity.sign_in_with_identity(sessions, claims={"email": "otto@nyc.gov"})
    assert len(audit.history(sessions)) == before


def test_an_unverified_address_never_reaches_the_database(sessions):
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="admin", actor="ada")
    with pytest.raises(AuthenticationFailed, match="not verified"):
        identity.sign_in_with_identity(sessions, claims={"email": "boss@nyc.gov", "email_verified": False})
    with sessions() as session:
        assert session.query(User).count() == 0
