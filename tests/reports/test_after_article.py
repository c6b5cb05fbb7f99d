"""Conversations started after reading a help article, against the hand-computed fixture.

On top of conftest.py's fixture: c1 and c3 followed the article "late-delivery" (A), c4 and c6
followed "how-refunds-work" (B); c2 and c5 followed none. In the period (c1-c5, 5
conversations): 3 after an article (60 %); A 2 (40 %), B 1 (20 %). c6 is outside the period.
Chat only (c1, c3, c5): 2 of 3, all A. Bob's own (c3, c4): 2 of 2, A 1 and B 1.
"""

import csv
import io
from datetime import date

import pytest
from django.utils import translation

from faq.models import Article, ArticleTranslation, Category
from helpdesk.models import Conversation
from helpdesk.reports.filters import ReportFilters
from helpdesk.reports.selectors import build_report, conversations_after_article, drill_down
from tests.factories import CustomerFactory
from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/reports/"
EXPORT = "/admin/reports/export/articles.csv"


def period(**kwargs) -> ReportFilters:
    return ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 10), **kwargs)


@pytest.fixture
def articles(report_data):
    category = Category.objects.create(slug="orders")
    a = Article.objects.create(category=category, slug="late-delivery", status="published")
    b = Article.objects.create(category=category, slug="how-refunds-work", status="published")
    ArticleTranslation.objects.create(article=a, language="en", title="My delivery is late",
                                      body="x")
    ArticleTranslation.objects.create(article=a, language="ru", title="Заказ задерживается",
                                      body="x")
    ArticleTranslation.objects.create(article=b, language="en", title="How refunds work",
                                      body="x")
    c = report_data.c
    for conv, article in ((c[1], a), (c[3], a), (c[4], b), (c[6], b)):
        Conversation.objects.filter(pk=conv.pk).update(source_article=article)
    return a, b


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_count_share_and_top_articles_of_the_period(articles):
    a, b = articles
    with translation.override("en"):
        after = conversations_after_article(period())
    assert (after["count"], after["total"], after["share"]) == (3, 5, 60.0)
    assert after["articles"] == [
        {"article_id": a.pk, "slug": "late-delivery", "title": "My delivery is late", "count": 2,
         "share": 40.0},
        {"article_id": b.pk, "slug": "how-refunds-work", "title": "How refunds work",
         "count": 1, "share": 20.0},
    ]


def test_the_figure_follows_the_filters_and_an_agents_bounds(report_data, articles):
    a, b = articles
    chat = conversations_after_article(period(channel="chat"))
    assert (chat["count"], chat["total"]) == (2, 3)
    assert chat["share"] == pytest.approx(200 / 3)
    assert [(r["article_id"], r["count"]) for r in chat["articles"]] == [(a.pk, 2)]
    own = conversations_after_article(period(restrict_to_agent_id=report_data.bob.pk))
    assert (own["count"], own["total"], own["share"]) == (2, 2, 100.0)
    # A tie goes to the older article.
    assert [(r["article_id"], r["count"]) for r in own["articles"]] == [(a.pk, 1), (b.pk, 1)]


def test_the_whole_report_carries_it_and_a_long_period_counts_c6(articles):
    assert build_report(period())["after_article"]["count"] == 3
    long = build_report(ReportFilters(date_from=date(2024, 12, 1), date_to=date(2025, 3, 10)))
    assert (long["after_article"]["count"], long["after_article"]["total"]) == (4, 6)
    assert [r["count"] for r in long["after_article"]["articles"]] == [2, 2]


def test_top_articles_are_capped_and_titled_in_the_active_language(articles):
    a, _b = articles
    with translation.override("ru"):
        top = conversations_after_article(period(), limit=1)["articles"]
    assert [(r["title"], r["count"]) for r in top] == [("Заказ задерживается", 2)]
    with translation.override("zh-hans"):  # no Chinese title: English
        assert conversations_after_article(period())["articles"][1]["title"] == "How refunds work"


def test_without_any_recorded_article_the_figure_is_zero_not_missing(report_data):
    after = conversations_after_article(period())
    assert (after["count"], after["total"], after["share"], after["articles"]) == (0, 5, 0.0, [])


def test_drill_down_lists_the_conversations_after_an_article(report_data, articles):
    a, b = articles
    c = report_data.c
    assert set(drill_down(period(), {"after_article": "1"})) == {c[1], c[3], c[4]}
    assert set(drill_down(period(), {"article": str(a.pk)})) == {c[1], c[3]}
    assert set(drill_down(period(), {"article": str(b.pk)})) == {c[4]}
    assert len(drill_down(period(), {"article": "x'; --"})) == 5  # ignored, never an error


def test_dashboard_shows_the_figure_and_the_table_with_click_through(client, report_data,
                                                                     articles):
    a, _b = articles
    client.force_login(report_data.manager)
    response = client.get(DASHBOARD, {**PERIOD})
    html = response.content.decode()
    assert "not available yet" not in html
    assert "60.0 % of 5 conversations" in html
    qs = "date_from=2025-03-01&amp;date_to=2025-03-10"
    assert f'<a href="/admin/reports/conversations/?{qs}&amp;after_article=1">3</a>' in html
    assert f'<a href="/admin/reports/conversations/?{qs}&amp;article={a.pk}">2</a>' in html
    assert '<a href="/help/articles/late-delivery/">My delivery is late</a>' in html
    assert f'href="/admin/reports/export/articles.csv?{qs}"' in html
    drill = client.get("/admin/reports/conversations/", {**PERIOD, "article": a.pk})
    assert {row["conversation"] for row in drill.context["rows"]} == {report_data.c[1],
                                                                      report_data.c[3]}


def test_dashboard_says_when_no_conversation_followed_an_article(client, report_data):
    client.force_login(report_data.manager)
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert "No conversation in this period followed an article." in html
    assert "0.0 % of 5 conversations" in html


def test_csv_export_lists_every_article_read_before_a_conversation(client, report_data,
                                                                   articles):
    client.force_login(report_data.manager)
    rows = read_csv(client.get(EXPORT, {**PERIOD, "language": "en"}))
    assert rows == [
        ["Article", "Slug", "Conversations started after reading it",
         "Share of conversations (%)"],
        ["My delivery is late", "late-delivery", "2", "40.0"],
        ["How refunds work", "how-refunds-work", "1", "20.0"],
    ]
    # An agent's export holds only their own conversations (Alice: c1 of c1, c2).
    client.force_login(report_data.alice)
    rows = read_csv(client.get(EXPORT, PERIOD))
    assert rows[1:] == [["My delivery is late", "late-delivery", "1", "50.0"]]


def test_customers_cannot_reach_the_export(client, report_data, articles):
    client.force_login(CustomerFactory())
    response = client.get(EXPORT, PERIOD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
