"""What changes about agents: their own status (from the console), and what managers set:
capacity, languages, skills, and who is in which team.

The admin offers the managers' changes as small forms on the agent profile's and the team's pages; each change is
checked here against ``by``'s permission (helpdesk.roles) and audited (helpdesk.audit).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Language, Role, Topic
from accounts.models import AgentProfile, AgentStatus
from helpdesk import realtime
from helpdesk.models import Channel, Conversation, Team
from helpdesk.services import queue, tasks
from helpdesk.services.assignment import agent_seen, conversation_requeue

MAX_CONCURRENT_CHATS = 20
MAX_OPEN_REQUESTS = 200


def _require(by, permission: str) -> None:
    if not (by.is_authenticated and by.is_active and by.is_staff and by.has_perm(permission)):
        raise PermissionDenied


def team_member_choices() -> QuerySet:
    """Who can be put in a team: active staff with the agent role (as transfers require)."""
    return (get_user_model().objects.filter(is_active=True, is_staff=True,
                                            groups__name=Role.AGENT)
            .distinct().order_by("full_name", "email"))


def agent_set_status(*, agent, status: str) -> AgentProfile:
    """Set the agent's status. Going offline returns their open chats to the queue; going
    online makes them eligible at once."""
    if status not in AgentStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=agent)
        if profile.status != status:
            profile.status = status
            profile.status_changed_at = timezone.now()
            profile.save(update_fields=["status", "status_changed_at"])
        if status == AgentStatus.ONLINE:
            agent_seen(agent_id=agent.pk)
        if status == AgentStatus.OFFLINE:
            for conv in Conversation.objects.filter(assignee=agent, channel=Channel.CHAT,
                                                    status__in=queue.ACTIVE_STATUSES):
                conversation_requeue(conversation=conv)
        realtime.inbox_changed()
        realtime.queue_changed()  # who is present changed: so do the waiting chats' estimates
        tasks.chat_assign.delay_on_commit()
    return profile




def agent_profile_clean(*, max_concurrent_chats, languages, skills) -> tuple[int, list, list]:
    """The capacity, languages and skills as stored; ``ValidationError`` by field if not."""
    errors = {}
    try:
        capacity = int(max_concurrent_chats)
    except (TypeError, ValueError):
        capacity = -1
    if not 0 <= capacity <= MAX_CONCURRENT_CHATS:
        errors["max_concurrent_chats"] = _("Enter a number of chats from 0 to %(max)d.") % {
            "max": MAX_CONCURRENT_CHATS}
    languages, skills = list(dict.fromkeys(languages or [])), list(dict.fromkeys(skills or []))
    if not set(languages) <= set(Language.values):
        errors["languages"] = _("Choose languages from the list.")
    if not set(skills) <= set(Topic.values):
        errors["skills"] = _("Choose topics from the list.")
    if errors:
        raise ValidationError(errors)
    return capacity, languages, skills


def max_open_requests_clean(value) -> int:
    """The written requests' maximum as stored; ``ValidationError`` on the field if not."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= MAX_OPEN_REQUESTS:
        raise ValidationError({"max_open_requests": _(
            "Enter a number of written requests from 0 to %(max)d.") % {
                "max": MAX_OPEN_REQUESTS}})
    return number


def agent_profile_update(*, by, profile: AgentProfile, max_concurrent_chats: int,
                         languages: list[str], skills: list[str],
                         max_open_requests: int | None = None) -> AgentProfile:
    """Set an agent's capacity (chats; written requests and emails), languages and topic
    skills (managers). Their status stays theirs. More capacity may let waiting work in at
    once."""
    _require(by, "accounts.change_agentprofile")
    capacity, languages, skills = agent_profile_clean(
        max_concurrent_chats=max_concurrent_chats, languages=languages, skills=skills)
    written = None if max_open_requests is None else max_open_requests_clean(max_open_requests)
    with transaction.atomic():
        locked = AgentProfile.objects.select_for_update().get(pk=profile.pk)
        written = locked.max_open_requests if written is None else written  # None: unchanged
        locked.max_concurrent_chats = capacity
        locked.max_open_requests = written
        locked.languages = languages
        locked.skills = skills
        locked.save(update_fields=["max_concurrent_chats", "max_open_requests", "languages",
                                   "skills"])
        tasks.chat_assign.delay_on_commit()
    profile.max_concurrent_chats, profile.languages, profile.skills = capacity, languages, skills
    profile.max_open_requests = written
    return locked


def team_members_set(*, by, team: Team, members) -> Team:
    """Make ``members`` (active agents) the team's members (managers). Those who join or
    leave see other conversations from now on; their sockets re-check at once (signals)."""
    _require(by, "helpdesk.change_team")
    members = list(members)
    allowed = set(team_member_choices().filter(pk__in=[m.pk for m in members])
                  .values_list("pk", flat=True))
    if any(m.pk not in allowed for m in members):
        raise ValidationError({"members": _("Only active agents can be team members.")})
    with transaction.atomic():
        team.members.set(members)
        realtime.inbox_changed()
        tasks.chat_assign.delay_on_commit()
    return team
