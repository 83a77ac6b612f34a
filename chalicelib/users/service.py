"""Accounts: registration, login, token refresh and logout, profile, superusers, callers' rights."""

from __future__ import annotations

from chalicelib.core.auth import passwords, tokens
from chalicelib.core.auth.access import Principal
from chalicelib.core.http.errors import ApiError, BadRequest, ValidationError, invalid_token_error
from chalicelib.core.http.validation import normalize_email
from chalicelib.core.settings import get_settings
from chalicelib.core.store.write import ConditionFailed
from chalicelib.users import store, throttle

LOGIN_UNKNOWN_EMAIL = "Check provided credentials."
LOGIN_FAILED = "Error login"
LOGIN_NOT_STAFF = "Not authorized for this action"
EMAIL_TAKEN = "user with this email already exists."


def hash_password(password: str) -> str:
    return passwords.make_password(password, get_settings().password_hash_iterations)


def is_staff(user: dict) -> bool:
    return bool(user.get("is_staff") or user.get("is_admin"))


def register(email: str, password: str, **flags) -> dict:
    try:
        return store.create_user(normalize_email(email), hash_password(password), **flags)
    except ConditionFailed:
        raise ValidationError.field("email", EMAIL_TAKEN) from None


def login(email: str, password: str, dashboard_login: bool, client_ip: str = "unknown") -> dict:
    """Check the credentials and answer the token pair (contract U4, with its error bodies).

    Failed attempts are throttled per client address and e-mail (429 with Retry-After).
    """
    iterations = get_settings().password_hash_iterations
    email = normalize_email(email)
    attempt = throttle.begin(client_ip, email)  # counted as a failure until it succeeds
    user = store.get_user(email)
    if user is None:
        passwords.dummy_check(iterations)
        raise BadRequest(LOGIN_UNKNOWN_EMAIL)
    if not passwords.check_password(password, user.get("password", "")) or not user.get("is_active", True):
        raise BadRequest(LOGIN_FAILED)
    throttle.succeeded(attempt)
    if dashboard_login and not is_staff(user):
        raise BadRequest(LOGIN_NOT_STAFF)
    changes = {"last_login": store.now_iso()}
    if passwords.needs_rehash(user["password"], iterations):
        changes["password"] = hash_password(password)
    store.update_user(email, changes)
    refresh, access = tokens.issue_pair(email, is_staff(user), int(user.get("token_generation", 0)))
    return {"refresh": refresh, "access": access, "dashboard_login": dashboard_login}


def _refresh_claims(refresh: str) -> dict:
    try:
        return tokens.decode(refresh, "refresh")
    except tokens.TokenError:
        raise ApiError({"detail": "Token is invalid or expired", "code": "token_not_valid"}, 401) from None


def refresh_access(refresh: str) -> dict:
    claims = _refresh_claims(refresh)
    if store.is_revoked(claims["jti"]):
        raise ApiError({"detail": "Token is blacklisted", "code": "token_not_valid"}, 401)
    user = store.get_user(claims["user_id"])
    if user is None or not user.get("is_active", True) or not tokens.current_for(claims, user):
        raise ApiError({"detail": "Token is invalid or expired", "code": "token_not_valid"}, 401)
    return {"access": tokens.issue_access(claims)}


def logout(refresh: str) -> None:
    """Blacklist a refresh token until it would expire anyway."""
    try:
        claims = tokens.decode(refresh, "refresh")
    except tokens.TokenError:
        raise BadRequest(None) from None
    store.revoke_token(claims["jti"], claims["exp"])


def update_profile(email: str, fields: dict) -> dict:
    """Only profile fields: is_active, is_admin and is_staff are never taken from the caller."""
    allowed = {k: v for k, v in fields.items() if k in ("first_name", "last_name", "birth_date")}
    if not allowed:
        return store.get_user(email) or {}
    return store.update_user(email, allowed)


def logout_everywhere(email: str) -> None:
    """Invalidate every access and refresh token of the user issued so far."""
    try:
        store.end_sessions(email, set_fields={"kept_session": None})
    except ConditionFailed:
        raise ApiError({"error": "User does not exist"}, 404) from None


def change_own_password(user: dict, old_password: str, new_password: str, claims: dict) -> None:
    """A new password ends every other session of the user (a stolen one included); the session that
    changed it goes on, so the shopper is not logged out by their own change."""
    if not passwords.check_password(old_password, user.get("password", "")):
        raise ValidationError.field("old_password", "Wrong password.")
    store.end_sessions(user["email"], set_fields={
        "password": hash_password(new_password),
        "kept_session": {"ver": tokens.generation(claims), "sid": tokens.session(claims)}})


def ensure_superuser(email: str, password: str) -> bool:
    """Create an admin (is_admin and is_staff) unless the e-mail exists; True when created."""
    try:
        store.create_user(email, hash_password(password), is_staff=True, is_admin=True)
        return True
    except ConditionFailed:
        return False


def _permissions(principal: Principal) -> frozenset[str]:
    item = principal.item
    return frozenset(store.held_permissions(item))


def load_principal(claims: dict) -> Principal | None:
    """The caller behind verified access-token claims (None when the user no longer exists)."""
    user = store.get_user(claims["user_id"])
    if user is None:
        return None
    if not user.get("is_active", True):
        raise ApiError({"detail": "User is inactive", "code": "user_inactive"}, 401)
    if not tokens.current_for(claims, user):
        raise invalid_token_error()  # issued before "log out everywhere", or to a deleted account
    return Principal(email=user["email"], is_admin=bool(user.get("is_admin")), is_staff=bool(user.get("is_staff")),
                     is_active=True, item=user, _permission_loader=_permissions)
