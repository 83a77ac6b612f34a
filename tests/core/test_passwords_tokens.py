"""Password hashes in Django's format, checked against a real ecoseller database export, and JWTs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.core.auth import passwords, tokens

DEMO_SQL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "ecoseller-demo-data" / "mock_data.sql"


def _demo_admin_hash() -> str:
    if not DEMO_SQL.exists():
        pytest.skip("shared demo data not beside the repo")
    with open(DEMO_SQL, encoding="utf-8") as handle:
        for line in handle:
            if "'admin@example.com'" in line and "pbkdf2_sha256$" in line:
                return re.search(r"'(pbkdf2_sha256\$[^']+)'", line).group(1)
    raise AssertionError("admin user not found in the demo dump")


def test_hash_exported_from_real_ecoseller_verifies():
    encoded = _demo_admin_hash()
    assert encoded.startswith("pbkdf2_sha256$320000$")
    assert passwords.check_password("admin", encoded)
    assert not passwords.check_password("Admin", encoded)
    # Hashing the same password with the same salt and cost gives Django's string, byte for byte.
    _algorithm, iterations, salt, _digest = encoded.split("$")
    assert passwords.make_password("admin", int(iterations), salt=salt) == encoded


def test_make_password_format_and_salt():
    first = passwords.make_password("pw", 1000)
    second = passwords.make_password("pw", 1000)
    algorithm, iterations, salt, digest = first.split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", "1000")
    assert re.fullmatch(r"[A-Za-z0-9]{22}", salt) and len(digest) == 44
    assert first != second  # a fresh salt each time
    assert passwords.check_password("pw", first) and not passwords.check_password("pw2", first)


@pytest.mark.parametrize("encoded", ["", "md5$x$y", "pbkdf2_sha256$abc$salt$hash", "pbkdf2_sha256$1$salt"])
def test_malformed_hash_never_verifies(encoded):
    assert not passwords.check_password("pw", encoded)


def test_needs_rehash():
    assert passwords.needs_rehash("pbkdf2_sha256$1000$s$h", 2000)
    assert not passwords.needs_rehash("pbkdf2_sha256$2000$s$h", 2000)


def test_token_roundtrip_and_type_check():
    refresh, access = tokens.issue_pair("a@example.com", True)
    assert tokens.decode(access, "access")["user_id"] == "a@example.com"
    assert tokens.decode(refresh, "refresh")["dashboard_user"] is True
    with pytest.raises(tokens.TokenError):
        tokens.decode(refresh, "access")
    with pytest.raises(tokens.TokenError):
        tokens.decode(access + "x", "access")
    with pytest.raises(tokens.TokenError):
        tokens.decode("", "access")


def test_lifetimes_are_configurable(monkeypatch):
    from chalicelib.core.settings import reload_settings

    monkeypatch.setenv("ACCESS_TOKEN_LIFETIME", "60")
    monkeypatch.setenv("REFRESH_TOKEN_LIFETIME", "120")
    reload_settings()
    refresh, access = tokens.issue_pair("a@example.com", False)
    access_claims = tokens.decode(access, "access")
    assert access_claims["exp"] - access_claims["iat"] == 60
    refresh_claims = tokens.decode(refresh, "refresh")
    assert refresh_claims["exp"] - refresh_claims["iat"] == 120


def test_signing_key_from_secrets_manager(monkeypatch):
    from moto import mock_aws

    from chalicelib.core.settings import reload_settings
    from chalicelib.core.store import db

    with mock_aws():
        import boto3

        secret = "from-the-vault-0123456789abcdef-0123456789"
        arn = boto3.client("secretsmanager").create_secret(Name="jwt", SecretString=secret)["ARN"]
        monkeypatch.delenv("JWT_SIGNING_KEY")
        monkeypatch.setenv("JWT_SECRET_ARN", arn)
        reload_settings()
        db.reset_clients()
        tokens._secret_from_manager.cache_clear()
        assert tokens.signing_key() == "from-the-vault-0123456789abcdef-0123456789"
        _refresh, access = tokens.issue_pair("a@example.com", False)
        assert tokens.decode(access, "access")["user_id"] == "a@example.com"
    tokens._secret_from_manager.cache_clear()


def test_short_key_is_refused(monkeypatch):
    from chalicelib.core.settings import reload_settings

    monkeypatch.setenv("JWT_SIGNING_KEY", "short")
    reload_settings()
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        tokens.issue_pair("a@example.com", False)


def test_no_key_configured_fails_loudly(monkeypatch):
    from chalicelib.core.settings import reload_settings

    monkeypatch.delenv("JWT_SIGNING_KEY")
    reload_settings()
    with pytest.raises(RuntimeError, match="JWT_SIGNING_KEY"):
        tokens.issue_pair("a@example.com", False)
