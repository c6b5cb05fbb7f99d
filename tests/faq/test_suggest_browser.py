"""As-you-type suggestions under the help-center search box, in headless Chromium against the
real ASGI server: the WAI-ARIA combobox (listbox popup) in static/js/faq.js.

Runs on the embedded default (SQLite) and, with DATABASE_URL set, on PostgreSQL.
"""

import pytest

from tests.e2e.conftest import browser, page, page_factory  # noqa: F401 - shared Playwright fixtures

pytestmark = pytest.mark.e2e

LISTBOX = "#q-suggestions"
OPTIONS = "#q-suggestions [role=option]"


def _type(p, text):
    p.locator("#q").click()
    p.keyboard.type(text, delay=30)


def _combobox_state(p):
    return p.evaluate("""() => {
        const input = document.getElementById("q");
        const list = document.getElementById(input.getAttribute("aria-controls"));
        return {
            role: input.getAttribute("role"),
            autocomplete: input.getAttribute("aria-autocomplete"),
            expanded: input.getAttribute("aria-expanded"),
            active: input.getAttribute("aria-activedescendant"),
            listRole: list && list.getAttribute("role"),
            listLabel: list && list.getAttribute("aria-label"),
            listHidden: list ? list.hidden : null,
            options: list ? [...list.querySelectorAll("[role=option]")].map((o) => ({
                id: o.id, text: o.querySelector(".search-suggest-title").textContent,
                selected: o.getAttribute("aria-selected"), lang: o.lang,
                marks: [...o.querySelectorAll("mark")].map((m) => m.textContent),
            })) : [],
        };
    }""")


def _assert_clean(browser_page):
    assert browser_page.csp_violations == []
    assert browser_page.console_errors == []
    assert browser_page.page_errors == []


def test_partial_word_lists_suggestions_and_down_enter_opens_the_first(asgi_server, corpus,
                                                                       page):  # noqa: F811
    base = asgi_server.url

    def steps(p):
        p.goto(f"{base}/")
        seen = {"before": _combobox_state(p)}
        _type(p, "refu")
        p.locator(OPTIONS).first.wait_for(state="visible")
        seen["open"] = _combobox_state(p)
        p.keyboard.press("ArrowDown")
        seen["down"] = _combobox_state(p)
        p.keyboard.press("Enter")
        p.wait_for_url(f"{base}/help/articles/how-refunds-work/")
        seen["heading"] = p.locator("h1").inner_text()
        return seen

    seen = page.run(steps)
    before = seen["before"]
    assert (before["role"], before["autocomplete"], before["expanded"]) == ("combobox", "list",
                                                                            "false")
    assert before["listRole"] == "listbox" and before["listLabel"] == "Suggestions"
    assert before["listHidden"] is True and before["active"] is None

    opened = seen["open"]
    assert opened["expanded"] == "true" and opened["listHidden"] is False
    assert opened["options"][0]["text"] == "How refunds work"
    assert opened["options"][0]["lang"] == "en"
    assert opened["options"][0]["marks"][0].lower() == "refu"  # marked from the plain text
    assert opened["active"] is None
    assert all(o["selected"] == "false" for o in opened["options"])

    down = seen["down"]
    assert down["active"] == down["options"][0]["id"]
    assert down["options"][0]["selected"] == "true"
    assert seen["heading"] == "How refunds work"
    _assert_clean(page)


def test_up_wraps_escape_closes_and_enter_without_an_active_option_searches(
    asgi_server, corpus, page,  # noqa: F811
):
    base = asgi_server.url

    def steps(p):
        p.goto(f"{base}/help/")
        _type(p, "delivery")
        p.locator(OPTIONS).first.wait_for(state="visible")
        seen = {"open": _combobox_state(p)}
        p.keyboard.press("ArrowUp")  # from nothing active to the last option
        seen["up"] = _combobox_state(p)
        p.keyboard.press("Escape")
        seen["escaped"] = _combobox_state(p)
        seen["value"] = p.input_value("#q")
        seen["list_visible"] = p.locator(LISTBOX).is_visible()
        p.keyboard.press("ArrowDown")  # reopens the same results
        seen["reopened"] = _combobox_state(p)
        p.keyboard.press("Escape")
        p.keyboard.press("Enter")  # nothing active: the plain search form submits
        p.wait_for_url(f"{base}/help/search/?q=delivery")
        seen["results"] = p.get_by_test_id("search-results").is_visible()
        return seen

    seen = page.run(steps)
    options = seen["open"]["options"]
    assert options[0]["text"] == "My delivery is late"
    assert seen["up"]["active"] == options[-1]["id"]
    assert seen["escaped"]["expanded"] == "false" and seen["escaped"]["active"] is None
    assert seen["list_visible"] is False
    assert seen["value"] == "delivery"  # Escape closed the popup, it did not clear the box
    assert seen["reopened"]["expanded"] == "true"
    assert seen["reopened"]["active"] == options[0]["id"]
    assert seen["results"] is True
    _assert_clean(page)


