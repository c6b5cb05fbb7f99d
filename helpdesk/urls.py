from django.contrib import admin
from django.urls import include, path

from helpdesk import healthz, views

admin.site.site_header = "Help desk"
admin.site.site_title = "Help desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
