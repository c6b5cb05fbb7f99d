"""Least privilege in the admin (issue 12, items 1 and 2).

Only superusers manage users, roles and passwords. For agents and managers the model admin is
for reading: what they change goes through a service with its access check (a small form or
an admin action). Derived fields are read-only for everyone, superusers included. Record
pickers offer only what the user may see.
"""

from datetime import date

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from faq.models import ArticleStatus, ArticleTranslation, SearchDocument
from faq.services import TranslationInput, article_save, category_save
from helpdesk.models import (
    Attachment,
    AuthorRole,
    Channel,
    Conversation,
    Holiday,
    Message,
    SatisfactionRating,
    Status,
    Team,
)
from helpdesk.roles import sync_roles
from helpdesk.services.conversations import conversation_open
from tests.factories import PASSWORD, AgentFactory, CustomerFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles(settings):
    sync_roles(django_apps)
    settings.SUPERUSER_REQUIRE_2FA = False  # these tests are about the admin, not the sign-in


@pytest.fixture
def manager():
    return ManagerFactory(full_name="Mila Manager")


@pytest.fixture
def agent():
    return AgentFactory(full_name="Alice Agent")


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def conversation(agent):
    team = Team.objects.create(name="Orders")
    team.members.add(agent)
    conv = conversation_open(customer=CustomerFactory(), channel=Channel.WEB, topic="orders",
                             description="Where is my parcel?")
    Conversation.objects.filter(pk=conv.pk).update(team=team)
    conv.refresh_from_db()
    return conv


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


# The user form's read-only inlines still post their (empty) management forms.
USER_INLINES = {f"{prefix}-{name}": "0" for prefix in ("customer_profile", "agent_profile",
                                                        "addresses")
                for name in ("TOTAL_FORMS", "INITIAL_FORMS")}


# --- Users, roles, passwords: superusers only ------------------------------------------------


def test_a_managers_user_form_has_no_role_staff_superuser_or_password_fields(client, manager,
                                                                             agent):
    client.force_login(manager)
    page = client.get(change_url(agent))
    assert page.status_code == 200
    for name in ("is_superuser", "is_staff", "groups", "user_permissions", "email", "password",
                 "is_active"):
        assert f'name="{name}"'.encode() not in page.content, name


def test_a_manager_posting_role_fields_changes_nothing(client, manager, agent):
    client.force_login(manager)
    manager_group = Group.objects.get(name=Role.MANAGER)
    for target in (manager, agent):
        response = client.post(change_url(target), {
            "email": target.email, "full_name": "Changed", "language": "en",
            "is_active": "on", "is_staff": "on", "is_superuser": "on",
            "groups": [manager_group.pk], "user_permissions": [Permission.objects.first().pk],
            "date_joined_0": "2020-01-01", "date_joined_1": "00:00:00", **USER_INLINES,
        })
        assert response.status_code == 403
        target.refresh_from_db()
        assert not target.is_superuser and target.full_name != "Changed"
        assert not target.user_permissions.exists()
    assert not agent.groups.filter(name=Role.MANAGER).exists()


def test_the_password_form_refuses_a_manager_for_every_user(client, manager, agent, superuser):
    client.force_login(manager)
    for target in (superuser, agent, manager, CustomerFactory()):
        url = f"/admin/accounts/user/{target.pk}/password/"
        assert client.get(url).status_code == 403
        response = client.post(url, {"password1": "N3w-Passw0rd!x", "password2": "N3w-Passw0rd!x",
                                     "usable_password": "true"})
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.check_password(PASSWORD)


def test_a_manager_cannot_add_users(client, manager):
    client.force_login(manager)
    assert client.get("/admin/accounts/user/add/").status_code == 403
    client.post("/admin/accounts/user/add/", {"email": "new@example.com", "full_name": "New",
                                              "password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(email="new@example.com").exists()


def test_groups_are_for_superusers_only_whatever_permissions_a_manager_holds(client, manager):
    manager.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="auth", codename__in=["add_group", "change_group",
                                                      "view_group", "change_user"]))
    manager = User.objects.get(pk=manager.pk)  # no cached permissions
    client.force_login(manager)
    group = Group.objects.get(name=Role.AGENT)
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403
    client.post("/admin/auth/group/add/", {"name": "admins"})
    response = client.post(change_url(group), {"name": "agents-renamed",
                                               "permissions": [p.pk for p in
                                                               Permission.objects.all()]})
    assert response.status_code == 403
    assert not Group.objects.filter(name__in=["admins", "agents-renamed"]).exists()
    # The user form too, whatever the permission says.
    assert client.post(change_url(manager), {"is_superuser": "on"}).status_code == 403


