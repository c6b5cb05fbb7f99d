"""Edges of the email channel: the provider webhook and attachment downloads.

The webhook takes the raw RFC 822 message as the request body. The provider (or the relay in
front of it) signs ``<timestamp>.<body>`` with HMAC-SHA256 under EMAIL_WEBHOOK_SECRET and sends
``X-Helpdesk-Timestamp`` and ``X-Helpdesk-Signature`` (hex); requests older than five minutes
are refused, so a captured request cannot be replayed later (and a replay within the window is
a duplicate anyway). A message that cannot be stored now answers 503, so the provider tries
again; anything else it sends ends recorded (200), hostile mail included.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.downloads import content_disposition
from helpdesk.access import access_attachment
from helpdesk.mail.inbound import IngestDeferred, email_ingest

MAX_SKEW_SECONDS = 300


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@csrf_exempt
@require_POST
def inbound_webhook(request):
    secret = settings.EMAIL_WEBHOOK_SECRET
    if not secret:
        raise Http404
    timestamp = request.headers.get("X-Helpdesk-Timestamp", "")
    signature = request.headers.get("X-Helpdesk-Signature", "")
    try:
        fresh = abs(time.time() - int(timestamp)) <= MAX_SKEW_SECONDS
    except ValueError:
        fresh = False
    body = request.body
    if not fresh or not hmac.compare_digest(
            webhook_signature(secret, timestamp, body), signature.lower()):
        return HttpResponse(status=403)
    if not body:
        return JsonResponse({"error": "empty"}, status=400)
    try:
        result = email_ingest(body, source="webhook")
    except IngestDeferred:
        # Not stored: the provider delivers it again (every webhook provider retries a 5xx).
        return JsonResponse({"error": "temporary"}, status=503, headers={"Retry-After": "60"})
    return JsonResponse({"status": result.status, "reason": result.inbound.reason,
                         "duplicate": result.duplicate})


@login_required
def attachment_download(request, pk):
    """Any attachment, as a download only (never rendered inline), to whoever may see it."""
    att = access_attachment(user=request.user, pk=pk)
    response = FileResponse(att.file.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition(att.original_name,
                                                          fallback="attachment")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
