from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from accounts.signals import customer_erasing
        from orders import erasure

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="orders_erasure")
