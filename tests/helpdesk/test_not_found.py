"""One ``NotFound`` (common.errors), turned into a 404 in one place
(helpdesk.middleware.NotFoundMiddleware): every app's "missing" and "not yours" answer the same
404 page, in the visitor's language."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from common.errors import NotFound
from helpdesk.middleware import NotFoundMiddleware
from helpdesk.models import Channel
from helpdesk.services.conversations import conversation_open
from tests.factories import AddressFactory, CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _others(kind):
    """The URL of someone else's object of ``kind``, and of one that does not exist."""
    someone = CustomerFactory()
    if kind == "order":
        return f"/orders/{OrderFactory(customer=someone).number}/", "/orders/99999999/"
    if kind == "address":
        return (f"/accounts/addresses/{AddressFactory(user=someone).pk}/",
                "/accounts/addresses/999999/")
    conversation = conversation_open(customer=someone, channel=Channel.WEB, topic="orders",
                                     description="Where is my parcel?")
    if kind == "request":
        return f"/requests/{conversation.reference}/", "/requests/HD-AAAAAAAA/"
    return f"/chat/{conversation.reference}/", "/chat/HD-AAAAAAAA/"


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 404
    return response.content.decode()


@pytest.mark.parametrize("kind", ["order", "address", "request", "chat"])
def test_missing_and_not_yours_answer_the_same_404_page_in_the_users_language(client, kind):
    others, missing = _others(kind)
    client.force_login(CustomerFactory(language="ru"))
    page = _page(client, others)
    assert page == _page(client, missing)
    assert 'data-testid="not-found"' in page and "Страница не найдена" in page


def test_a_help_article_that_is_not_published_is_the_same_404(client):
    client.cookies["django_language"] = "zh-hans"
    page = _page(client, "/help/articles/no-such-article/")
    assert "找不到页面" in page


def test_the_middleware_answers_not_found_and_nothing_else():
    request = RequestFactory().get("/")
    middleware = NotFoundMiddleware(lambda request: HttpResponse())
    with pytest.raises(Http404):
        middleware.process_exception(request, NotFound("x"))
    assert middleware.process_exception(request, ValueError("x")) is None
    assert middleware(request).status_code == 200
