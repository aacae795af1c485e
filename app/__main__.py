"""`python -m app serve`: what `make run` starts. Prints where to go and how to sign in."""

import sys

import uvicorn

from app.core.config import get_settings
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


def serve() -> None:
    settings = get_settings()
    try:
        secret_key(settings)
    except SecretKeyMissing as missing:
        sys.exit(f"Tavle will not start: {missing}")
    url = settings.public_url or f"http://{settings.host}:{settings.port}"
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


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if command != "serve":
        sys.exit(f"unknown command {command!r}; try: python -m app serve")
    serve()
