"""Logging a phone call in the console: from a conversation's customer sidebar (the call joins
it while it is going on) or from the inbox (find the customer by email or phone, then the
form). Thin views over ``helpdesk.services.calls``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Topic
from accounts.models import CustomerProfile, User
from common.errors import NotFound
from helpdesk.access import access_conversation, is_support_staff
from helpdesk.models import CallDirection, CallOutcome
from helpdesk.services.calls import MAX_CALL_SECONDS, MAX_NOTES_LENGTH, call_log, customers_lookup
from orders.models import Order

ORDERS_OFFERED = 50


def _require_agent(request):
    if not is_support_staff(request.user):
        raise PermissionDenied


class CallForm(forms.Form):
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=CallDirection.choices)
    phone_number = forms.CharField(label=gettext_lazy("Phone number"), max_length=32)
    minutes = forms.IntegerField(label=gettext_lazy("Minutes"), min_value=0,
                                 max_value=MAX_CALL_SECONDS // 60, initial=0)
    seconds = forms.IntegerField(label=gettext_lazy("Seconds"), min_value=0, max_value=59,
                                 initial=0)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=CallOutcome.choices)
    order = forms.ModelChoiceField(
        label=gettext_lazy("Order concerned"), queryset=Order.objects.none(), required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of this customer's orders.")})
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=Topic.choices,
                              initial=Topic.ORDERS)
    notes = forms.CharField(label=gettext_lazy("Notes (internal)"), required=False,
                            max_length=MAX_NOTES_LENGTH,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, customer, with_topic: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = Order.objects.filter(customer=customer)
        self.fields["order"].choices = [("", "—")] + [
            (o.pk, o.number) for o in customer.orders.order_by("-placed_at")[:ORDERS_OFFERED]]
        if not with_topic:
            del self.fields["topic"]


def _initial(customer) -> dict:
    profile = CustomerProfile.objects.filter(user=customer).first()
    return {"phone_number": profile.phone if profile else "", "minutes": 0, "seconds": 0}


def _log(request, form, *, customer, conversation=None):
    data = form.cleaned_data
    try:
        call = call_log(
            by=request.user, customer=customer, direction=data["direction"],
            phone_number=data["phone_number"],
            duration_seconds=data["minutes"] * 60 + data["seconds"], outcome=data["outcome"],
            notes=data["notes"], order=data["order"], topic=data.get("topic") or "",
            conversation=conversation)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                name = "minutes" if field == "duration" else field
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None
    messages.success(request, _("The call was logged."))
    return redirect("helpdesk_console:conversation", reference=call.conversation.reference)


def _render(request, form, *, customer, conversation=None):
    return render(request, "admin/console/call_form.html", {
        **admin.site.each_context(request), "title": _("Log a call"), "form": form,
        "customer": customer, "conversation": conversation,
    }, status=400 if form.errors else 200)


def log_from_conversation(request, reference):
    _require_agent(request)
    conversation = access_conversation(user=request.user, reference=reference)
    customer = conversation.customer
    form = CallForm(request.POST or None, customer=customer, with_topic=False,
                    initial={**_initial(customer), "order": conversation.order_id})
    if request.method == "POST" and form.is_valid():
        done = _log(request, form, customer=customer, conversation=conversation)
        if done is not None:
            return done
    return _render(request, form, customer=customer, conversation=conversation)


def find_customer(request):
    """GET ?q=<email or phone> -> the customers with exactly that email or phone."""
    _require_agent(request)
    query = request.GET.get("q", "").strip()
    found = customers_lookup(by=request.user, query=query) if query else []
    return render(request, "admin/console/call_find.html", {
        **admin.site.each_context(request), "title": _("Log a call"), "query": query,
        "found": found, "searched": bool(query),
    })


def log_for_customer(request, pk):
    _require_agent(request)
    try:
        customer = User.objects.get(pk=int(pk), is_staff=False, is_active=True,
                                    erased_at__isnull=True)
    except (User.DoesNotExist, ValueError, OverflowError):
        raise NotFound(pk) from None
    form = CallForm(request.POST or None, customer=customer, initial=_initial(customer))
    if request.method == "POST" and form.is_valid():
        done = _log(request, form, customer=customer)
        if done is not None:
            return done
    return _render(request, form, customer=customer)
