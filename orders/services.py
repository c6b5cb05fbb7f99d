"""Every change to returns and refunds.

A return moves requested -> approved | rejected | cancelled, approved -> received ->
refunded. Each step writes a ReturnEvent (the customer's timeline) and, after commit, emails
the customer. Creating a return locks the order row, so two submissions at the same moment
are checked one after the other and cannot both claim the same items.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from orders.access import may_decide_returns
from orders.models import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    ReturnEvent,
    ReturnItem,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
)
from orders.photos import photo_clean
from orders.signals import return_requested
from orders.tasks import return_status_email

# Returns that still hold their items: a second one may not claim them.
OPEN_RETURN_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED)
# Returns whose items count against what was bought (all but the abandoned ones).
COUNTED_RETURN_STATUSES = OPEN_RETURN_STATUSES + (ReturnStatus.REFUNDED,)
# Reasons for which the customer pays nothing: the fault is not theirs.
FREE_REASONS = (ReturnReason.DAMAGED, ReturnReason.DEFECTIVE, ReturnReason.WRONG_ITEM,
                ReturnReason.NOT_AS_DESCRIBED)
MAX_DESCRIPTION_LENGTH = 2000

TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReturnStatus.APPROVED: (ReturnStatus.REQUESTED,),
    ReturnStatus.REJECTED: (ReturnStatus.REQUESTED,),
    ReturnStatus.CANCELLED: (ReturnStatus.REQUESTED,),
    ReturnStatus.RECEIVED: (ReturnStatus.APPROVED,),
    ReturnStatus.REFUNDED: (ReturnStatus.RECEIVED,),
}


@dataclass(frozen=True)
class ReturnQuote:
    """What a return will cost and bring back, shown before the customer submits."""

    items_total: Decimal
    fee: Decimal
    refund: Decimal
    currency: str
    processing_days: int
    address: str


def return_fee(*, reason: str) -> Decimal:
    if reason in FREE_REASONS or not reason:
        return Decimal("0.00")
    return Decimal(str(settings.RETURN_CHANGED_MIND_FEE)).quantize(Decimal("0.01"))


def return_quote(*, order: Order, reason: str, quantities: dict[int, int]) -> ReturnQuote:
    """The cost of returning ``quantities`` (order item id -> quantity) of ``order``."""
    prices = {item.pk: item.unit_price for item in order.items.all()}
    items_total = sum(
        (prices[item_id] * qty for item_id, qty in quantities.items() if item_id in prices),
        Decimal("0.00"),
    )
    fee = return_fee(reason=reason) if items_total else Decimal("0.00")
    return ReturnQuote(
        items_total=items_total, fee=fee, refund=max(items_total - fee, Decimal("0.00")),
        currency=order.currency, processing_days=settings.RETURN_PROCESSING_DAYS,
        address=settings.RETURN_ADDRESS,
    )


def return_window_end(*, order: Order) -> datetime | None:
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=settings.RETURN_WINDOW_DAYS)


def order_returnable_quantities(*, order: Order, now: datetime | None = None) -> dict[int, int]:
    """Order item id -> how many units may still be returned (0 when none).

    Nothing is returnable before delivery or after the window. An item in an open return
    is not returnable until that return ends; units in other counted returns are deducted.
    """
    now = now or timezone.now()
    items = list(order.items.all())
    window_end = return_window_end(order=order)
    if order.status != OrderStatus.DELIVERED or window_end is None or now > window_end:
        return {item.pk: 0 for item in items}
    claimed = dict(
        ReturnItem.objects.filter(
            order_item__order=order, return_request__status__in=COUNTED_RETURN_STATUSES
        ).values_list("order_item").annotate(total=Sum("quantity")).values_list(
            "order_item", "total")
    )
    held = set(
        ReturnItem.objects.filter(
            order_item__order=order, return_request__status__in=OPEN_RETURN_STATUSES
        ).values_list("order_item", flat=True)
    )
    return {
        item.pk: 0 if item.pk in held else max(item.quantity - claimed.get(item.pk, 0), 0)
        for item in items
    }


def return_request_create(
    *,
    customer,
    order: Order,
    quantities: dict[int, int],
    reason: str,
    description: str = "",
    photos=(),
    ip: str | None = None,
    now: datetime | None = None,
) -> ReturnRequest:
    """Open a return of ``quantities`` (order item id -> units) of ``order`` for ``customer``.

    Enforces: the order is the customer's and delivered, the window is open, every item is
    of this order, no item is in another open return, and no more is returned than was
    bought. Photos are checked and re-encoded before anything is written; each counts
    against the customer's and ``ip``'s photo throttle (``orders.photos``).
    """
    now = now or timezone.now()
    if reason not in ReturnReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationError({"description": _(
            "The description can be at most %(limit)d characters long."
        ) % {"limit": MAX_DESCRIPTION_LENGTH}})
    photos = list(photos)
    if len(photos) > settings.RETURN_PHOTO_MAX_COUNT:
        raise ValidationError({"photos": _("You can attach at most %(count)d photos.") % {
            "count": settings.RETURN_PHOTO_MAX_COUNT}})
    clean_photos = []
    for upload in photos:
        try:
            clean_photos.append(photo_clean(upload, account=customer.pk, ip=ip))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from None
    quantities = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    if not quantities:
        raise ValidationError({"items": _("Choose at least one item to return.")})

    with transaction.atomic():
        # The lock that makes concurrent submissions for one order take turns.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.customer_id != customer.pk:
            raise ValidationError(_("Choose one of your own orders."))
        if locked.status != OrderStatus.DELIVERED or locked.delivered_at is None:
            raise ValidationError(_("Only delivered orders can be returned."))
        window_end = return_window_end(order=locked)
        assert window_end is not None  # delivered_at checked above
        if now > window_end:
            raise ValidationError(
                _("The return window for this order closed on %(date)s.")
                % {"date": formats.date_format(timezone.localdate(window_end))}
            )
        items = {item.pk: item for item in OrderItem.objects.filter(order=locked)}
        if not set(quantities) <= set(items):
            raise ValidationError({"items": _("Choose items from this order.")})
        returnable = order_returnable_quantities(order=locked, now=now)
        errors = []
        for item_id, qty in quantities.items():
            if qty > returnable[item_id]:
                item = items[item_id]
                if returnable[item_id] == 0:
                    errors.append(_("“%(name)s” is already in a return or cannot be returned.")
                                  % {"name": item.name})
                else:
                    errors.append(_("You can return at most %(count)d of “%(name)s”.")
                                  % {"count": returnable[item_id], "name": item.name})
        if errors:
            raise ValidationError({"items": errors})
        fee = return_fee(reason=reason)
        items_total = sum((items[i].unit_price * q for i, q in quantities.items()),
                          Decimal("0.00"))
        request = ReturnRequest.objects.create(
            order=locked, customer=customer, reason=reason, description=description,
            fee=fee, refund_amount=max(items_total - fee, Decimal("0.00")),
        )
        ReturnItem.objects.bulk_create(
            ReturnItem(return_request=request, order_item_id=i, quantity=q)
            for i, q in sorted(quantities.items())
        )
        for photo in clean_photos:
            ReturnPhoto.objects.create(
                return_request=request, file=photo.content, content_type=photo.content_type,
                size=photo.content.size, width=photo.width, height=photo.height,
            )
        _record(request=request, status=ReturnStatus.REQUESTED, actor=customer, note="")
        # The help desk puts the return in the customer's conversation (orders.signals).
        return_requested.send(sender=ReturnRequest, return_request=request)
    return request


def _record(*, request: ReturnRequest, status: str, actor, note: str) -> ReturnEvent:
    event = ReturnEvent.objects.create(return_request=request, status=status, note=note,
                                       actor=actor)
    if status != ReturnStatus.CANCELLED:
        transaction.on_commit(lambda: return_status_email.delay(event.pk))
    return event


def _transition(*, return_request: ReturnRequest, to: str, actor, note: str = "",
                **fields) -> ReturnRequest:
    """Move the return to ``to``. Every step but the customer's own cancel is a staff
    decision: the actor must be allowed to decide returns, whichever path called."""
    if to != ReturnStatus.CANCELLED and not may_decide_returns(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status not in TRANSITIONS[to]:
            raise ValidationError(
                _("This return is %(status)s; it cannot become %(new)s.") % {
                    "status": locked.get_status_display().lower(),
                    "new": ReturnStatus(to).label.lower(),
                },
                code="invalid_transition",
            )
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *fields])
        _record(request=locked, status=to, actor=actor, note=(note or "").strip())
    return locked


def return_approve(*, return_request: ReturnRequest, actor, note: str = "") -> ReturnRequest:
    """An agent accepts the return; the customer may send the parcel."""
    return _transition(return_request=return_request, to=ReturnStatus.APPROVED, actor=actor,
                       note=note)


def return_reject(*, return_request: ReturnRequest, actor, note: str) -> ReturnRequest:
    """An agent refuses the return; ``note`` tells the customer why and is required."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Tell the customer why the return is rejected.")})
    return _transition(return_request=return_request, to=ReturnStatus.REJECTED, actor=actor,
                       note=note)


