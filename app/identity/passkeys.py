"""Passkeys (WebAuthn) for citizens and network members: optional, next to the PIN. Registration
during the invitation or from the sign-in page; sign-in with a discoverable credential, so no code
needs to be typed. Challenges are kept server-side (app.identity.pending) and answer once."""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session, col, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.core.config import Settings
from app.identity import pending
from app.models import PasskeyCredential, Role, User
from app.models.base import utcnow

RP_NAME = "Tavle"
REGISTER = "passkey_register"
SIGN_IN = "passkey_sign_in"
CHALLENGE_MINUTES = 5
CHALLENGE_COOKIE = "tavle_passkey"
PASSKEY_ROLES = (Role.citizen, Role.network)
CREDENTIAL_JSON_MAX = 20_000


class PasskeyFailed(Exception):
    """The browser's answer did not verify, the challenge was stale, or the key is unknown."""


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str


def relying_party(*, settings: Settings, request: Request) -> RelyingParty:
    """From TAVLE_PUBLIC_URL when set (production), else from the address the browser used."""
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        return RelyingParty(id=parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}")
    return RelyingParty(
        id=request.url.hostname or "localhost", origin=f"{request.url.scheme}://{request.url.netloc}"
    )


def registration_options(
    *, session: Session, rp: RelyingParty, user: User, extra: dict[str, Any] | None = None
) -> tuple[str, str]:
    """Options for navigator.credentials.create() as JSON, and the challenge's cookie token."""
    assert user.id is not None
    existing = passkeys_of(session=session, user_id=user.id)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_id=str(user.id).encode(),
        user_name=user.name,
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(item.credential_id)) for item in existing
        ],
    )
    token = pending.begin(
        session=session,
        purpose=REGISTER,
        user_id=user.id,
        minutes=CHALLENGE_MINUTES,
        data={"challenge": bytes_to_base64url(options.challenge), "rp_id": rp.id, **(extra or {})},
    )
    return options_to_json(options), token


def register(
    *, session: Session, rp: RelyingParty, token: str | None, credential: str, user_id: int
) -> tuple[PasskeyCredential, dict[str, Any]]:
    """Verifies the new passkey and stores it; returns it and the data the options carried."""
    record = pending.take(session=session, purpose=REGISTER, token=token)
    if record is None or record.user_id != user_id or len(credential) > CREDENTIAL_JSON_MAX:
        raise PasskeyFailed("no such registration")
    data = pending.data_of(record)
    if data.get("rp_id") != rp.id:
        raise PasskeyFailed("relying party changed")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(str(data["challenge"])),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyFailed(str(exc)) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if session.exec(
        select(PasskeyCredential).where(PasskeyCredential.credential_id == credential_id)
    ).first():
        raise PasskeyFailed("credential already registered")
    item = PasskeyCredential(
        user_id=user_id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(_transports(credential)),
    )
    session.add(item)
    session.commit()
    return item, data


def _transports(credential: str) -> list[str]:
    try:
        raw = json.loads(credential).get("response", {}).get("transports", [])
    except (ValueError, AttributeError):
        return []
    known = {t.value for t in AuthenticatorTransport}
    return [t for t in raw if isinstance(t, str) and t in known] if isinstance(raw, list) else []


def authentication_options(*, session: Session, rp: RelyingParty) -> tuple[str, str]:
    """Options for navigator.credentials.get() with no allow-list: the phone offers its passkeys."""
    options = generate_authentication_options(
        rp_id=rp.id, user_verification=UserVerificationRequirement.PREFERRED
    )
    token = pending.begin(
        session=session,
        purpose=SIGN_IN,
        minutes=CHALLENGE_MINUTES,
        data={"challenge": bytes_to_base64url(options.challenge), "rp_id": rp.id},
    )
    return options_to_json(options), token


def authenticate(*, session: Session, rp: RelyingParty, token: str | None, credential: str) -> User:
    record = pending.take(session=session, purpose=SIGN_IN, token=token)
    if record is None or len(credential) > CREDENTIAL_JSON_MAX:
        raise PasskeyFailed("no such sign-in")
    data = pending.data_of(record)
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyFailed(str(exc)) from exc
    stored = session.exec(
        select(PasskeyCredential).where(PasskeyCredential.credential_id == parsed.id)
    ).first()
    if stored is None or data.get("rp_id") != rp.id:
        raise PasskeyFailed("unknown passkey")
    handle = parsed.response.user_handle
    if handle is not None and handle != str(stored.user_id).encode():
        raise PasskeyFailed("user handle does not match")
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(str(data["challenge"])),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=stored.public_key,
            credential_current_sign_count=stored.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyFailed(str(exc)) from exc
    user = session.get(User, stored.user_id)
    if user is None or user.role not in PASSKEY_ROLES:
        raise PasskeyFailed("this account does not sign in with passkeys")
    stored.sign_count = verified.new_sign_count
    stored.last_used_at = utcnow()
    session.add(stored)
    session.commit()
    return user


def set_challenge_cookie(response: Response, *, token: str, settings: Settings) -> None:
    pending.set_cookie(
        response, name=CHALLENGE_COOKIE, token=token, minutes=CHALLENGE_MINUTES, settings=settings
    )


def passkeys_of(*, session: Session, user_id: int) -> list[PasskeyCredential]:
    return list(
        session.exec(
            select(PasskeyCredential)
            .where(PasskeyCredential.user_id == user_id)
            .order_by(col(PasskeyCredential.created_at))
        ).all()
    )


def remove(*, session: Session, user_id: int, passkey_id: int) -> bool:
    item = session.get(PasskeyCredential, passkey_id)
    if item is None or item.user_id != user_id:
        return False
    session.delete(item)
    session.commit()
    return True
