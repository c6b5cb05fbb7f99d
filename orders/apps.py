from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.signals import customer_erasing


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # Imported here, not at the top: it imports models, which exist once apps are loaded.
        from orders import erasure

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="orders_erasure")
