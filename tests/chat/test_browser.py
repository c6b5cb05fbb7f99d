"""Two headless Chromium pages, a customer and an agent, against the real ASGI server.

The agent sets their status to online in the console; the customer opens the chat from the
navigation, fills the pre-chat form (topic, own order, description; an article is suggested),
waits in the queue (the agent is busy with another chat), gets the agent when that chat is
resolved, and both sides exchange messages and an image, see each other typing and read
receipts; the agent resolves and the customer rates five stars with a comment.

Runs on the embedded default (SQLite, in-memory layer, one server process) and, with
DATABASE_URL/REDIS_URL set, on PostgreSQL and Redis (this area's Redis database: 13).
"""

import io
import os

import pytest
from django.conf import settings
from PIL import Image

from accounts.models import AgentStatus
from faq import services as faq_services
from faq.services import TranslationInput
from helpdesk.models import Attachment, Conversation, SatisfactionRating, Status
from helpdesk.services.assignment import conversation_assign
from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import make_agent, session_key_for
from tests.conftest import AsgiServer, call_failed
from tests.factories import CustomerFactory, OrderFactory
from tests.services import redis_url, require

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHATUI_REDIS_DB = 13


def _server_env() -> dict:
    env = {"CHAT_HEARTBEAT_SECONDS": "2", "CELERY_TASK_ALWAYS_EAGER": "true",
           "HELPDESK_INPROCESS_BEAT": "false"}
    if os.environ.get("REDIS_URL"):
        url = redis_url(CHATUI_REDIS_DB)
        require(bool(url), "REDIS_URL is set but Redis does not answer")
        env["REDIS_URL"] = url
    else:
        env["REDIS_URL"] = ""
    return env


@pytest.fixture
def chat_server(request, transactional_db, django_db_serialized_rollback):
    server = AsgiServer(extra_env=_server_env()).start()
    yield server
    server.stop()
    if call_failed(request):
        import sys

        sys.stderr.write(f"--- ASGI server log ---\n{server.log()[-20000:]}\n")


def _png(path) -> str:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    for x in range(64):
        image.putpixel((x, 24), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _login(page, server, session_key):
    def steps(p):
        p.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key,
                                "url": server.url}])
    page.run(steps)


