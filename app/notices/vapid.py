"""The Web Push (VAPID) key pair: the public half is the `applicationServerKey` a browser
subscribes with, the private half signs every push, so a push service only accepts pushes from
the server the browser subscribed to.

It must stay the same for as long as the subscriptions live, on every worker and machine: in
production it is the setting `TAVLE_VAPID_PRIVATE_KEY` (`python -m app vapid-keys` makes one),
and push is simply not offered without it; elsewhere a key is made once and kept in
`data/vapid_private_key` (mode 0600, beside the SQLite file when the database is one), outside
git, like the secret key."""

import base64
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.engine import make_url

from app.core.config import ROOT, Settings
from app.core.db import is_sqlite_file
from app.core.secret import read_or_make

FILE_NAME = "vapid_private_key"


@dataclass(frozen=True)
class VapidKeys:
    private: str  # the 32-byte private number, base64url without padding
    public: str  # the uncompressed P-256 point (65 bytes), base64url: the applicationServerKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_keys() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    return keys_from_private(_b64(key.private_numbers().private_value.to_bytes(32, "big")))


@lru_cache(maxsize=8)
def keys_from_private(private: str) -> VapidKeys:
    """The pair from its private half. Raises ValueError when it is not a P-256 key."""
    raw = _unb64(private.strip())
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes, base64url")
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(private=_b64(raw), public=_b64(point))


def vapid_keys(settings: Settings) -> VapidKeys | None:
    """The key pair, or None when push cannot be offered (production without the setting)."""
    if settings.vapid_private_key:
        return keys_from_private(settings.vapid_private_key)
    if settings.is_production:
        return None
    # Made once and kept, like the secret key: every worker reads the same file.
    return keys_from_private(read_or_make(key_file(settings), make=lambda: new_keys().private).decode())


def key_file(settings: Settings) -> Path:
    url = make_url(settings.database_url)
    if is_sqlite_file(url):
        return Path(str(url.database)).resolve().parent / FILE_NAME
    return ROOT / "data" / FILE_NAME


def subject(settings: Settings) -> str:
    """Who runs this server, for the push services (a VAPID claim they require)."""
    if settings.vapid_subject:
        return settings.vapid_subject
    if settings.public_https:
        return settings.public_url.rstrip("/")
    return "mailto:tavle@localhost"
