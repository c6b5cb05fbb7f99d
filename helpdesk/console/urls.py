"""The agent console under /admin/console/ (namespace ``helpdesk_console``), mounted before the
admin's catch-all; every view goes through ``admin.site.admin_view``."""

from django.contrib import admin
from django.urls import path

from helpdesk.console import inbox, views

app_name = "helpdesk_console"
_v = admin.site.admin_view
urlpatterns = [
    path("", _v(views.console), name="inbox"),
    path("status/", _v(views.set_status), name="status"),
    path("rows/", _v(views.inbox_rows), name="rows"),
    path("views/", _v(inbox.view_save), name="view_save"),
    path("views/<int:pk>/delete/", _v(inbox.view_delete), name="view_delete"),
    path("bulk/", _v(inbox.bulk), name="bulk"),
    path("<str:reference>/", _v(views.conversation_view), name="conversation"),
    path("<str:reference>/resolve/", _v(views.resolve), name="resolve"),
    path("<str:reference>/transfer/", _v(views.transfer), name="transfer"),
    path("<str:reference>/update/", _v(views.update), name="update"),
    path("<str:reference>/take/", _v(inbox.take), name="take"),
    path("<str:reference>/tags/add/", _v(inbox.tag_add), name="tag_add"),
    path("<str:reference>/tags/remove/", _v(inbox.tag_remove), name="tag_remove"),
    path("<str:reference>/erase-customer/", _v(views.erase_customer), name="erase_customer"),
]
