"""Headless Chromium for end-to-end tests, next to the real ASGI server (``asgi_server``).

Playwright's sync API runs an event loop in the thread that drives it, and Django refuses ORM
calls from a thread with a running loop. So the browser lives in a thread of its own for the
whole session, and a test hands it the browser steps as a function::

    def test_something(asgi_server, page):
        user = customer_create(...)                # ORM in the test's thread
        def steps(p):                              # runs in the browser thread
            p.goto(asgi_server.url + "/")
            return p.get_by_test_id("whoami").inner_text()
        assert page.run(steps) == "Ann"
        assert page.csp_violations == []
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import call_failed
from tests.services import CHROMIUM, REPO, chromium_available, require

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-results"

# Reported by the page itself too, since console wording differs between Chromium versions.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class BrowserThread:
    """One Playwright instance and one Chromium, owned by a single thread."""

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright = None
        self.browser = None

    def call(self, fn: Callable, *args, timeout: float = 120) -> Any:
        return self._executor.submit(fn, *args).result(timeout)

    def start(self) -> "BrowserThread":
        def launch():
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self.browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )

        self.call(launch)
        return self

    def stop(self) -> None:
        def close():
            if self.browser is not None:
                self.browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        try:
            self.call(close, timeout=30)
        finally:
            self._executor.shutdown(wait=False)


class BrowserPage:
    """A fresh browser context and page; ``run(fn)`` calls ``fn(page)`` in the browser thread."""

    def __init__(self, browser: BrowserThread, **context_options):
        self._browser = browser
        self.console: list[str] = []
        self.page_errors: list[str] = []

        def open_page():
            context = browser.browser.new_context(**context_options)
            context.set_default_timeout(15_000)
            context.add_init_script(CSP_LISTENER)
            page = context.new_page()
            page.on("console", lambda message: self.console.append(
                f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: self.page_errors.append(str(error)))
            return context, page

        self._context, self._page = browser.call(open_page)

    def run(self, steps: Callable, *args, timeout: float = 120) -> Any:
        return self._browser.call(steps, self._page, *args, timeout=timeout)

    @property
    def csp_violations(self) -> list[str]:
        return [line for line in self.console
                if "Content Security Policy" in line or "CSP violation" in line]

    @property
    def console_errors(self) -> list[str]:
        return [line for line in self.console if line.startswith("error:")]

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run(lambda page: page.screenshot(path=str(path), full_page=True))

    def close(self) -> None:
        self._browser.call(self._context.close, timeout=30)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's /usr/bin/chromium; never downloaded) for the whole session."""
    require(chromium_available(), f"needs Chromium at {CHROMIUM}")
    thread = BrowserThread().start()
    yield thread
    thread.stop()


@pytest.fixture
def page(request, browser):
    """A fresh page (own cookies); on failure its screenshot and console go to test-results/."""
    browser_page = BrowserPage(browser, locale="en-US")
    yield browser_page
    if call_failed(request):
        name = request.node.name.replace("/", "_")
        browser_page.screenshot(ARTIFACTS / f"{name}.png")
        (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(browser_page.console))
    browser_page.close()


@pytest.fixture
def page_factory(browser):
    """More pages (another customer, an agent, another language): page_factory(locale="ru-RU")."""
    pages: list[BrowserPage] = []

    def make(**context_options) -> BrowserPage:
        pages.append(BrowserPage(browser, **context_options))
        return pages[-1]

    yield make
    for browser_page in pages:
        browser_page.close()
