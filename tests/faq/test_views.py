import pytest
from django.test import Client
from django.urls import reverse

from faq import services
from faq.models import ArticleStatus, NoResultSearch, Vote
from faq.services import TranslationInput as T
from tests.factories import AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def article_url(slug):
    return reverse("faq:article", args=[slug])


def test_help_urls_live_under_help():
    assert article_url("x") == "/help/articles/x/"
    assert reverse("faq:suggest") == "/help/suggest"
    assert reverse("faq:search") == "/help/search/"


def test_article_page_shows_rendered_body_last_updated_and_related(client, corpus):
    response = client.get(article_url("late-delivery"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>My delivery is late</h1>" in html
    assert "<time datetime=" in html
    related = [c.article.slug for c in response.context["related"]]
    assert related[0] == "track-order"  # same category first
    assert "late-delivery" not in related


def test_related_articles_by_shared_words_fill_up_from_other_categories(client, corpus):
    response = client.get(article_url("payment-cards"))
    # No other article in "payment"; "card" appears in the refund article.
    assert "how-refunds-work" in [c.article.slug for c in response.context["related"]]


def test_article_body_is_sanitized_on_the_page(client, db):
    cat = services.category_save(slug="c", names={"en": ("C", "")})
    services.article_save(slug="evil", category=cat, translations={
        "en": T("Evil", "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> "
                "[x](javascript:alert(3))"),
    })
    html = client.get(article_url("evil")).content.decode()
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html


def test_article_in_the_visitors_language(client, corpus):
    response = client.get(article_url("how-refunds-work"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "<h1>Как оформить возврат</h1>" in response.content.decode()
    assert response.context["fell_back"] is False


def test_missing_translation_falls_back_to_english_and_says_so(client, corpus):
    response = client.get(article_url("track-order"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "<h1>Tracking your order</h1>" in html
    assert 'data-testid="fallback-notice"' in html


def test_signed_in_customer_reads_in_their_profile_language(client, corpus):
    client.force_login(CustomerFactory(language="zh-hans"))
    assert "<h1>如何申请退货</h1>" in client.get(article_url("how-refunds-work")).content.decode()


def test_drafts_are_404_for_customers_and_visitors_like_missing_articles(client, corpus):
    assert client.get(article_url("secret-draft")).status_code == 404
    assert client.get(article_url("no-such-article")).status_code == 404
    client.force_login(CustomerFactory())
    assert client.get(article_url("secret-draft")).status_code == 404


def test_staff_preview_a_draft_without_counting_a_view(client, corpus):
    client.force_login(AgentFactory())
    response = client.get(article_url("secret-draft"))
    assert response.status_code == 200
    assert "Draft" in response.content.decode()
    corpus["draft"].refresh_from_db()
    assert corpus["draft"].views == 0


def test_reading_counts_a_view(client, corpus):
    client.get(article_url("late-delivery"))
    client.get(article_url("late-delivery"))
    corpus["late"].refresh_from_db()
    assert corpus["late"].views == 2


def test_category_page_lists_only_published_articles(client, corpus):
    response = client.get(reverse("faq:category", args=["returns-refunds"]))
    slugs = [c.article.slug for c in response.context["cards"]]
    assert slugs == ["how-refunds-work"]
    assert client.get(reverse("faq:category", args=["nope"])).status_code == 404


def test_home_has_a_search_box_posting_to_search_and_tiles_linking_to_categories(client, corpus):
    html = client.get("/").content.decode()
    assert 'action="/help/search/"' in html
    assert 'href="/help/categories/orders-delivery/"' in html
    assert 'href="/help/categories/returns-refunds/"' in html


# --- votes ------------------------------------------------------------------------------------

def test_vote_without_javascript_redirects_back_and_shows_the_vote(client, corpus):
    response = client.post(reverse("faq:vote", args=["late-delivery"]),
                           {"helpful": "yes", "comment": "Clear"})
    assert response.status_code == 302
    assert response["Location"] == "/help/articles/late-delivery/#feedback"
    vote = Vote.objects.get()
    assert (vote.helpful, vote.comment, vote.user) == (True, "Clear", None)
    assert vote.session_key == client.session.session_key
    page = client.get(article_url("late-delivery")).content.decode()
    assert 'data-testid="vote-current"' in page


def test_vote_with_javascript_answers_json_and_revoting_changes_it(client, corpus):
    url = reverse("faq:vote", args=["late-delivery"])
    first = client.post(url, {"helpful": "yes"}, HTTP_ACCEPT="application/json")
    assert first.json()["ok"] is True
    client.post(url, {"helpful": "no"}, HTTP_ACCEPT="application/json")
    assert list(Vote.objects.values_list("helpful", flat=True)) == [False]


def test_signed_in_vote_belongs_to_the_user_and_others_cannot_change_it(corpus):
    alice, bob = CustomerFactory(), CustomerFactory()
    url = reverse("faq:vote", args=["late-delivery"])
    a, b = Client(), Client()
    a.force_login(alice)
    b.force_login(bob)
    a.post(url, {"helpful": "yes"})
    b.post(url, {"helpful": "no"})
    # Nothing in the form names a vote, so Bob's post can only be Bob's vote.
    b.post(url, {"helpful": "no", "user": alice.pk, "vote": Vote.objects.get(user=alice).pk})
    assert Vote.objects.get(user=alice).helpful is True
    assert Vote.objects.filter(user=bob).count() == 1


def test_invalid_vote_shows_the_error_next_to_the_field(client, corpus):
    response = client.post(reverse("faq:vote", args=["late-delivery"]), {"helpful": "maybe"})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    json_response = client.post(reverse("faq:vote", args=["late-delivery"]), {},
                                HTTP_ACCEPT="application/json")
    assert json_response.status_code == 400
    assert "helpful" in json_response.json()["errors"]
    assert not Vote.objects.exists()


def test_cannot_vote_on_a_draft(client, corpus):
    client.force_login(CustomerFactory())
    response = client.post(reverse("faq:vote", args=["secret-draft"]), {"helpful": "yes"})
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_vote_requires_csrf(corpus):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("faq:vote", args=["late-delivery"]), {"helpful": "yes"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_vote_form_carries_a_csrf_token(client, corpus):
    html = client.get(article_url("late-delivery")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


# --- search page ------------------------------------------------------------------------------

def test_search_page_highlights_results(client, corpus):
    html = client.get(reverse("faq:search"), {"q": "refund"}).content.decode()
    assert 'data-testid="search-results"' in html
    assert "<mark>refund</mark>" in html


def test_search_page_escapes_the_query(client, corpus):
    html = client.get(reverse("faq:search"), {"q": "<img src=x onerror=alert(1)>"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_result_page_offers_contact_and_records_the_search(client, corpus):
    response = client.get(reverse("faq:search"), {"q": "Zebra xylophone"},
                          HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert 'data-testid="no-results"' in html
    assert 'href="/contact/"' in html
    row = NoResultSearch.objects.get()
    assert (row.query, row.language, row.count) == ("zebra xylophone", "ru", 1)
    client.get(reverse("faq:search"), {"q": "zebra  XYLOPHONE"}, HTTP_ACCEPT_LANGUAGE="ru")
    row.refresh_from_db()
    assert row.count == 2


def test_search_with_results_is_not_recorded(client, corpus):
    client.get(reverse("faq:search"), {"q": "refund"})
    assert not NoResultSearch.objects.exists()


# --- suggestions ------------------------------------------------------------------------------

def test_suggest_returns_top_five_in_the_customers_language(client, corpus):
    response = client.get(reverse("faq:suggest"), {"q": "возврат", "lang": "ru"})
    body = response.json()
    assert response.status_code == 200
    assert body["language"] == "ru"
    assert body["results"][0] == {
        "id": corpus["refund"].pk,
        "title": "Как оформить возврат",
        "url": "/help/articles/how-refunds-work/",
        "language": "ru",
        "snippet": body["results"][0]["snippet"],
        "snippet_html": body["results"][0]["snippet_html"],
    }
    assert "Возврат" in body["results"][0]["snippet"]
    assert "<mark>" not in body["results"][0]["snippet"]


def test_suggest_caps_at_five(client, db):
    cat = services.category_save(slug="c", names={"en": ("C", "")})
    for i in range(8):
        services.article_save(slug=f"coupon-{i}", category=cat, translations={
            "en": T(f"Coupon rule {i}", "Coupons apply at checkout."),
        })
    assert len(client.get(reverse("faq:suggest"), {"q": "coupon"}).json()["results"]) == 5


@pytest.mark.parametrize("params, code", [
    ({}, "invalid_q"),
    ({"q": "a"}, "invalid_q"),
    ({"q": " "}, "invalid_q"),
    ({"q": "x" * 201}, "invalid_q"),
    ({"q": "refund", "lang": "de"}, "invalid_lang"),
])
def test_suggest_rejects_bad_input_with_a_clear_json_error(client, corpus, params, code):
    response = client.get(reverse("faq:suggest"), params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_suggest_does_not_log_no_result_searches(client, corpus):
    assert client.get(reverse("faq:suggest"), {"q": "zzzz"}).json()["results"] == []
    assert not NoResultSearch.objects.exists()


def test_suggest_excludes_drafts(client, corpus):
    services.article_status_set(article=corpus["cards"], status=ArticleStatus.DRAFT)
    assert client.get(reverse("faq:suggest"), {"q": "mastercard"}).json()["results"] == []
