"""The email channel's edges under /email/. The namespace stays ``email``, as the public paths
(the provider's webhook URL) do."""

from django.urls import path

from helpdesk.mail import views

app_name = "email"
urlpatterns = [
    path("inbound/", views.inbound_webhook, name="inbound_webhook"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
]
