"""The audit log: what agents, managers and superusers change, export and run in the admin is
recorded with who, when, what and from where; superusers read it; it is kept for
AUDIT_LOG_RETENTION_DAYS. Customers' own changes and background jobs are not audited."""

from datetime import timedelta

import pytest
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.audit import acting
from accounts.choices import Role
from helpdesk.audit.services import audit_log_prune
from helpdesk.audit.tasks import audit_log_prune as audit_log_prune_task
from helpdesk.models import Channel, Conversation, Message, Status, Team
from helpdesk.roles import sync_roles
from helpdesk.services.conversations import conversation_open, conversation_update
from helpdesk.services.messages import message_post
from orders import services as order_services
from orders.models import ReturnReason, ReturnStatus
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory, UserFactory
from tests.orders.conftest import make_delivered_order
from tests.reports.conftest import PERIOD, business_week, report_data  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
IP = "203.0.113.9"


@pytest.fixture(autouse=True)
def _roles(settings):
    sync_roles(django_apps)
    settings.SUPERUSER_REQUIRE_2FA = False


@pytest.fixture
def agent():
    agent = AgentFactory(full_name="Alice Agent")
    Team.objects.create(name="Orders").members.add(agent)
    return agent


@pytest.fixture
def chat():
    return conversation_open(customer=CustomerFactory(), channel=Channel.CHAT, topic="orders",
                             description="Where is my parcel?", client_id="c1")


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_a_console_action_is_recorded_with_actor_address_and_change(client, agent, chat):
    client.force_login(agent)
    response = client.post(f"/admin/console/{chat.reference}/resolve/", REMOTE_ADDR=IP)
    assert response.status_code == 302
    entry = entries_for(chat).get()
    assert (entry.actor, entry.remote_addr, entry.action) == (agent, IP, LogEntry.Action.UPDATE)
    assert entry.changes_dict["status"] == [Status.WAITING, Status.RESOLVED]
    assert timezone.now() - entry.timestamp < timedelta(minutes=1)


