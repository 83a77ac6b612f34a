"""Password hashes in Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>` format.

Users exported from an existing ecoseller (Django) database log in unchanged. PBKDF2 is in the
standard library and its cost is tunable per deployment (PASSWORD_HASH_ITERATIONS); argon2 at safe
settings costs too much time on a small Lambda.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

ALGORITHM = "pbkdf2_sha256"
_SALT_CHARS = string.ascii_letters + string.digits


def _derive(password: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return base64.b64encode(digest).decode("ascii")


def make_password(password: str, iterations: int, salt: str | None = None) -> str:
    if salt is None:
        # Django's salt: 22 characters from [a-zA-Z0-9], about 128 bits.
        salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(22))
    if "$" in salt:
        raise ValueError("salt must not contain '$'")
    return f"{ALGORITHM}${iterations}${salt}${_derive(password, salt, iterations)}"


def _parse(encoded: str) -> tuple[int, str, str] | None:
    parts = (encoded or "").split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2], parts[3]


def check_password(password: str, encoded: str) -> bool:
    parsed = _parse(encoded)
    if parsed is None or not isinstance(password, str):
        return False
    iterations, salt, expected = parsed
    return hmac.compare_digest(_derive(password, salt, iterations), expected)


def needs_rehash(encoded: str, iterations: int) -> bool:
    """True when the stored hash is weaker than the configured cost (upgraded at the next login)."""
    parsed = _parse(encoded)
    return parsed is None or parsed[0] < iterations


def dummy_check(iterations: int) -> None:
    """Spend a hash's time for an unknown e-mail, so response time does not reveal which users exist."""
    _derive("dummy-password", "dummysaltdummysalt1234", iterations)