def test_a_superuser_manages_roles_and_a_changed_address_is_no_longer_trusted(
        client, superuser, agent):
    agent.email_verified_at = timezone.now()
    agent.save(update_fields=["email_verified_at"])
    client.force_login(superuser)
    manager_group = Group.objects.get(name=Role.MANAGER)
    response = client.post(change_url(agent), {
        "email": "Alice.New@Example.com", "full_name": "Alice Agent", "language": "en",
        "is_active": "on", "is_staff": "on", "groups": [manager_group.pk],
        # Derived: never taken from a form, not even a superuser's.
        "last_login_0": "2001-01-01", "last_login_1": "00:00:00",
        "date_joined_0": "2001-01-01", "date_joined_1": "00:00:00",
        "email_verified_at": "2001-01-01 00:00:00", **USER_INLINES,
    })
    assert response.status_code == 302, response.content[:3000]
    agent.refresh_from_db()
    assert list(agent.groups.values_list("name", flat=True)) == [Role.MANAGER]
    assert agent.email == "alice.new@example.com"
    assert agent.email_verified_at is None
    assert agent.date_joined.year != 2001 and agent.last_login is None


def test_derived_user_fields_have_no_inputs_even_for_a_superuser(client, superuser, agent):
    client.force_login(superuser)
    page = client.get(change_url(agent)).content
    for name in ("last_login", "date_joined", "email_verified_at"):
        assert f'name="{name}'.encode() not in page, name
    assert b'name="is_superuser"' in page  # superusers do manage roles


# --- Conversation data: read-only in the admin -----------------------------------------------


def test_an_agent_cannot_add_a_message_or_an_attachment(client, agent, conversation):
    client.force_login(agent)
    for url in ("/admin/helpdesk/message/add/", "/admin/helpdesk/attachment/add/"):
        assert client.get(url).status_code == 403
    client.post("/admin/helpdesk/message/add/", {
        "conversation": conversation.pk, "seq": 99, "author_role": AuthorRole.CUSTOMER,
        "kind": "message", "body": "Please refund to card 4111", "created_at_0": "2025-01-01",
        "created_at_1": "10:00:00"})
    assert not Message.objects.filter(body__contains="4111").exists()
    message = conversation.messages.first()
    client.post("/admin/helpdesk/attachment/add/", {
        "message": message.pk, "original_name": "x.html", "content_type": "text/html",
        "size": 1})
    assert not Attachment.objects.exists()


