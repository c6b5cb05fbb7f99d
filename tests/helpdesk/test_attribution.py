"""A conversation records the help article its customer read just before opening it."""

import pytest
from django.urls import reverse

from faq.models import ArticleStatus
from faq.reading import SESSION_KEY
from faq.services import article_status_set
from helpdesk.models import Channel, Conversation
from helpdesk.services.conversations import conversation_open, published_article_id
from tests.chat.conftest import make_agent
from tests.factories import CustomerFactory
from tests.faq.conftest import build_corpus
from tests.orders.conftest import MODEL_BACKEND, make_delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    return build_corpus()


@pytest.fixture
def customer(db):
    return CustomerFactory(full_name="Olga Ivanova")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer, backend=MODEL_BACKEND)
    return client


def read(client, slug):
    assert client.get(reverse("faq:article", args=[slug])).status_code == 200


def age_note(client, minutes):
    """Make the article noted in the session ``minutes`` older."""
    session = client.session
    note = session[SESSION_KEY]
    note["at"] -= minutes * 60
    session[SESSION_KEY] = note
    session.save()


def prechat(client, **extra):
    return client.post(reverse("chat:start"), {"topic": "orders", "description": "Where is it?",
                                               **extra})


def test_chat_started_after_reading_an_article_names_it(customer_client, customer, corpus):
    make_agent()
    read(customer_client, "late-delivery")
    response = prechat(customer_client)
    conversation = Conversation.objects.get(customer=customer)
    assert response.status_code == 302 and conversation.channel == Channel.CHAT
    assert conversation.source_article == corpus["late"]


def test_written_request_from_the_chat_form_names_the_article(customer_client, customer, corpus):
    read(customer_client, "how-refunds-work")
    prechat(customer_client)
    conversation = Conversation.objects.get(customer=customer)
    assert conversation.channel == Channel.WEB
    assert conversation.source_article == corpus["refund"]


def test_report_a_problem_names_the_article(customer_client, customer, corpus):
    order = make_delivered_order(customer)
    read(customer_client, "late-delivery")
    response = customer_client.post(reverse("report_problem", args=[order.number]),
                                    {"problem": "not_received", "channel": "web",
                                     "description": "Tracking is stuck"})
    assert response.status_code == 302
    assert Conversation.objects.get().source_article == corpus["late"]


def test_an_article_read_within_the_window_counts_and_one_read_earlier_does_not(
        customer_client, customer, corpus, settings):
    settings.ARTICLE_ATTRIBUTION_MINUTES = 30
    read(customer_client, "late-delivery")
    age_note(customer_client, 29)
    prechat(customer_client, client_id="a")
    read(customer_client, "track-order")
    age_note(customer_client, 31)
    prechat(customer_client, client_id="b")
    first, second = Conversation.objects.filter(customer=customer).order_by("pk")
    assert first.source_article == corpus["late"]
    assert second.source_article is None


def test_the_window_is_a_setting(customer_client, customer, corpus, settings):
    settings.ARTICLE_ATTRIBUTION_MINUTES = 5
    read(customer_client, "late-delivery")
    age_note(customer_client, 6)
    prechat(customer_client)
    assert Conversation.objects.get().source_article is None


def test_without_reading_anything_no_article_is_named(customer_client, corpus):
    prechat(customer_client)
    assert Conversation.objects.get().source_article is None


def test_an_article_read_before_logging_in_still_counts(client, customer, corpus):
    read(client, "late-delivery")  # anonymous
    client.force_login(customer, backend=MODEL_BACKEND)
    prechat(client)
    assert Conversation.objects.get().source_article == corpus["late"]


def test_the_suggestion_clicked_in_the_form_names_the_article(customer_client, corpus):
    read(customer_client, "late-delivery")
    prechat(customer_client, source_article=str(corpus["cards"].pk))
    assert Conversation.objects.get().source_article == corpus["cards"]


@pytest.mark.parametrize("forged", ["999999", "draft", "-1", "abc", "1" * 40, "²", " "])
def test_a_forged_article_id_is_ignored_never_an_error(customer_client, corpus, forged):
    read(customer_client, "late-delivery")
    value = str(corpus["draft"].pk) if forged == "draft" else forged
    response = prechat(customer_client, source_article=value)
    assert response.status_code == 302
    # Falls back to what the session saw.
    assert Conversation.objects.get().source_article == corpus["late"]


def test_an_article_unpublished_since_reading_is_ignored(customer_client, corpus):
    read(customer_client, "late-delivery")
    article_status_set(article=corpus["late"], status=ArticleStatus.DRAFT)
    response = prechat(customer_client)
    assert response.status_code == 302
    assert Conversation.objects.get().source_article is None


def test_conversation_open_keeps_only_published_article_ids(customer, corpus):
    def opened(source):
        kwargs = {} if source is ... else {"source_article_id": source}
        return conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                                 description="x", **kwargs).source_article_id

    assert opened(...) is None  # existing callers: no article
    assert opened(corpus["late"].pk) == corpus["late"].pk
    assert opened(str(corpus["late"].pk)) == corpus["late"].pk
    assert opened(corpus["draft"].pk) is None
    assert opened(10**30) is None
    assert opened(True) is None
    assert published_article_id(None) is None


def test_deleting_an_article_keeps_its_conversations(customer, corpus):
    conversation = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                                     description="x", source_article_id=corpus["track"].pk)
    corpus["track"].delete()
    conversation.refresh_from_db()
    assert conversation.source_article_id is None
