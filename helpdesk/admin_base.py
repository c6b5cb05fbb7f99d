"""Admin bases of the core and its apps: configuration managers edit through a service, and
logs that services write and managers act on through admin actions."""

from django.contrib import admin

from helpdesk.admin_paginator import EstimatedCountPaginator
from helpdesk.services.configuration import configuration_delete, configuration_save


class ConfigurationAdmin(admin.ModelAdmin):
    """Canned replies, business hours, holidays, SLA targets: the form builds the row,
    ``configuration_save`` / ``configuration_delete`` check ``by`` and write it."""

    def save_model(self, request, obj, form, change):
        configuration_save(by=request.user, obj=obj)

    def delete_model(self, request, obj):
        configuration_delete(by=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            configuration_delete(by=request.user, obj=obj)


class ServiceLogAdmin(admin.ModelAdmin):
    """Rows written by services only (the outbox, inbound mail, surveys): viewable, never added,
    edited or deleted; what changes goes through admin actions that call a service (which
    need the change permission)."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        hidden = set(self.exclude or ())
        return [f.name for f in self.model._meta.fields if f.name not in hidden] + list(
            self.readonly_fields)