def test_an_agent_cannot_move_or_rewrite_a_conversation(client, agent, conversation):
    client.force_login(agent)
    assert client.get(change_url(conversation)).status_code == 200  # they may read it
    other = CustomerFactory()
    response = client.post(change_url(conversation), {
        "customer": other.pk, "status": Status.RESOLVED, "channel": Channel.WEB,
        "topic": "orders", "priority": 2, "language": "en",
        "first_response_at_0": "2020-01-01", "first_response_at_1": "00:00:01",
        "created_at_0": "2020-01-01", "created_at_1": "00:00:00",
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    customer_id, status = conversation.customer_id, conversation.status
    conversation.refresh_from_db()
    assert conversation.customer_id == customer_id and conversation.customer != other
    assert conversation.status == status and conversation.first_response_at is None
    assert client.post(f"/admin/helpdesk/conversation/{conversation.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_an_agent_cannot_change_an_agent_profile(client, agent):
    colleague = AgentFactory(agent_profile__max_concurrent_chats=3)
    client.force_login(agent)
    for profile in (colleague.agent_profile, agent.agent_profile):
        response = client.post(change_url(profile), {
            "max_concurrent_chats": 20, "status": "online", "languages": ["en", "ru"],
            "skills": ["returns"]})
        assert response.status_code == 403
        profile.refresh_from_db()
        assert profile.max_concurrent_chats == 3 and profile.skills == []


def test_a_manager_cannot_add_a_satisfaction_rating(client, manager, conversation):
    client.force_login(manager)
    url = "/admin/helpdesk/satisfactionrating/add/"
    assert client.get(url).status_code == 403
    client.post(url, {"conversation": conversation.pk, "score": 5, "source": "chat",
                      "created_at_0": "2025-01-01", "created_at_1": "10:00:00"})
    assert not SatisfactionRating.objects.exists()


def test_derived_conversation_fields_are_read_only_even_for_a_superuser(client, superuser,
                                                                       conversation):
    client.force_login(superuser)
    page = client.get(change_url(conversation))
    assert page.status_code == 200
    assert b'name="first_response_at' not in page.content
    response = client.post(change_url(conversation), {
        "customer": conversation.customer_id, "status": Status.RESOLVED, "channel": "web",
        "topic": "orders", "priority": 2, "language": "en",
        "first_response_at_0": "2020-01-01", "first_response_at_1": "00:00:01",
        "created_at_0": "2020-01-01", "created_at_1": "00:00:00",
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    status = conversation.status
    conversation.refresh_from_db()
    assert conversation.first_response_at is None and conversation.status == status


# --- What managers still change, through services --------------------------------------------


def test_a_manager_sets_an_agents_capacity_through_the_service_and_it_is_audited(
        client, manager, agent):
    from auditlog.models import LogEntry

    profile = agent.agent_profile
    client.force_login(manager)
    page = client.get(change_url(profile))
    assert page.status_code == 200 and b'name="max_concurrent_chats"' in page.content
    assert b'name="status"' not in page.content  # the agent's own, from the console
    response = client.post(change_url(profile), {
        "max_concurrent_chats": 5, "max_open_requests": 25, "languages": ["en", "ru"],
        "skills": ["returns"], "status": "online"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.max_concurrent_chats, profile.max_open_requests, profile.languages,
            profile.skills) == (5, 25, ["en", "ru"], ["returns"])
    assert profile.status == "offline"
    entry = LogEntry.objects.get_for_object(profile).get()
    assert entry.actor == manager and entry.remote_addr == "198.51.100.7"
    assert entry.changes_dict["max_concurrent_chats"] == ["3", "5"]
    assert entry.changes_dict["max_open_requests"] == ["10", "25"]


def test_a_capacity_out_of_range_is_refused_with_a_message(client, manager, agent):
    client.force_login(manager)
    response = client.post(change_url(agent.agent_profile), {
        "max_concurrent_chats": 500, "languages": ["en"], "skills": []})
    assert response.status_code == 200
    assert "Enter a number of chats from 0 to 20." in response.content.decode()
    agent.agent_profile.refresh_from_db()
    assert agent.agent_profile.max_concurrent_chats == 3


def test_team_members_are_picked_among_active_agents_and_set_through_the_service(
        client, manager, agent, superuser):
    team = Team.objects.create(name="Payments")
    customer, gone = CustomerFactory(), AgentFactory(is_active=False)
    client.force_login(manager)
    page = client.get(change_url(team))
    choices = page.context["adminform"].form.fields["members"].queryset
    assert agent in choices
    assert not {customer, gone, superuser, manager} & set(choices)
    assert b'name="name"' not in page.content  # renaming and routing are superusers'
    response = client.post(change_url(team), {"members": [customer.pk]})
    assert response.status_code == 200 and not team.members.exists()
    response = client.post(change_url(team), {"members": [agent.pk], "name": "Renamed"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert list(team.members.all()) == [agent] and team.name == "Payments"
    assert client.get("/admin/helpdesk/team/add/").status_code == 403


def test_record_pickers_of_an_agent_offer_only_what_they_may_see(client, agent, conversation):
    hidden = conversation_open(customer=CustomerFactory(), channel=Channel.WEB, topic="payment",
                               description="Charged twice")
    Conversation.objects.filter(pk=hidden.pk).update(team=Team.objects.create(name="Payments"))
    client.force_login(agent)
    popup = client.get("/admin/helpdesk/conversation/", {"_to_field": "id", "_popup": "1"})
    assert conversation.reference.encode() in popup.content
    assert hidden.reference.encode() not in popup.content
    # Customers are reached through their conversations in the console, not the user list.
    assert client.get("/admin/accounts/user/", {"_to_field": "id", "_popup": "1"}
                      ).status_code == 403


def test_managers_edit_hours_and_holidays_through_the_service_and_agents_read_them(
        client, manager, agent):
    client.force_login(manager)
    response = client.post("/admin/helpdesk/holiday/add/", {"date": "2030-01-07",
                                                            "name": "Christmas"})
    assert response.status_code == 302
    holiday = Holiday.objects.get()
    client.force_login(agent)
    assert client.get("/admin/helpdesk/holiday/").status_code == 200
    assert client.get("/admin/helpdesk/businesshours/").status_code == 200
    assert client.get("/admin/helpdesk/holiday/add/").status_code == 403
    client.post(change_url(holiday), {"date": "2030-01-08", "name": "Moved"})
    holiday.refresh_from_db()
    assert holiday.date == date(2030, 1, 7)


@pytest.fixture
def article():
    category = category_save(slug="delivery", names={"en": ("Delivery", "")})
    return article_save(slug="where-is-my-parcel", category=category, translations={
        "en": TranslationInput(title="Where is my parcel?", body="Track it.")})


def test_an_agent_cannot_publish_or_unpublish_articles(client, agent, article):
    client.force_login(agent)
    client.post("/admin/faq/article/", {"action": "unpublish", "index": "0",
                                        "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_a_manager_edits_an_article_through_the_service_and_the_index_follows(
        client, manager, article):
    translation = article.translations.get()
    client.force_login(manager)
    response = client.post(change_url(article), {
        "category": article.category_id, "slug": article.slug, "status": "published",
        "position": 0, "views": 9999,
        "translations-TOTAL_FORMS": "1", "translations-INITIAL_FORMS": "1",
        "translations-0-id": translation.pk, "translations-0-article": article.pk,
        "translations-0-language": "en", "translations-0-title": "Tracking a parcel",
        "translations-0-summary": "", "translations-0-body": "Open My orders.",
    })
    assert response.status_code == 302, response.content[:2000]
    assert SearchDocument.objects.get(translation=translation).title == "Tracking a parcel"
    article.refresh_from_db()
    assert article.views == 0  # derived: counted by the help center, never typed
    assert ArticleTranslation.objects.get().title == "Tracking a parcel"


# --- The rule for every admin page ------------------------------------------------------------

EDIT = {"add", "change", "delete"}
# What each role may do by hand on an admin page (every write still goes through a service);
# a page not listed allows nobody anything. A new admin page must be added here on purpose.
ALLOWED: dict[str, dict[str, set[str]]] = {
    "accounts.User": {"superuser": EDIT},
    "auth.Group": {"superuser": EDIT},
    "accounts.AgentProfile": {"manager": {"change"}, "superuser": {"change"}},
    "helpdesk.Team": {"manager": {"change"}, "superuser": EDIT},
    **{label: {"manager": EDIT, "superuser": EDIT} for label in (
        "helpdesk.CannedReply", "helpdesk.BusinessHours", "helpdesk.Holiday", "helpdesk.Tag",
        "reports.SlaTarget", "faq.Category", "faq.Article",
        "faq.CategoryTranslation", "faq.ArticleTranslation")},
    # The email logs and surveys: every field read-only; "change" runs the review actions.
    **{label: {"manager": {"change"}, "superuser": {"change"}} for label in (
        "mail.OutboundEmail", "mail.InboundEmail", "surveys.Survey")},
    # Login lockouts (django-axes' admin, every field read-only): superusers lift them.
    **{label: {"superuser": {"change", "delete"}} for label in (
        "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")},
}


def _may(model_admin, request) -> set[str]:
    return {action for action in ("add", "change", "delete")
            if getattr(model_admin, f"has_{action}_permission")(request)}


def test_every_admin_page_refuses_writes_by_hand_except_the_service_backed_ones(
        manager, agent, superuser):
    users = {"agent": agent, "manager": manager, "superuser": superuser}
    found = {}
    for model, model_admin in admin.site._registry.items():
        for role, user in users.items():
            request = RequestFactory().get("/admin/")
            request.user = User.objects.get(pk=user.pk)
            found.setdefault(model._meta.label, {})[role] = _may(model_admin, request)
            for inline in model_admin.get_inline_instances(request):
                label = inline.model._meta.label
                may = {action for action in ("add", "change", "delete")
                       if getattr(inline, f"has_{action}_permission")(request, None)}
                found.setdefault(label, {}).setdefault(role, set())
                found[label][role] |= may
    expected = {label: {role: ALLOWED.get(label, {}).get(role, set()) for role in roles}
                for label, roles in found.items()}
    assert found == expected


def test_every_admin_action_is_audited_and_none_is_offered_to_an_agent_without_a_service(
        agent):
    request = RequestFactory().get("/admin/")
    request.user = agent
    for model, model_admin in admin.site._registry.items():
        assert getattr(model_admin.get_actions, "audited", False), model
        actions = set(model_admin.get_actions(request)) if model_admin.has_view_permission(
            request) else set()
        # Agents decide returns (orders.services); nothing else.
        allowed = {"approve_selected", "reject_selected", "receive_selected",
                   "refund_selected"} if model._meta.label == "orders.ReturnRequest" else set()
        assert actions <= allowed, (model, actions)


def test_the_roles_give_no_one_a_permission_on_users_groups_or_ratings():
    for role in (Role.AGENT, Role.MANAGER):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename",
                                                                             flat=True))
        assert not codenames & {"add_user", "change_user", "delete_user", "add_group",
                                "change_group", "add_permission", "change_permission",
                                "add_satisfactionrating", "change_satisfactionrating",
                                "add_message", "add_attachment", "change_conversation"}



def test_a_written_requests_maximum_out_of_range_is_refused_with_a_message(client, manager,
                                                                            agent):
    client.force_login(manager)
    response = client.post(change_url(agent.agent_profile), {
        "max_concurrent_chats": 3, "max_open_requests": 500, "languages": ["en"], "skills": []})
    assert response.status_code == 200
    assert "Enter a number of written requests from 0 to 200." in response.content.decode()
    agent.agent_profile.refresh_from_db()
    assert agent.agent_profile.max_open_requests == 10
