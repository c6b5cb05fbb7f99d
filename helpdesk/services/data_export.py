""""Download my data": everything stored about a customer, as one JSON document.

What the customer may see and nothing more: no password hash, no internal notes, no agent
identities beyond the first name shown in the chat, no storage paths of files.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from accounts.models import Address, CustomerProfile
from faq.models import Vote
from helpdesk.models import Conversation, Message, MessageKind, SatisfactionRating
from orders.models import Order, ReturnRequest

FORMAT_VERSION = 1


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _row(obj: models.Model, *, fields: list[str]) -> dict:
    return {name: _value(getattr(obj, name)) for name in fields}


def _orders(user) -> list[dict]:
    orders = (Order.objects.filter(customer=user)
              .prefetch_related("items", "shipments__events").order_by("placed_at"))
    return [
        {**_row(order, fields=["number", "status", "payment_status", "payment_method",
                               "currency", "total", "shipping_address", "placed_at",
                               "delivered_at"]),
         "items": [_row(item, fields=["sku", "name", "category", "quantity", "unit_price"])
                   for item in order.items.all()],
         "shipments": [
             {**_row(s, fields=["carrier", "tracking_number", "status", "shipped_at",
                                "estimated_delivery", "delivered_at"]),
              "events": [_row(e, fields=["occurred_at", "location", "status", "description"])
                         for e in s.events.all()]}
             for s in order.shipments.all()
         ]}
        for order in orders
    ]


def _returns(user) -> list[dict]:
    returns = (ReturnRequest.objects.filter(customer=user).select_related("order")
               .prefetch_related("items__order_item", "events", "photos").order_by("created_at"))
    return [
        {**_row(r, fields=["reference", "status", "reason", "description", "refund_amount",
                           "created_at"]),
         "order": r.order.number,
         "items": [{"sku": i.order_item.sku, "name": i.order_item.name, "quantity": i.quantity}
                   for i in r.items.all()],
         "timeline": [_row(e, fields=["status", "note", "created_at"]) for e in r.events.all()],
         "photos": [_row(p, fields=["content_type", "size", "width", "height", "created_at"])
                    for p in r.photos.all()]}
        for r in returns
    ]


def _conversations(user) -> list[dict]:
    public = Message.objects.exclude(kind=MessageKind.NOTE).select_related("author").order_by(
        "seq").prefetch_related("attachments")
    conversations = (Conversation.objects.filter(customer=user).select_related("order")
                     .prefetch_related(models.Prefetch("messages", queryset=public))
                     .order_by("created_at"))
    ratings = {r.conversation_id: r for r in SatisfactionRating.objects.filter(
        conversation__customer=user)}
    result = []
    for c in conversations:
        rating = ratings.get(c.pk)
        result.append({
            **_row(c, fields=["reference", "channel", "status", "topic", "subject", "language",
                              "created_at", "resolved_at"]),
            "order": c.order.number if c.order else None,
            "messages": [
                {**_row(m, fields=["seq", "author_role", "kind", "body", "created_at"]),
                 "author_name": m.author.get_short_name() if m.author else "",
                 "attachments": [_row(a, fields=["original_name", "content_type", "size"])
                                 for a in m.attachments.all()]}
                for m in c.messages.all()
            ],
            "rating": _row(rating, fields=["score", "comment", "source", "created_at"])
            if rating else None,
        })
    return result


def customer_data_export(*, user) -> dict:
    """Everything stored about ``user`` that is theirs to see."""
    profile = CustomerProfile.objects.filter(user=user).first()
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": _row(user, fields=["email", "full_name", "language", "date_joined",
                                      "last_login"]),
        "profile": _row(profile, fields=["phone", "tier", "notify_order_updates",
                                         "notify_request_replies", "notify_surveys",
                                         "notify_promotions"]) if profile else None,
        "addresses": [_row(a, fields=["label", "recipient", "phone", "line1", "line2", "city",
                                      "region", "postal_code", "country", "is_default"])
                      for a in Address.objects.filter(user=user)],
        "orders": _orders(user),
        "returns": _returns(user),
        "conversations": _conversations(user),
        "helpful_votes": [
            {"article": v.article.slug, "helpful": v.helpful, "comment": v.comment,
             "created_at": _value(v.created_at)}
            for v in Vote.objects.filter(user=user).select_related("article")
        ],
    }
