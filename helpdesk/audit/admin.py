"""The audit log in the admin, for superusers only and read-only; every admin action recorded.

Changes of tracked rows are recorded by their models' signals (``registry``). An admin action
may change rows that are not tracked (the email logs) or read them out (an export), so each
action run is recorded too: which action, on which rows, by whom, from where.
"""

import functools

from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record

MAX_LISTED = 500  # the ids of an action's rows kept in its entry


def _audited(func, name: str, model):
    @functools.wraps(func)
    def action(modeladmin, request, queryset):
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)[:MAX_LISTED + 1]]
        response = func(modeladmin, request, queryset)
        # A page asking for confirmation or a note means the action has not run yet.
        if not isinstance(response, TemplateResponse):
            export = isinstance(response, StreamingHttpResponse) or (
                response is not None and "attachment" in response.get("Content-Disposition", ""))
            audit_record(request=request, model=model,
                         action="admin.export" if export else "admin.action",
                         kind="access" if export else
                         "delete" if name == "delete_selected" else "update",
                         details={"admin_action": name, "objects": pks[:MAX_LISTED],
                                  "more": len(pks) > MAX_LISTED})
        return response

    return action


def audit_admin_actions(site) -> None:
    """Record every action of every model admin registered on ``site`` when it runs."""
    for model, model_admin in site._registry.items():
        original = model_admin.get_actions
        if getattr(original, "audited", False):
            continue

        def get_actions(request, _original=original, _model=model):
            return {name: (_audited(func, name, _model), name, description)
                    for name, (func, _name, description) in _original(request).items()}

        get_actions.audited = True
        model_admin.get_actions = get_actions


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    """Superusers only, whatever permissions anyone holds; nobody edits or deletes entries."""

    # No date_hierarchy: its links come from a SELECT DISTINCT over the whole table.
    date_hierarchy = None
    list_display = ["created", "resource_url", "action", "event", "msg_short", "user_url",
                    "remote_addr"]
    list_filter = ["action", ResourceTypeFilter, "timestamp"]
    # The user model has no first or last name; the actor's email is kept on the entry.
    search_fields = ["object_repr", "actor_email"]
    readonly_fields = ["created", "resource_url", "action", "user_url", "remote_addr", "msg",
                       "event", "details"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "remote_addr", "resource_url"]}),
        (_("Changes"), {"fields": ["action", "event", "msg", "details"]}),
    ]
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("event"))
    def event(self, obj):
        return (obj.additional_data or {}).get("event", "")

    @admin.display(description=_("details"))
    def details(self, obj):
        data = {k: v for k, v in (obj.additional_data or {}).items() if k != "event"}
        return ", ".join(f"{key}: {value}" for key, value in data.items()) or "-"
