from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from helpdesk import healthz, views, views_account, views_contact, views_erasure, views_report

admin.site.site_header = _("Help desk")
admin.site.site_title = _("Help desk")
admin.site.index_title = _("Agent console and administration")
# A 503 instead of a 500 while the database is unavailable.
handler500 = "helpdesk.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/my-data.json", views_account.my_data, name="my_data"),
    path("accounts/", include("accounts.urls")),
    path("admin/reports/", include("helpdesk.reports.urls")),  # before admin/: its catch-all
    path("admin/console/<str:reference>/erase-customer/",
         admin.site.admin_view(views_erasure.erase_customer), name="console_erase_customer"),
    path("admin/console/", include("helpdesk.admin_console")),  # before admin/: its catch-all
    path("admin/", admin.site.urls),
    path("help/", include("faq.urls")),
    path("contact/", views_contact.contact, name="contact"),
    path("email/", include("helpdesk.mail.urls")),
    path("surveys/", include("helpdesk.surveys.urls")),
    path("chat/", include("helpdesk.chat.urls")),
    path("requests/", include("helpdesk.views_requests")),
    path("orders/<str:number>/report-problem/", views_report.report_problem,
         name="report_problem"),
    path("orders/<str:number>/report-problem/<str:reference>/", views_report.report_problem_sent,
         name="report_problem_sent"),
    path("", include("orders.urls")),  # /orders/ and /returns/
]
