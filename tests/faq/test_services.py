import threading

import pytest
from django.db import connection

from faq import services
from faq.models import Article, Vote
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_view_count_is_atomic_and_does_not_touch_last_updated(corpus):
    article = corpus["refund"]
    updated = article.updated_at
    services.article_view_count(article=article)
    services.article_view_count(article=article)
    article.refresh_from_db()
    assert article.views == 2
    assert article.updated_at == updated


def test_one_vote_per_user_and_voting_again_changes_it(corpus):
    customer = CustomerFactory()
    article = corpus["refund"]
    services.vote_cast(article=article, user=customer, helpful=True)
    services.vote_cast(article=article, user=customer, helpful=False, comment="Too short")
    vote = Vote.objects.get(article=article)
    assert (vote.user, vote.helpful, vote.comment) == (customer, False, "Too short")


def test_one_vote_per_anonymous_session(corpus):
    article = corpus["refund"]
    services.vote_cast(article=article, session_key="s1", helpful=True)
    services.vote_cast(article=article, session_key="s1", helpful=False)
    services.vote_cast(article=article, session_key="s2", helpful=True)
    assert sorted(Vote.objects.values_list("session_key", "helpful")) == [("s1", False), ("s2", True)]


def test_a_voter_never_changes_someone_elses_vote(corpus):
    article = corpus["refund"]
    alice, bob = CustomerFactory(), CustomerFactory()
    services.vote_cast(article=article, user=alice, helpful=True)
    services.vote_cast(article=article, user=bob, helpful=False)
    # An anonymous session cannot reach a signed-in user's vote either.
    services.vote_cast(article=article, session_key="anon", helpful=False)
    assert Vote.objects.get(user=alice).helpful is True
    assert Vote.objects.count() == 3


def test_a_vote_needs_a_voter(corpus):
    with pytest.raises(ValueError):
        services.vote_cast(article=corpus["refund"], helpful=True)


def test_comment_is_trimmed_to_its_limit(corpus):
    vote = services.vote_cast(article=corpus["refund"], session_key="s", helpful=True,
                              comment="x" * 5000)
    assert len(vote.comment) == services.MAX_COMMENT_LENGTH


def test_database_refuses_a_second_vote_row_for_the_same_user(corpus):
    from django.db import IntegrityError, transaction

    customer = CustomerFactory()
    Vote.objects.create(article=corpus["refund"], user=customer, helpful=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(article=corpus["refund"], user=customer, helpful=False)


@pytest.mark.django_db(transaction=True)
def test_two_first_votes_at_the_same_moment_leave_one_row():
    from tests.faq.conftest import build_corpus

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs concurrent transactions")
    article = build_corpus()["refund"]
    customer = CustomerFactory()
    barrier = threading.Barrier(2)
    errors = []

    def cast(helpful):
        try:
            barrier.wait(5)
            services.vote_cast(article=Article.objects.get(pk=article.pk), user=customer,
                               helpful=helpful)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(h,)) for h in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Vote.objects.filter(article=article, user=customer).count() == 1
