"""The app's secret key (`TAVLE_SECRET_KEY`), which the CSRF tokens are signed with.

Every worker and machine must use the same one, or a form served by one would be refused by
another. So: in production it must be set (the app will not start without it); in the embedded
SQLite default a generated one is kept in a file beside the database (`secret_key`, mode 0600),
made once and read by every worker; anywhere else (development or tests on PostgreSQL, an
in-memory SQLite) each process makes its own."""

import contextlib
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.core.db import is_sqlite_file

log = logging.getLogger("tavle")

FILE_NAME = "secret_key"
PRODUCTION_MINIMUM = 32


class SecretKeyMissing(RuntimeError):
    """The app must not start: production without a (long enough) TAVLE_SECRET_KEY."""


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        if settings.is_production and len(settings.secret_key) < PRODUCTION_MINIMUM:
            raise SecretKeyMissing(
                f"TAVLE_SECRET_KEY is too short ({len(settings.secret_key)} characters): use at least "
                f"{PRODUCTION_MINIMUM}, for example the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return settings.secret_key.encode()
    if settings.is_production:
        raise SecretKeyMissing(
            "TAVLE_SECRET_KEY is not set. In production Tavle will not start without it: every "
            "worker and machine must sign the CSRF tokens with the same secret. Set it to a long "
            "random value, the same everywhere, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    kept = key_file(settings)
    if kept is not None:
        return read_or_make(kept)
    log.warning("TAVLE_SECRET_KEY is not set: this process made its own (not shared with other workers)")
    return secrets.token_urlsafe(48).encode()


def key_file(settings: Settings) -> Path | None:
    """Where the generated key is kept: beside the SQLite file, when the database is one."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not is_sqlite_file(url):
        return None
    return Path(str(url.database)).resolve().parent / FILE_NAME


def _new_secret() -> str:
    return secrets.token_urlsafe(48)


def read_or_make(path: Path, make: Callable[[], str] = _new_secret) -> bytes:
    """The key in `path`, made first (by `make`) if there is none. Workers starting together
    agree: the key is written to a file of its own and linked into place, which only one of them
    can do. Also keeps the Web Push key (`app.notices.vapid`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(make() + "\n")
        with contextlib.suppress(FileExistsError):  # another worker was first: use theirs
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    key = path.read_text().strip()
    if not key:
        raise SecretKeyMissing(f"{path} is empty: delete it to have a new key made, or set the key's setting")
    return key.encode()
