"""The pre-chat form."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.choices import Topic
from helpdesk.services.messages import MAX_BODY_LENGTH
from orders.models import Order


class ChatStartForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=Topic.choices)
    order = forms.ModelChoiceField(
        label=gettext_lazy("Order"), queryset=Order.objects.none(), required=False,
        empty_label=gettext_lazy("Not about an order"), to_field_name="number",
    )
    description = forms.CharField(
        label=gettext_lazy("What happened?"), max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "data-suggest": "1"}),
        help_text=gettext_lazy("A sentence or two is enough; we suggest articles as you type."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = Order.objects.filter(customer=user).order_by("-placed_at")
