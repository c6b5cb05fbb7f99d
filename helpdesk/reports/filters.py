"""The scope of a report: period, filters, and the user whose rights bound it.

Managers see every conversation; an agent sees only conversations assigned to them, whatever
the filters ask (their own figures, never a colleague's). Anyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Topic
from accounts.models import MembershipTier
from helpdesk.access import is_support_staff
from helpdesk.models import Channel, Conversation, Team

DEFAULT_DAYS = 30
MAX_DAYS = 366


def report_tz() -> ZoneInfo:
    """Days and hours of day in reports are those of the help desk (SUPPORT_TIME_ZONE)."""
    return ZoneInfo(settings.SUPPORT_TIME_ZONE)


def can_view_reports(user) -> bool:
    return is_support_staff(user)


def check_can_view_reports(user) -> None:
    if not can_view_reports(user):
        raise PermissionDenied


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers: conversations created in [date_from, date_to] (local days)."""

    date_from: date
    date_to: date
    agent_id: int | None = None
    team_id: int | None = None
    channel: str = ""
    topic: str = ""
    tier: str = ""
    # Set for agents: their own conversations only, whatever agent_id says.
    restrict_to_agent_id: int | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time(0), tzinfo=report_tz())

    @property
    def end(self) -> datetime:
        """Exclusive end: the first instant after date_to."""
        return datetime.combine(self.date_to + timedelta(days=1), time(0), tzinfo=report_tz())

    def querystring(self, **extra) -> str:
        """The filters (and any drill-down keys) as a URL query string."""
        params = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        for key in ("agent_id", "team_id", "channel", "topic", "tier"):
            value = getattr(self, key)
            if value not in (None, ""):
                params[key.removesuffix("_id")] = value
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)

    def with_changes(self, **changes) -> ReportFilters:
        return replace(self, **changes)


def conversations_in_scope(filters: ReportFilters) -> QuerySet[Conversation]:
    """Every conversation the report counts (the base of each figure and drill-down)."""
    qs = Conversation.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    if filters.restrict_to_agent_id is not None:
        qs = qs.filter(assignee_id=filters.restrict_to_agent_id)
    if filters.agent_id is not None:
        qs = qs.filter(assignee_id=filters.agent_id)
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.tier:
        qs = qs.filter(customer__customer_profile__tier=filters.tier)
    return qs


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    agent = forms.ModelChoiceField(label=_("Agent"), required=False, queryset=None,
                                   empty_label=_("All agents"))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=None,
                                  empty_label=_("All teams"))
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    tier = forms.ChoiceField(label=_("Membership tier"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        agents = get_user_model().objects.filter(is_staff=True, is_active=True)
        if not user.is_manager:
            agents = agents.filter(pk=user.pk)
        self.fields["agent"].queryset = agents.order_by("full_name", "email")
        self.fields["team"].queryset = Team.objects.all()
        everything = [("", _("All"))]
        self.fields["channel"].choices = everything + list(Channel.choices)
        self.fields["topic"].choices = everything + list(Topic.choices)
        self.fields["tier"].choices = everything + list(MembershipTier.choices)

    def clean(self):
        data = super().clean()
        today = timezone.now().astimezone(report_tz()).date()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            self.add_error("date_from", _("The start date must not be after the end date."))
        elif (date_to - date_from).days >= MAX_DAYS:
            self.add_error("date_from", _("A report covers at most 366 days."))
        data["date_from"], data["date_to"] = date_from, date_to
        return data

    def filters(self) -> ReportFilters:
        """The filters of a valid form, bounded by the user's rights."""
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"], date_to=data["date_to"],
            agent_id=data["agent"].pk if data.get("agent") else None,
            team_id=data["team"].pk if data.get("team") else None,
            channel=data.get("channel") or "", topic=data.get("topic") or "",
            tier=data.get("tier") or "",
            restrict_to_agent_id=None if self.user.is_manager else self.user.pk,
        )


def filters_from_request(request) -> tuple[ReportFilterForm, ReportFilters | None]:
    """Parse the GET filters; the field names are those of ``ReportFilters.querystring``."""
    check_can_view_reports(request.user)
    form = ReportFilterForm(request.GET or None, user=request.user)
    if not request.GET:
        form = ReportFilterForm({}, user=request.user)
    if not form.is_valid():
        return form, None
    return form, form.filters()
