"""The two page envelopes of contract A.8: `{links: {next, previous}, count, total_pages, results}`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from chalicelib.core.http.errors import NotFound


@dataclass(frozen=True)
class PageRules:
    default_limit: int
    max_limit: int


DASHBOARD = PageRules(default_limit=30, max_limit=150)
STOREFRONT = PageRules(default_limit=36, max_limit=36)

INVALID_PAGE = {"detail": "Invalid page."}


def page_and_limit(query: Mapping[str, str], rules: PageRules) -> tuple[int, int]:
    """`page` must be a positive integer (else 404, like DRF); a bad `limit` means the default."""
    raw_page = (query.get("page") or "1").strip()
    if raw_page == "last":
        page = -1
    elif raw_page.isdigit() and int(raw_page) >= 1:
        page = int(raw_page)
    else:
        raise NotFound(INVALID_PAGE)
    raw_limit = (query.get("limit") or "").strip()
    limit = rules.default_limit
    if raw_limit.isdigit() and int(raw_limit) > 0:
        limit = min(int(raw_limit), rules.max_limit)
    return page, limit


def _link(base_url: str, query: Mapping[str, str], page: int | None) -> str:
    params = {k: v for k, v in query.items() if k != "page"}
    if page is not None and page > 1:
        params["page"] = str(page)
    encoded = urlencode(params)
    return f"{base_url}?{encoded}" if encoded else base_url


def envelope(results: list, *, count: int, page: int, limit: int, base_url: str,
             query: Mapping[str, str]) -> dict:
    total_pages = max(1, math.ceil(count / limit)) if limit else 1
    return {
        "links": {
            "next": _link(base_url, query, page + 1) if page < total_pages else None,
            "previous": _link(base_url, query, page - 1) if page > 1 else None,
        },
        "count": count,
        "total_pages": total_pages,
        "results": results,
    }


def page_slice(count: int, query: Mapping[str, str], rules: PageRules) -> tuple[int, int, int, int]:
    """(page, limit, start, stop) of the requested page over `count` items; `page=last` means the last
    page, and an out-of-range page is a 404 `Invalid page.` as in DRF."""
    page, limit = page_and_limit(query, rules)
    total_pages = max(1, math.ceil(count / limit))
    if page == -1:
        page = total_pages
    if page > total_pages:
        raise NotFound(INVALID_PAGE)
    start = (page - 1) * limit
    return page, limit, start, start + limit


def paginate(items: Sequence[Any], *, query: Mapping[str, str], rules: PageRules, base_url: str) -> dict:
    """Page an in-memory sequence."""
    page, limit, start, stop = page_slice(len(items), query, rules)
    return envelope(list(items[start:stop]), count=len(items), page=page, limit=limit,
                    base_url=base_url, query=query)
