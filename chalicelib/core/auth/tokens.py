"""JWT access and refresh tokens, shaped like djangorestframework-simplejwt's (contract section 4).

Claims: `token_type` (access|refresh), `exp`, `iat`, `jti`, `user_id` (the e-mail) and
`dashboard_user` (whether the user was staff at login, copied into refreshed access tokens), plus
`ver`, the user's token generation at login: "log out everywhere" raises the generation, which
invalidates every token issued before at once; and `sid`, the session (the login's refresh token id,
copied into its access tokens), so a password change can end every session but the one that made it.
HS256 only: a token signed with another algorithm, or with none, is rejected.
"""

from __future__ import annotations

import functools
import time
import uuid

from chalicelib.core.settings import get_settings

ALGORITHM = "HS256"


class TokenError(Exception):
    """The token is malformed, expired, wrongly signed, or of the wrong type."""


@functools.lru_cache(maxsize=4)
def _secret_from_manager(arn: str) -> str:
    from chalicelib.core.aws import aws_client

    value = aws_client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    return value.strip()


MIN_KEY_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash


def signing_key() -> str:
    settings = get_settings()
    if settings.jwt_signing_key:
        key = settings.jwt_signing_key
    elif settings.jwt_secret_arn:
        key = _secret_from_manager(settings.jwt_secret_arn)
    else:
        raise RuntimeError("No JWT signing key: set JWT_SIGNING_KEY (dev) or JWT_SECRET_ARN (prod)")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise RuntimeError(f"The JWT signing key must be at least {MIN_KEY_BYTES} bytes long")
    return key


def _encode(claims: dict) -> str:
    import jwt  # only where tokens are made or read: an anonymous request never needs it (cold start)

    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM)


def _claims(token_type: str, email: str, dashboard_user: bool, generation: int, lifetime: int, now: int,
            session: str | None = None) -> dict:
    jti = uuid.uuid4().hex
    return {
        "token_type": token_type,
        "exp": now + lifetime,
        "iat": now,
        "jti": jti,
        "user_id": email,
        "dashboard_user": bool(dashboard_user),
        "ver": int(generation),
        "sid": session or jti,
    }


def issue_pair(email: str, dashboard_user: bool, generation: int = 0) -> tuple[str, str]:
    """(refresh, access) for a login."""
    settings = get_settings()
    now = int(time.time())
    refresh = _claims("refresh", email, dashboard_user, generation, settings.refresh_token_lifetime, now)
    access = _claims("access", email, dashboard_user, generation, settings.access_token_lifetime, now,
                     refresh["sid"])
    return _encode(refresh), _encode(access)


def issue_access(refresh_claims: dict) -> str:
    """A new access token from a verified refresh token (refresh tokens are not rotated)."""
    settings = get_settings()
    claims = _claims("access", refresh_claims["user_id"], refresh_claims.get("dashboard_user", False),
                     refresh_claims.get("ver", 0), settings.access_token_lifetime, int(time.time()),
                     session(refresh_claims))
    return _encode(claims)


def session(claims: dict) -> str | None:
    value = claims.get("sid") or claims.get("jti")
    return value if isinstance(value, str) else None


def current_for(claims: dict, user: dict) -> bool:
    """Whether tokens with these claims are still good for this account: issued to this account (not to
    a deleted one with the same e-mail: never before it joined) and of its generation, or of the one
    session a password change kept."""
    joined = _epoch(user.get("date_joined"))
    if joined is not None and int(claims.get("iat", 0)) < int(joined):
        return False
    if generation(claims) == int(user.get("token_generation", 0)):
        return True
    kept = user.get("kept_session") or {}
    return bool(kept) and generation(claims) == int(kept.get("ver", -1)) and session(claims) == kept.get("sid")


def _epoch(stamp) -> float | None:
    import datetime as dt

    if not isinstance(stamp, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def generation(claims: dict) -> int:
    value = claims.get("ver", 0)
    return value if isinstance(value, int) else -1


def decode(token: str, expected_type: str) -> dict:
    """Verified claims of a token of `expected_type`, or TokenError."""
    if not token or not isinstance(token, str):
        raise TokenError("empty token")
    import jwt

    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "jti", "token_type", "user_id"]},
        )
    except jwt.PyJWTError as error:
        raise TokenError(str(error)) from None
    if claims.get("token_type") != expected_type:
        raise TokenError(f"expected a {expected_type} token")
    if not isinstance(claims.get("user_id"), str) or not claims["user_id"]:
        raise TokenError("token has no user")
    return claims