def test_clicking_a_suggestion_opens_it_and_no_match_says_so(asgi_server, corpus,
                                                             page):  # noqa: F811
    base = asgi_server.url

    def steps(p):
        p.goto(f"{base}/")
        _type(p, "zzzzq")
        status = p.locator(".search-suggest-status")
        status.wait_for(state="visible")
        seen = {"empty": status.inner_text(), "empty_state": _combobox_state(p)}
        p.fill("#q", "")
        seen["cleared_status_visible"] = status.is_visible()
        _type(p, "track")
        option = p.locator(OPTIONS, has_text="Tracking your order")
        option.click()
        p.wait_for_url(f"{base}/help/articles/track-order/")
        seen["heading"] = p.locator("h1").inner_text()
        return seen

    seen = page.run(steps)
    assert seen["empty"] == "No suggestions"
    assert seen["empty_state"]["expanded"] == "false" and seen["empty_state"]["options"] == []
    assert seen["cleared_status_visible"] is False
    assert seen["heading"] == "Tracking your order"
    _assert_clean(page)


def test_typing_is_debounced_and_a_stale_answer_never_replaces_a_newer_one(
    asgi_server, corpus, page,  # noqa: F811
):
    base = asgi_server.url

    def steps(p):
        queries, held, failed = [], [], []

        def hold_first(route):
            queries.append(route.request.url.split("?q=")[1].split("&")[0])
            if not held:
                held.append(route)  # the first answer waits until the newer one is shown
            else:
                route.continue_()

        p.route("**/help/suggest?*", hold_first)
        p.on("requestfailed", lambda r: failed.append(r.url) if "/help/suggest" in r.url else None)
        p.goto(f"{base}/")
        _type(p, "refund")  # six keys 30 ms apart: one request, after the last
        p.wait_for_timeout(400)
        first_queries = list(queries)
        p.fill("#q", "")
        _type(p, "late")
        p.locator(OPTIONS, has_text="My delivery is late").wait_for(state="visible")
        try:
            held[0].continue_()  # the old request was aborted: nothing must arrive
        except Exception:  # noqa: BLE001,S110 - Playwright refuses a route whose request was aborted
            pass
        p.wait_for_timeout(400)
        return {"first": first_queries, "all": list(queries), "failed": list(failed),
                "state": _combobox_state(p)}

    seen = page.run(steps)
    assert seen["first"] == ["refund"]
    assert seen["all"] == ["refund", "late"]
    assert len(seen["failed"]) == 1 and "q=refund" in seen["failed"][0]  # aborted
    assert [o["text"] for o in seen["state"]["options"]][0] == "My delivery is late"
    assert "How refunds work" not in [o["text"] for o in seen["state"]["options"]]
    assert page.csp_violations == [] and page.page_errors == []


def test_without_javascript_the_box_is_a_plain_search_form(asgi_server, corpus,
                                                           page_factory):  # noqa: F811
    base = asgi_server.url
    no_js = page_factory(locale="en-US", java_script_enabled=False)

    def steps(p):
        p.goto(f"{base}/")
        role = p.get_attribute("#q", "role")
        p.fill("#q", "refund")
        p.keyboard.press("Enter")
        p.wait_for_url(f"{base}/help/search/?q=refund")
        return role, p.locator(".search-result .result-title").first.inner_text()

    assert no_js.run(steps) == (None, "How refunds work")
