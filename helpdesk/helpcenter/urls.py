"""The help center's pages, included at the site's root (their names have no namespace, but
My requests' are ``requests:``)."""

from django.urls import include, path

from helpdesk.helpcenter import views

request_patterns = ([
    path("", views.request_list, name="list"),
    path("<str:reference>/", views.request_detail, name="detail"),
], "requests")

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/my-data.json", views.my_data, name="my_data"),  # before accounts/
    path("contact/", views.contact, name="contact"),
    path("requests/", include(request_patterns)),
    path("orders/<str:number>/report-problem/", views.report_problem, name="report_problem"),
    path("orders/<str:number>/report-problem/<str:reference>/", views.report_problem_sent,
         name="report_problem_sent"),
]
