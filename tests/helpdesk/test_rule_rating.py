"""One rule rates a conversation (``helpdesk.services.ratings.rating_record``): one rating per
conversation, the first stays, whichever path (the chat page, a survey link) brings it and in
whichever order; a second one is refused with code "answered" and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import Channel, RatingSource, SatisfactionRating, Status
from helpdesk.services.conversations import conversation_open
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.surveys.tokens import survey_token_hash
from tests.mail.factories import CustomerFactory

pytestmark = pytest.mark.django_db
TOKEN = "t" * 43


@pytest.fixture
def conversation():
    customer = CustomerFactory()
    conv = conversation_open(customer=customer, channel=Channel.CHAT, topic="returns",
                             description="My kettle arrived broken")
    now = timezone.now()
    conv.status, conv.resolved_at = Status.RESOLVED, now - timedelta(days=1)
    conv.save(update_fields=["status", "resolved_at"])
    Survey.objects.create(conversation=conv, customer=customer, status=SurveyStatus.SENT,
                          token_hash=survey_token_hash(TOKEN), sent_at=now,
                          expires_at=now + timedelta(days=14), created_at=now)
    return conv


def by_chat(client, conv, score):
    client.force_login(conv.customer)
    return client.post(f"/chat/{conv.reference}/rate/", {"score": score, "comment": "chat"},
                       HTTP_ACCEPT="application/json")


def by_survey(client, conv, score):
    client.logout()
    return client.post(f"/surveys/{TOKEN}/", {"score": score, "comment": "survey"})


PATHS = {"chat": (by_chat, RatingSource.CHAT), "survey": (by_survey, RatingSource.SURVEY)}


@pytest.mark.parametrize("first,second", [(a, b) for a in PATHS for b in PATHS])
def test_the_first_rating_stays_whichever_paths_bring_them(first, second, client,
                                                           conversation):
    response = PATHS[first][0](client, conversation, 2)
    assert response.status_code in (200, 302)
    rating = SatisfactionRating.objects.get(conversation=conversation)
    assert (rating.score, rating.source, rating.comment) == (2, PATHS[first][1], first)

    response = PATHS[second][0](client, conversation, 5)
    if second == "chat":
        assert response.status_code == 400 and response.json()["code"] == "answered"
    else:  # the survey page thanks the customer for the rating they gave
        assert response.status_code in (200, 302)
    assert list(SatisfactionRating.objects.filter(conversation=conversation)
                .values_list("score", "source", "comment")) == [(2, PATHS[first][1], first)]


def test_the_chat_page_shows_the_rating_without_a_form_to_change_it(client, conversation):
    by_chat(client, conversation, 4)
    page = client.get(f"/chat/{conversation.reference}/").content.decode()
    assert 'data-testid="chat-rated"' in page and "4 of 5" in page
    assert 'data-testid="chat-rate"' not in page
