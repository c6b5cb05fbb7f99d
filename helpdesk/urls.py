from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from helpdesk import healthz

admin.site.site_header = _("Help desk")
admin.site.site_title = _("Help desk")
admin.site.index_title = _("Agent console and administration")
# A 503 instead of a 500 while the database is unavailable.
handler500 = "helpdesk.unavailable.server_error"

urlpatterns = [
    path("healthz", healthz.healthz, name="healthz"),
    # Home, Contact us, My requests, my data, report a problem (before accounts/ and orders).
    path("", include("helpdesk.helpcenter.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/reports/", include("helpdesk.reports.urls")),  # before admin/: its catch-all
    path("admin/console/", include("helpdesk.console.urls")),  # before admin/: its catch-all
    path("admin/", admin.site.urls),
    path("help/", include("faq.urls")),
    path("email/", include("helpdesk.mail.urls")),
    path("surveys/", include("helpdesk.surveys.urls")),
    path("chat/", include("helpdesk.chat.urls")),
    path("", include("orders.urls")),  # /orders/ and /returns/
]
