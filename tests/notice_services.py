"""The services outside Tavle that notices go to, started for real inside a test on 127.0.0.1:
an SMTP server (aiosmtpd) that keeps every message it receives, a Web Push service that checks
the VAPID signature and decrypts each payload with the subscription's keys (http_ece) as a
browser's push service would, and an SMS gateway that keeps what it is asked to send."""

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.live import free_port


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- E-mail ---------------------------------------------------------------------------------


@dataclass
class Received:
    to: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        content: str = body.get_content()
        return content


class Inbox:
    """A real SMTP server. `handle_DATA` answers 250 only after the message is kept, so a sender
    whose call returned has its message here."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server: SMTP, _session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(Received(to=list(envelope.rcpt_tos), message=message))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.to]


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    inbox.controller.start()
    try:
        yield inbox
    finally:
        inbox.controller.stop()


# --- Web Push -------------------------------------------------------------------------------


@dataclass
class Browser:
    """What a browser keeps for one push subscription: its P-256 key pair and auth secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64(point)

    @property
    def auth(self) -> str:
        return b64(self.auth_secret)

    def subscription(self) -> dict[str, Any]:
        """As `PushSubscription.toJSON()` gives it to the page."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass
class Delivered:
    endpoint: str
    payload: dict[str, Any]
    ttl: int
    claims: dict[str, Any]


class PushService:
    """A push service: accepts a push only with a valid VAPID signature by `server_key` (the
    applicationServerKey the browser subscribed with), and reads it as the browser would."""

    def __init__(self, server_key: str | None = None) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.server_key = server_key
        self.browsers: dict[str, Browser] = {}
        self.delivered: list[Delivered] = []
        self.refused: list[str] = []
        self.gone: set[str] = set()
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, reason = service.receive(
                    # Header names are case-insensitive (pywebpush sends them in lower case).
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                self.send_response(status)
                self.end_headers()
                self.wfile.write(reason.encode())

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    def browser(self) -> Browser:
        browser = Browser(endpoint=f"{self.origin}/push/{len(self.browsers) + 1}")
        self.browsers[browser.endpoint] = browser
        return browser

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        endpoint = self.origin + path
        browser = self.browsers.get(endpoint)
        if browser is None or endpoint in self.gone:
            return 410, "no such subscription"
        try:
            claims = self._check_vapid(headers)
            if headers.get("content-encoding") != "aes128gcm":
                raise ValueError("not aes128gcm")
            plain = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth_secret, version="aes128gcm"
            )
            payload = json.loads(plain)
        except (ValueError, KeyError, InvalidSignature, http_ece.ECEException) as wrong:
            with self.lock:
                self.refused.append(f"{type(wrong).__name__}: {wrong}")
            return 401, "refused"
        with self.lock:
            self.delivered.append(Delivered(endpoint, payload, int(headers.get("ttl", "0")), claims))
        return 201, "created"

    def _check_vapid(self, headers: dict[str, str]) -> dict[str, Any]:
        """RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`, the JWT signed with ES256 by
        that key, for this origin, not expired, with a contact."""
        scheme, _, rest = headers["authorization"].partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"scheme {scheme}")
        parts = dict(part.strip().split("=", 1) for part in rest.split(","))
        token, key = parts["t"], parts["k"]
        if self.server_key is not None and key != self.server_key:
            raise ValueError("signed by another key than the one the browser subscribed with")
        head, claims_part, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
        raw = unb64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{head}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
        if json.loads(unb64(head)).get("alg") != "ES256":
            raise ValueError("not ES256")
        claims: dict[str, Any] = json.loads(unb64(claims_part))
        if claims.get("aud") != self.origin:
            raise ValueError(f"audience {claims.get('aud')}")
        if not time.time() < int(claims["exp"]) <= time.time() + 24 * 3600:
            raise ValueError("expiry")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("no contact")
        return claims


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def push_service(server_key: str | None = None) -> Iterator[PushService]:
    service = PushService(server_key)
    with serving(service.server):
        yield service


# --- SMS ------------------------------------------------------------------------------------


@dataclass
class Texted:
    body: dict[str, Any]
    authorization: str


class SmsGateway:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sms"
        self.sent: list[Texted] = []
        # What the gateway answers; a test sets 503 to play a provider that is down.
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                gateway.sent.append(Texted(body, self.headers.get("Authorization", "")))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)


@contextmanager
def sms_gateway() -> Iterator[SmsGateway]:
    gateway = SmsGateway()
    with serving(gateway.server):
        yield gateway