def return_mark_received(*, return_request: ReturnRequest, actor,
                         note: str = "") -> ReturnRequest:
    """The parcel arrived at the returns centre."""
    return _transition(return_request=return_request, to=ReturnStatus.RECEIVED, actor=actor,
                       note=note)


def return_refund(*, return_request: ReturnRequest, actor, note: str = "",
                  amount: Decimal | None = None) -> ReturnRequest:
    """Pay the refund (``amount`` defaults to the quoted one) and update the order's payment
    status to refunded or partially refunded."""
    amount = return_request.refund_amount if amount is None else Decimal(amount)
    if amount < 0:
        raise ValidationError({"amount": _("The refund cannot be negative.")})
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=return_request.order_id)
        refunded = _transition(return_request=return_request, to=ReturnStatus.REFUNDED,
                               actor=actor, note=note, refund_amount=amount)
        total_refunded = ReturnRequest.objects.filter(
            order=order, status=ReturnStatus.REFUNDED
        ).aggregate(total=Sum("refund_amount"))["total"] or Decimal("0")
        order.payment_status = (PaymentStatus.REFUNDED if total_refunded >= order.total
                                else PaymentStatus.PARTIALLY_REFUNDED)
        order.save(update_fields=["payment_status"])
    return refunded


def return_cancel(*, return_request: ReturnRequest, customer) -> ReturnRequest:
    """The customer withdraws their own return while it is only requested."""
    if return_request.customer_id != customer.pk:
        raise ValidationError(_("This is not your return."))
    return _transition(return_request=return_request, to=ReturnStatus.CANCELLED,
                       actor=customer)
