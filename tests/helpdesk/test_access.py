"""``access.visible_in_memory`` (batched checks) answers as ``visible_conversations`` does."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.choices import Role
from helpdesk.access import visible_conversations, visible_in_memory
from helpdesk.models import Conversation, Team
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_in_memory_rule_matches_the_queryset_for_every_kind_of_user_and_conversation():
    customer, other = CustomerFactory(), CustomerFactory()
    agent, colleague = AgentFactory(), AgentFactory()
    manager = ManagerFactory()
    staff_without_role = UserFactory(is_staff=True)
    inactive_agent = AgentFactory(is_active=False)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    Group.objects.get_or_create(name=Role.AGENT)
    team, elsewhere = Team.objects.create(name="Orders"), Team.objects.create(name="Returns")
    team.members.add(agent, inactive_agent)
    elsewhere.members.add(colleague)
    convs = []
    for owner, assignee, conv_team in itertools.product(
            (customer, other), (None, agent, colleague), (None, team, elsewhere)):
        convs.append(Conversation.objects.create(customer=owner, assignee=assignee,
                                                 team=conv_team, channel="chat",
                                                 created_at=timezone.now()))
    users = [customer, other, agent, colleague, manager, staff_without_role, inactive_agent,
             superuser]
    for user in users:
        expected = set(visible_conversations(user=user).values_list("pk", flat=True))
        team_ids = set(user.teams.values_list("pk", flat=True))
        got = {c.pk for c in convs if visible_in_memory(
            user=user, customer_id=c.customer_id, assignee_id=c.assignee_id,
            team_id=c.team_id, team_ids=team_ids)}
        assert got == expected, user
