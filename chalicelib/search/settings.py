"""The search feature's settings, read from environment variables (core/settings.py is shared; these are ours).

* `USE_ELASTIC` (alias `USE_OPENSEARCH`), default on when an engine is configured: `0` makes storefront
  search answer from the DynamoDB fallback and the live-update consumer do nothing.
* `OPENSEARCH_ENDPOINT`: an Amazon OpenSearch Service domain or Serverless collection endpoint (host or
  URL); requests are SigV4-signed. `OPENSEARCH_URL`: a plain URL (the local engine), used without it.
* `SEARCH_AWS_SERVICE` (`aoss` for `*.aoss.amazonaws.com`, else `es`) and `SEARCH_AWS_REGION` (the
  endpoint's region, else `AWS_REGION` / `AWS_DEFAULT_REGION`): what requests are signed for.
* `SEARCH_INDEX_PREFIX` (`TABLE_PREFIX`): the alias is `<prefix>-products`, its indices
  `<alias>-<UTC timestamp>`.
* `SEARCH_TIMEOUT` (2 s): how long a storefront query may take before the fallback answers;
  `SEARCH_RETRY_AFTER` (30 s): after an engine failure, how long the storefront goes straight to the
  fallback; `SEARCH_BULK_TIMEOUT` (60 s): one bulk or admin request of a rebuild.
* `SEARCH_REPLICAS` (1): replicas of a finished index (a rebuild loads with none).
* `SEARCH_REBUILD_SCHEDULE` (`cron(0 2 * * ? *)`): the nightly rebuild, per stage (read when the app
  is packaged). `SEARCH_REBUILD_PAGE` (500): products read and bulk-loaded per checkpoint.
* `SEARCH_FALLBACK_CACHE_SECONDS` (30): how long a Lambda keeps the fallback's folded catalog texts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from chalicelib.core.settings import get_settings

DEFAULT_SCHEDULE = "cron(0 2 * * ? *)"
ALIAS_NAME = "products"
_AWS_HOST = re.compile(r"\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.(?P<service>es|aoss)\.amazonaws\.com$")


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def _number(name: str, default: float) -> float:
    raw = _env(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(f"environment variable {name} must be a number, got {raw!r}") from None
    if value < 0:
        raise RuntimeError(f"environment variable {name} must not be negative, got {raw!r}")
    return value


def _switch() -> bool | None:
    """USE_ELASTIC (the original's name) or USE_OPENSEARCH; None when neither is set."""
    for name in ("USE_ELASTIC", "USE_OPENSEARCH"):
        raw = _env(name).lower()
        if raw:
            return raw not in {"0", "false", "no", "off"}
    return None


@dataclass(frozen=True)
class SearchSettings:
    enabled: bool  # False: the fallback answers and the index is left alone
    url: str  # https://host or http://host:port
    sigv4: bool
    aws_service: str  # es | aoss
    aws_region: str
    alias: str
    timeout: float
    bulk_timeout: float
    retry_after: float
    replicas: int
    page_size: int
    fallback_cache_seconds: float

    @property
    def serverless(self) -> bool:
        """OpenSearch Serverless manages shards, replicas and refresh itself (those settings are refused)."""
        return self.aws_service == "aoss"


def _normalized_url(raw: str) -> str:
    raw = raw.rstrip("/")
    return raw if "://" in raw else f"https://{raw}"


def load() -> SearchSettings:
    """The settings as the environment has them now (cheap: tests and the CLI change them at run time)."""
    endpoint, url = _env("OPENSEARCH_ENDPOINT"), _env("OPENSEARCH_URL")
    target = _normalized_url(endpoint) if endpoint else (url.rstrip("/") if url else "")
    host = target.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    match = _AWS_HOST.search(host)
    switch = _switch()
    prefix = _env("SEARCH_INDEX_PREFIX") or get_settings().table_prefix
    return SearchSettings(
        enabled=bool(target) and switch is not False,
        url=target,
        sigv4=bool(endpoint),
        aws_service=_env("SEARCH_AWS_SERVICE") or (match.group("service") if match else "es"),
        aws_region=(_env("SEARCH_AWS_REGION") or (match.group("region") if match else "")
                    or _env("AWS_REGION") or _env("AWS_DEFAULT_REGION") or "us-east-1"),
        alias=f"{prefix}-{ALIAS_NAME}".lower(),
        timeout=_number("SEARCH_TIMEOUT", 2.0),
        bulk_timeout=_number("SEARCH_BULK_TIMEOUT", 60.0),
        retry_after=_number("SEARCH_RETRY_AFTER", 30.0),
        replicas=int(_number("SEARCH_REPLICAS", 1)),
        page_size=max(1, int(_number("SEARCH_REBUILD_PAGE", 500))),
        fallback_cache_seconds=_number("SEARCH_FALLBACK_CACHE_SECONDS", 30.0),
    )


def rebuild_schedule() -> str:
    """The nightly rebuild's schedule expression (`cron(...)` or `rate(...)`), per stage."""
    return _env("SEARCH_REBUILD_SCHEDULE") or DEFAULT_SCHEDULE
