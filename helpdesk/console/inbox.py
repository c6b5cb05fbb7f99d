"""The console's inbox: filters, sort, paging, saved views, tags, Take and bulk actions.

``inbox_state`` reads one tab for the page and for its rows JSON alike, so the counts and the
rows always come from the same filters (``selectors.inbox`` / ``inbox_counts``). Every view
posts to one service (``helpdesk.services.inbox``, ``assignment.conversation_take``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.choices import Language, Topic
from accounts.models import MembershipTier
from common.errors import NotFound
from helpdesk.access import access_conversation, is_support_staff
from helpdesk.console.forms import TransferForm
from helpdesk.models import Channel, Conversation, Priority, SavedView, Status, Tag, Team
from helpdesk.selectors import (
    OPEN_STATUSES,
    QUERY_FIELDS,
    InboxQuery,
    inbox_page,
    inbox_query_parse,
    sla_state,
)
from helpdesk.services.assignment import conversation_take
from helpdesk.services.inbox import conversations_bulk, saved_view_delete, saved_view_save
from helpdesk.services.tags import conversation_tag_add, conversation_tag_remove

PAGE_SIZE = 50
MAX_PAGE = 200  # offset paging, bounded: 10,000 rows deep at most; filters narrow the rest
SLA_LABELS = {"breached": gettext_lazy("Breached"), "at_risk": gettext_lazy("At risk"),
              "on_track": gettext_lazy("On track"), "none": gettext_lazy("No due time")}
SORT_LABELS = {"wait": gettext_lazy("Longest wait"), "due": gettext_lazy("SLA due"),
               "newest": gettext_lazy("Newest")}


def _require_agent(request) -> None:
    if not is_support_staff(request.user):
        raise PermissionDenied


def _page(request) -> int:
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _labels() -> dict[str, dict]:
    """Each choice's label in the current language, looked up once per request (a row's
    ``get_*_display`` would translate five labels for each of its rows)."""
    return {
        "channel": {v: str(label) for v, label in Channel.choices},
        "topic": {v: str(label) for v, label in Topic.choices},
        "priority": {v: str(label) for v, label in Priority.choices},
        "status": {v: str(label) for v, label in Status.choices},
        "tier": {v: str(label) for v, label in MembershipTier.choices},
        "sla": {v: str(label) for v, label in SLA_LABELS.items()},
        "url": reverse("helpdesk_console:conversation", args=["REF"]),
        "take": reverse("helpdesk_console:take", args=["REF"]),
    }


def inbox_row(conversation: Conversation, *, now, labels: dict) -> dict:
    """One inbox row as the console's script draws it (textContent only)."""
    profile = getattr(conversation.customer, "customer_profile", None)
    state = sla_state(conversation.response_due_at, now=now)
    reference = conversation.reference
    return {
        "reference": reference,
        "url": labels["url"].replace("REF", reference),
        "customer": conversation.customer.get_full_name(),
        "channel": labels["channel"].get(conversation.channel, conversation.channel),
        "topic": labels["topic"].get(conversation.topic, conversation.topic),
        "priority": labels["priority"].get(conversation.priority, ""),
        "tier": labels["tier"].get(profile.tier if profile else MembershipTier.STANDARD, ""),
        "language": conversation.language,
        "status": conversation.status,
        "status_display": labels["status"].get(conversation.status, conversation.status),
        "assignee": conversation.assignee.get_short_name() if conversation.assignee else "",
        "since": timesince(conversation.queued_at or conversation.created_at, now),
        "sla": state,
        "sla_display": labels["sla"][state],
        "tags": [t.name for t in conversation.tags.all()],
        "take_url": (labels["take"].replace("REF", reference)
                     if conversation.status == Status.WAITING else ""),
    }


def inbox_state(request, box: str) -> dict:
    """The tab ``box`` under the request's filters: rows of the page, every tab's count, the
    total of this tab, the filters' errors. A fixed number of queries whatever the size."""
    user = request.user
    tag_names = list(Tag.objects.values_list("name", flat=True)[:1000])
    query, errors = inbox_query_parse(request.GET, tag_names=tag_names)
    now = timezone.now()
    counts, page, conversations = inbox_page(user=user, box=box, query=query, now=now,
                                             page=_page(request), page_size=PAGE_SIZE)
    start = (page - 1) * PAGE_SIZE
    labels = _labels()
    rows = [inbox_row(c, now=now, labels=labels) for c in conversations]
    return {"box": box, "query": query, "errors": errors, "tag_names": tag_names,
            "counts": counts, "total": counts[box], "page": page, "first": start + 1 if rows else 0,
            "last": start + len(rows), "rows": rows,
            "has_next": start + len(rows) < counts[box] and page < MAX_PAGE,
            "has_previous": page > 1}


def rows_json(state: dict) -> dict:
    return {key: state[key] for key in ("box", "counts", "total", "page", "first", "last",
                                        "rows", "has_next", "has_previous", "errors")}


