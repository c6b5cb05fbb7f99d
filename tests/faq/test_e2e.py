"""Search, read and vote in headless Chromium against the real ASGI server."""

import pytest

from faq.models import Vote

pytestmark = pytest.mark.e2e


def test_visitor_searches_with_a_typo_opens_the_article_and_votes(asgi_server, corpus,
                                                                  in_browser):
    base = asgi_server.url

    def steps(page):
        page.goto(f"{base}/")
        page.fill("#q", "refnud")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/help/search/?q=refnud")
        seen = {
            "corrected": page.get_by_test_id("corrected").inner_text(),
            "first": page.locator(".search-result .result-title").first.inner_text(),
            "marked": page.locator(".search-result mark").first.inner_text(),
        }
        page.locator(".search-result .result-title").first.click()
        page.wait_for_url(f"{base}/help/articles/how-refunds-work/")
        seen["heading"] = page.locator("h1").inner_text()
        page.fill("textarea[name=comment]", "Clear, thanks")
        page.get_by_test_id("vote-yes").click()
        status = page.get_by_test_id("vote-status")
        status.wait_for(state="visible")
        seen["status"] = status.inner_text()
        seen["url_after_vote"] = page.url  # the script answered in place
        seen["pressed"] = page.get_by_test_id("vote-yes").get_attribute("aria-pressed")
        # Change the answer: still one vote.
        page.get_by_test_id("vote-no").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=vote-no]').getAttribute('aria-pressed') === 'true'")
        page.reload()
        seen["current"] = page.get_by_test_id("vote-current").inner_text()
        return seen

    seen, console = in_browser(steps, locale="en-US")
    assert seen["corrected"] == "Showing results for “refund”."
    assert seen["first"] == "How refunds work"
    assert seen["marked"].lower().startswith("refund")
    assert seen["heading"] == "How refunds work"
    assert seen["status"] == "Thank you for your feedback."
    assert seen["url_after_vote"] == f"{base}/help/articles/how-refunds-work/"
    assert seen["pressed"] == "true"
    assert "not helpful" in seen["current"]
    assert [line for line in console if line.startswith(("error", "pageerror"))] == []
    vote = Vote.objects.get()
    assert (vote.helpful, vote.comment, vote.user) == (False, "Clear, thanks", None)


def test_without_javascript_a_russian_visitor_finds_an_inflected_word_and_votes(
    asgi_server, corpus, in_browser,
):
    base = asgi_server.url

    def steps(page):
        page.goto(f"{base}/help/search/?q=возврата")
        page.locator(".search-result .result-title").first.click()
        heading = page.locator("h1").inner_text()
        page.get_by_test_id("vote-yes").click()
        page.wait_for_url(f"{base}/help/articles/how-refunds-work/#feedback")
        return heading, page.locator(".messages").inner_text()

    (heading, message), _console = in_browser(steps, locale="ru-RU", java_script_enabled=False)
    assert heading == "Как оформить возврат"
    assert message.strip()
    assert Vote.objects.get().helpful is True
