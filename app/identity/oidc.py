"""OpenID Connect sign-in (Authorization Code flow with PKCE and nonce) against the provider in
app.oidc_config: MitID through a broker, or the municipality's own identity provider. Authlib
builds the request and the PKCE challenge; joserfc checks the id_token's signature and claims.

An identity is matched to an existing Tavle user: first by (issuer, sub) remembered from an
earlier sign-in, else by the email claim of a user with the configured role. Nobody is created."""

import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, func, select

from app import clock
from app.core.config import OidcSettings
from app.identity import pending
from app.models import OidcIdentity, User
from app.models.base import utcnow

PURPOSE = "oidc"
COOKIE = "tavle_oidc"
MINUTES = 10
CACHE_SECONDS = 3600
ALGORITHMS = ["RS256", "PS256", "ES256"]
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


class OidcFailed(Exception):
    """The round trip failed: provider unreachable, a stale or forged state, a bad id_token."""


class OidcUnknown(Exception):
    """The provider vouched for someone Tavle does not know."""


@dataclass(frozen=True)
class Started:
    url: str
    token: str


def _get_json(oidc: OidcSettings, url: str, *, fresh: bool = False) -> dict[str, Any]:
    cached = _cache.get(url)
    if cached and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        response = httpx.get(url, timeout=oidc.timeout_seconds)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcFailed(f"could not read {url}: {exc}") from exc
    if not isinstance(document, dict):
        raise OidcFailed(f"{url} did not answer with a JSON object")
    _cache[url] = (time.monotonic(), document)
    return document


def discovery(oidc: OidcSettings) -> dict[str, Any]:
    document = _get_json(oidc, oidc.issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != oidc.issuer:
        raise OidcFailed("the discovery document names another issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise OidcFailed(f"the discovery document has no {key}")
    return document


def begin(*, session: Session, oidc: OidcSettings, redirect_uri: str, next: str) -> Started:
    document = discovery(oidc)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url = prepare_grant_uri(
        document["authorization_endpoint"],
        client_id=oidc.client_id,
        response_type="code",
        redirect_uri=redirect_uri,
        scope=oidc.scopes,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    token = pending.begin(
        session=session,
        purpose=PURPOSE,
        minutes=MINUTES,
        data={
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "next": next,
            "redirect_uri": redirect_uri,
        },
    )
    return Started(url=url, token=token)


def finish(
    *, session: Session, oidc: OidcSettings, token: str | None, state: str, code: str
) -> tuple[User, str]:
    """The signed-in user and where they were going. The pending state is used up either way."""
    record = pending.take(session=session, purpose=PURPOSE, token=token)
    if record is None:
        raise OidcFailed("no sign-in was started in this browser, or it took too long")
    data = pending.data_of(record)
    if not state or state != data.get("state") or not code:
        raise OidcFailed("the state does not match")
    claims = _exchange(
        oidc, code=code, verifier=str(data["verifier"]), redirect_uri=str(data["redirect_uri"])
    )
    if claims.get("nonce") != data.get("nonce"):
        raise OidcFailed("the nonce does not match")
    user = _match(session=session, oidc=oidc, claims=claims)
    return user, str(data.get("next", "/"))


def _exchange(oidc: OidcSettings, *, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
    document = discovery(oidc)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "client_id": oidc.client_id,
    }
    auth = (oidc.client_id, oidc.client_secret) if oidc.client_secret else None
    try:
        response = httpx.post(document["token_endpoint"], data=form, auth=auth, timeout=oidc.timeout_seconds)
        response.raise_for_status()
        id_token = response.json().get("id_token")
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        raise OidcFailed(f"the token endpoint refused: {exc}") from exc
    if not isinstance(id_token, str):
        raise OidcFailed("the token response has no id_token")
    return _verify_id_token(oidc, id_token=id_token, jwks_uri=document["jwks_uri"])


def _verify_id_token(oidc: OidcSettings, *, id_token: str, jwks_uri: str) -> dict[str, Any]:
    try:
        try:
            decoded = jwt.decode(id_token, _keys(oidc, jwks_uri), algorithms=ALGORITHMS)
        except JoseError:
            # The provider may have rotated its keys since we cached them.
            decoded = jwt.decode(id_token, _keys(oidc, jwks_uri, fresh=True), algorithms=ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(clock.now().timestamp()),
            leeway=60,
            iss={"essential": True, "value": oidc.issuer},
            aud={"essential": True, "value": oidc.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise OidcFailed(f"the id_token is not valid: {exc}") from exc
    return dict(decoded.claims)


def _keys(oidc: OidcSettings, jwks_uri: str, *, fresh: bool = False) -> KeySet:
    return KeySet.import_key_set(_get_json(oidc, jwks_uri, fresh=fresh))  # type: ignore[arg-type]


def _match(*, session: Session, oidc: OidcSettings, claims: dict[str, Any]) -> User:
    subject = str(claims["sub"])
    identity = session.exec(
        select(OidcIdentity).where(OidcIdentity.issuer == oidc.issuer, OidcIdentity.subject == subject)
    ).first()
    if identity is not None:
        user = session.get(User, identity.user_id)
        if user is None or user.role != oidc.role:
            raise OidcUnknown(subject)
        identity.last_used_at = utcnow()
        session.add(identity)
        session.commit()
        return user
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") is False:
        raise OidcUnknown(subject)
    user = session.exec(
        select(User).where(func.lower(User.email) == email.strip().lower(), User.role == oidc.role)
    ).first()
    if user is None or user.id is None:
        raise OidcUnknown(subject)
    session.add(OidcIdentity(issuer=oidc.issuer, subject=subject, user_id=user.id, last_used_at=utcnow()))
    session.commit()
    return user
