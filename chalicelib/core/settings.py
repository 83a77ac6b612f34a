"""Runtime settings, read from environment variables once per process.

Stage-specific values are set in `.chalice/config.json` (deployed Lambdas) or by the local stack.
Tests change the environment and call `reload_settings()`.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() not in {"0", "false", "no", "off"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"environment variable {name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    stage: str
    table_prefix: str
    # JWT: the signing key is read from the environment (dev) or from Secrets Manager (prod).
    jwt_signing_key: str
    jwt_secret_arn: str
    access_token_lifetime: int
    refresh_token_lifetime: int
    password_hash_iterations: int
    languages: tuple[str, ...]
    default_language: str
    media_bucket: str
    trusted_proxy_hops: int
    # This API's public root as shoppers and payment gateways reach it ("https://api.shop.example"), per
    # stage: payment pages and callbacks are built from it and stored, so never from a request header.
    public_api_url: str = ""

    def table_name(self, logical: str) -> str:
        return f"{self.table_prefix}-{logical}"


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    languages = tuple(
        code.strip() for code in os.environ.get("LANGUAGES", "en,cs").split(",") if code.strip()
    )
    return Settings(
        stage=os.environ.get("STAGE", "dev"),
        table_prefix=os.environ.get("TABLE_PREFIX", "ecoseller-dev"),
        jwt_signing_key=os.environ.get("JWT_SIGNING_KEY", ""),
        jwt_secret_arn=os.environ.get("JWT_SECRET_ARN", ""),
        access_token_lifetime=_env_int("ACCESS_TOKEN_LIFETIME", 5 * 60),
        refresh_token_lifetime=_env_int("REFRESH_TOKEN_LIFETIME", 24 * 60 * 60),
        # OWASP's 2023 figure for PBKDF2-HMAC-SHA256; stored hashes keep their own count.
        password_hash_iterations=_env_int("PASSWORD_HASH_ITERATIONS", 600_000),
        languages=languages or ("en",),
        default_language=os.environ.get("DEFAULT_LANGUAGE", languages[0] if languages else "en"),
        media_bucket=os.environ.get("MEDIA_BUCKET", f"{os.environ.get('TABLE_PREFIX', 'ecoseller-dev')}-media"),
        trusted_proxy_hops=_env_int("TRUSTED_PROXY_HOPS", 0),
        public_api_url=_public_url("PUBLIC_API_URL"),
    )


def _public_url(name: str) -> str:
    raw = os.environ.get(name, "").strip().rstrip("/")
    if raw and not raw.startswith(("https://", "http://")):
        raise RuntimeError(f"environment variable {name} must be an http(s) URL, got {raw!r}")
    return raw


def reload_settings() -> Settings:
    get_settings.cache_clear()
    return get_settings()


def env_bool(name: str, default: bool) -> bool:
    return _env_bool(name, default)
