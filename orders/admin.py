from django.contrib import admin

from orders.models import (
    Order,
    OrderItem,
    ReturnEvent,
    ReturnItem,
    ReturnRequest,
    Shipment,
    TrackingEvent,
)


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "status", "payment_status", "total", "currency",
                    "placed_at"]
    list_filter = ["status", "payment_status"]
    search_fields = ["number", "customer__email"]
    list_select_related = ["customer"]
    date_hierarchy = "placed_at"
    raw_id_fields = ["customer"]
    show_full_result_count = False
    inlines = [OrderItemInline, ShipmentInline]


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "carrier", "order", "status", "estimated_delivery"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "order__number"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    inlines = [TrackingEventInline]


class ReturnItemInline(admin.TabularInline):
    model = ReturnItem
    extra = 0
    raw_id_fields = ["order_item"]


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    readonly_fields = ["status", "note", "actor", "created_at"]
    can_delete = False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "order", "customer", "status", "reason", "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["reference", "order__number", "customer__email"]
    list_select_related = ["order", "customer"]
    raw_id_fields = ["order", "customer"]
    inlines = [ReturnItemInline, ReturnEventInline]
