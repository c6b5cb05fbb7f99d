"""Emails about returns, sent by Celery after the change that caused them has committed."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from orders.models import ReturnEvent

logger = logging.getLogger(__name__)


def _wants_order_emails(user) -> bool:
    profile = getattr(user, "customer_profile", None)
    return profile is None or profile.notify_order_updates


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
             retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def return_status_email(event_id: int) -> None:
    """Tell the customer that their return reached the status of ReturnEvent ``event_id``,
    in their language, with a link to the request."""
    event = (ReturnEvent.objects.select_related("return_request__customer__customer_profile",
                                                "return_request__order")
             .filter(pk=event_id).first())
    if event is None:
        logger.warning("return event %s vanished before its email", event_id)
        return
    request = event.return_request
    customer = request.customer
    if not customer.is_active or not _wants_order_emails(customer):
        return
    with translation.override(customer.language):
        context = {
            "customer": customer, "request": request, "event": event, "order": request.order,
            "status": event.get_status_display(),
            "url": settings.SITE_URL + reverse("orders:return_detail", args=[request.reference]),
            "address": settings.RETURN_ADDRESS,
            "processing_days": settings.RETURN_PROCESSING_DAYS,
        }
        subject = " ".join(render_to_string("orders/email/return_status_subject.txt",
                                            context).split())
        body = render_to_string("orders/email/return_status.txt", context)
    # X-Helpdesk-Kind: the outbox's label for it (the outbox backend removes the header).
    EmailMessage(subject, body, None, [customer.email],
                 headers={"X-Helpdesk-Kind": "return"}).send()
