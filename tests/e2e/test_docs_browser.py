"""`/api/docs/` in a real browser: Debian's headless Chromium, driven by Playwright, renders Swagger UI from the
running local stack with no request leaving it, and shows every operation of the OpenAPI document."""

from __future__ import annotations

import shutil
import tempfile
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


def _scroll_until_all_rendered(page) -> int:
    shown = -1
    while (count := page.locator(".opblock").count()) != shown:
        shown = count
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(1_000)
    return shown


@pytest.mark.e2e
@pytest.mark.xdist_group("stack")
@pytest.mark.parametrize("path", ["/api/docs/", "/swagger/"])
def test_swagger_ui_renders_every_operation_in_chromium(shop_stack, path):
    from playwright.sync_api import sync_playwright

    operations, webhooks = _documented_operations(shop_stack)
    assert operations > 200 and webhooks >= 34
    expected = operations + webhooks
    stack_host = urlparse(shop_stack.url).netloc
    foreign: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # Swagger UI 5 renders an operation once it nears the viewport: a page tall enough to hold them all
            # shows every one (then scrolling to the end catches any still off screen).
            page.set_viewport_size({"width": 1280, "height": 30_000})
            # Every asset must come from the shop itself: a firewalled shop still gets its docs.
            page.on("request", lambda request: urlparse(request.url).netloc not in (stack_host, "")
                    and foreign.append(request.url))
            page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
            page.on("pageerror", lambda error: errors.append(str(error)))
            response = page.goto(shop_stack.url + path, wait_until="networkidle", timeout=60_000)
            assert response.status == 200
            page.wait_for_selector(".opblock", timeout=60_000)
            shown = _scroll_until_all_rendered(page)
            title = page.locator(".information-container .title").inner_text()
            login = page.locator(".opblock-post .opblock-summary-path", has_text="/user/login").count()
        finally:
            browser.close()
    assert "ecoseller core API" in title
    assert shown == expected, f"Swagger UI shows {shown} operations; the document: {operations} + {webhooks} webhooks"
    assert login == 1
    assert foreign == [] and failed == [] and errors == []
