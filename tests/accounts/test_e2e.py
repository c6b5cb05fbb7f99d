"""The account journey in a real browser against a real ASGI server."""

from contextlib import contextmanager

import pytest
from django.conf import settings

from accounts.mails import email_verification_link
from accounts.models import User
from tests.factories import PASSWORD
from tests.services import CHROMIUM, chromium_available, require

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def russian_browser_page():
    """A page in headless Chromium. Playwright's sync API runs an event loop in this thread,
    so the ORM may be used only after the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(locale="ru-RU").new_page()
        finally:
            browser.close()


@pytest.mark.e2e
def test_visitor_signs_up_in_russian_fixes_a_password_mismatch_and_confirms_the_address(
    asgi_server,
):
    require(chromium_available(), f"needs Chromium at {CHROMIUM}")
    with russian_browser_page() as page:
        signup_in_browser(page, asgi_server.url)

    user = User.objects.get(email="nina@example.com")
    assert user.language == "ru" and user.has_role("customer")
    assert user.email_verified_at is None
    # The link of the confirmation email (stateless: the same one the email carries).
    link = email_verification_link(user=user).replace(settings.SITE_URL, asgi_server.url)

    with russian_browser_page() as page:
        confirm_in_browser(page, asgi_server.url, link)

    user.refresh_from_db()
    assert user.email_verified_at is not None


def signup_in_browser(page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_test_id("nav-signup").click()

    page.fill("#id_email", "nina@example.com")
    page.fill("#id_full_name", "Nina Orlova")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD + "!")
    page.select_option("#id_language", "ru")
    page.click("form[data-testid=signup-form] button[type=submit]")

    error = page.locator("#id_password2_error")
    assert error.inner_text() == "Введенные пароли не совпадают."
    # The error sits in the same field block as the input it concerns.
    assert page.locator(".field.has-error #id_password2").count() == 1

    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form[data-testid=signup-form] button[type=submit]")

    page.wait_for_url(f"{base_url}/accounts/signup/sent/")
    assert "nina@example.com" in page.get_by_test_id("signup-sent").inner_text()
    assert page.locator("html").get_attribute("lang") == "ru"


def confirm_in_browser(page, base_url: str, link: str) -> None:
    """Follow the emailed link signed out: log in from it, come back, confirm."""
    page.goto(link)
    page.get_by_test_id("verify-login").click()
    page.fill("#id_username", "nina@example.com")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(link)
    page.click("form[data-testid=verify-form] button[type=submit]")

    page.wait_for_url(f"{base_url}/accounts/")
    assert page.get_by_test_id("whoami").inner_text() == "Nina Orlova"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_test_id("verify-notice").count() == 0
