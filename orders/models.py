import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Unambiguous characters: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def make_reference(prefix: str, length: int = 8) -> str:
    """A random reference that cannot be guessed from another one (about 40 bits)."""
    return prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PROCESSING = "processing", _("Processing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class ProductCategory(models.TextChoices):
    ELECTRONICS = "electronics", _("Electronics")
    HOME = "home", _("Home and kitchen")
    CLOTHING = "clothing", _("Clothing and shoes")
    BEAUTY = "beauty", _("Beauty and health")
    BOOKS = "books", _("Books")
    TOYS = "toys", _("Toys")
    GROCERY = "grocery", _("Grocery")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders",
        verbose_name=_("customer"),
    )
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices,
                              default=OrderStatus.PLACED)
    payment_status = models.CharField(_("payment status"), max_length=20,
                                      choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    payment_method = models.CharField(_("payment method"), max_length=40, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    placed_at = models.DateTimeField(_("placed at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["customer", "-placed_at"], name="order_customer_idx"),
                   # The admin's change list pages newest first (docs/decisions 0005).
                   models.Index(fields=["-placed_at"], name="order_placed_idx")]

    def __str__(self):
        return self.number


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("order"))
    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("product"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=ProductCategory.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                              name="order_item_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} x {self.name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery problem")
    RETURNED = "returned", _("Returned to sender")


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments",
                              verbose_name=_("order"))
    carrier = models.CharField(_("carrier"), max_length=60)
    tracking_number = models.CharField(_("tracking number"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.LABEL_CREATED)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    estimated_delivery = models.DateField(_("estimated delivery"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["id"]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("shipment"))
    occurred_at = models.DateTimeField(_("time"))
    location = models.CharField(_("place"), max_length=120)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.location}: {self.get_status_display()}"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnReason(models.TextChoices):
    DAMAGED = "damaged", _("Arrived damaged")
    DEFECTIVE = "defective", _("Does not work")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    CHANGED_MIND = "changed_mind", _("Changed my mind")


def return_reference():
    return make_reference("RT")


class ReturnRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=16, unique=True,
                                 default=return_reference, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns",
                              verbose_name=_("order"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="returns", verbose_name=_("customer"))
    status = models.CharField(_("status"), max_length=12, choices=ReturnStatus.choices,
                              default=ReturnStatus.REQUESTED)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    description = models.TextField(_("description"), blank=True)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2,
                                        default=0)
    # What the customer pays for the return (zero unless it is their own choice); fixed when
    # the request is made, so a later change of the tariff does not touch open requests.
    fee = models.DecimalField(_("return fee"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference


class ReturnItem(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="items", verbose_name=_("return request"))
    order_item = models.ForeignKey(OrderItem, on_delete=models.PROTECT,
                                   related_name="return_items", verbose_name=_("order item"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        verbose_name = _("returned item")
        verbose_name_plural = _("returned items")
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                              name="return_item_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} x {self.order_item.name}"


class ReturnEvent(models.Model):
    """One step of a return's timeline, with the note the agent left."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="events", verbose_name=_("return request"))
    status = models.CharField(_("status"), max_length=12, choices=ReturnStatus.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.return_request} {self.status}"


def return_photo_path(instance, filename):
    """A random name: nothing of what the customer called the file reaches the disk."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"returns/{secrets.token_hex(4)}/{secrets.token_urlsafe(24)}.{ext}"


class ReturnPhoto(models.Model):
    """A photo attached to a return, already checked and re-encoded (see orders.photos)."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="photos", verbose_name=_("return request"))
    file = models.FileField(_("file"), upload_to=return_photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=20)
    size = models.PositiveIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")
        ordering = ["id"]

    def __str__(self):
        return f"{self.return_request} #{self.pk}"

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
            self.content_type, "bin")
