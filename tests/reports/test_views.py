"""Who may open the reports, what each one sees, the drill-down and the CSV exports."""

import csv
import io

import pytest
from django.urls import reverse

from helpdesk.models import SatisfactionRating
from tests.factories import CustomerFactory, UserFactory
from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/reports/"


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_reports_live_under_the_admin():
    assert reverse("reports:dashboard") == DASHBOARD
    assert reverse("reports:export", args=["agents"]) == "/admin/reports/export/agents.csv"


@pytest.mark.parametrize("url", [DASHBOARD, "/admin/reports/conversations/",
                                 "/admin/reports/export/conversations.csv"])
def test_anonymous_and_customers_are_sent_to_the_admin_login(client, url, report_data):
    response = client.get(url, PERIOD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(CustomerFactory())
    response = client.get(url, PERIOD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_without_agent_or_manager_role_is_forbidden(client, report_data):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(DASHBOARD, PERIOD).status_code == 403
    assert client.get("/admin/reports/export/agents.csv", PERIOD).status_code == 403


def test_manager_sees_every_figure(client, report_data):
    client.force_login(report_data.manager)
    response = client.get(DASHBOARD, PERIOD)
    assert response.status_code == 200
    assert response.context["report"]["volume"]["total"] == 5
    body = response.content.decode()
    assert 'data-testid="csat"' in body and "66.7" in body
    assert "Too slow" in body and "Alice Agent" in body and "Bob Agent" in body
    assert 'id="report-charts"' in body
    # The drill-down of a chart point is a URL of the report's conversation list.
    assert "/admin/reports/conversations/?date_from=2025-03-01&amp;date_to=2025-03-10&amp;hour=17" in body


def test_agent_sees_only_their_own_figures(client, report_data):
    client.force_login(report_data.alice)
    response = client.get(DASHBOARD, PERIOD)
    assert response.status_code == 200
    report = response.context["report"]
    assert report["volume"]["total"] == 2
    assert [r["agent"] for r in report["agents"]] == ["Alice Agent"]
    assert "Bob Agent" not in response.content.decode()


def test_agent_cannot_ask_for_a_colleagues_figures(client, report_data):
    client.force_login(report_data.alice)
    response = client.get(DASHBOARD, {**PERIOD, "agent": report_data.bob.pk})
    assert response.status_code == 400 and "report" not in response.context
    response = client.get("/admin/reports/export/conversations.csv",
                          {**PERIOD, "agent": report_data.bob.pk})
    assert response.status_code == 404
    rows = read_csv(client.get("/admin/reports/export/conversations.csv", PERIOD))
    assert {r[0] for r in rows[1:]} == {report_data.c[1].reference, report_data.c[2].reference}
    drill = client.get("/admin/reports/conversations/", {**PERIOD, "channel": "chat"})
    assert [row["conversation"] for row in drill.context["rows"]] == [report_data.c[1]]


def test_invalid_date_range_shows_the_error_next_to_the_field(client, report_data):
    client.force_login(report_data.manager)
    response = client.get(DASHBOARD, {"date_from": "2025-03-10", "date_to": "2025-03-01"})
    assert response.status_code == 400
    assert 'id="id_date_from_errors"' in response.content.decode()


def test_conversation_csv_has_one_row_per_conversation_with_business_minutes(client, report_data):
    client.force_login(report_data.manager)
    rows = read_csv(client.get("/admin/reports/export/conversations.csv", PERIOD))
    header, data = rows[0], {r[0]: r for r in rows[1:]}
    assert len(data) == 5
    c1 = data[report_data.c[1].reference]
    first = header.index("First response (business minutes)")
    resolution = header.index("Resolution (business minutes)")
    wait = header.index("Queue wait (minutes)")
    assert (c1[first], c1[resolution], c1[wait]) == ("60.0", "120.0", "2.0")
    assert c1[header.index("Created")] == "2025-03-07T17:30:00+03:00"
    assert c1[header.index("Rating")] == "5"
    c2 = data[report_data.c[2].reference]
    assert (c2[first], c2[resolution], c2[header.index("Comment")]) == ("45.0", "600.0", "Too slow")
    c5 = data[report_data.c[5].reference]
    assert (c5[first], c5[resolution], c5[header.index("Agent")]) == ("", "", "")


def test_table_csvs_match_the_dashboard(client, report_data):
    client.force_login(report_data.manager)
    agents = read_csv(client.get("/admin/reports/export/agents.csv", PERIOD))
    assert agents[1] == ["Alice Agent", "2", "2", "52.5", "58.5", "360.0", "552.0", "2", "50.0",
                         "3.5"]
    assert agents[2] == ["Bob Agent", "2", "1", "15.0", "19.0", "40.0", "40.0", "1", "100.0",
                         "4.0"]
    hours = read_csv(client.get("/admin/reports/export/hour.csv", PERIOD))
    assert len(hours) == 25 and hours[18] == ["17:00", "1"]
    channels = dict(read_csv(client.get("/admin/reports/export/channel.csv", PERIOD))[1:])
    assert channels == {"Live chat": "3", "Email": "1", "Written request": "1"}
    speed = read_csv(client.get("/admin/reports/export/speed.csv", PERIOD))
    assert speed[1][:5] == ["First response (business hours)", "4", "33.75", "32.5", "55.5"]
    assert speed[3][:5] == ["Chat queue wait", "2", "3.5", "3.5", "4.7"]
    sla = read_csv(client.get("/admin/reports/export/sla.csv", PERIOD))
    assert ["premium", "email", "60", "1", "0", "100.0", "480", "0", "1", "0.0"] in sla
    low = read_csv(client.get("/admin/reports/export/low_ratings.csv", PERIOD))
    assert [r[:3] for r in low[1:]] == [[report_data.c[2].reference, "2", "Too slow"]]
    assert client.get("/admin/reports/export/nonsense.csv", PERIOD).status_code == 404


def test_csv_cells_that_look_like_formulas_are_neutralised(client, report_data):
    SatisfactionRating.objects.filter(conversation=report_data.c[2]).update(
        comment='=HYPERLINK("http://evil.example","x")')
    client.force_login(report_data.manager)
    low = read_csv(client.get("/admin/reports/export/low_ratings.csv", PERIOD))
    assert low[1][2] == '\'=HYPERLINK("http://evil.example","x")'


def test_drill_down_page_links_each_conversation_to_its_admin_page(client, report_data):
    client.force_login(report_data.manager)
    response = client.get("/admin/reports/conversations/", {**PERIOD, "score": "2"})
    assert response.status_code == 200
    c2 = report_data.c[2]
    assert [row["conversation"] for row in response.context["rows"]] == [c2]
    assert f'href="/admin/helpdesk/conversation/{c2.pk}/change/"' in response.content.decode()


def test_admin_index_links_to_the_reports_for_managers_only(client, report_data):
    client.force_login(report_data.manager)
    assert 'href="/admin/reports/"' in client.get("/admin/").content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert 'href="/admin/reports/"' not in client.get("/admin/").content.decode()


def test_dashboard_shows_survey_rate_and_helpful_votes_when_recorded(client, report_data):
    from faq.models import Article, Category, Vote
    from helpdesk.surveys.models import Survey

    c2 = report_data.c[2]
    Survey.objects.create(conversation=c2, customer=c2.customer, status="answered",
                          sent_at=c2.created_at, answered_at=c2.resolved_at,
                          created_at=c2.created_at)
    article = Article.objects.create(category=Category.objects.create(slug="orders"),
                                     slug="late", status="published")
    vote = Vote.objects.create(article=article, session_key="s", helpful=True)
    Vote.objects.filter(pk=vote.pk).update(updated_at=c2.created_at)
    client.force_login(report_data.manager)
    html = client.get(DASHBOARD, PERIOD).content.decode()
    assert "1 of 1 survey answered" in html
    assert "1 of 1 vote" in html
    assert "no votes in this period" not in html
