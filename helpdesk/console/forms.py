"""The console's forms: transfer a conversation, delete a customer's account on request."""

from django import forms
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.erasure import REASON_MAX_LENGTH
from accounts.models import User
from helpdesk.models import Team


class TransferForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                   label=gettext_lazy("Agent"))
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                  label=gettext_lazy("Team"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The agents conversation_transfer accepts, not whoever has a profile.
        self.fields["agent"].queryset = User.objects.filter(
            is_active=True, is_staff=True, groups__name=Role.AGENT).order_by("full_name")


class EraseCustomerForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("How the customer asked for it (e.g. chat of 12 May, email). "
                               "Kept in the audit log."))
    confirm = forms.BooleanField(
        label=gettext_lazy("The customer asked for their account to be deleted; I understand "
                           "this cannot be undone."))
