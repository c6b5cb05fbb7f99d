"""The admin of configuration managers edit: forms that save and delete through a service."""

from django.contrib import admin

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
