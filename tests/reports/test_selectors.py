"""Every figure of the report against the hand-computed fixture of conftest.py.

Business minutes per conversation (Mon-Fri 09:00-18:00 Moscow):
first response c1 60 (Fri 30 + Mon 30), c2 45 (opens 09:00), c3 10, c4 20 (night skipped);
resolution c1 120, c2 600 (Mon 540 + Tue 60), c3 40.
"""

from datetime import date

import pytest

from helpdesk.reports.filters import ReportFilters
from helpdesk.reports.selectors import (
    agent_table,
    build_report,
    drill_down,
    low_ratings,
    satisfaction,
    speed_and_sla,
    volume,
)

pytestmark = pytest.mark.django_db

MIN = 60


def period(**kwargs) -> ReportFilters:
    return ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 10), **kwargs)


def test_satisfaction_counts_csat_and_average_of_ratings_in_the_period(report_data):
    s = satisfaction(period())
    # c1=5, c2=2, c3=4 (c6's 1 is outside the period): 2 of 3 satisfied, mean 11/3.
    assert s["count"] == 3
    assert s["csat"] == pytest.approx(200 / 3)
    assert s["average"] == pytest.approx(11 / 3)
    assert [r["count"] for r in s["by_score"]] == [0, 1, 0, 1, 1]
    assert s["survey_response_rate"] is None  # no surveys recorded yet: not invented


def test_low_ratings_list_comments_with_a_link_to_the_conversation(report_data):
    c2 = report_data.c[2]
    assert low_ratings(period()) == [{
        "reference": c2.reference, "score": 2, "comment": "Too slow",
        "rated_at": c2.created_at, "agent": "Alice Agent",
        "url": f"/admin/helpdesk/conversation/{c2.pk}/change/",
    }]


def test_first_response_and_resolution_median_and_p90_in_business_minutes(report_data):
    speed = speed_and_sla(period())
    first, resolution = speed["first_response"], speed["resolution"]
    # [10, 20, 45, 60]: median (20+45)/2; p90 at rank 2.7 = 45 + 0.7 * 15.
    assert first["count"] == 4
    assert first["median"] == pytest.approx(32.5 * MIN)
    assert first["p90"] == pytest.approx(55.5 * MIN)
    assert first["average"] == pytest.approx(33.75 * MIN)
    # [40, 120, 600]: median 120; p90 at rank 1.8 = 120 + 0.8 * 480.
    assert resolution["count"] == 3
    assert resolution["median"] == pytest.approx(120 * MIN)
    assert resolution["p90"] == pytest.approx(504 * MIN)


def test_chat_queue_wait_counts_wall_clock_from_queued_to_assigned(report_data):
    wait = speed_and_sla(period())["queue_wait"]
    # c1 120 s, c3 300 s; c5 was never assigned and does not count.
    assert wait["count"] == 2
    assert wait["median"] == pytest.approx(210)
    assert wait["p90"] == pytest.approx(282)
    assert wait["average"] == pytest.approx(210)


def test_sla_compliance_per_tier_and_channel(report_data):
    sla = speed_and_sla(period())["sla"]
    rows = {(r["tier"], r["channel"]): r for r in sla["rows"]}
    # standard/chat (30 min, 240 min): c1 answered in 60 (breach), resolved in 120 (met);
    # c5 never answered nor resolved, long past both targets (breach, breach).
    assert (rows["standard", "chat"]["first_met"], rows["standard", "chat"]["first_breached"]) == (0, 2)
    assert (rows["standard", "chat"]["resolution_met"],
            rows["standard", "chat"]["resolution_breached"]) == (1, 1)
    # premium/email (60, 480): c2 answered in 45 (met), resolved in 600 (breach).
    assert rows["premium", "email"]["first_compliance"] == 100.0
    assert rows["premium", "email"]["resolution_compliance"] == 0.0
    # premium/chat (5, none): c3 answered in 10 (breach); no resolution target.
    assert rows["premium", "chat"]["first_breached"] == 1
    assert rows["premium", "chat"]["resolution_met"] + rows["premium", "chat"]["resolution_breached"] == 0
    # standard/web (15, 1440): c4 answered in 20 (breach); unresolved long after (breach).
    assert rows["standard", "web"]["first_breached"] == 1
    assert rows["standard", "web"]["resolution_breached"] == 1
    # Overall: first response 1 met of 5; resolution 1 met of 4.
    assert sla["first_compliance"] == pytest.approx(20.0)
    assert sla["resolution_compliance"] == pytest.approx(25.0)


