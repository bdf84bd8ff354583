"""Single sign-on on the sign-in page: offered only when [auth] is configured; a returning provider identity
signs in with the role the database maps it to, or is refused with a reason."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from outreach import audit
from outreach.accounts import sso as identity
from outreach.ui import state
from tests.pages.conftest import ROOT, page_text

CLIENT = {
    "client_id": "kyr",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
}
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "0" * 32,
    "microsoft": CLIENT,
}
JANE = {"is_logged_in": True, "email": "jane@nyc.gov", "name": "Jane Doe", "email_verified": True}


def sign_in_page(*, auth: dict | None, user: dict | None = None, session: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "sign_in.py"), default_timeout=30)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def _sso_buttons(at) -> list[str]:
    return [button.label for button in at.button if button.label.startswith("Sign in with")]


def test_without_auth_only_local_accounts_are_offered(page_db):
    at = sign_in_page(auth=None)
    assert not at.exception
    assert _sso_buttons(at) == []
    assert at.text_input(key=state.SIGN_IN_USERNAME) is not None


def test_an_incomplete_auth_section_offers_nothing(page_db):
    at = sign_in_page(auth={"microsoft": CLIENT})  # no redirect_uri / cookie_secret
    assert _sso_buttons(at) == []


def test_a_configured_provider_is_offered_next_to_local_accounts(page_db):
    at = sign_in_page(auth=AUTH)
    assert not at.exception
    assert _sso_buttons(at) == ["Sign in with Microsoft"]
    assert at.text_input(key=state.SIGN_IN_USERNAME) is not None


def test_a_mapped_identity_is_signed_in_with_its_role(page_db):
    sessions, _ = page_db
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="organizer", actor="ada")
    at = sign_in_page(auth=AUTH, user=JANE)
    assert not at.exception
    assert at.session_state[state.USER] == {
        "username": "jane@nyc.gov",
        "display_name": "Jane Doe",
        "role": "organizer",
    }
    assert "You are signed in as Jane Doe (organizer)" in page_text(at)
    assert audit.history(sessions, entity="user", action="sign_in").iloc[0]["actor"] == "jane@nyc.gov"


def test_an_unmapped_identity_is_refused_with_the_reason(page_db):
    at = sign_in_page(auth=AUTH, user={**JANE, "email": "mallory@evil.example"})
    assert state.USER not in at.session_state
    assert "has no access to KYR Tracker yet" in page_text(at).replace("\\", "")
    assert at.button(key=state.OIDC_LOGOUT).label == "Sign out of Microsoft"


def test_claims_are_ignored_unless_streamlit_says_the_user_is_logged_in(page_db):
    sessions, _ = page_db
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="admin", actor="ada")
    at = sign_in_page(auth=AUTH, user={"email": "jane@nyc.gov"})  # no is_logged_in: not a provider identity
    assert state.USER not in at.session_state
    assert _sso_buttons(at) == ["Sign in with Microsoft"]


def test_identity_is_ignored_when_single_sign_on_is_not_configured(page_db):
    sessions, _ = page_db
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="admin", actor="ada")
    at = sign_in_page(auth=None, user=JANE)
    assert state.USER not in at.session_state


@pytest.mark.parametrize("click", [False, True])
def test_after_signing_out_the_provider_session_needs_a_click_to_continue(page_db, click):
    sessions, _ = page_db
    identity.add_role_mapping(sessions, pattern="@nyc.gov", role="organizer", actor="ada")
    at = sign_in_page(auth=AUTH, user=JANE, session={state.OIDC_IDENTITY: "jane@nyc.gov"})
    assert state.USER not in at.session_state
    assert "still active here" in page_text(at)
    if click:
        at.button(key=state.OIDC_CONTINUE).click().run()
        assert at.session_state[state.USER]["username"] == "jane@nyc.gov"
