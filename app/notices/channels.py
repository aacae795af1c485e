"""The three ways out of Tavle, each one small call that either delivers or raises
`NotDelivered`: e-mail over SMTP, SMS through one HTTP API, and Web Push.

SMS: a municipality points `TAVLE_SMS_URL` at its SMS provider, or at NemSMS through the
provider or relay it already uses; Tavle POSTs `{"to": "+4512345678", "text": "…", "sender":
"Tavle"}` as JSON with `Authorization: Bearer <TAVLE_SMS_TOKEN>`, and any 2xx answer counts as
sent. A provider that wants another shape gets a relay of a few lines in front of it."""

import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx
from pywebpush import WebPushException, webpush

from app.core.config import Settings
from app.notices.vapid import VapidKeys, subject

PUSH_TIMEOUT_SECONDS = 10.0


class NotDelivered(Exception):
    """The channel did not take the notice (the reason is kept on the notice, without content)."""


class SubscriptionGone(NotDelivered):
    """The push service says the subscription no longer exists: forget it."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    locale: str


def send_email(*, settings: Settings, mail: Mail) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2].strip("> ") or None)
    # Tells mail servers and programs that this is automatic, so nobody answers it by itself.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    # After the content: setting it clears every Content-* header.
    message["Content-Language"] = mail.locale
    timeout = settings.smtp_timeout_seconds
    try:
        if settings.smtp_tls == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with client:
            if settings.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as failed:
        raise NotDelivered(f"e-mail: {type(failed).__name__}") from failed


def send_sms(*, settings: Settings, to: str, text: str) -> None:
    headers = {"Authorization": f"Bearer {settings.sms_token}"} if settings.sms_token else {}
    body = {"to": to, "text": text, "sender": settings.sms_sender}
    try:
        answer = httpx.post(
            settings.sms_url, json=body, headers=headers, timeout=settings.sms_timeout_seconds
        )
    except httpx.HTTPError as failed:
        raise NotDelivered(f"sms: {type(failed).__name__}") from failed
    if not answer.is_success:
        raise NotDelivered(f"sms: HTTP {answer.status_code}")


@dataclass(frozen=True)
class PushTarget:
    endpoint: str
    public_key: str
    auth_secret: str


def send_push(
    *, settings: Settings, keys: VapidKeys, target: PushTarget, payload: dict[str, Any], ttl: int
) -> None:
    """Encrypts `payload` for the subscription (aes128gcm) and signs the request with VAPID."""
    info = {"endpoint": target.endpoint, "keys": {"p256dh": target.public_key, "auth": target.auth_secret}}
    try:
        webpush(
            subscription_info=info,
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=keys.private,
            # A fresh dict each time: pywebpush writes the audience and expiry into it.
            vapid_claims={"sub": subject(settings)},
            ttl=max(ttl, 0),
            timeout=PUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as failed:
        if failed.status_code in (404, 410):
            raise SubscriptionGone("push: subscription gone") from failed
        raise NotDelivered(f"push: HTTP {failed.status_code}") from failed
    except (OSError, ValueError) as failed:
        raise NotDelivered(f"push: {type(failed).__name__}") from failed
