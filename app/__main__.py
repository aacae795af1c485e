"""`python -m app serve`: what `make run` starts. Prints where to go and how to sign in.

`python -m app create-admin EMAIL [--name NAME]`: the first administrator of a new installation,
with a one-time password printed once (changed at the first sign-in).

`python -m app retention [--dry-run]`: erases the citizens whose case was closed longer ago than
TAVLE_RETENTION_MONTHS; with --dry-run it only lists them.

`python -m app notify [--once]`: finds the reminders that fell due and sends every notice that
is due; --once does one round and exits (cron, tests), otherwise a round every
TAVLE_NOTIFY_INTERVAL_SECONDS until stopped.

`python -m app vapid-keys`: prints a new Web Push key pair, for TAVLE_VAPID_PRIVATE_KEY."""

import argparse
import signal
import sys
import threading

import uvicorn
from sqlmodel import Session

from app.admin import accounts
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.migrate import migrate
from app.core.secret import SecretKeyMissing, secret_key
from app.demo import (
    ADMIN_EMAIL,
    CITIZEN_PIN,
    CONSULTANT_EMAIL,
    CONSULTANT_PASSWORD,
    DEMO_CITIZENS,
    MANAGER_EMAIL,
    NETWORK_CODE,
)
from app.notices import vapid
from app.privacy import erasure
from app.reminders.runner import run_once, run_until


def _url(settings: Settings) -> str:
    return settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"


def serve() -> None:
    settings = get_settings()
    try:
        secret_key(settings)
    except SecretKeyMissing as missing:
        sys.exit(f"Tavle will not start: {missing}")
    url = _url(settings)
    print(f"\n  Tavle is starting on {url}\n", flush=True)
    if settings.should_seed_demo:
        print("  Demo sign-in (the same on every machine):", flush=True)
        print(f"    consultant  {url}/login/staff  {CONSULTANT_EMAIL} / {CONSULTANT_PASSWORD}")
        for citizen in DEMO_CITIZENS:
            print(f"    citizen     {url}/login  code {citizen.code}, PIN {CITIZEN_PIN}  ({citizen.name})")
        print(f"    network     {url}/login  code {NETWORK_CODE}, PIN {CITIZEN_PIN}  (Anna's sister)")
        print(f"    manager     {url}/login/staff  {MANAGER_EMAIL} / {CONSULTANT_PASSWORD}")
        print(f"    admin       {url}/login/staff  {ADMIN_EMAIL} / {CONSULTANT_PASSWORD}")
        print(flush=True)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        # The one setting for which proxies may say who the client is (X-Forwarded-For).
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=3,
        log_level="info",
    )


def create_admin(email: str, name: str) -> int:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if settings.migrate_on_start:
            migrate(engine)
        with Session(engine, expire_on_commit=False) as session:
            try:
                user, password = accounts.create_first_admin(session=session, email=email, name=name)
            except accounts.AccountError as error:
                reasons = "; ".join(f"{field}: {message}" for field, message in error.errors.items())
                print(f"No administrator was made ({reasons})", file=sys.stderr)
                return 1
    finally:
        engine.dispose()
    print(f"Administrator {user.name} <{user.email}> is ready.")
    print(f"  Sign in at {_url(settings)}/login/staff with this one-time password:")
    print(f"    {password}")
    print("  Tavle asks for a new password at once; this one is shown only now.")
    return 0


def retention(*, dry_run: bool) -> int:
    """Erases (or, with `dry_run`, lists) the citizens whose case closed longer ago than the
    retention period. Prints ids and dates only: the names stay in the database."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if settings.migrate_on_start:
            migrate(engine)
        with Session(engine, expire_on_commit=False) as session:
            found = erasure.apply_retention(
                session=session, months=settings.retention_months, dry_run=dry_run
            )
    finally:
        engine.dispose()
    verb = "would erase" if dry_run else "erased"
    for item in found:
        print(f"  {verb} citizen {item.citizen_id} (case closed {item.case_closed_at.date().isoformat()})")
    months = settings.retention_months
    count = f"{len(found)} citizen{'' if len(found) == 1 else 's'}"
    period = f"{months} month{'' if months == 1 else 's'}"
    done = "would be erased" if dry_run else "erased"
    print(f"{count} {done}: case closed {period} ago or more.")
    return 0


def notify(*, once: bool) -> int:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if settings.migrate_on_start:
            migrate(engine)
        if once:
            print(f"notices: {run_once(engine=engine, settings=settings)}")
            return 0
        stop = threading.Event()
        for name in (signal.SIGINT, signal.SIGTERM):
            signal.signal(name, lambda _signum, _frame: stop.set())
        print(f"notices: a round every {settings.notify_interval_seconds:g} s; stop with Ctrl-C", flush=True)
        run_until(stop, engine=engine, settings=settings)
    finally:
        engine.dispose()
    return 0


def vapid_keys(*, keep: bool = False) -> int:
    if keep:
        # Set-up (`make setup`): this machine's key pair, made once outside git, and kept.
        settings = get_settings()
        kept = vapid.vapid_keys(settings)
        if kept is None:
            print(
                "production: set TAVLE_VAPID_PRIVATE_KEY (python -m app vapid-keys makes one)",
                file=sys.stderr,
            )
            return 1
        where = "TAVLE_VAPID_PRIVATE_KEY" if settings.vapid_private_key else vapid.key_file(settings)
        print(f"Web Push key pair kept in {where}; public key: {kept.public}")
        return 0
    keys = vapid.new_keys()
    print(f"TAVLE_VAPID_PRIVATE_KEY={keys.private}")
    print(f"# public key (applicationServerKey, shown to browsers by Tavle itself): {keys.public}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Tavle")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the app (what `make run` does)")
    admin = commands.add_parser("create-admin", help="make an administrator with a one-time password")
    admin.add_argument("email")
    admin.add_argument("--name", default="Administrator", help="the name shown in Tavle")
    keep = commands.add_parser("retention", help="erase the citizens whose case closed long enough ago")
    keep.add_argument("--dry-run", action="store_true", help="only list who would be erased")
    sender = commands.add_parser("notify", help="find the reminders that fell due and send what is due")
    sender.add_argument("--once", action="store_true", help="one round, then exit (cron, tests)")
    pair = commands.add_parser("vapid-keys", help="print a new Web Push key pair for TAVLE_VAPID_PRIVATE_KEY")
    pair.add_argument(
        "--keep", action="store_true", help="make this machine's pair once, outside git (set-up)"
    )
    args = parser.parse_args(argv)
    if args.command == "create-admin":
        return create_admin(args.email, args.name)
    if args.command == "retention":
        return retention(dry_run=args.dry_run)
    if args.command == "notify":
        return notify(once=args.once)
    if args.command == "vapid-keys":
        return vapid_keys(keep=args.keep)
    serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
