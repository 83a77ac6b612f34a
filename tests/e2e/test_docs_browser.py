"""`/api/docs/` in a real browser: Debian's headless Chromium, driven by Playwright, renders Swagger UI from the
running local stack with no request leaving it, and shows every operation of the OpenAPI document."""

from __future__ import annotations

import re
import shutil
import urllib.request
from urllib.parse import urlparse

import pytest

# Chromium as root in a container: no sandbox, and none of its calls home (this machine's network is closed).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is missing: `make test` (target `chromium`) installs Debian's package"
    return path


def _documented_operations(stack) -> tuple[int, int]:
    """(API operations, notification webhooks) in the OpenAPI document: Swagger UI shows both."""
    status, document = stack.request("GET", "/api/openapi.json")
    assert status == 200

    def count(section: dict) -> int:
        return sum(1 for operations in section.values() for method in operations
                   if method in {"get", "put", "post", "delete", "patch", "head", "options"})

    return count(document["paths"]), count(document.get("webhooks", {}))


def _rendered(page, expected: int) -> int:
    """The operations Swagger UI shows once it has rendered `expected` of them (or stopped short of it: then
    what it shows after a 30 s wait), and half a second later, so that one too many would show too."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    try:
        page.wait_for_function("n => document.querySelectorAll('.opblock').length >= n", arg=expected,
                               timeout=30_000, polling=100)
    except PlaywrightTimeout:
        pass
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)
    return page.locator(".opblock").count()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module; each test browses in a new context (no cache, no cookies shared)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=15) as response:
        return response.status, response.headers.get_content_type(), response.read()


@pytest.mark.e2e
@pytest.mark.xdist_group("stack")
def test_the_swagger_alias_serves_the_same_page_with_the_same_assets(shop_stack):
    """/swagger/ (the original's address of the docs) is the page /api/docs/ serves, byte for byte, and that
    page names its assets and the document by absolute paths, which load: what Chromium renders at
    /api/docs/ below is what it renders at /swagger/."""
    status, kind, page = _get(shop_stack.url + "/swagger/")
    assert (status, kind) == (200, "text/html")
    assert page == _get(shop_stack.url + "/api/docs/")[2]
    named = re.findall(rb'(?:src|href)="([^"]+)"|url: "([^"]+)"', page)
    paths = [(a or b).decode() for a, b in named if not (a or b).startswith(b"data:")]
    assert sorted(paths) == ["/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css", "/api/openapi.json"]
    for path in paths:
        assert _get(shop_stack.url + path)[0] == 200, path


@pytest.mark.e2e
@pytest.mark.xdist_group("stack")
def test_swagger_ui_renders_every_operation_in_chromium(shop_stack, chromium):
    operations, webhooks = _documented_operations(shop_stack)
    assert operations > 200 and webhooks >= 34
    expected = operations + webhooks
    stack_host = urlparse(shop_stack.url).netloc
    foreign: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    # Swagger UI 5 renders an operation once it nears the viewport: a page tall enough to hold them all
    # shows every one (then scrolling to the end catches any still off screen).
    context = chromium.new_context(viewport={"width": 1280, "height": 30_000})
    try:
        page = context.new_page()
        # Every asset must come from the shop itself: a firewalled shop still gets its docs.
        page.on("request", lambda request: urlparse(request.url).netloc not in (stack_host, "")
                and foreign.append(request.url))
        page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(shop_stack.url + "/api/docs/", wait_until="networkidle", timeout=60_000)
        assert response.status == 200
        page.wait_for_selector(".opblock", timeout=60_000)
        shown = _rendered(page, expected)
        title = page.locator(".information-container .title").inner_text()
        login = page.locator(".opblock-post .opblock-summary-path", has_text="/user/login").count()
    finally:
        context.close()
    assert "ecoseller core API" in title
    assert shown == expected, f"Swagger UI shows {shown} operations; the document: {operations} + {webhooks} webhooks"
    assert login == 1
    assert foreign == [] and failed == [] and errors == []
