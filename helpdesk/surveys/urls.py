"""The survey links under /surveys/."""

from django.urls import path

from helpdesk.surveys import views

app_name = "surveys"
urlpatterns = [
    path("<str:token>/", views.rate, name="rate"),
]
