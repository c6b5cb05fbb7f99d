"""The account journey in a real browser against a real ASGI server."""

import pytest

from accounts.models import User
from tests.factories import PASSWORD
from tests.services import CHROMIUM, chromium_available, require

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page():
    require(chromium_available(), f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="ru-RU")
        yield context.new_page()
        browser.close()


@pytest.mark.e2e
def test_visitor_signs_up_in_russian_fixes_a_password_mismatch_and_reaches_my_account(
    asgi_server, page,
):
    page.goto(f"{asgi_server.url}/")
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

    page.wait_for_url(f"{asgi_server.url}/accounts/")
    assert page.get_by_test_id("whoami").inner_text() == "Nina Orlova"
    assert page.locator("html").get_attribute("lang") == "ru"
    user = User.objects.get(email="nina@example.com")
    assert user.language == "ru" and user.has_role("customer")
