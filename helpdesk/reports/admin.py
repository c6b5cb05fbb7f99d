"""SLA targets in the admin, and "Reports" in the admin's app list for those who may read them."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ConfigurationAdmin
from helpdesk.reports.filters import can_view_reports
from helpdesk.reports.models import SlaTarget


@admin.register(SlaTarget)
class SlaTargetAdmin(ConfigurationAdmin):
    """Managers edit the targets; saved through ``configuration_save``."""

    list_display = ["tier", "channel", "first_response_minutes", "resolution_minutes"]
    list_filter = ["tier", "channel"]


# Wrap the site's get_app_list once, so the index and the sidebar link to the dashboard: in
# the reports app's own entry (its SLA targets), or in one of its own for someone who may read
# the reports but not the targets. The app's index URL, /admin/reports/, is the dashboard.
if not getattr(admin.site.get_app_list, "reports_hook", False):
    _original = admin.site.get_app_list

    def _get_app_list(request, app_label=None):
        app_list = _original(request, app_label)
        if app_label is None and can_view_reports(request.user):
            url = reverse("reports:dashboard")
            reports = next((app for app in app_list if app["app_label"] == "reports"), None)
            if reports is None:
                reports = {"name": _("Reports"), "app_label": "reports", "app_url": url,
                           "has_module_perms": True, "models": []}
                app_list.append(reports)
            reports["models"].insert(0, {
                "name": _("Feedback reports"), "object_name": "FeedbackReports",
                "admin_url": url, "add_url": None, "view_only": True,
                "perms": {"view": True}})
        return app_list

    _get_app_list.reports_hook = True
    admin.site.get_app_list = _get_app_list
