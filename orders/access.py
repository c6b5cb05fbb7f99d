"""One way to get an order, a return or a return photo you will act on.

Each ``access_*`` raises ``NotFound`` for "missing" and "not yours" alike, so a number in a URL
or an id in a form never tells one from the other. Customers see their own; staff with the
model's view permission see every one (the admin and the agent console).
"""

from django.db.models import QuerySet

from common.errors import NotFound
from orders.models import Order, ReturnPhoto, ReturnRequest


def _sees_all(user, model) -> bool:
    return user.is_staff and user.has_perm(f"orders.view_{model._meta.model_name}")


def may_decide_returns(user) -> bool:
    """Approve, reject, mark received, refund: active staff whose role carries
    ``change_returnrequest`` (helpdesk.roles), which means exactly these decisions."""
    return bool(user is not None and user.is_active and user.is_staff
                and user.has_perm("orders.change_returnrequest"))


def visible_orders(*, user) -> QuerySet[Order]:
    if not user.is_authenticated or not user.is_active:
        return Order.objects.none()
    if _sees_all(user, Order):
        return Order.objects.all()
    return Order.objects.filter(customer=user)


def visible_returns(*, user) -> QuerySet[ReturnRequest]:
    if not user.is_authenticated or not user.is_active:
        return ReturnRequest.objects.none()
    if _sees_all(user, ReturnRequest):
        return ReturnRequest.objects.all()
    return ReturnRequest.objects.filter(customer=user)


def access_order(*, user, number: str, queryset: QuerySet[Order] | None = None) -> Order:
    """The order ``number`` if ``user`` may see it; ``queryset`` adds prefetching."""
    qs = visible_orders(user=user)
    if queryset is not None:
        qs = queryset & qs
    try:
        return qs.get(number=number)
    except (Order.DoesNotExist, ValueError):
        raise NotFound(number) from None


def access_return(*, user, reference: str,
                  queryset: QuerySet[ReturnRequest] | None = None) -> ReturnRequest:
    qs = visible_returns(user=user)
    if queryset is not None:
        qs = queryset & qs
    try:
        return qs.get(reference=reference)
    except (ReturnRequest.DoesNotExist, ValueError):
        raise NotFound(reference) from None


def access_return_photo(*, user, reference: str, photo_id: int) -> ReturnPhoto:
    """A photo of the return ``reference``; the pair must match, so ids cannot be walked."""
    returns = visible_returns(user=user).filter(reference=reference)
    try:
        return ReturnPhoto.objects.select_related("return_request").get(
            pk=photo_id, return_request__in=returns
        )
    except (ReturnPhoto.DoesNotExist, ValueError, TypeError):
        raise NotFound(photo_id) from None
