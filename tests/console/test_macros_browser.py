"""Two headless Chromium pages: an agent applies a macro in the console (the reply edited in
the box, a tag and a priority set in the same click) and the customer sees the reply arrive
in the live chat without a reload.

Runs on the embedded default and, with DATABASE_URL/REDIS_URL set, on PostgreSQL and Redis
(this area's Redis database: 10).
"""


import pytest

from helpdesk.models import CannedReply, Conversation, MacroUse, Priority, Tag
from helpdesk.services.assignment import conversation_assign
from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import make_agent
from tests.console.conftest import console_login
from tests.e2e.conftest import browser, page_factory  # noqa: F401 - the shared Playwright fixtures
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_agent_applies_a_macro_and_the_customer_sees_the_reply_in_the_chat(
        console_server, page_factory):  # noqa: F811
    base = console_server.url
    customer = CustomerFactory(full_name="Ann Customer")
    agent = make_agent(full_name="Boris Agent")
    conv = conversation_open(customer=customer, channel="chat", topic="orders",
                             description="Where is my parcel?")
    conversation_assign(conversation=conv, agent=agent)
    macro = CannedReply.objects.create(
        title="Parcel on its way", shortcut="on-its-way", language="en",
        body="Hello {customer_name}, your parcel is on its way.", set_priority=Priority.HIGH)
    macro.tags.add(Tag.objects.create(name="late"))

    agent_page = page_factory(locale="en-US")
    customer_page = page_factory(locale="en-US")
    console_login(agent_page, console_server, agent)
    console_login(customer_page, console_server, customer)

    def customer_opens_chat(p):
        p.goto(f"{base}/chat/{conv.reference}/")
        p.wait_for_selector("[data-testid=chat-message] >> text=Where is my parcel?")

    customer_page.run(customer_opens_chat)

    def agent_applies(p):
        p.goto(f"{base}/admin/console/{conv.reference}/")
        p.select_option("#console-macro", str(macro.pk))
        text = p.get_by_test_id("console-macro-body").input_value()
        actions = p.get_by_test_id("console-macro-actions").inner_text()
        p.get_by_test_id("console-macro-body").fill(text + " It arrives tomorrow.")
        p.get_by_test_id("console-macro-apply").click()
        p.wait_for_url(f"{base}/admin/console/{conv.reference}/")
        p.wait_for_selector("[data-testid=console-message] >> text=It arrives tomorrow.")
        return {"text": text, "actions": actions}

    seen = agent_page.run(agent_applies)
    assert seen["text"] == "Hello Ann, your parcel is on its way."
    assert "late" in seen["actions"] and "High" in seen["actions"]

    def customer_sees_reply(p):
        p.wait_for_selector(
            "[data-testid=chat-message] >> text=Hello Ann, your parcel is on its way. "
            "It arrives tomorrow.")

    customer_page.run(customer_sees_reply)
    conv = Conversation.objects.get(pk=conv.pk)
    assert conv.priority == Priority.HIGH
    assert list(conv.tags.values_list("name", flat=True)) == ["late"]
    assert MacroUse.objects.filter(macro=macro, agent=agent).count() == 1
    for page in (agent_page, customer_page):
        assert page.csp_violations == [] and page.page_errors == []