def test_volume_by_channel_topic_team_agent(report_data):
    v = volume(period())
    assert v["total"] == 5
    assert {r["channel"]: r["count"] for r in v["channel"]} == {"chat": 3, "email": 1, "web": 1}
    assert {r["topic"]: r["count"] for r in v["topic"]} == {
        "orders": 2, "returns": 1, "payment": 1, "technical": 1}
    assert {r["label"]: r["count"] for r in v["team"]} == {"T1": 2, "T2": 2, "": 1}
    assert {r["label"]: r["count"] for r in v["agent"]} == {
        "Alice Agent": 2, "Bob Agent": 2, "": 1}


def test_volume_by_hour_and_day_use_moscow_time(report_data):
    v = volume(period())
    hours = {r["hour"]: r["count"] for r in v["hour"] if r["count"]}
    # c5 was created at 01:30 Moscow, which is 22:30 UTC the day before.
    assert hours == {17: 1, 8: 1, 12: 1, 22: 1, 1: 1}
    assert len(v["hour"]) == 24
    days = {r["day"]: r["count"] for r in v["day"]}
    assert len(days) == 10 and sum(days.values()) == 5
    assert {d.day: n for d, n in days.items() if n} == {3: 1, 4: 1, 5: 1, 7: 1, 8: 1}


def test_per_agent_table(report_data):
    speed = speed_and_sla(period())
    rows = {r["agent"]: r for r in agent_table(period(), speed["per_agent_durations"])}
    alice, bob = rows["Alice Agent"], rows["Bob Agent"]
    assert (alice["handled"], alice["resolved"], alice["ratings"]) == (2, 2, 2)
    assert alice["first_response_median"] == pytest.approx(52.5 * MIN)  # 60, 45
    assert alice["resolution_median"] == pytest.approx(360 * MIN)  # 120, 600
    assert alice["csat"] == 50.0 and alice["average_rating"] == pytest.approx(3.5)
    assert (bob["handled"], bob["resolved"], bob["ratings"]) == (2, 1, 1)
    assert bob["first_response_median"] == pytest.approx(15 * MIN)  # 10, 20
    assert bob["resolution_median"] == pytest.approx(40 * MIN)
    assert bob["csat"] == 100.0 and bob["average_rating"] == 4.0
    assert set(rows) == {"Alice Agent", "Bob Agent"}  # the unassigned c5 is no agent's


def test_filters_narrow_every_figure(report_data):
    premium = build_report(period(tier="premium"))
    assert premium["volume"]["total"] == 2  # c2, c3
    assert premium["satisfaction"]["count"] == 2
    chat_t2 = build_report(period(channel="chat", team_id=report_data.t2.pk))
    assert chat_t2["volume"]["total"] == 1  # c3
    assert chat_t2["speed"]["first_response"]["median"] == pytest.approx(10 * MIN)
    by_topic = build_report(period(topic="returns"))
    assert by_topic["satisfaction"]["csat"] == 0.0
    by_agent = build_report(period(agent_id=report_data.bob.pk))
    assert by_agent["volume"]["total"] == 2


def test_an_agent_restricted_report_holds_only_their_conversations(report_data):
    alice_only = period(restrict_to_agent_id=report_data.alice.pk)
    report = build_report(alice_only)
    assert report["volume"]["total"] == 2
    assert [r["agent"] for r in report["agents"]] == ["Alice Agent"]
    # Asking for Bob's figures while restricted to Alice gives nothing of Bob's.
    assert build_report(alice_only.with_changes(agent_id=report_data.bob.pk))["volume"]["total"] == 0


