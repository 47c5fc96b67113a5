"""A real browser for end-to-end tests: Debian's Chromium driven by Playwright.

No browser is ever downloaded (``playwright install`` is never run): the tests use the
Chromium the machine has (``/usr/bin/chromium``, or ``MCP_REGISTRY_TEST_CHROMIUM``). When
there is none, the tests skip with the reason; on CI (``CI`` set) that is a failure, since
``.ci/run`` installs Chromium. Every request to a host other than the registry under test is
aborted and recorded, so a page that reaches for the internet fails its test; images from
other hosts (the icons a server.json names, which the browser loads) are answered locally
with a blank PNG and recorded apart.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Route, sync_playwright

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
)


BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def chromium_binary() -> str:
    """The Chromium to drive; skipped when absent locally, a failure on CI."""
    configured = os.environ.get("MCP_REGISTRY_TEST_CHROMIUM")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"MCP_REGISTRY_TEST_CHROMIUM={configured} does not exist")
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    unavailable = os.environ.get("MCP_REGISTRY_TEST_BROWSER_UNAVAILABLE")
    if unavailable:
        # .ci/run tried to install it and the package registry said no: say so, loudly.
        pytest.skip(f"Chromium could not be installed on this machine: {unavailable}")
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed; .ci/run installs it on CI (apt-get chromium)")
    pytest.skip(
        "no browser: the browser tests need Debian's Chromium (apt-get install chromium); "
        "CI requires it"
    )


@dataclass
class Browser:
    """A browser context limited to ``origin``: other hosts' requests are aborted."""

    origin: str
    context: BrowserContext
    blocked: list[str] = field(default_factory=list)
    foreign_images: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def new_page(self) -> Page:
        """A page whose dialogs (``alert``) and console errors are recorded."""
        page = self.context.new_page()
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        return page

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)


@contextmanager
def chromium(origin: str, *, javascript: bool = True) -> Iterator[Browser]:
    """A headless Chromium context for ``origin`` (``http://127.0.0.1:PORT``)."""
    binary = chromium_binary()
    allowed = urlsplit(origin).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(
                java_script_enabled=javascript, viewport={"width": 1200, "height": 900}
            )
            context.set_default_timeout(90_000)
            handle = Browser(origin, context)

            def guard(route: Route) -> None:
                if urlsplit(route.request.url).netloc == allowed:
                    route.continue_()
                elif route.request.resource_type == "image":
                    handle.foreign_images.append(route.request.url)
                    route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
                else:
                    handle.blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", guard)
            yield handle
            context.close()
        finally:
            browser.close()
