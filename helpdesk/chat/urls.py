"""The chat's pages under /chat/ (namespace ``chat``)."""

from django.urls import path

from helpdesk.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.chat_start, name="start"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:reference>/", views.chat_page, name="page"),
    path("<str:reference>/upload/", views.chat_upload, name="upload"),
    path("<str:reference>/rate/", views.chat_rate, name="rate"),
]
