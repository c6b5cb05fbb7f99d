"""The orders app's part of erasing a customer (connected to ``customer_erasing``).

Orders and returns stay (amounts, items, statuses: the shop's accounts need them) without the
customer's address, their own words (return descriptions, notes they added) and their photos
(deleted from storage after commit).
"""

from accounts.erasure import ERASED_TEXT, files_delete_on_commit
from orders.models import Order, ReturnEvent, ReturnPhoto, ReturnRequest


def on_customer_erasing(sender, user, email: str, **kwargs) -> None:
    Order.objects.filter(customer=user).exclude(shipping_address="").update(shipping_address="")
    returns = ReturnRequest.objects.filter(customer=user)
    returns.exclude(description="").update(description=ERASED_TEXT)
    ReturnEvent.objects.filter(actor=user).exclude(note="").update(note=ERASED_TEXT)
    photos = ReturnPhoto.objects.filter(return_request__in=returns)
    names = list(photos.values_list("file", flat=True))
    photos.delete()
    files_delete_on_commit(ReturnPhoto._meta.get_field("file").storage, names)
