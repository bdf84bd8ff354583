"""Configuration: Streamlit's server settings stay safe, no secret gets into the repository, and settings
come from the environment, then .streamlit/secrets.toml, then defaults."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from outreach import config

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "scripts" / "check-secrets.sh"


def test_streamlit_config_keeps_protections_on_binds_locally_and_sends_no_statistics():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = settings["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert server["address"] == "127.0.0.1"
    assert server["headless"] is True
    assert 0 < server["maxUploadSize"] <= 50  # MB: CSV imports and backups, nothing bigger
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["showErrorDetails"] in ("type", "none", False)  # no tracebacks to visitors


def test_secrets_example_is_all_comments_and_the_real_file_is_ignored():
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text()
    assert tomllib.loads(example) == {}  # nothing active: copying it changes nothing until edited
    assert "# [auth]" in example and "redirect_uri" in example and "cookie_secret" in example
    assert "login.microsoftonline.com" in example and "accounts.google.com" in example
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored


# --- the secret check ---------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path) -> Path:
    """A scratch git repository holding the check and one harmless file."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    (tmp_path / "scripts").mkdir()
    shutil.copy(CHECK, tmp_path / "scripts" / "check-secrets.sh")
    (tmp_path / "app.py").write_text("print('hello')\n")
    (tmp_path / ".gitignore").write_text(".streamlit/secrets.toml\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def check(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/check-secrets.sh"], cwd=repo, capture_output=True, text=True)


def test_a_clean_repository_passes(repo):
    result = check(repo)
    assert result.returncode == 0, result.stderr
    assert "no secrets found" in result.stdout


PLANTED_PASSWORD = "hunter2-" + "prod"  # built here so the repository itself never holds the planted line


@pytest.mark.parametrize(
    ("path", "content"),
    [
        (".streamlit/config.toml", f'[auth]\nclient_secret = "{PLANTED_PASSWORD}xyz"\n'),
        ("deploy/env.sh", f'cookie_secret = "{PLANTED_PASSWORD}xyz"\n'),
        ("README.md", f"DATABASE_URL=postgresql+psycopg://kyr:{PLANTED_PASSWORD}@db.internal/kyr\n"),
        ("key.pem", "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE...\n"),
        (".streamlit/secrets.toml", "x = 1\n"),
        (".env", "A=1\n"),
    ],
    ids=["client-secret", "cookie-secret", "database-password", "private-key", "secrets-file", "dotenv"],
)
@pytest.mark.parametrize("tracked", [True, False], ids=["committed", "new-file"])
def test_a_planted_secret_fails_the_check(repo, path, content, tracked):
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    if path.endswith("secrets.toml"):
        (repo / ".gitignore").write_text("")  # it only counts when git would pick it up
    if tracked:
        subprocess.run(["git", "add", "-f", str(target)], cwd=repo, check=True)
    result = check(repo)
    assert result.returncode == 1, result.stdout
    assert "secret" in result.stderr.lower() or "credential" in result.stderr.lower()


@pytest.mark.parametrize(
    "content",
    [
        'DATABASE_URL = "postgresql+psycopg://kyr:CHANGE-ME@127.0.0.1:5432/kyr"\n',
        "| `DATABASE_URL` | PostgreSQL as `postgresql+psycopg://user:pass@host/db` |\n",
        'client_secret = "<client secret value>"\n',
        "url: postgresql://kyr:${KYR_DB_PASSWORD}@db/kyr\n",
    ],
)
def test_placeholders_in_examples_pass(repo, content):
    (repo / "EXAMPLE.md").write_text(content)
    assert check(repo).returncode == 0


def test_a_local_ignored_secrets_file_passes(repo):
    (repo / ".streamlit").mkdir()
    (repo / ".streamlit" / "secrets.toml").write_text(f'[auth]\ncookie_secret = "{PLANTED_PASSWORD}xyz"\n')
    assert check(repo).returncode == 0


def test_this_repository_holds_no_secret():
    result = subprocess.run(["bash", str(CHECK)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- settings -----------------------------------------------------------------------------------------


@pytest.fixture
def secrets_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "secrets.toml"
    monkeypatch.setattr(config, "SECRETS_FILE", path)
    for name in ("KYR_CAMPAIGN_TARGET", "KYR_SESSION_IDLE_MINUTES", "KYR_DEMO_DATA", "KYR_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_defaults_without_environment_or_secrets(secrets_file):
    settings = config.load_settings()
    assert settings.campaign_target == 32_000
    assert settings.session_idle_minutes == 30
    assert settings.load_demo_data is True


def test_secrets_file_beats_defaults_and_environment_beats_both(secrets_file, monkeypatch):
    secrets_file.write_text(
        'KYR_CAMPAIGN_TARGET = 1000\nKYR_SESSION_IDLE_MINUTES = "5"\nKYR_PUBLIC_URL = "https://kyr.example.org/"\n'
        "KYR_DEMO_DATA = false\n"
    )
    settings = config.load_settings()
    assert (settings.campaign_target, settings.session_idle_minutes) == (1000, 5)
    assert settings.public_url == "https://kyr.example.org"
    assert settings.load_demo_data is False
    monkeypatch.setenv("KYR_CAMPAIGN_TARGET", "2000")
    monkeypatch.setenv("KYR_DEMO_DATA", "yes")
    settings = config.load_settings()
    assert (settings.campaign_target, settings.session_idle_minutes) == (2000, 5)
    assert settings.load_demo_data is True


@pytest.mark.parametrize("source", ["environment", "secrets"])
def test_a_setting_that_is_not_a_whole_number_names_itself(secrets_file, monkeypatch, source):
    if source == "environment":
        monkeypatch.setenv("KYR_SESSION_IDLE_MINUTES", "thirty")
    else:
        secrets_file.write_text('KYR_SESSION_IDLE_MINUTES = "thirty"\n')
    with pytest.raises(ValueError, match="KYR_SESSION_IDLE_MINUTES='thirty' is not a whole number"):
        config.load_settings()


def test_the_phone_region_defaults_to_the_us_and_is_a_two_letter_code(secrets_file, monkeypatch):
    monkeypatch.delenv("KYR_PHONE_REGION", raising=False)
    assert config.load_settings().phone_region == "US"
    monkeypatch.setenv("KYR_PHONE_REGION", " ca ")
    assert config.load_settings().phone_region == "CA"
    monkeypatch.setenv("KYR_PHONE_REGION", "USA")
    with pytest.raises(ValueError, match="KYR_PHONE_REGION='USA' is not a two-letter country code"):
        config.load_settings()
