from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_base import ReadOnlyAdmin, ReadOnlyInline
from orders import services
from orders.access import may_decide_returns
from orders.models import (
    Order,
    OrderItem,
    ReturnEvent,
    ReturnItem,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
    Shipment,
    TrackingEvent,
)

# Orders, shipments and tracking come from the shop and the carriers: read-only for everyone.


class OrderItemInline(ReadOnlyInline, admin.TabularInline):
    model = OrderItem


class ShipmentInline(ReadOnlyInline, admin.TabularInline):
    model = Shipment
    show_change_link = True


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "status", "payment_status", "total", "currency",
                    "placed_at"]
    # A date filter, not date_hierarchy: that runs SELECT DISTINCT date_trunc(...) over every
    # order on each page (docs/decisions 0005).
    list_filter = ["status", "payment_status", "placed_at"]
    search_fields = ["number", "customer__email"]
    list_select_related = ["customer"]
    show_full_result_count = False
    inlines = [OrderItemInline, ShipmentInline]


class TrackingEventInline(ReadOnlyInline, admin.TabularInline):
    model = TrackingEvent


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["tracking_number", "carrier", "order", "status", "estimated_delivery"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "order__number"]
    list_select_related = ["order"]
    inlines = [TrackingEventInline]


class ReturnItemInline(ReadOnlyInline, admin.TabularInline):
    model = ReturnItem
    fields = ["order_item", "quantity"]


class ReturnEventInline(ReadOnlyInline, admin.TabularInline):
    model = ReturnEvent
    fields = ["created_at", "status", "note", "actor"]


class ReturnPhotoInline(ReadOnlyInline, admin.TabularInline):
    model = ReturnPhoto
    fields = ["preview", "content_type", "width", "height", "size"]
    readonly_fields = ["preview"]

    def has_view_permission(self, request, obj=None):
        # Photos belong to the return: whoever may see the return sees its photos.
        return request.user.has_perm("orders.view_returnrequest")

    @admin.display(description=_("photo"))
    def preview(self, obj):
        url = reverse("orders:return_photo", args=[obj.return_request.reference, obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">'
                           '<img src="{}" alt="{}" width="120"></a>', url, url, _("Open photo"))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note to the customer"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    amount = forms.DecimalField(label=_("Refund amount"), required=False, min_value=0,
                                max_digits=12, decimal_places=2)


# action name -> (service, label, status it comes from)
DECISIONS = {
    "approve": (services.return_approve, _("Approve"), ReturnStatus.REQUESTED),
    "reject": (services.return_reject, _("Reject"), ReturnStatus.REQUESTED),
    "receive": (services.return_mark_received, _("Mark as received"), ReturnStatus.APPROVED),
    "refund": (services.return_refund, _("Refund"), ReturnStatus.RECEIVED),
}


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin):
    """Statuses change only through the decisions (which call orders.services), never by
    editing the row, so every change leaves a timeline event and an email."""

    list_display = ["reference", "order", "customer", "status", "reason", "refund_amount",
                    "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["reference", "order__number", "customer__email"]
    list_select_related = ["order", "customer"]
    readonly_fields = ["reference", "order", "customer", "status", "reason", "description",
                       "fee", "refund_amount", "created_at", "updated_at"]
    fields = readonly_fields
    inlines = [ReturnItemInline, ReturnPhotoInline, ReturnEventInline]
    actions = ["approve_selected", "reject_selected", "receive_selected", "refund_selected"]
    change_form_template = "orders/admin/return_change_form.html"
    show_full_result_count = False

    def has_decide_permission(self, request):
        return may_decide_returns(request.user)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/decide/<str:decision>/",
                 self.admin_site.admin_view(self.decide_view),
                 name="{}_{}_decide".format(*info)),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "decisions": [
            (key, label) for key, (_s, label, source) in DECISIONS.items()
            if obj is not None and obj.status == source
        ] if self.has_decide_permission(request) else []}
        return super().change_view(request, object_id, form_url, extra_context)

    def _apply(self, request, queryset, decision):
        """Show the note form; on submit, run the decision's service on each request."""
        service, label, _source = DECISIONS[decision]
        if not self.has_decide_permission(request):
            raise PermissionDenied
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for return_request in queryset:
                kwargs = {"return_request": return_request, "actor": request.user,
                          "note": form.cleaned_data["note"]}
                if decision == "refund" and form.cleaned_data["amount"] is not None:
                    kwargs["amount"] = form.cleaned_data["amount"]
                try:
                    service(**kwargs)
                    done += 1
                except ValidationError as exc:
                    self.message_user(request, f"{return_request}: {' '.join(exc.messages)}",
                                      messages.ERROR)
            if done:
                self.message_user(request, gettext("%(action)s: %(count)d return(s) updated.")
                                  % {"action": label, "count": done}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "orders/admin/decide.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "returns": list(queryset), "decision": decision, "label": label,
            "title": label, "bulk": True,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.action(description=_("Approve selected returns"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self._apply(request, queryset, "approve")

    @admin.action(description=_("Reject selected returns"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self._apply(request, queryset, "reject")

    @admin.action(description=_("Mark selected returns as received"), permissions=["decide"])
    def receive_selected(self, request, queryset):
        return self._apply(request, queryset, "receive")

    @admin.action(description=_("Refund selected returns"), permissions=["decide"])
    def refund_selected(self, request, queryset):
        return self._apply(request, queryset, "refund")

    def decide_view(self, request, object_id, decision):
        if decision not in DECISIONS:
            raise PermissionDenied
        if not self.has_decide_permission(request):
            raise PermissionDenied
        return_request = get_object_or_404(ReturnRequest, pk=object_id)
        service, label, _source = DECISIONS[decision]
        change_url = reverse("admin:orders_returnrequest_change", args=[return_request.pk])
        form = DecisionForm(request.POST if request.method == "POST" else None,
                            initial={"amount": return_request.refund_amount})
        if request.method == "POST" and form.is_valid():
            kwargs = {"return_request": return_request, "actor": request.user,
                      "note": form.cleaned_data["note"]}
            if decision == "refund" and form.cleaned_data["amount"] is not None:
                kwargs["amount"] = form.cleaned_data["amount"]
            try:
                service(**kwargs)
            except ValidationError as exc:
                for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict")
                                      else [(None, exc.messages)]):
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(request, gettext("%(action)s: %(reference)s updated.")
                                  % {"action": label, "reference": return_request.reference},
                                  messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return TemplateResponse(request, "orders/admin/decide.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "returns": [return_request], "decision": decision, "label": label,
            "title": f"{label}: {return_request.reference}", "bulk": False,
            "change_url": change_url, "original": return_request,
        })
