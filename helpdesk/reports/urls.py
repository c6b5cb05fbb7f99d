"""Mounted under /admin/reports/ by helpdesk/urls.py; every view goes through admin_view."""

from django.contrib import admin
from django.urls import path

from helpdesk.reports import views

app_name = "reports"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
    path("conversations/", admin.site.admin_view(views.conversations), name="conversations"),
    path("export/<slug:table>.csv", admin.site.admin_view(views.export), name="export"),
]
