"""KYR_PUBLIC_URL checked against how the app is served: a warning exactly when restock links would send a
phone to itself."""

from __future__ import annotations

import pytest

from outreach import public_url

LOCAL = [
    "http://localhost:8501",
    "https://127.0.0.1:8443",
    "http://[::1]:8501",
    "http://0.0.0.0",
    "",
    "http://app.localhost",
]
PUBLIC = ["https://kyr.example.org", "https://203.0.113.7", "http://kyr.lan:8501"]


@pytest.mark.parametrize("url", LOCAL)
def test_local_addresses_point_at_this_machine(url):
    assert public_url.points_at_this_machine(url)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_addresses_do_not(url):
    assert not public_url.points_at_this_machine(url)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("", False),
        ("10.0.0.5", False),
    ],
)
def test_which_binds_are_loopback_only(address, loopback):
    assert public_url.is_loopback_bind(address) is loopback


def test_no_warning_on_a_laptop():
    assert public_url.warning("http://localhost:8501", bind_address="127.0.0.1", proxied=False) is None


@pytest.mark.parametrize("url", LOCAL[:3])
def test_a_warning_behind_a_proxy_names_the_setting_and_the_address(url):
    message = public_url.warning(url, bind_address="127.0.0.1", proxied=True)
    assert message is not None
    assert "through a reverse proxy" in message and f"`{url}`" in message and "KYR_PUBLIC_URL" in message


def test_a_warning_on_a_public_bind_names_the_bind():
    message = public_url.warning("http://localhost:8501", bind_address="0.0.0.0", proxied=False)
    assert message is not None and "`0.0.0.0`" in message


@pytest.mark.parametrize("url", PUBLIC)
def test_no_warning_once_the_public_address_is_set(url):
    assert public_url.warning(url, bind_address="0.0.0.0", proxied=True) is None


def test_a_backtick_in_the_setting_cannot_break_out_of_the_code_span():
    message = public_url.warning("http://localhost/`<b>x</b>`", bind_address="0.0.0.0", proxied=False)
    assert message is not None and "`http://localhost/<b>x</b>`" in message
