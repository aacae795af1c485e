"""One settings object, read from TAVLE_* environment variables, with defaults that run on a laptop."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class OidcSettings(BaseModel):
    """OpenID Connect sign-in, as the services use it (built from the TAVLE_OIDC_* settings)."""

    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    role: str = "consultant"
    scopes: str = "openid email profile"
    timeout_seconds: float = 10.0

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAVLE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'data' / 'tavle.db'}",
        description="SQLAlchemy URL. SQLite (the default) or postgresql+psycopg://…",
    )
    environment: str = Field(
        default="development",
        description="'development' (embedded default, seeds the demo) or 'production'.",
    )
    seed_demo: bool | None = Field(
        default=None,
        description="Seed the demo users. Unset: only in development with SQLite.",
    )
    migrate_on_start: bool = Field(default=True, description="Apply Alembic migrations when the app starts.")
    host: str = Field(default="127.0.0.1", description="Address `make run` serves on.")
    port: int = Field(default=8000, description="Port `make run` serves on.")
    public_url: str = Field(
        default="",
        description="Base URL printed and put in QR codes; derived from the request if empty.",
    )
    default_locale: str = Field(default="da", description="Language before a user chooses one.")
    session_days: int = Field(default=14, description="A session ends after this many days.")
    session_idle_minutes: int = Field(
        default=120, description="A session ends after this long without a request."
    )
    secure_cookies: bool | None = Field(
        default=None, description="Mark cookies Secure. Unset: only when public_url is https."
    )
    login_max_attempts: int = Field(
        default=5, description="Wrong passwords or PINs in a row before sign-in is locked."
    )
    login_lock_minutes: int = Field(default=15, description="How long a locked sign-in waits.")
    login_max_per_address: int = Field(
        default=20,
        ge=1,
        description="Wrong sign-ins (any account) from one client address per lock window before "
        "that address is paused; also the limit for unknown invitation links.",
    )
    secret_key: str = Field(
        default="",
        repr=False,
        description="Secret the CSRF tokens are signed with; shared by every worker. Required in "
        "production; empty elsewhere: kept in a file beside an SQLite database, else made per process.",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated addresses of the proxies trusted to set X-Forwarded-For and "
        "X-Forwarded-Proto (uvicorn's forwarded_allow_ips); '*' trusts every client.",
    )
    threads: int = Field(
        default=8,
        ge=1,
        description="Worker threads per process for requests that use the database.",
    )
    pubsub: str = Field(
        default="auto",
        description="Live-update hub: 'memory', 'postgres', or 'auto' (postgres on PostgreSQL).",
    )
    retention_months: int = Field(
        default=12,
        ge=1,
        description="A citizen whose case was closed (left the programme) is erased this many months "
        "later, by `python -m app retention`.",
    )
    oidc_issuer: str = Field(
        default="",
        description="OpenID Connect issuer URL (discovery at <issuer>/.well-known/openid-configuration); "
        "with oidc_client_id set, staff sign-in offers 'Sign in with your organisation'.",
    )
    oidc_client_id: str = Field(default="", description="The client id Tavle is registered with.")
    oidc_client_secret: str = Field(default="", description="The client secret (sent with HTTP Basic).")
    oidc_role: str = Field(
        default="consultant", description="The role an OIDC identity may sign in as (an existing user)."
    )
    oidc_scopes: str = Field(default="openid email profile", description="Scopes asked for.")
    oidc_timeout_seconds: float = Field(default=10.0, description="Time limit for calls to the provider.")

    smtp_host: str = Field(
        default="", description="SMTP server for e-mail notices and codes; empty: no e-mail is offered."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="The SMTP server's port.")
    smtp_user: str = Field(default="", description="SMTP user name; empty: no login.")
    smtp_password: str = Field(default="", repr=False, description="SMTP password.")
    smtp_tls: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="'starttls' (upgrade the connection, port 587), 'tls' (TLS from the start, port "
        "465) or 'none' (plain, only to a relay on the same machine).",
    )
    smtp_from: str = Field(default="tavle@localhost", description="The sender address of e-mails.")
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, description="Time limit for each SMTP call.")
    sms_url: str = Field(
        default="",
        description="HTTP endpoint SMS are POSTed to as JSON ({to, text, sender}); empty: no SMS is offered.",
    )
    sms_token: str = Field(default="", repr=False, description="Bearer token sent to the SMS endpoint.")
    sms_sender: str = Field(default="Tavle", description="The sender name or number SMS show.")
    sms_timeout_seconds: float = Field(default=10.0, gt=0, description="Time limit for each SMS call.")
    vapid_private_key: str = Field(
        default="",
        repr=False,
        description="Web Push (VAPID) private key, base64url (`python -m app vapid-keys` makes one). "
        "Required for push in production; empty elsewhere: kept in data/vapid_private_key.",
    )
    vapid_subject: str = Field(
        default="",
        description="Contact the push services may write to (mailto: or https:); empty: the public "
        "URL when it is https, else mailto:tavle@localhost.",
    )
    notify_interval_seconds: float = Field(
        default=60.0, gt=0, description="How often `python -m app notify` looks for what is due."
    )
    notify_in_app: bool = Field(
        default=False,
        description="Let every app process send what is due as well (instead of a separate "
        "`python -m app notify`).",
    )
    digest_hour: int = Field(
        default=7,
        ge=0,
        le=23,
        description="Hour (Copenhagen) at which the consultants' daily digest goes out.",
    )
    live_heartbeat_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Seconds between heartbeats on a live stream; a board that hears nothing for "
        "twice as long reconnects, and polls when streams keep failing. Unset: 15.",
    )

    @property
    def oidc(self) -> OidcSettings:
        return OidcSettings(
            issuer=self.oidc_issuer,
            client_id=self.oidc_client_id,
            client_secret=self.oidc_client_secret,
            role=self.oidc_role,
            scopes=self.oidc_scopes,
            timeout_seconds=self.oidc_timeout_seconds,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def should_seed_demo(self) -> bool:
        if self.seed_demo is not None:
            return self.seed_demo
        return self.environment == "development" and self.is_sqlite

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.sms_url)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def public_https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.public_https


@lru_cache
def get_settings() -> Settings:
    return Settings()
