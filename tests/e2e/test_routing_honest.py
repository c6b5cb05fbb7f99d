"""In Chromium: with only an orders agent present, a customer is told the truth about a
payment question on the contact page, the pre-chat form and the chat page (no estimate)."""

import pytest

from accounts.models import AgentStatus
from helpdesk.models import Channel, Conversation
from helpdesk.services.assignment import agent_seen
from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import session_key_for
from tests.factories import AgentFactory, CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _login(page, server, session_key):
    from django.conf import settings

    def steps(p):
        p.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key,
                                "url": server.url}])
    page.run(steps)


def test_customer_sees_that_nobody_can_take_a_payment_chat_now(asgi_server, page_factory):
    base = asgi_server.url
    agent = AgentFactory(agent_profile__status=AgentStatus.ONLINE,
                         agent_profile__skills=["orders"], agent_profile__languages=["en"])
    agent_seen(agent_id=agent.pk)
    customer = CustomerFactory(language="en")
    # Another customer's payment chat, waiting since before the payment agent left.
    waiting = conversation_open(customer=CustomerFactory(language="en"), channel=Channel.CHAT,
                                topic="payment", description="Charged twice")
    page = page_factory(locale="en-US")
    _login(page, asgi_server, session_key_for(customer))

    def contact_and_prechat(p):
        p.goto(f"{base}/contact/")
        contact = p.get_by_test_id("no-agent-topics").inner_text()
        p.goto(f"{base}/chat/")
        prechat = p.get_by_test_id("no-agent-topics").inner_text()
        p.select_option("#id_topic", "payment")
        p.fill("#id_description", "I was charged twice")
        p.get_by_test_id("prechat-submit").click()
        p.wait_for_url(f"{base}/requests/HD-*/")
        return contact, prechat, p.locator("body").inner_text()

    contact, prechat, request_page = page.run(contact_and_prechat)
    assert "Payment" in contact and "Payment" in prechat and contact == prechat
    assert "Orders and delivery" not in contact
    assert "No agent who handles this topic is online right now" in request_page
    assert Conversation.objects.get(customer=customer).channel == Channel.WEB

    other = page_factory(locale="en-US")
    _login(other, asgi_server, session_key_for(waiting.customer))

    def chat_page(p):
        p.goto(f"{base}/chat/{waiting.reference}/")
        queue = p.get_by_test_id("chat-queue")
        queue.wait_for(state="visible")
        return queue.inner_text()

    text = other.run(chat_page)
    assert "No agent who can answer this topic in your language is online right now" in text
    assert "Estimated wait" not in text
    assert not page.csp_violations and not other.csp_violations
