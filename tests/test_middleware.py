"""The security middleware's CSRF cookie: read from the Cookie header without a general parser."""

from app.core.middleware import CSRF_COOKIE, _cookie
from tests.conftest import Client


def scope(cookie: bytes) -> dict[str, object]:
    return {"type": "http", "headers": [(b"host", b"x"), (b"cookie", cookie)]}


def test_the_token_is_found_among_other_cookies() -> None:
    token = "Abc_def-123456789012345678901234567890123"
    header = f"tavle_session=xyz; {CSRF_COOKIE}={token}; tavle_lang=da".encode()
    assert _cookie(scope(header), CSRF_COOKIE) == token


def test_a_missing_or_odd_token_counts_as_none() -> None:
    assert _cookie(scope(b"tavle_session=xyz"), CSRF_COOKIE) is None
    assert _cookie(scope(f"{CSRF_COOKIE}=".encode()), CSRF_COOKIE) is None
    assert _cookie(scope(f'{CSRF_COOKIE}="quoted value"'.encode()), CSRF_COOKIE) is None
    assert _cookie(scope(f"x{CSRF_COOKIE}=Abcdefghijklmnopqrstu".encode()), CSRF_COOKIE) is None
    assert _cookie({"type": "http", "headers": []}, CSRF_COOKIE) is None


def test_an_odd_token_is_replaced_by_a_fresh_one(client: Client) -> None:
    client.cookies.set(CSRF_COOKIE, "<script>")
    answer = client.get("/healthz")
    assert CSRF_COOKIE in answer.headers.get("set-cookie", "")
