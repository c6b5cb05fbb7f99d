"""Macros (helpdesk/services/macros.py, helpdesk/console/macros.py): a canned reply plus
actions applied in one step, placeholders, personal and team macros, usage counted."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from helpdesk.mail.models import OutboundEmail
from helpdesk.models import (
    CannedReply,
    Channel,
    Conversation,
    MacroUse,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
    Team,
)
from helpdesk.reports.filters import ReportFilters, report_tz
from helpdesk.reports.selectors import macro_usage
from helpdesk.services.conversations import conversation_open
from helpdesk.services.macros import macro_apply, macro_text, macro_values, macros_visible
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    ManagerFactory,
    OrderFactory,
    ShipmentFactory,
    TrackingEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return CustomerFactory(full_name="Anna Petrova", email="anna@example.com")


@pytest.fixture
def agent():
    return AgentFactory(full_name="Ivan Sidorov")


@pytest.fixture
def email_conversation(customer):
    return conversation_open(customer=customer, channel=Channel.EMAIL, topic="orders",
                             description="Where is my parcel?", subject="Parcel late")


@pytest.fixture
def delayed_macro():
    team = Team.objects.create(name="Escalations")
    macro = CannedReply.objects.create(
        title="Delayed parcel", shortcut="delayed", language="en",
        body="Hello {customer_name}, your parcel is on its way. Best, {agent_name}",
        set_status=Status.PENDING, set_topic="returns", set_priority=Priority.HIGH,
        transfer_team=team)
    macro.tags.add(Tag.objects.create(name="late"), Tag.objects.create(name="carrier"))
    return macro


def _snapshot(conversation):
    conv = Conversation.objects.get(pk=conversation.pk)
    return (conv.status, conv.topic, conv.priority, conv.team_id, conv.assignee_id,
            conv.last_seq, sorted(conv.tags.values_list("name", flat=True)),
            Message.objects.filter(conversation=conv).count())


def test_applying_a_macro_emails_the_reply_and_applies_every_action(
        email_conversation, agent, delayed_macro, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        macro_apply(conversation=email_conversation, macro=delayed_macro, by=agent)
    conv = Conversation.objects.get(pk=email_conversation.pk)
    reply = Message.objects.filter(conversation=conv, kind=MessageKind.MESSAGE,
                                   author=agent).get()
    assert reply.body == "Hello Anna, your parcel is on its way. Best, Ivan"
    assert len(mail.outbox) == 1 and "your parcel is on its way" in mail.outbox[0].body
    assert mail.outbox[0].to == ["Anna Petrova <anna@example.com>"]
    assert conv.status == Status.PENDING
    assert conv.topic == "returns" and conv.priority == Priority.HIGH
    assert conv.team == delayed_macro.transfer_team and conv.assignee is None
    assert sorted(conv.tags.values_list("name", flat=True)) == ["carrier", "late"]
    assert MacroUse.objects.filter(macro=delayed_macro, agent=agent, conversation=conv).count() == 1


def test_the_agents_edited_text_is_sent_instead_of_the_macros(email_conversation, agent,
                                                                delayed_macro):
    macro_apply(conversation=email_conversation, macro=delayed_macro, by=agent,
                body="Edited: it left the warehouse today.")
    bodies = list(Message.objects.filter(conversation=email_conversation, author=agent)
                  .values_list("body", flat=True))
    assert bodies == ["Edited: it left the warehouse today."]


def test_a_macro_that_resolves_resolves_and_keeps_the_tags_already_there(
        email_conversation, agent):
    email_conversation.tags.add(Tag.objects.create(name="vip"))
    macro = CannedReply.objects.create(title="Done", shortcut="done", language="en",
                                       body="Glad it worked out.", set_status=Status.RESOLVED)
    macro.tags.add(Tag.objects.create(name="solved"))
    macro_apply(conversation=email_conversation, macro=macro, by=agent)
    conv = Conversation.objects.get(pk=email_conversation.pk)
    assert conv.status == Status.RESOLVED and conv.resolved_at is not None
    assert sorted(conv.tags.values_list("name", flat=True)) == ["solved", "vip"]


def test_a_failure_halfway_leaves_the_conversation_as_it_was(
        email_conversation, agent, django_capture_on_commit_callbacks):
    """The reply and the tags are done before the topic fails (a topic since removed from the
    list): all of it is undone, no email leaves, no use is counted."""
    macro = CannedReply.objects.create(title="Stale", shortcut="stale", language="en",
                                       body="Hello {customer_name}", set_topic="no-such-topic",
                                       set_status=Status.RESOLVED)
    macro.tags.add(Tag.objects.create(name="late"))
    before = _snapshot(email_conversation)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Exception, match="topic"):
            macro_apply(conversation=email_conversation, macro=macro, by=agent)
    assert _snapshot(email_conversation) == before
    assert email_conversation.topic == "orders"  # the caller's instance too
    assert mail.outbox == [] and not OutboundEmail.objects.exists()
    assert not MacroUse.objects.exists()


def test_the_console_reports_a_failed_macro_and_changes_nothing(
        client, email_conversation, agent):
    macro = CannedReply.objects.create(title="Stale", shortcut="stale", language="en",
                                       body="Hello", set_topic="no-such-topic")
    before = _snapshot(email_conversation)
    client.force_login(agent)
    url = reverse("helpdesk_console:macro_apply", args=[email_conversation.reference])
    response = client.post(url, {"macro": macro.pk, "body": "Hello"}, follow=True)
    assert "The macro was not applied" in response.content.decode()
    assert _snapshot(email_conversation) == before


def test_applying_from_the_console_posts_the_edited_text_and_counts_the_use(
        client, email_conversation, agent, delayed_macro):
    client.force_login(agent)
    page = client.get(reverse("helpdesk_console:conversation",
                              args=[email_conversation.reference]))
    assert 'data-testid="console-macro"' in page.content.decode()
    assert "Hello Anna, your parcel is on its way." in page.content.decode()
    response = client.post(
        reverse("helpdesk_console:macro_apply", args=[email_conversation.reference]),
        {"macro": delayed_macro.pk, "body": "Hello Anna, it ships today."})
    assert response.status_code == 302
    assert Message.objects.filter(conversation=email_conversation, author=agent,
                                  body="Hello Anna, it ships today.").exists()
    assert MacroUse.objects.count() == 1


def test_a_personal_macro_is_invisible_to_another_agent(client, email_conversation, agent):
    other = AgentFactory()
    mine = CannedReply.objects.create(title="My secret sauce", shortcut="my-1-sauce",
                                      language="en", body="Sauce", owner=agent)
    assert mine in macros_visible(user=agent)
    assert mine not in macros_visible(user=other)
    assert mine not in macros_visible(user=ManagerFactory())
    client.force_login(other)
    page = client.get(reverse("helpdesk_console:conversation",
                              args=[email_conversation.reference]))
    assert "My secret sauce" not in page.content.decode()
    response = client.post(
        reverse("helpdesk_console:macro_apply", args=[email_conversation.reference]),
        {"macro": mine.pk, "body": "Sauce"}, follow=True)
    assert "Choose a macro from the list." in response.content.decode()
    assert not MacroUse.objects.exists()
    assert client.get(reverse("helpdesk_console:macro_edit", args=[mine.pk])).status_code == 302
    client.post(reverse("helpdesk_console:macro_delete", args=[mine.pk]))
    assert CannedReply.objects.filter(pk=mine.pk).exists()
    with pytest.raises(PermissionDenied):
        macro_apply(conversation=email_conversation, macro=mine, by=other)


def test_a_team_macro_is_shown_to_the_teams_members_only(client, email_conversation, agent):
    team = Team.objects.create(name="Payments")
    team.members.add(agent)
    outsider = AgentFactory()
    macro = CannedReply.objects.create(title="Refund steps", shortcut="refund", language="en",
                                       body="Steps", team=team)
    everyone = CannedReply.objects.create(title="Greeting", shortcut="greeting",
                                          language="en", body="Hi")
    assert set(macros_visible(user=agent)) == {macro, everyone}
    assert set(macros_visible(user=outsider)) == {everyone}
    client.force_login(outsider)
    page = client.get(reverse("helpdesk_console:conversation",
                              args=[email_conversation.reference])).content.decode()
    assert "Greeting" in page and "Refund steps" not in page


def test_an_agent_creates_edits_and_deletes_a_personal_macro_in_the_console(client, agent):
    client.force_login(agent)
    tag = Tag.objects.create(name="late")
    response = client.post(reverse("helpdesk_console:macro_new"), {
        "title": "Where is it", "language": "en", "topic": "", "body": "Hi {customer_name}",
        "set_status": "pending", "set_topic": "", "set_priority": "", "tags": [tag.pk],
        "transfer_team": ""})
    assert response.status_code == 302
    macro = CannedReply.objects.get(owner=agent)
    assert macro.title == "Where is it" and list(macro.tags.all()) == [tag]
    assert macro.team is None and macro.shortcut.startswith(f"my{agent.pk}-")
    client.post(reverse("helpdesk_console:macro_edit", args=[macro.pk]), {
        "title": "Where is it now", "language": "en", "topic": "", "body": "Hi",
        "set_status": "", "set_topic": "", "set_priority": "", "transfer_team": ""})
    macro.refresh_from_db()
    assert macro.title == "Where is it now" and not macro.tags.exists()
    assert "Where is it now" in client.get(reverse("helpdesk_console:macros")).content.decode()
    client.post(reverse("helpdesk_console:macro_delete", args=[macro.pk]))
    assert not CannedReply.objects.filter(pk=macro.pk).exists()


def test_a_macro_with_neither_text_nor_action_is_refused_with_a_clear_error(client, agent):
    client.force_login(agent)
    response = client.post(reverse("helpdesk_console:macro_new"), {
        "title": "Empty", "language": "en", "topic": "", "body": "", "set_status": "",
        "set_topic": "", "set_priority": "", "transfer_team": ""})
    assert response.status_code == 400
    assert "Write a reply or choose at least one action." in response.content.decode()
    assert not CannedReply.objects.exists()


def test_personal_macros_are_not_listed_in_the_admin(client, agent):
    CannedReply.objects.create(title="Personal one", shortcut="p1", language="en", body="x",
                               owner=agent)
    CannedReply.objects.create(title="Team one", shortcut="t1", language="en", body="x")
    client.force_login(ManagerFactory())
    page = client.get(reverse("admin:helpdesk_cannedreply_changelist")).content.decode()
    assert "Team one" in page and "Personal one" not in page


def test_placeholders_fill_customer_order_tracking_and_agent(customer, agent):
    order = OrderFactory(customer=customer, number="70001234")
    shipment = ShipmentFactory(order=order, carrier="Boxberry", tracking_number="BB1RU",
                               estimated_delivery=date(2026, 5, 20))
    TrackingEventFactory(shipment=shipment, location="Kazan hub", status="in_transit",
                         occurred_at=timezone.now() - timedelta(days=2))
    TrackingEventFactory(shipment=shipment, location="Moscow", status="out_for_delivery",
                         occurred_at=timezone.now() - timedelta(hours=1))
    conv = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                             description="Late", order=order)
    macro = CannedReply(body="{customer_name} ({customer_email}): order {order_number} via "
                             "{carrier} {tracking_number}, {tracking_status}, due "
                             "{estimated_delivery}. {agent_name}, {reference}. {unknown}")
    text = macro_text(macro, macro_values(conv, agent))
    assert text == (f"Anna (anna@example.com): order 70001234 via Boxberry BB1RU, Out for "
                    f"delivery, Moscow, due 2026-05-20. Ivan, {conv.reference}. {{unknown}}")


def test_tracking_placeholders_are_empty_without_an_order(email_conversation, agent):
    values = macro_values(email_conversation, agent)
    assert values["order_number"] == values["tracking_number"] == values["carrier"] == ""
    assert values["tracking_status"] == values["estimated_delivery"] == ""


def test_macro_uses_are_counted_for_the_reports(email_conversation, agent, delayed_macro,
                                                client):
    other = CannedReply.objects.create(title="Greeting", shortcut="greeting", language="en",
                                       body="Hi")
    second = conversation_open(customer=email_conversation.customer, channel=Channel.EMAIL,
                               topic="orders", description="And another thing")
    macro_apply(conversation=email_conversation, macro=other, by=agent)
    macro_apply(conversation=second, macro=other, by=agent)
    macro_apply(conversation=second, macro=delayed_macro, by=agent)
    today = timezone.localdate(timezone=report_tz())  # the reports count days in SUPPORT_TIME_ZONE
    filters = ReportFilters(date_from=today - timedelta(days=1), date_to=today)
    rows = macro_usage(filters)
    assert [(r["title"], r["uses"], r["conversations"]) for r in rows] == [
        ("Greeting", 2, 2), ("Delayed parcel", 1, 1)]
    client.force_login(ManagerFactory())
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="macro-usage"' in page and "Delayed parcel" in page
