"""Hashing of passwords, PINs and tokens. One place, so every secret is treated alike."""

import hashlib
import hmac
import secrets
from functools import lru_cache

from pwdlib import PasswordHash

# The session's random token (only its digest is stored: app.models.auth.AuthSession).
SESSION_COOKIE = "tavle_session"


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()  # Argon2id


def hash_secret(secret: str) -> str:
    return _hasher().hash(secret)


def verify_secret(secret: str, hashed: str | None) -> bool:
    if hashed is None:
        # Spend the same time as a real check, so an unknown account cannot be told apart.
        _hasher().verify(secret, _dummy_hash())
        return False
    return _hasher().verify(secret, hashed)


@lru_cache
def _dummy_hash() -> str:
    return hash_secret(secrets.token_hex(16))


def digest(value: str) -> str:
    """A fast lookup digest for high-entropy tokens and normalised invitation codes."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def normalise_code(code: str) -> str:
    """Invitation codes are typed from paper: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
