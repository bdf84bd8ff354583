"""Settings from the environment, then `.streamlit/secrets.toml`, then defaults.

Every setting is documented in the README's Configuration table. Secrets never live in the repository:
`.streamlit/secrets.toml` is git-ignored and only an example is committed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def _secrets() -> dict[str, object]:
    if not SECRETS_FILE.exists():
        return {}
    with SECRETS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _setting(name: str, default: str) -> str:
    if name in os.environ:
        return os.environ[name]
    value = _secrets().get(name)
    return default if value is None else str(value)


def _int_setting(name: str, default: int) -> int:
    raw = _setting(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"Setting {name}={raw!r} is not a whole number; fix it in the environment.") from exc


def _bool_setting(name: str, default: bool) -> bool:
    return _setting(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _region_setting(name: str, default: str) -> str:
    raw = _setting(name, default)
    region = raw.strip().upper()
    if len(region) != 2 or not region.isascii() or not region.isalpha():
        raise ValueError(f"Setting {name}={raw!r} is not a two-letter country code such as US; fix it.")
    return region


def _choice_setting(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = _setting(name, default)
    value = raw.strip().lower()
    if value not in choices:
        raise ValueError(f"Setting {name}={raw!r} is not one of {', '.join(choices)}; fix it.")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    load_demo_data: bool
    campaign_target: int
    public_url: str
    geocoder: str
    geocoder_user_agent: str
    geocoder_timeout_seconds: int
    restock_max_per_hour: int
    restock_max_packs_per_line: int
    desert_min_lep: int
    map_marker_limit: int
    session_idle_minutes: int
    session_max_hours: int
    demo_password: str
    phone_region: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_from: str
    smtp_tls: str
    mail_max_attempts: int
    secret_key: str
    low_stock_packs: int
    digest_hour: int
    confirm_after_days: int = 7


def default_database_url() -> str:
    return f"sqlite:///{DATA_DIR / 'kyr.db'}"


def load_settings() -> Settings:
    return Settings(
        database_url=_setting("DATABASE_URL", default_database_url()),
        load_demo_data=_bool_setting("KYR_DEMO_DATA", True),
        campaign_target=_int_setting("KYR_CAMPAIGN_TARGET", 32_000),
        public_url=_setting("KYR_PUBLIC_URL", "http://localhost:8501").rstrip("/"),
        geocoder=_setting("KYR_GEOCODER", "offline"),
        geocoder_user_agent=_setting(
            "KYR_GEOCODER_USER_AGENT", "kyr-tracker/0.1 (set KYR_GEOCODER_USER_AGENT)"
        ),
        geocoder_timeout_seconds=_int_setting("KYR_GEOCODER_TIMEOUT", 5),
        restock_max_per_hour=_int_setting("KYR_RESTOCK_MAX_PER_HOUR", 5),
        restock_max_packs_per_line=_int_setting("KYR_RESTOCK_MAX_PACKS_PER_LINE", 40),
        desert_min_lep=_int_setting("KYR_DESERT_MIN_LEP", 1_000),
        map_marker_limit=_int_setting("KYR_MAP_MARKER_LIMIT", 2_000),
        session_idle_minutes=_int_setting("KYR_SESSION_IDLE_MINUTES", 30),
        session_max_hours=_int_setting("KYR_SESSION_MAX_HOURS", 12),
        demo_password=_setting("KYR_DEMO_PASSWORD", "kyr-demo-2026"),
        phone_region=_region_setting("KYR_PHONE_REGION", "US"),
        smtp_host=_setting("KYR_SMTP_HOST", "").strip(),
        smtp_port=_int_setting("KYR_SMTP_PORT", 587),
        smtp_user=_setting("KYR_SMTP_USER", ""),
        smtp_password=_setting("KYR_SMTP_PASSWORD", ""),
        smtp_from=_setting("KYR_SMTP_FROM", "KYR Tracker <kyr-tracker@localhost>"),
        smtp_tls=_choice_setting("KYR_SMTP_TLS", "starttls", ("starttls", "tls", "none")),
        mail_max_attempts=_int_setting("KYR_MAIL_MAX_ATTEMPTS", 8),
        secret_key=_setting("KYR_SECRET_KEY", ""),
        low_stock_packs=_int_setting("KYR_LOW_STOCK_PACKS", 10),
        digest_hour=_int_setting("KYR_DIGEST_HOUR", 7),
        confirm_after_days=_int_setting("KYR_CONFIRM_AFTER_DAYS", 7),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings; tests call `settings.cache_clear()` after changing the environment."""
    return load_settings()