def test_a_forwarded_for_header_sent_by_the_client_is_not_taken_as_its_address(
        client, agent, chat):
    client.force_login(agent)
    client.post(f"/admin/console/{chat.reference}/update/", {"priority": 4},
                REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert entries_for(chat).get().remote_addr == IP


def test_an_admin_action_is_recorded_with_its_rows(client, agent):
    customer = CustomerFactory()
    returns = []
    for _ in range(2):
        order = make_delivered_order(customer)
        item = order.items.order_by("id").first()
        returns.append(order_services.return_request_create(
            customer=customer, order=order, quantities={item.pk: 1},
            reason=ReturnReason.DAMAGED))
    client.force_login(agent)
    response = client.post("/admin/orders/returnrequest/", {
        "action": "approve_selected", "_selected_action": [r.pk for r in returns],
        "apply": "1", "note": "Approved"}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    action = LogEntry.objects.get(additional_data__event="admin.action")
    assert action.actor == agent and action.remote_addr == IP
    assert action.additional_data["admin_action"] == "approve_selected"
    assert sorted(action.additional_data["objects"]) == sorted(str(r.pk) for r in returns)
    for r in returns:
        r.refresh_from_db()
        assert r.status == ReturnStatus.APPROVED
        change = entries_for(r).get()
        assert change.actor == agent
        assert change.changes_dict["status"] == [ReturnStatus.REQUESTED, ReturnStatus.APPROVED]


def test_the_confirmation_page_of_an_action_is_not_recorded_as_the_action(client, agent):
    customer = CustomerFactory()
    order = make_delivered_order(customer)
    item = order.items.order_by("id").first()
    request = order_services.return_request_create(customer=customer, order=order,
                                                   quantities={item.pk: 1},
                                                   reason=ReturnReason.DAMAGED)
    client.force_login(agent)
    page = client.post("/admin/orders/returnrequest/", {"action": "reject_selected",
                                                        "_selected_action": [request.pk]})
    assert page.status_code == 200  # the note form
    assert not LogEntry.objects.exists()


def test_a_role_change_is_recorded(client):
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    agent = AgentFactory()
    client.force_login(root)
    manager_group = Group.objects.get(name=Role.MANAGER)
    response = client.post(f"/admin/accounts/user/{agent.pk}/change/", {
        "email": agent.email, "full_name": agent.full_name, "language": "en",
        "is_active": "on", "is_staff": "on", "is_superuser": "on",
        "groups": [manager_group.pk],
        **{f"{p}-{n}": "0" for p in ("customer_profile", "agent_profile", "addresses")
           for n in ("TOTAL_FORMS", "INITIAL_FORMS")}}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    entries = list(entries_for(agent))
    assert {e.actor for e in entries} == {root} and {e.remote_addr for e in entries} == {IP}
    changes = {}
    for entry in entries:
        changes.update(entry.changes_dict)
    assert changes["is_superuser"] == ["False", "True"]
    assert changes["groups"]["operation"] == "add"
    assert changes["groups"]["objects"] == [Role.MANAGER]


def test_a_password_set_by_a_superuser_is_recorded_without_the_hash(client):
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    agent = AgentFactory()
    client.force_login(root)
    response = client.post(f"/admin/accounts/user/{agent.pk}/password/", {
        "password1": "N3w-Passw0rd!x", "password2": "N3w-Passw0rd!x",
        "usable_password": "true"}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    entry = entries_for(agent).get()
    assert entry.changes_dict["password"] == ["***", "***"]
    agent.refresh_from_db()
    assert agent.password.split("$")[-1] not in str(entry.changes)


def test_an_export_is_recorded(client, report_data):  # noqa: F811 (the imported fixture)
    client.force_login(report_data.manager)
    response = client.get("/admin/reports/export/conversations.csv", PERIOD, REMOTE_ADDR=IP)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = LogEntry.objects.get(additional_data__event="report.export")
    assert (entry.actor, entry.remote_addr, entry.action) == (
        report_data.manager, IP, LogEntry.Action.ACCESS)
    assert entry.additional_data["table"] == "conversations"
    assert "date_from=2025-03-01" in entry.additional_data["query"]


def test_agents_and_managers_cannot_open_the_audit_log(client, agent, chat):
    with acting(user=agent, remote_addr=IP):
        conversation_update(conversation=chat, by=agent, priority=3)
    entry = LogEntry.objects.get()
    manager = ManagerFactory()
    # Not even with the permission given by hand.
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="auditlog"))
    for user in (agent, manager):
        client.force_login(user)
        assert client.get("/admin/auditlog/logentry/").status_code == 403
        assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 403
        assert b"/admin/auditlog/" not in client.get("/admin/").content
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(root)
    listing = client.get("/admin/auditlog/logentry/", {"q": agent.email})
    assert listing.status_code == 200 and IP.encode() in listing.content
    detail = client.get(f"/admin/auditlog/logentry/{entry.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content  # read-only
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_pruning_removes_entries_older_than_the_setting(settings, agent, chat):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    with acting(user=agent, remote_addr=IP):
        for priority in (1, 2, 3):
            conversation_update(conversation=chat, by=agent, priority=priority)
    old, recent, new = LogEntry.objects.order_by("pk")
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=31))
    LogEntry.objects.filter(pk=recent.pk).update(timestamp=timezone.now() - timedelta(days=29))
    assert audit_log_prune_task.apply().get() == 1
    assert set(LogEntry.objects.values_list("pk", flat=True)) == {recent.pk, new.pk}
    settings.AUDIT_LOG_RETENTION_DAYS = 0  # keep everything
    assert audit_log_prune(now=timezone.now() + timedelta(days=3650)) == 0
    entry = settings.CELERY_BEAT_SCHEDULE["audit-log-prune"]
    assert entry["task"] == "helpdesk.audit.tasks.audit_log_prune"


def test_customers_and_background_jobs_are_not_audited_and_pay_no_query_for_it(client):
    customer = CustomerFactory()
    request = conversation_open(customer=customer, channel=Channel.WEB, topic="orders",
                                description="Where is my parcel?")
    Conversation.objects.filter(pk=request.pk).update(status=Status.RESOLVED)
    client.force_login(customer)
    response = client.post(f"/requests/{request.reference}/", {"body": "It is still not here",
                                                               "client_id": "r1"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.OPEN  # reopened by the customer: their own change
    with CaptureQueriesContext(connection) as audited_off, disable_auditlog():
        conversation_update(conversation=request, by=None, topic="returns")
    with CaptureQueriesContext(connection) as nobody_acting:
        conversation_update(conversation=request, by=None, topic="orders")
    assert len(nobody_acting) == len(audited_off)
    assert not LogEntry.objects.exists()


def test_an_agents_message_writes_no_audit_entry_and_costs_no_query(agent, chat):
    chat.refresh_from_db()
    with CaptureQueriesContext(connection) as plain:
        message_post(conversation=chat, author=agent, author_role="agent", body="one")
    with acting(user=agent, remote_addr=IP), CaptureQueriesContext(connection) as audited:
        message_post(conversation=chat, author=agent, author_role="agent", body="two")
    assert len(audited) == len(plain)
    assert not LogEntry.objects.exists()
    assert Message.objects.filter(conversation=chat, body__in=["one", "two"]).count() == 2


def test_an_agent_taking_a_chat_over_the_socket_is_audited_as_theirs(agent, chat):
    from helpdesk.chat.consumers import chat_db
    from tests.chat.conftest import session_key_for

    ident, code = chat_db.connection_open(session_key=session_key_for(agent), origin="test")
    assert code is None
    ident.remote_addr = IP
    chat_db.send(ident=ident, reference=chat.reference, body="Hello, I am here",
                 client_id="a1", internal=False, cursor=None)
    chat.refresh_from_db()
    assert chat.assignee == agent and chat.status == Status.OPEN
    entry = entries_for(chat).get()
    assert (entry.actor, entry.remote_addr) == (agent, IP)
    assert entry.changes_dict["assignee"] == ["None", str(agent.pk)]
    # The socket's database threads are reused: nothing stays attributed after the frame.
    conversation_update(conversation=Conversation.objects.get(pk=chat.pk), by=None, priority=4)
    assert entries_for(chat).count() == 1


def test_the_admin_index_shows_the_audit_log_to_superusers_only(client, agent):
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert b"/admin/auditlog/logentry/" in client.get("/admin/").content
    assert "auditlog" in settings.INSTALLED_APPS