def page_context(request, state: dict) -> dict:
    """What the inbox page adds for the filters form, saved views and bulk actions."""
    query: InboxQuery = state["query"]
    params = query.as_params()
    return {
        **state, "params": params,
        "filters": [
            (name, label, [(str(v), lab, str(v) == getattr(query, name)) for v, lab in choices],
             state["errors"].get(name, ""))
            for name, label, choices in (
                ("channel", _("Channel"), Channel.choices),
                ("status", _("Status"), [(s.value, s.label) for s in OPEN_STATUSES]),
                ("topic", _("Topic"), Topic.choices),
                ("priority", _("Priority"), Priority.choices),
                ("tier", _("Membership"), MembershipTier.choices),
                ("tag", _("Tag"), [(n, n) for n in state["tag_names"]]),
                ("sla", _("SLA"), list(SLA_LABELS.items())),
                ("language", _("Language"), Language.choices),
            )
        ],
        "sorts": [(v, lab, v == query.sort) for v, lab in SORT_LABELS.items()],
        "sort_error": state["errors"].get("sort", ""),
        "saved_views": saved_view_links(SavedView.objects.filter(owner=request.user)),
        "bulk_agents": TransferForm().fields["agent"].queryset,
        "bulk_teams": Team.objects.all(),
    }


def _query_url(view: SavedView) -> str:
    params = QueryDict(mutable=True)
    params.update({k: v for k, v in view.query.items() if k in QUERY_FIELDS})
    return reverse("helpdesk_console:inbox") + "?" + params.urlencode()


def saved_view_links(views) -> list[tuple[SavedView, str]]:
    return [(v, _query_url(v)) for v in views]


def _back(request, fallback: str = "helpdesk_console:inbox"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@require_POST
def view_save(request):
    _require_agent(request)
    params = {k: request.POST.get(k, "") for k in QUERY_FIELDS}
    try:
        view = saved_view_save(owner=request.user, name=request.POST.get("name", ""),
                               params=params)
    except ValidationError as exc:
        _error(request, exc)
        return _back(request)
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return redirect(_query_url(view))


@require_POST
def view_delete(request, pk):
    _require_agent(request)
    saved_view_delete(owner=request.user, pk=pk)
    messages.success(request, _("The view was deleted."))
    return redirect("helpdesk_console:inbox")


@require_POST
def take(request, reference):
    _require_agent(request)
    try:
        conv = access_conversation(user=request.user, reference=reference)
    except NotFound:
        # Waiting conversations are everyone's to see: gone from view means taken meanwhile
        # (or moved to a team the agent is not in).
        messages.error(request, _("Someone else already took this conversation, or it is not "
                                  "yours to take."))
        return redirect("helpdesk_console:inbox")
    try:
        conversation_take(conversation=conv, agent=request.user)
    except ValidationError as exc:
        _error(request, exc)
        return _back(request)
    messages.success(request, _("You took %(reference)s.") % {"reference": conv.reference})
    return redirect("helpdesk_console:conversation", reference=conv.reference)


def _tag(request) -> Tag | None:
    name = request.POST.get("tag", "").strip()
    return Tag.objects.filter(name=name).first() if name else None


@require_POST
def tag_add(request, reference):
    _require_agent(request)
    conv = access_conversation(user=request.user, reference=reference)
    tag = _tag(request)
    if tag is None:
        messages.error(request, _("Choose a tag from the list."))
    else:
        conversation_tag_add(conversation=conv, by=request.user, tag=tag)
    return redirect("helpdesk_console:conversation", reference=conv.reference)


@require_POST
def tag_remove(request, reference):
    _require_agent(request)
    conv = access_conversation(user=request.user, reference=reference)
    tag = _tag(request)
    if tag is not None:
        conversation_tag_remove(conversation=conv, by=request.user, tag=tag)
    return redirect("helpdesk_console:conversation", reference=conv.reference)


def _pick(queryset, pk):
    try:
        return queryset.filter(pk=int(pk)).first() if pk else None
    except (TypeError, ValueError):
        return None


@require_POST
def bulk(request):
    _require_agent(request)
    action = request.POST.get("action", "")
    agent = None
    if action == "assign":
        agent = _pick(TransferForm().fields["agent"].queryset, request.POST.get("agent"))
    try:
        outcomes = conversations_bulk(
            by=request.user, references=request.POST.getlist("conversation")[:1000],
            action=action, agent=agent, team=_pick(Team.objects.all(), request.POST.get("team")),
            tag=_tag(request))
    except ValidationError as exc:
        _error(request, exc)
        return _back(request)
    done = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    if done:
        messages.success(request, ngettext("Done for %(count)d conversation.",
                                           "Done for %(count)d conversations.", len(done))
                         % {"count": len(done)})
    for o in failed:
        messages.error(request, _("%(reference)s: %(reason)s") % {
            "reference": o.reference, "reason": o.message})
    return _back(request)


def conversation_tags(conversation: Conversation) -> dict:
    """The conversation page's tags include: its tags and the ones it could get."""
    tags = list(conversation.tags.all())
    return {"tags": tags, "other_tags": list(Tag.objects.exclude(
        pk__in=[t.pk for t in tags])[:500])}

