"""A customer logs in to the help center in headless Chromium against the real ASGI server."""

import pytest

from accounts.services import customer_create

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-staple-7"


def test_customer_logs_in_and_sees_their_name(asgi_server, page):
    customer_create(email="ann@example.com", password=PASSWORD, full_name="Ann Customer")

    def steps(p):
        p.goto(f"{asgi_server.url}/")
        anonymous_whoami = p.get_by_test_id("whoami").count()
        p.locator(".main-nav").get_by_role("link", name="Log in").click()
        p.wait_for_url(f"{asgi_server.url}/accounts/login/**")
        p.fill("#id_username", "ann@example.com")
        p.fill("#id_password", PASSWORD)
        p.locator("main form button[type=submit]").click()
        p.wait_for_url(f"{asgi_server.url}/")
        return {
            "anonymous_whoami": anonymous_whoami,
            "whoami": p.get_by_test_id("whoami").inner_text(),
            "heading": p.locator("h1").inner_text(),
            "lang": p.locator("html").get_attribute("lang"),
            # The stylesheet and script came from /static/ through whitenoise.
            "script_ran": p.evaluate("() => document.readyState"),
        }

    seen = page.run(steps)
    assert seen["anonymous_whoami"] == 0
    assert seen["whoami"] == "Ann Customer"
    assert "Ann" in seen["heading"]
    assert seen["lang"] == "en"
    assert page.csp_violations == []
    assert page.page_errors == []
    assert page.console_errors == []


def test_a_wrong_password_keeps_the_customer_out_with_an_error(asgi_server, page):
    customer_create(email="ann@example.com", password=PASSWORD, full_name="Ann Customer")

    def steps(p):
        p.goto(f"{asgi_server.url}/accounts/login/")
        p.fill("#id_username", "ann@example.com")
        p.fill("#id_password", PASSWORD + "-wrong")
        p.locator("main form button[type=submit]").click()
        p.wait_for_load_state()
        return {
            "url": p.url,
            "error": p.locator(".form-errors").inner_text(),
            "whoami": p.get_by_test_id("whoami").count(),
        }

    seen = page.run(steps)
    assert seen["url"].startswith(f"{asgi_server.url}/accounts/login/")
    assert seen["error"]
    assert seen["whoami"] == 0
    assert page.csp_violations == []


def test_the_csp_detector_sees_an_inline_script_being_blocked(asgi_server, page):
    """Control for the assertions above: an inline script on our page is blocked and reported."""

    def steps(p):
        p.goto(f"{asgi_server.url}/")
        p.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.appendChild(script);
        }""")
        p.wait_for_timeout(200)
        return p.evaluate("() => window.inlineRan === true")

    assert page.run(steps) is False
    assert page.csp_violations, page.console
