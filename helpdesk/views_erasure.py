"""An agent deletes a customer's account on the customer's request, from the console.

The customer is reached through a conversation the agent may see (``access_conversation``);
the agent gives a reason (kept in the audit log) and confirms. The erasure itself is
``accounts.erasure.customer_erase``, the same service as the customer's own button.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.erasure import REASON_MAX_LENGTH, ErasureRefused, customer_erase
from helpdesk.admin_console import _conversation, _require_agent


class EraseCustomerForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("How the customer asked for it (e.g. chat of 12 May, email). "
                               "Kept in the audit log."))
    confirm = forms.BooleanField(
        label=gettext_lazy("The customer asked for their account to be deleted; I understand "
                           "this cannot be undone."))


def erase_customer(request, reference):
    _require_agent(request)
    conversation = _conversation(request, reference)
    customer = conversation.customer
    if customer.is_staff or customer.erased_at is not None:
        messages.error(request, _("This account cannot be deleted."))
        return redirect("helpdesk_console:conversation", reference=conversation.reference)
    form = EraseCustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(customer=customer, actor=request.user,
                           reason=form.cleaned_data["reason"])
        except ErasureRefused:
            messages.error(request, _("This account cannot be deleted."))
        else:
            messages.success(request, _("The customer's account was deleted and their personal "
                                        "data erased."))
        return redirect("helpdesk_console:conversation", reference=conversation.reference)
    return render(request, "admin/console/erase_customer.html", {
        **admin.site.each_context(request), "title": _("Delete a customer's account"),
        "conversation": conversation, "customer": customer, "form": form,
    })
