"""Surveys: scheduled through the database, one per conversation, one reminder, hashed
one-click tokens, one rating however many submissions race."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.errors import NotFound
from helpdesk.mail.models import OutboundEmail, OutboundKind
from helpdesk.models import Channel, RatingSource, SatisfactionRating, Status
from helpdesk.services.conversations import conversation_open
from helpdesk.services.ratings import conversation_rate
from helpdesk.surveys import tasks as survey_tasks
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.services import survey_answer, survey_by_token, surveys_run
from helpdesk.surveys.tokens import survey_token_hash
from tests.mail.factories import CustomerFactory  # proved addresses: the outbox's gate
from tests.services import require

pytestmark = pytest.mark.django_db
LINK = re.compile(r"(http://\S+/surveys/([A-Za-z0-9_-]+)/)\?score=(\d)")


@pytest.fixture(autouse=True)
def _survey_settings(settings):
    settings.SURVEY_DELAY_HOURS = 24
    settings.SURVEY_REMINDER_HOURS = 72
    settings.SURVEY_LINK_DAYS = 14
    settings.SURVEY_COOLDOWN_DAYS = 7


def resolved(customer=None, channel=Channel.WEB, hours_ago=25):
    customer = customer or CustomerFactory()
    conv = conversation_open(customer=customer, channel=channel, topic="returns",
                             description="My kettle arrived broken")
    conv.status = Status.RESOLVED
    conv.resolved_at = timezone.now() - timedelta(hours=hours_ago)
    conv.save(update_fields=["status", "resolved_at"])
    return conv


def run(now=None):
    return surveys_run(now=now)


def tokens_in_outbox():
    return [m for m in LINK.findall("\n".join(e.body for e in mail.outbox))]


def test_a_survey_is_sent_after_the_delay_and_never_before(django_capture_on_commit_callbacks):
    early = resolved(hours_ago=2)
    due = resolved(hours_ago=25)
    with django_capture_on_commit_callbacks(execute=True):
        result = run()
    assert result["sent"] == 1
    assert list(Survey.objects.values_list("conversation_id", flat=True)) == [due.pk]
    assert not Survey.objects.filter(conversation=early).exists()
    assert len(mail.outbox) == 1 and due.reference in mail.outbox[0].subject
    scores = [int(s) for _u, _t, s in tokens_in_outbox()]
    assert scores == [1, 2, 3, 4, 5]


def test_the_token_is_long_random_and_stored_only_hashed(django_capture_on_commit_callbacks):
    resolved()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    token = tokens_in_outbox()[0][1]
    assert len(token) >= 43  # 32 random bytes, base64url
    survey = Survey.objects.get()
    assert survey.token_hash == survey_token_hash(token) and token not in survey.token_hash
    assert not Survey.objects.filter(token_hash=token).exists()
    assert survey.expires_at - survey.sent_at == timedelta(days=14)


def test_one_reminder_then_expiry_and_no_second_survey(django_capture_on_commit_callbacks):
    conv = resolved()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        run(now)
        assert run(now + timedelta(hours=10)).get("reminded") is None
        assert run(now + timedelta(hours=73))["reminded"] == 1
        run(now + timedelta(days=5))
        run(now + timedelta(days=15))
    kinds = list(OutboundEmail.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [OutboundKind.SURVEY, OutboundKind.SURVEY_REMINDER]
    survey = Survey.objects.get(conversation=conv)
    assert survey.status == SurveyStatus.EXPIRED and survey.due_at is None
    assert Survey.objects.count() == 1
    first, second = [t for _u, t, s in tokens_in_outbox() if s == "1"]
    with pytest.raises(NotFound):
        survey_by_token(token=first)
    with pytest.raises(NotFound):
        survey_by_token(token=second)


def test_conversations_rated_in_the_chat_get_no_survey(django_capture_on_commit_callbacks):
    chat = resolved(channel=Channel.CHAT)
    conversation_rate(conversation=chat, customer=chat.customer, score=5)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert not Survey.objects.exists() and mail.outbox == []


def test_customers_who_opted_out_get_none(django_capture_on_commit_callbacks):
    conv = resolved()
    profile = conv.customer.customer_profile
    profile.notify_surveys = False
    profile.save(update_fields=["notify_surveys"])
    with django_capture_on_commit_callbacks(execute=True):
        run()
    survey = Survey.objects.get()
    assert (survey.status, survey.reason) == (SurveyStatus.SKIPPED, "opted_out")
    assert mail.outbox == []


def test_one_survey_per_customer_within_the_cooldown(django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    resolved(customer, hours_ago=30)
    resolved(customer, hours_ago=26)
    with django_capture_on_commit_callbacks(execute=True):
        result = run()
    assert result["sent"] == 1 and result["skipped:cooldown"] == 1
    assert len(mail.outbox) == 1


def test_a_reopened_conversation_is_not_surveyed_until_resolved_again():
    conv = resolved()
    from helpdesk.surveys.services import surveys_schedule

    surveys_schedule()
    conv.status = Status.OPEN
    conv.save(update_fields=["status"])
    assert run()["reopened"] == 1
    assert not Survey.objects.exists()


def sent_survey(django_capture_on_commit_callbacks):
    conv = resolved()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    url, token, _score = tokens_in_outbox()[0]
    return conv, url, token


def test_opening_the_link_changes_nothing_and_preselects_the_score(
        client, django_capture_on_commit_callbacks):
    conv, url, token = sent_survey(django_capture_on_commit_callbacks)
    response = client.get(url + "?score=4")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input[^>]*value="4"[^>]*checked', html)
    assert response["Cache-Control"] == "no-store"
    client.head(url + "?score=1")
    assert not SatisfactionRating.objects.exists()
    assert Survey.objects.get().status == SurveyStatus.SENT


def test_submitting_records_the_rating_once(client, django_capture_on_commit_callbacks):
    conv, url, token = sent_survey(django_capture_on_commit_callbacks)
    response = client.post(url, {"score": "5", "comment": "Quick and kind"})
    assert response.status_code == 302
    rating = SatisfactionRating.objects.get(conversation=conv)
    assert (rating.score, rating.comment, rating.source) == (5, "Quick and kind",
                                                             RatingSource.SURVEY)
    again = client.post(url, {"score": "1"})
    assert again.status_code == 200 and "survey-thanks" in again.content.decode()
    assert SatisfactionRating.objects.get(conversation=conv).score == 5
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.ANSWERED and survey.due_at is None


def test_the_comment_is_optional_and_the_score_is_checked(client,
                                                          django_capture_on_commit_callbacks):
    conv, url, token = sent_survey(django_capture_on_commit_callbacks)
    bad = client.post(url, {"score": "9"})
    assert bad.status_code == 400 and not SatisfactionRating.objects.exists()
    assert 'class="field-error"' in bad.content.decode()
    assert client.post(url, {"score": "3"}).status_code == 302


def test_low_ratings_are_flagged_for_review(django_capture_on_commit_callbacks):
    conv, url, token = sent_survey(django_capture_on_commit_callbacks)
    survey_answer(token=token, score=2, comment="Nobody answered for days")
    assert Survey.objects.get().needs_review is True


def test_unknown_and_expired_links_show_the_same_page(client,
                                                      django_capture_on_commit_callbacks):
    conv, url, token = sent_survey(django_capture_on_commit_callbacks)
    assert client.get(reverse("surveys:rate", args=["x" * 43])).status_code == 404
    Survey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404
    with pytest.raises(NotFound):
        survey_answer(token=token, score=5)


def test_a_survey_answer_after_a_chat_rating_is_refused(django_capture_on_commit_callbacks):
    conv, url, token = sent_survey(django_capture_on_commit_callbacks)
    conversation_rate(conversation=conv, customer=conv.customer, score=4)
    with pytest.raises(ValidationError) as exc:
        survey_answer(token=token, score=1)
    assert exc.value.code == "answered"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_submissions_record_one_rating(django_capture_on_commit_callbacks):
    require(connection.vendor == "postgresql",
            "PostgreSQL is needed for real row locks (run with DATABASE_URL=postgres://...)")
    conv = resolved()
    run()
    token = tokens_in_outbox()[0][1]
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def submit(score):
        barrier.wait()
        try:
            survey_answer(token=token, score=score, comment=f"try {score}")
            outcomes.append("recorded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(1 + i % 5,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("recorded") == 1 and outcomes.count("refused") == 11
    assert SatisfactionRating.objects.filter(conversation=conv).count() == 1


# --- Batches -------------------------------------------------------------------------------


def test_a_batch_costs_the_same_queries_for_few_surveys_as_for_many(
        settings, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    from helpdesk.surveys.services import surveys_schedule, surveys_step_batch

    settings.SURVEY_BATCH_SIZE = 500
    for _ in range(3):
        resolved()
    surveys_schedule()
    with django_capture_on_commit_callbacks() as few_tasks, \
            django_assert_max_num_queries(12) as few:
        assert surveys_step_batch(survey_ids=Survey.objects.values_list("pk", flat=True)) \
            == {"sent": 3}
    for _ in range(30):
        resolved()
    surveys_schedule()
    due = Survey.objects.filter(status=SurveyStatus.SCHEDULED).values_list("pk", flat=True)
    with django_capture_on_commit_callbacks() as many_tasks, \
            django_assert_max_num_queries(len(few)):
        assert surveys_step_batch(survey_ids=due) == {"sent": 30}
    assert len(few_tasks) == len(many_tasks) == 1  # one send task per EMAIL_SEND_BATCH rows
    assert OutboundEmail.objects.filter(kind=OutboundKind.SURVEY).count() == 33


def test_the_beat_hands_the_due_surveys_to_batch_tasks(settings,
                                                       django_capture_on_commit_callbacks):
    settings.SURVEY_BATCH_SIZE = 2
    for _ in range(3):
        resolved()
    customer = CustomerFactory()
    resolved(customer, hours_ago=30)
    resolved(customer, hours_ago=26)
    with django_capture_on_commit_callbacks(execute=True):
        steps = survey_tasks.surveys_run()  # the beat's task; eager Celery: each batch task runs in place
    # [1st, 2nd], [3rd, repeat customer's two]: one customer's surveys are never split
    assert steps == {"scheduled": 5, "batches": 2}
    statuses = sorted(Survey.objects.values_list("status", "reason"))
    assert statuses == [(SurveyStatus.SENT, "")] * 4 + [(SurveyStatus.SKIPPED, "cooldown")]
    assert len(mail.outbox) == 4


def _step_at_once(batches):
    """Step each batch in its own thread and transaction, all at the same moment."""
    from helpdesk.surveys.services import surveys_step_batch

    results: list[dict] = []
    barrier = threading.Barrier(len(batches))

    def work(ids):
        barrier.wait()
        try:
            results.append(surveys_step_batch(survey_ids=ids))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(ids,)) for ids in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_cooldown_holds_across_batches_stepped_at_once():
    require(connection.vendor == "postgresql",
            "PostgreSQL is needed for concurrent transactions (run with DATABASE_URL=...)")
    from helpdesk.surveys.services import surveys_schedule

    customer = CustomerFactory()
    for hours in (30, 29, 28, 27):
        resolved(customer, hours_ago=hours)
    surveys_schedule()
    ids = list(Survey.objects.values_list("pk", flat=True))
    results = _step_at_once([[pk] for pk in ids])  # four batches, one survey each
    outcomes = sorted(o for r in results for o in r)
    assert outcomes == ["sent"] + ["skipped:cooldown"] * 3
    assert OutboundEmail.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_batch_stepped_twice_at_once_sends_each_survey_once():
    require(connection.vendor == "postgresql",
            "PostgreSQL is needed for concurrent transactions (run with DATABASE_URL=...)")
    from helpdesk.surveys.services import surveys_schedule

    for _ in range(6):
        resolved()
    surveys_schedule()
    ids = list(Survey.objects.values_list("pk", flat=True))
    results = _step_at_once([ids, ids, ids])
    assert sum(r.get("sent", 0) for r in results) == 6
    assert sum(r.get("busy", 0) for r in results) == 12
    assert OutboundEmail.objects.filter(kind=OutboundKind.SURVEY).count() == 6
    assert Survey.objects.filter(status=SurveyStatus.SENT).count() == 6
