"""The customer's orders and returns. Every object comes through orders.access or a selector
built on it, so another customer's order, return or photo is the same 404 as a missing one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.downloads import content_disposition
from accounts.limits import client_ip
from common.errors import NotFound
from orders import selectors, services
from orders.access import access_order, access_return, access_return_photo
from orders.forms import OrderFilterForm, ReturnForm
from orders.models import ReturnReason, ReturnStatus

ORDERS_PER_PAGE = 10


@login_required
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    orders = selectors.order_list(customer=request.user, status=filters.get("status", ""),
                                  date_from=filters.get("date_from"),
                                  date_to=filters.get("date_to"))
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orders/order_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "filtered": bool(filters and any(filters.values())),
    })


@login_required
def order_detail(request, number):
    order = selectors.order_detail(user=request.user, number=number)
    returnable = services.order_returnable_quantities(order=order)
    return render(request, "orders/order_detail.html", {
        "order": order,
        "can_return": any(returnable.values()),
        "return_window_end": services.return_window_end(order=order),
        "returns": order.returns.filter(customer=request.user).order_by("-created_at"),
    })


def _quote_context(order, reason, quantities):
    quote = services.return_quote(order=order, reason=reason, quantities=quantities)
    return {"quote": quote, "fee_if_changed_mind": services.return_fee(
        reason=ReturnReason.CHANGED_MIND)}


@login_required
def return_create(request, number):
    order = access_order(user=request.user, number=number)
    if order.customer_id != request.user.pk:
        # Staff may look at any order, but only its customer asks for a return.
        raise NotFound(number)
    returnable = services.order_returnable_quantities(order=order)
    items = [(item, returnable.get(item.pk, 0)) for item in order.items.all()]
    form = ReturnForm(request.POST or None, request.FILES or None, items=items)
    reason, quantities = "", {}
    if request.method == "POST" and form.is_valid():
        reason, quantities = form.cleaned_data["reason"], form.quantities()
        if "preview" not in request.POST:
            try:
                return_request = services.return_request_create(
                    customer=request.user, order=order, quantities=quantities, reason=reason,
                    description=form.cleaned_data["description"],
                    photos=form.cleaned_data["photos"], ip=client_ip(request),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your return request %(reference)s is registered.")
                                 % {"reference": return_request.reference})
                return redirect("orders:return_detail", return_request.reference)
    elif request.method == "POST":
        reason = request.POST.get("reason", "")
        quantities = {item.pk: _int(request.POST.get(name))
                      for item, _r, name in form.item_fields}
    return render(request, "orders/return_form.html", {
        "order": order, "form": form, "any_returnable": bool(form.item_fields),
        "return_window_end": services.return_window_end(order=order),
        "free_reasons": [str(r) for r in services.FREE_REASONS],
        **_quote_context(order, reason, quantities),
    })


def _int(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def return_list(request):
    return render(request, "orders/return_list.html",
                  {"returns": selectors.return_list(customer=request.user)})


@login_required
def return_detail(request, reference):
    return_request = selectors.return_detail(user=request.user, reference=reference)
    return render(request, "orders/return_detail.html", {
        "return": return_request,
        "can_cancel": (return_request.status == ReturnStatus.REQUESTED
                       and return_request.customer_id == request.user.pk),
        "steps": _steps(return_request),
        "return_address": settings.RETURN_ADDRESS,
    })


def _steps(return_request):
    """The path of the return, each step with its date once reached."""
    reached = {}
    for event in return_request.events.all():
        reached[event.status] = event
    if return_request.status == ReturnStatus.REJECTED:
        path = [ReturnStatus.REQUESTED, ReturnStatus.REJECTED]
    elif return_request.status == ReturnStatus.CANCELLED:
        path = [ReturnStatus.REQUESTED, ReturnStatus.CANCELLED]
    else:
        path = [ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED,
                ReturnStatus.REFUNDED]
    return [{"status": status, "label": status.label, "event": reached.get(status),
             "current": status == return_request.status} for status in path]


@login_required
@require_POST
def return_cancel(request, reference):
    return_request = access_return(user=request.user, reference=reference)
    if return_request.customer_id != request.user.pk:
        raise NotFound(reference)
    try:
        services.return_cancel(return_request=return_request, customer=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your return request is cancelled."))
    return redirect("orders:return_detail", return_request.reference)


@login_required
def return_photo(request, reference, photo_id):
    """Serve a return photo to its owner (or staff): never from a public URL."""
    photo = access_return_photo(user=request.user, reference=reference, photo_id=photo_id)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = content_disposition(
        f"{reference}-{photo.pk}.{photo.extension}", inline=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
