"""The console's search (helpdesk/console/search.py): every kind found, in three languages,
typos, notes, access, escaping, bad queries. Runs on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from faq.models import Category
from faq.services import TranslationInput, article_save
from helpdesk.console.search import MAX_QUERY_CHARS, search
from helpdesk.models import Channel, Conversation, Team
from helpdesk.services.conversations import conversation_open, note_add
from orders.models import ReturnReason, ReturnRequest
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    ManagerFactory,
    OrderFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("helpdesk_console:search")
JSON_URL = reverse("helpdesk_console:search_json")


def _open(customer, text, *, subject="", order=None, team=None, language="en"):
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description=text, subject=subject, order=order, language=language)
    if team is not None:
        conv.team = team
        conv.save(update_fields=["team"])
    return conv


def _found(client, q) -> dict:
    response = client.get(JSON_URL, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def _titles(found, kind) -> str:
    return " ".join(h["title"] + " " + h["detail"] for h in found[kind])


@pytest.fixture
def agent(client):
    agent = AgentFactory()
    client.force_login(agent)
    return agent


def test_a_conversation_is_found_by_reference_subject_and_any_message(client, agent):
    customer = CustomerFactory()
    conv = _open(customer, "Hello", subject="Broken kettle")
    _open(customer, "Something else entirely")
    from helpdesk.services.conversations import customer_reply
    customer_reply(conversation=conv, customer=customer, body="The parcel never arrived at Omsk")
    for q in (conv.reference, conv.reference.lower(), "kettle", "omsk parcel"):
        refs = [h["url"] for h in _found(client, q)["conversations"]]
        assert refs[0] == reverse("helpdesk_console:conversation", args=[conv.reference]), q
    hit = _found(client, "omsk")["conversations"][0]
    assert "<mark>Omsk</mark>" in hit["detail"]


def test_words_are_found_by_their_forms_and_ranked(client, agent):
    customer = CustomerFactory()
    once = _open(customer, "My delivery is late")
    twice = _open(customer, "Delivery delivery: the delivery was delivered to the wrong door",
                  subject="Delivery to the wrong door")
    found = _found(client, "delivered")["conversations"]
    urls = [h["url"] for h in found]
    assert urls[:2] == [reverse("helpdesk_console:conversation", args=[c.reference])
                        for c in (twice, once)]


def test_russian_and_chinese_messages_are_found(client, agent):
    customer = CustomerFactory()
    ru = _open(customer, "Где моя доставка? Посылка задерживается", language="ru")
    zh = _open(customer, "我想申请退货，耳机坏了", language="zh-hans")
    assert _found(client, "доставка")["conversations"][0]["url"].endswith(f"/{ru.reference}/")
    hit = _found(client, "退货")["conversations"][0]
    assert hit["url"].endswith(f"/{zh.reference}/")
    assert "<mark>退货</mark>" in hit["detail"]
    # Not a match for characters that are not side by side.
    assert not _found(client, "货退")["conversations"]


def test_misspelt_words_are_corrected_from_the_help_centre_vocabulary(client, agent):
    category = Category.objects.create(slug="shipping")
    article_save(slug="delivery-times", category=category, translations={
        "en": TranslationInput(title="Delivery times", body="How long delivery takes."),
        "ru": TranslationInput(title="Сроки доставки", body="Сколько идёт доставка."),
    })
    customer = CustomerFactory()
    en = _open(customer, "Where is my delivery?")
    ru = _open(customer, "Когда будет доставка?", language="ru")
    found = _found(client, "delivry")
    assert found["corrected"] == "delivery"
    assert found["conversations"][0]["url"].endswith(f"/{en.reference}/")
    assert "<mark>delivery</mark>" in found["conversations"][0]["detail"]
    found = _found(client, "достаква")
    assert found["conversations"][0]["url"].endswith(f"/{ru.reference}/")


def test_internal_notes_are_found_by_agents(client, agent):
    customer = CustomerFactory()
    conv = _open(customer, "Hello")
    note_add(conversation=conv, agent=agent, body="Courier confirmed the zebra sticker")
    assert _found(client, "zebra")["conversations"][0]["url"].endswith(f"/{conv.reference}/")


def test_a_conversation_the_agent_may_not_see_is_not_found(client, agent):
    other_team = Team.objects.create(name="Elsewhere")
    other_team.members.add(AgentFactory())
    customer = CustomerFactory(full_name="Hidden Person", email="hidden@example.com")
    order = OrderFactory(customer=customer)
    conv = _open(customer, "secret walrus problem", team=other_team, order=order)
    for q in ("walrus", conv.reference, "Hidden Person", "hidden@example.com"):
        found = _found(client, q)
        assert not found["conversations"] and not found["customers"], q
    # The order is shown as staff see orders, but not linked to a conversation they cannot open.
    orders = _found(client, order.number)["orders"]
    assert orders and orders[0]["url"] == ""
    # A manager sees it all.
    client.force_login(ManagerFactory())
    assert _found(client, "walrus")["conversations"]
    assert _found(client, "hidden@example.com")["customers"]


def test_customers_are_found_by_name_email_and_phone(client, agent):
    customer = CustomerFactory(full_name="Маргарита Кузнецова", email="rita.k@example.com")
    customer.customer_profile.phone = "+7 (912) 345-67-89"
    customer.customer_profile.save()
    conv = _open(customer, "Hi")
    url = reverse("helpdesk_console:conversation", args=[conv.reference])
    for q in ("Кузнецова", "rita.k@example.com", "rita.k", "9123456789", "+7 912 345 67 89"):
        hits = _found(client, q)["customers"]
        assert [h["url"] for h in hits] == [url], q
    assert "<mark>Кузнецова</mark>" in _titles(_found(client, "Кузнецова"), "customers")
    chinese = CustomerFactory(full_name="王伟", email="wang@example.com")
    conv = _open(chinese, "你好", language="zh-hans")
    hits = _found(client, "王伟")["customers"]
    assert [h["url"] for h in hits] == [reverse("helpdesk_console:conversation",
                                                args=[conv.reference])]
    assert "<mark>王伟</mark>" in hits[0]["title"]


def test_orders_and_returns_are_found_by_number_tracking_and_reference(client, agent):
    customer = CustomerFactory()
    order = OrderFactory(customer=customer)
    shipment = ShipmentFactory(order=order)
    general = _open(customer, "Hello")
    about = _open(customer, "About my order", order=order)
    _open(customer, "Later, something else")  # newer, but not about the order
    returned = ReturnRequest.objects.create(order=order, customer=customer,
                                            reason=ReturnReason.values[0])
    about_url = reverse("helpdesk_console:conversation", args=[about.reference])
    for q in (order.number, shipment.tracking_number, shipment.tracking_number.lower()):
        hits = _found(client, q)["orders"]
        assert [h["url"] for h in hits] == [about_url], q
    assert f"<mark>{shipment.tracking_number}</mark>" in _titles(
        _found(client, shipment.tracking_number), "orders")
    hits = _found(client, returned.reference)["returns"]
    assert [h["url"] for h in hits] == [about_url]
    assert general  # the customer's other conversations are not the link


def test_references_without_a_digit_are_found(client, agent):
    """make_reference draws from letters and digits: about one reference in eleven has no
    digit at all, and it must be found like any other."""
    customer = CustomerFactory()
    order = OrderFactory(customer=customer)
    conv = _open(customer, "About my order", order=order)
    Conversation.objects.filter(pk=conv.pk).update(reference="HD-WNNFXJBK")
    returned = ReturnRequest.objects.create(order=order, customer=customer,
                                            reference="RT-KMNPQRST",
                                            reason=ReturnReason.values[0])
    url = reverse("helpdesk_console:conversation", args=["HD-WNNFXJBK"])
    assert [h["url"] for h in _found(client, "hd-wnnfxjbk")["conversations"]] == [url]
    assert [h["url"] for h in _found(client, returned.reference)["returns"]] == [url]


def test_the_match_is_highlighted_with_the_text_escaped(client, agent):
    customer = CustomerFactory(full_name="<b>Bold</b> Kettle")
    _open(customer, "<script>alert('kettle')</script> my kettle is broken",
          subject="<img src=x onerror=alert(1)> kettle")
    page = client.get(URL, {"q": "kettle"}).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;<mark>kettle</mark>&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; <mark>Kettle</mark>" in page


def test_an_empty_or_oversized_query_gets_a_clear_message(client, agent):
    page = client.get(URL)
    assert page.status_code == 200
    assert 'data-testid="search-error"' in page.content.decode()
    page = client.get(URL, {"q": "x" * (MAX_QUERY_CHARS + 1)})
    assert page.status_code == 400
    assert f"at most {MAX_QUERY_CHARS} characters" in page.content.decode()
    response = client.get(JSON_URL, {"q": "   ?!  "})
    assert response.status_code == 400 and response.json()["error"]
    assert client.get(URL, {"q": "nothing-like-this"}).content.decode().count(
        'data-testid="search-none"') == 1


def test_the_search_page_is_for_support_staff_only(client):
    client.force_login(CustomerFactory())
    assert client.get(URL, {"q": "x"}).status_code in (302, 403)


def test_the_search_box_is_on_the_console_pages(client, agent):
    conv = _open(CustomerFactory(), "Hi")
    for url in (reverse("helpdesk_console:inbox"),
                reverse("helpdesk_console:conversation", args=[conv.reference])):
        assert 'data-testid="console-search"' in client.get(url).content.decode()


def test_results_are_bounded_per_kind(client, agent):
    customer = CustomerFactory()
    for _ in range(14):
        _open(customer, "bounded anteater")
    assert len(search(user=agent, text="anteater").conversations) == 10


def test_the_search_takes_a_fixed_number_of_queries(client, agent, django_assert_max_num_queries):
    customer = CustomerFactory()
    for i in range(8):
        _open(customer, f"numbered platypus {i}", order=OrderFactory(customer=customer))
    with django_assert_max_num_queries(16):
        search(user=agent, text="platypus")


def test_a_search_cut_off_by_the_statement_timeout_says_so(client, agent, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the statement timeout is PostgreSQL's")
    from helpdesk.console import search as engine

    monkeypatch.setattr(engine, "STATEMENT_TIMEOUT_MS", 1)
    monkeypatch.setattr(engine, "_top_ids", lambda: (10**9, 10**9))
    original = engine._conversations_pg

    def slow(*, query):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.05)")
        return original(query=query)

    monkeypatch.setattr(engine, "_conversations_pg", slow)
    response = client.get(JSON_URL, {"q": "anything"})
    assert response.status_code == 400
    assert "took too long" in response.json()["error"]
    assert client.get(JSON_URL, {"q": "again"}).status_code == 400  # the connection still works