def test_customer_and_agent_chat_in_two_browsers(chat_server, page_factory, tmp_path):
    base = chat_server.url
    customer = CustomerFactory(full_name="Ann Customer")
    order = OrderFactory(customer=customer)
    OrderFactory(customer=CustomerFactory())  # not hers: never offered
    agent = make_agent(status=AgentStatus.AWAY, present=False, full_name="Boris Agent",
                       max_concurrent_chats=1)
    # The agent is busy with another customer's chat, so Ann waits in the queue first.
    busy = conversation_open(customer=CustomerFactory(full_name="Olga Other"), channel="chat",
                             topic="orders", description="Where is my coupon?")
    conversation_assign(conversation=busy, agent=agent)
    category = faq_services.category_save(slug="orders-delivery", topic="orders",
                                          names={"en": ("Orders and delivery", "")})
    faq_services.article_save(slug="late-delivery", category=category, translations={
        "en": TranslationInput("My delivery is late", "If your delivery is late, check the "
                               "tracking timeline on the order page.")})
    image_path = _png(tmp_path / "screenshot.png")

    agent_page = page_factory(locale="en-US")
    customer_page = page_factory(locale="en-US")
    _login(agent_page, chat_server, session_key_for(agent))
    _login(customer_page, chat_server, session_key_for(customer))

    # 1. The agent opens the console and goes online.
    def agent_online(p):
        p.goto(f"{base}/admin/console/")
        p.select_option("#agent-status", "online")
        p.wait_for_url(f"{base}/admin/console/")
        p.wait_for_selector("[data-console][data-connected='1']")
        return {"status": p.locator("#agent-status").input_value(),
                "mine": p.locator("[data-count=mine]").inner_text()}

    seen = agent_page.run(agent_online)
    assert seen == {"status": "online", "mine": "1"}

    # 2. The customer finds the chat in the navigation and fills the pre-chat form.
    def prechat(p):
        p.goto(f"{base}/help/")
        p.get_by_test_id("nav-chat").click()
        p.wait_for_url(f"{base}/chat/")
        options = p.locator("#id_order option").all_inner_texts()
        p.select_option("#id_topic", "orders")
        p.select_option("#id_order", order.number)
        p.fill("#id_description", "My delivery is late, tracking stuck")
        p.get_by_test_id("suggestions").wait_for(state="visible")
        suggestion = p.locator("[data-testid=suggestions] li a").first.inner_text()
        available = p.get_by_test_id("chat-available").count()
        p.get_by_test_id("prechat-submit").click()
        p.wait_for_url(f"{base}/chat/HD-*/")
        queue = p.get_by_test_id("chat-queue")
        queue.wait_for(state="visible")
        return {"options": options, "suggestion": suggestion, "available": available,
                "queue": queue.inner_text(), "url": p.url}

    seen = customer_page.run(prechat)
    assert seen["available"] == 1
    assert any(order.number in o for o in seen["options"]) and len(seen["options"]) == 2
    assert seen["suggestion"] == "My delivery is late"
    assert "You are number 1 in the queue." in seen["queue"]
    conv = Conversation.objects.exclude(pk=busy.pk).get(customer=customer)
    assert seen["url"] == f"{base}/chat/{conv.reference}/"
    assert (conv.status, conv.order_id, conv.topic) == (Status.WAITING, order.pk, "orders")

    # 3. The new chat appears in the agent's waiting list without a reload; the agent
    #    resolves the other chat, and the waiting one is assigned automatically.
    def agent_frees_a_slot(p):
        row = p.locator(f"[data-testid=inbox] tr[data-reference='{conv.reference}']")
        row.wait_for()
        waiting = p.locator("[data-count=waiting]").inner_text()
        p.goto(f"{base}/admin/console/{busy.reference}/")
        p.get_by_test_id("console-resolve").click()
        p.wait_for_url(f"{base}/admin/console/")
        p.get_by_test_id("box-mine").click()
        p.wait_for_url(f"{base}/admin/console/?box=mine")
        p.locator(f"[data-testid=inbox] tr[data-reference='{conv.reference}'] a").click()
        p.wait_for_url(f"{base}/admin/console/{conv.reference}/")
        p.wait_for_selector("[data-console][data-connected='1']")
        p.wait_for_selector("[data-testid=console-message] >> text=tracking stuck")
        return {"waiting": waiting, "order": p.get_by_test_id("console-order").inner_text()}

    seen = agent_page.run(agent_frees_a_slot)
    assert seen == {"waiting": "1", "order": order.number}

    def customer_sees_agent_join(p):
        p.wait_for_selector("[data-testid=chat-message].chat-event >> text=Boris joined the chat.")
        p.get_by_test_id("chat-queue").wait_for(state="hidden")
        return p.get_by_test_id("chat-status").inner_text()

    assert "Boris" in customer_page.run(customer_sees_agent_join)

    # 4. Messages both ways, typing, an image, read receipts.
    def customer_types_and_sends(p):
        p.get_by_test_id("chat-input").press_sequentially("Any news", delay=20)
        p.get_by_test_id("chat-send").click()
        p.set_input_files("#chat-file", image_path)
        p.wait_for_selector("[data-testid=chat-image]")
        p.wait_for_function("() => [...document.querySelectorAll('[data-testid=chat-image]')]"
                            ".every(i => i.complete && i.naturalWidth === 64)")

    customer_page.run(customer_types_and_sends)

    def agent_reads_and_replies(p):
        p.wait_for_selector("[data-testid=console-message] >> text=Any news")
        p.wait_for_function("() => [...document.querySelectorAll('[data-testid=console-log] img')]"
                            ".some(i => i.complete && i.naturalWidth === 64)")
        p.get_by_test_id("console-input").press_sequentially("Checking with the carrier",
                                                             delay=20)
        p.set_input_files("#console-file", image_path)
        p.get_by_test_id("console-send").click()
        p.wait_for_selector("[data-testid=console-message] >> text=Checking with the carrier")
        p.wait_for_function("() => document.querySelectorAll('[data-testid=console-log] img')"
                            ".length === 2")

    agent_page.run(agent_reads_and_replies)

    def customer_sees_reply_and_receipts(p):
        p.wait_for_selector("[data-testid=chat-message] >> text=Checking with the carrier")
        p.wait_for_function("() => [...document.querySelectorAll('.chat-agent img')]"
                            ".some(i => i.complete && i.naturalWidth === 64)")
        p.wait_for_function(
            "() => [...document.querySelectorAll('.chat-customer [data-testid=chat-receipt]')]"
            ".every(r => r.textContent === 'Read')")
        # The agent starts typing: the customer sees it.
        return p.get_by_test_id("chat-receipt").all_inner_texts()

    receipts = customer_page.run(customer_sees_reply_and_receipts)
    assert receipts and set(receipts) == {"Read"}

    def agent_sees_read_and_types(p):
        p.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=console-receipt]')]"
            ".some(r => r.dataset.read === '1')")
        p.get_by_test_id("console-input").press_sequentially("One more", delay=20)
        return p.get_by_test_id("console-receipt").last.get_attribute("title")

    assert agent_page.run(agent_sees_read_and_types) == "Read"

    def customer_sees_typing(p):
        p.get_by_test_id("chat-typing").wait_for(state="visible")
        return p.get_by_test_id("chat-typing").inner_text()

    assert customer_page.run(customer_sees_typing) == "The agent is typing…"

    def customer_types(p):
        p.get_by_test_id("chat-input").press_sequentially("Thanks", delay=20)

    customer_page.run(customer_types)

    def agent_sees_typing_and_resolves(p):
        p.get_by_test_id("console-typing").wait_for(state="visible")
        text = p.get_by_test_id("console-typing").inner_text()
        p.get_by_test_id("console-resolve").click()
        p.wait_for_url(f"{base}/admin/console/")
        return text

    assert agent_page.run(agent_sees_typing_and_resolves) == "The customer is typing…"

    # 5. The customer rates five stars with a comment.
    def customer_rates(p):
        form = p.get_by_test_id("chat-rating")
        form.wait_for(state="visible")
        p.check("input[name=score][value='5']")
        p.fill("#rating-comment", "Quick and kind")
        p.get_by_test_id("chat-rate").click()
        p.wait_for_url(f"{base}/chat/{conv.reference}/#rated")
        return p.get_by_test_id("chat-rated").inner_text()

    assert customer_page.run(customer_rates) == "You rated this conversation 5 of 5. Thank you!"

    rating = SatisfactionRating.objects.get(conversation=conv)
    assert (rating.score, rating.comment, rating.source) == (5, "Quick and kind", "chat")
    conv.refresh_from_db()
    assert conv.status == Status.RESOLVED and conv.assignee == agent
    attachments = Attachment.objects.filter(message__conversation=conv)
    assert sorted(a.message.author_role for a in attachments) == ["agent", "customer"]
    assert {(a.width, a.height) for a in attachments} == {(64, 48)}
    bodies = list(conv.messages.values_list("body", flat=True))
    assert "Any news" in bodies and "Checking with the carrier" in bodies

    for browser_page in (agent_page, customer_page):
        assert browser_page.csp_violations == []
        assert browser_page.page_errors == []
        assert browser_page.console_errors == [], browser_page.console
