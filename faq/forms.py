from django import forms
from django.utils.translation import gettext_lazy as _

from faq.services import MAX_COMMENT_LENGTH

MIN_SUGGEST_LENGTH = 2
MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the help center"), max_length=MAX_QUERY_LENGTH,
                        required=False, strip=True)


class SuggestForm(forms.Form):
    q = forms.CharField(min_length=MIN_SUGGEST_LENGTH, max_length=MAX_QUERY_LENGTH, strip=True,
                        error_messages={
                            "required": _("Type at least two characters."),
                            "min_length": _("Type at least two characters."),
                            "max_length": _("The text is too long: at most 200 characters."),
                        })
    lang = forms.CharField(required=False)


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything we should add or change? (optional)"), required=False,
        max_length=MAX_COMMENT_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
    )