def test_drill_down_lists_the_conversations_behind_a_bucket(report_data):
    c = report_data.c
    assert list(drill_down(period(), {"hour": "17"})) == [c[1]]
    assert list(drill_down(period(), {"hour": "1"})) == [c[5]]
    assert list(drill_down(period(), {"score": "2"})) == [c[2]]
    assert list(drill_down(period(), {"low": "1"})) == [c[2]]
    assert list(drill_down(period(), {"unassigned": "1"})) == [c[5]]
    assert set(drill_down(period(channel="chat"), {})) == {c[1], c[3], c[5]}


def test_report_runs_a_bounded_number_of_queries(report_data, django_assert_max_num_queries):
    # The first report also computes the missing timings of its scope, then reads again.
    with django_assert_max_num_queries(28):
        build_report(period())
    with django_assert_max_num_queries(20):
        build_report(period())


def test_survey_response_rate_counts_surveys_sent_for_conversations_in_scope(report_data):
    from helpdesk.surveys.models import Survey

    c = report_data.c
    sent = {"status": "sent", "sent_at": c[2].created_at, "created_at": c[2].created_at}
    # c2: sent and answered; c4: sent, not answered; c5: never sent; c6: outside the period.
    Survey.objects.create(conversation=c[2], customer=c[2].customer,
                          **{**sent, "status": "answered", "answered_at": c[2].resolved_at})
    Survey.objects.create(conversation=c[4], customer=c[4].customer, **sent)
    Survey.objects.create(conversation=c[5], customer=c[5].customer, status="skipped",
                          created_at=c[5].created_at)
    Survey.objects.create(conversation=c[6], customer=c[6].customer, **sent)
    s = satisfaction(period())
    assert s["surveys"] == {"sent": 2, "answered": 1, "rate": 50.0}
    assert s["survey_response_rate"] == 50.0
    # An agent's figures hold only their own conversations' surveys (c4 is Bob's).
    assert satisfaction(period(restrict_to_agent_id=report_data.bob.pk))["surveys"]["rate"] == 0.0


def test_self_service_votes_and_searches_with_no_result_in_the_period(report_data):
    from faq.models import Article, Category, NoResultSearch, Vote
    from helpdesk.reports.selectors import self_service
    from tests.reports.conftest import msk

    category = Category.objects.create(slug="orders")
    article = Article.objects.create(category=category, slug="late", status="published",
                                     views=40)
    Article.objects.create(category=category, slug="draft", status="draft", views=7)
    in_period, before = msk(5, 12), msk(20, 12, month=2)
    for i, (helpful, when) in enumerate([(True, in_period), (True, in_period),
                                         (False, in_period), (False, before)]):
        vote = Vote.objects.create(article=article, session_key=f"s{i}", helpful=helpful)
        Vote.objects.filter(pk=vote.pk).update(updated_at=when)
    NoResultSearch.objects.create(query="where is my parcel", language="en", count=5,
                                  last_seen=in_period)
    NoResultSearch.objects.create(query="купон", language="ru", count=2, last_seen=in_period)
    NoResultSearch.objects.create(query="old", language="en", count=9, last_seen=before)
    figures = self_service(period())
    assert figures["article_views_all_time"] == 40  # published articles only
    assert (figures["votes"], figures["helpful_votes"]) == (3, 2)
    assert figures["helpful_share"] == pytest.approx(200 / 3)
    assert (figures["no_result_queries"], figures["no_result_searches"]) == (2, 7)
    assert [q["query"] for q in figures["no_result_top"]] == ["where is my parcel", "купон"]


def test_a_long_period_counts_the_same_way(report_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # 1 December - 10 March (100 days): c6 of 20 February is in it too.
    long = ReportFilters(date_from=date(2024, 12, 1), date_to=date(2025, 3, 10))
    with CaptureQueriesContext(connection) as queries:
        report = build_report(long)
    assert report["volume"]["total"] == 6
    assert report["satisfaction"]["count"] == 4
    assert report["satisfaction"]["by_score"][0]["count"] == 1  # c6's 1
    assert report["speed"]["resolution"]["count"] == 4  # c1, c2, c3, c6 (1 minute)
    if connection.vendor == "postgresql":  # a long period gets the memory to stay off disk
        assert any("work_mem" in q["sql"] for q in queries.captured_queries)
