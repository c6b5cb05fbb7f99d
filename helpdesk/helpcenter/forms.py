"""The help center's forms: report a problem with an order, reply to a request."""

from django import forms
from django.utils.translation import gettext_lazy

from helpdesk.models import Channel
from helpdesk.services.messages import MAX_BODY_LENGTH
from helpdesk.services.order_problems import OrderProblem


class ReportProblemForm(forms.Form):
    problem = forms.ChoiceField(label=gettext_lazy("What went wrong?"),
                                choices=OrderProblem.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=gettext_lazy("Tell us more"), max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What happened, and what would you like us to do?"),
    )
    # Only a written request for now; the live chat offers "chat now" from this same form.
    channel = forms.ChoiceField(choices=[(Channel.WEB, Channel.WEB.label)], initial=Channel.WEB,
                                widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"), max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
