"""Macros in the console: apply one in a conversation, and an agent's own personal macros.

Thin views: each parses its form, reaches the conversation through ``access_conversation`` and
the macro through ``access_macro``, and calls one service (``helpdesk.services.macros``).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.errors import NotFound
from helpdesk.access import access_conversation, is_support_staff
from helpdesk.models import CannedReply, Tag, Team
from helpdesk.services.macros import (
    access_macro,
    macro_actions_summary,
    macro_apply,
    macro_personal_delete,
    macro_personal_save,
    macro_text,
    macro_values,
    macros_for_conversation,
)


def _require_agent(request):
    if not is_support_staff(request.user):
        raise PermissionDenied


def macro_choices(*, user, conversation) -> list[dict]:
    """The macros offered in the conversation view, each with its filled-in text and actions."""
    values = macro_values(conversation, user)
    return [{"id": m.pk, "title": m.title, "shortcut": m.shortcut, "personal": m.owner_id is not None,
             "text": macro_text(m, values), "actions": macro_actions_summary(m)}
            for m in macros_for_conversation(user=user, conversation=conversation)]


@require_POST
def apply(request, reference):
    _require_agent(request)
    conversation = access_conversation(user=request.user, reference=reference)
    try:
        macro = access_macro(user=request.user, pk=request.POST.get("macro"))
    except NotFound:
        messages.error(request, _("Choose a macro from the list."))
        return redirect("helpdesk_console:conversation", reference=conversation.reference)
    body = request.POST.get("body")
    try:
        macro_apply(conversation=conversation, macro=macro, by=request.user, body=body)
    except ValidationError as exc:
        messages.error(request, _("The macro was not applied: %(reason)s")
                       % {"reason": " ".join(exc.messages)})
    else:
        messages.success(request, _("Macro “%(title)s” applied.") % {"title": macro.title})
    return redirect("helpdesk_console:conversation", reference=conversation.reference)


class PersonalMacroForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all(), required=False,
                                          label=gettext_lazy("Add tags"))
    transfer_team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                           label=gettext_lazy("Transfer to team"))

    class Meta:
        model = CannedReply
        fields = ["title", "language", "topic", "body", "set_status", "set_topic",
                  "set_priority", "transfer_team"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "maxlength": 5000})}


def personal_list(request):
    _require_agent(request)
    mine = (CannedReply.objects.filter(owner=request.user).select_related("transfer_team")
            .prefetch_related("tags").order_by("title"))
    rows = [{"macro": m, "actions": macro_actions_summary(m)} for m in mine]
    return render(request, "admin/console/macros.html", {
        **admin.site.each_context(request), "title": _("My macros"), "rows": rows,
    })


def personal_edit(request, pk=None):
    _require_agent(request)
    instance = None
    if pk is not None:
        try:
            instance = access_macro(user=request.user, pk=pk, own=True)
        except NotFound:
            messages.error(request, _("No such macro of yours."))
            return redirect("helpdesk_console:macros")
    initial = {"tags": list(instance.tags.all())} if instance else {}
    form = PersonalMacroForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            macro_personal_save(by=request.user, macro=form.instance,
                                tags=form.cleaned_data["tags"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your macro was saved."))
            return redirect("helpdesk_console:macros")
    return render(request, "admin/console/macro_form.html", {
        **admin.site.each_context(request),
        "title": _("Edit my macro") if instance else _("New personal macro"),
        "form": form, "macro": instance,
    }, status=400 if form.errors else 200)


@require_POST
def personal_delete(request, pk):
    _require_agent(request)
    try:
        macro = access_macro(user=request.user, pk=pk, own=True)
    except NotFound:
        messages.error(request, _("No such macro of yours."))
    else:
        macro_personal_delete(by=request.user, macro=macro)
        messages.success(request, _("Your macro was deleted."))
    return redirect("helpdesk_console:macros")
