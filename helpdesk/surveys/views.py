"""The one-click survey page. GET shows the form (mail scanners open links: it changes
nothing); POST records the rating through ``survey_answer``."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from common.errors import NotFound
from helpdesk.services.ratings import MAX_COMMENT
from helpdesk.surveys.services import survey_answer, survey_by_token

SCORES = [(5, _("5 - Excellent")), (4, _("4 - Good")), (3, _("3 - Okay")), (2, _("2 - Poor")),
          (1, _("1 - Very poor"))]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your rating"), choices=SCORES, coerce=int,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False,
                              max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 4}))


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def rate(request, token):
    try:
        link = survey_by_token(token=token)
    except NotFound:  # the survey's own page for a dead link, not the generic 404
        return _private(render(request, "surveys/invalid.html", status=404))
    conversation = link.survey.conversation
    if link.answered:
        return _private(render(request, "surveys/thanks.html", {"conversation": conversation}))
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                survey_answer(token=token, score=form.cleaned_data["score"],
                              comment=form.cleaned_data["comment"])
            except NotFound:  # the survey's own page for a dead link, not the generic 404
                return _private(render(request, "surveys/invalid.html", status=404))
            except ValidationError as exc:
                if getattr(exc, "code", "") != "answered":
                    form.add_error(None, exc)
                    return _private(render(request, "surveys/rate.html",
                                           {"form": form, "conversation": conversation},
                                           status=400))
            return redirect(request.path)
        status = 400
    else:
        score = request.GET.get("score", "")
        form = RatingForm(initial={"score": int(score)} if score in {"1", "2", "3", "4", "5"}
                          else {})
        status = 200
    return _private(render(request, "surveys/rate.html",
                           {"form": form, "conversation": conversation}, status=status))
