from tests.e2e.conftest import browser, page_factory  # noqa: F401 - Chromium for the browser tests
