"""The customer's live chat: the pre-chat form, the chat page, image uploads, the rating, and
the one view that serves attachments (after checking access).

The page itself is static HTML plus ``static/js/chat.js``, which speaks docs/protocol.md.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Topic
from accounts.downloads import content_disposition
from accounts.limits import Throttled, client_ip, throttle
from common.errors import NotFound
from helpdesk.access import access_attachment, access_conversation, is_support_staff
from helpdesk.attribution import source_article_for
from helpdesk.chat.forms import ChatStartForm
from helpdesk.models import CLOSED_STATUSES, INLINE_IMAGE_TYPES, Channel
from helpdesk.selectors import open_chat_of
from helpdesk.services.attachments import attachment_post
from helpdesk.services.availability import support_availability
from helpdesk.services.conversations import conversation_open
from helpdesk.services.queue import chat_open_now
from helpdesk.services.ratings import conversation_rate
from helpdesk.services.routing import topics_without_agent

SERVABLE_TYPES = INLINE_IMAGE_TYPES  # anything else: the mail app's download


@login_required
def chat_start(request):
    """The pre-chat form. A customer with a chat still going on is taken back to it."""
    if request.method == "GET" and (current := open_chat_of(user=request.user)) is not None:
        return redirect("chat:page", reference=current.reference)
    initial = {k: request.GET[k] for k in ("topic", "order", "description") if request.GET.get(k)}
    form = ChatStartForm(request.POST or None, user=request.user, initial=initial)
    availability = support_availability()
    agents_online = chat_open_now(availability=availability)
    # Topics no present agent can take in the customer's language: no chat promised for them.
    no_agent_topics = (topics_without_agent(language=request.user.language)
                       if agents_online else [])
    if len(no_agent_topics) == len(Topic.values):
        agents_online, no_agent_topics = False, []  # present, but none for this customer
    status = 200
    if request.method == "POST" and form.is_valid():
        chat_now = agents_online and form.cleaned_data["topic"] not in no_agent_topics
        channel = Channel.CHAT if chat_now else Channel.WEB
        try:
            throttle("web_request", request=request, account=request.user.pk)
            conversation = conversation_open(
                customer=request.user, channel=channel, topic=form.cleaned_data["topic"],
                order=form.cleaned_data["order"], description=form.cleaned_data["description"],
                client_id=request.POST.get("client_id", "")[:64],
                source_article_id=source_article_for(request),
            )
        except Throttled as exc:  # what they wrote stays in the form
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            if conversation.channel != Channel.CHAT and agents_online:
                messages.success(request, _(
                    "No agent who handles this topic is online right now, so we did not start "
                    "a chat: we received your written request %(reference)s and will answer by "
                    "email. You can follow it here.") % {"reference": conversation.reference})
                return redirect("requests:detail", reference=conversation.reference)
            if conversation.channel != Channel.CHAT:
                messages.success(request, _(
                    "We received your request %(reference)s and will answer by email. You can "
                    "follow it here.") % {"reference": conversation.reference})
                return redirect("requests:detail", reference=conversation.reference)
            return redirect("chat:page", reference=conversation.reference)
    topic_labels = dict(Topic.choices)
    return render(request, "chat/start.html", {
        "form": form, "agents_online": agents_online,
        "no_agent_topics": [topic_labels[t] for t in no_agent_topics],
    }, status=status)


@login_required
def chat_page(request, reference):
    conversation = access_conversation(user=request.user, reference=reference)
    if request.user.is_staff:
        return redirect("helpdesk_console:conversation", reference=conversation.reference)
    if conversation.channel != Channel.CHAT:
        # Written requests, email and phone calls are followed in My requests.
        return redirect("requests:detail", reference=conversation.reference)
    return render(request, "chat/chat.html", {
        "conversation": conversation,
        "is_chat": conversation.channel == Channel.CHAT,
        "rating": getattr(conversation, "rating", None)
        if conversation.status in CLOSED_STATUSES else None,
    })


# Upload refusals the client should retry later, and their HTTP status.
UPLOAD_RETRY_STATUS = {"rate_limited": 429, "busy": 503}


def _json_error(code, message, status=400, field=None):
    body = {"type": "error", "code": code, "message": str(message)}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)


@login_required
@require_POST
def chat_upload(request, reference):
    """POST file, client_id, caption -> the same ``ack`` the socket sends (docs/protocol.md)."""
    try:
        conversation = access_conversation(user=request.user, reference=reference)
    except NotFound:
        return _json_error("not_found", _("Conversation not found."), status=404)
    client_id = request.POST.get("client_id", "")
    if not 1 <= len(client_id) <= 64:
        return _json_error("invalid_field", _("Missing client id."), field="client_id")
    try:
        posted = attachment_post(conversation=conversation, user=request.user,
                                 as_agent=is_support_staff(request.user),
                                 upload=request.FILES.get("file"), client_id=client_id,
                                 caption=request.POST.get("caption", ""), ip=client_ip(request))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = " ".join(m for error in errors for m in error.messages)
            code = errors[0].code
            if code in UPLOAD_RETRY_STATUS:
                return _json_error(code, message, status=UPLOAD_RETRY_STATUS[code], field=field)
            return _json_error("invalid", message, field=field)
        return _json_error(getattr(exc, "code", None) or "invalid", " ".join(exc.messages))
    return JsonResponse({"type": "ack", "conversation": conversation.reference,
                         "client_id": client_id, "id": posted.message.pk,
                         "seq": posted.message.seq})


@login_required
@require_POST
def chat_rate(request, reference):
    conversation = access_conversation(user=request.user, reference=reference)
    try:
        conversation_rate(conversation=conversation, customer=request.user,
                          score=request.POST.get("score"),
                          comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return _json_error(getattr(exc, "code", None) or "invalid", " ".join(exc.messages),
                               field="score")
        return render(request, "chat/chat.html", {
            "conversation": conversation, "is_chat": conversation.channel == Channel.CHAT,
            "rating": getattr(conversation, "rating", None),
            "rating_error": " ".join(exc.messages)}, status=400)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True})
    return redirect(reverse("chat:page", args=[conversation.reference]) + "#rated")


@login_required
def attachment(request, pk):
    """Serve an attachment to someone who may see its message; 404 for everyone else."""
    att = access_attachment(user=request.user, pk=pk)
    if att.content_type not in SERVABLE_TYPES:
        raise Http404
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = content_disposition(att.original_name, inline=True,
                                                          fallback="image")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
