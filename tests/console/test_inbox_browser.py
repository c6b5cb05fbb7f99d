"""Two headless Chromium contexts against the real ASGI server: a customer starts a chat, the
agent's console shows it live (with the new-chat alert), the agent clicks Take, and the
customer sees the agent join.

Runs on the embedded default and, with DATABASE_URL/REDIS_URL set, on PostgreSQL and Redis
(this helper's Redis database: 11).
"""


import pytest

from accounts.models import AgentStatus
from helpdesk.models import Conversation, Status
from helpdesk.services.assignment import conversation_assign
from helpdesk.services.conversations import conversation_open
from tests.chat.conftest import make_agent
from tests.console.conftest import console_login
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# The browser's Notification API, recorded: the test cannot see the desktop's notifications.
FAKE_NOTIFICATION = """
window.__notifications = [];
window.Notification = function (title, options) {
  window.__notifications.push(title + " | " + (options && options.body));
};
window.Notification.permission = "default";
window.Notification.requestPermission = function () {
  window.Notification.permission = "granted";
  return Promise.resolve("granted");
};
"""


def test_a_new_chat_shows_live_with_an_alert_and_the_agent_takes_it(console_server, page_factory):
    base = console_server.url
    customer = CustomerFactory(full_name="Ann Customer")
    # Another agent is online but full, so the chat opens and waits for someone to take it.
    busy = make_agent(full_name="Olga Busy", max_concurrent_chats=1)
    conversation_assign(conversation=conversation_open(
        customer=CustomerFactory(), channel="chat", topic="orders", description="Coupon?"),
        agent=busy)
    agent = make_agent(status=AgentStatus.AWAY, present=False, full_name="Tom Taker")

    agent_page = page_factory(locale="en-US")
    customer_page = page_factory(locale="en-US")
    console_login(agent_page, console_server, agent)
    console_login(customer_page, console_server, customer)

    def agent_opens_console_and_opts_in(p):
        p.context.add_init_script(FAKE_NOTIFICATION)
        p.goto(f"{base}/admin/console/")
        p.wait_for_selector("[data-console][data-connected='1']")
        p.get_by_test_id("alerts-toggle").click()
        p.wait_for_function("() => document.querySelector('[data-alerts-toggle]')"
                            ".dataset.on === '1'")
        return {"waiting": p.locator("[data-count=waiting]").inner_text(),
                "stored": p.evaluate("localStorage.getItem('helpdesk.console.notify')")}

    assert agent_page.run(agent_opens_console_and_opts_in) == {"waiting": "0", "stored": "1"}

    def customer_starts_chat(p):
        p.goto(f"{base}/chat/")
        p.select_option("#id_topic", "orders")
        p.fill("#id_description", "My parcel never arrived")
        p.get_by_test_id("prechat-submit").click()
        p.wait_for_url(f"{base}/chat/HD-*/")
        p.get_by_test_id("chat-queue").wait_for(state="visible")

    customer_page.run(customer_starts_chat)
    conv = Conversation.objects.get(customer=customer)
    assert conv.status == Status.WAITING

    def agent_sees_it_live_and_takes_it(p):
        row = p.locator(f"[data-testid=inbox] tr[data-reference='{conv.reference}']")
        row.wait_for()
        p.wait_for_function("() => window.__notifications.length === 1")
        seen = {"waiting": p.locator("[data-count=waiting]").inner_text(),
                "alerts": p.evaluate("document.body.dataset.newChatAlerts"),
                "notification": p.evaluate("window.__notifications[0]")}
        row.get_by_test_id("take").click()
        p.wait_for_url(f"{base}/admin/console/{conv.reference}/")
        p.wait_for_selector("[data-testid=console-message] >> text=never arrived")
        seen["state"] = p.get_by_test_id("console-state").inner_text()
        return seen

    seen = agent_page.run(agent_sees_it_live_and_takes_it)
    assert seen["waiting"] == "1" and seen["alerts"] == "1"
    assert seen["notification"] == "A new conversation is waiting | Waiting now: 1"
    assert "Tom" in seen["state"]

    def customer_sees_agent_join(p):
        p.wait_for_selector("[data-testid=chat-message].chat-event >> text=Tom joined the chat.")
        p.get_by_test_id("chat-queue").wait_for(state="hidden")

    customer_page.run(customer_sees_agent_join)
    conv.refresh_from_db()
    assert (conv.status, conv.assignee) == (Status.OPEN, agent)
    assert agent_page.csp_violations == [] and customer_page.csp_violations == []
    assert agent_page.page_errors == [] and customer_page.page_errors == []
